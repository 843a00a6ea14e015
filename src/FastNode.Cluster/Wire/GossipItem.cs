using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.Wire;

/// <summary>
/// One membership update carried piggy-back on Pings and Acks (SWIM section 4.1, "infection-style dissemination").
/// Every item is about one member (the subject) at one incarnation.
/// </summary>
public abstract record GossipItem(NodeId Subject, long Incarnation)
{
    public abstract GossipKind Kind { get; }

    // Encoded once when first sent, then reused for every retransmission.
    private byte[]? _encoded;

    internal byte[] Encoded => _encoded ??= GossipCodec.Encode(this);
}
