using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.Membership;

/// <summary>A Ping this node sent and has not seen answered yet.</summary>
internal sealed class PendingPing(NodeId target, long sentAt)
{
    public NodeId Target { get; } = target;

    public long SentAt { get; } = sentAt;

    /// <summary>Set when this ping was sent on behalf of another member's PingRequest: who asked, and their sequence.</summary>
    public NodeId RelayFor { get; init; }

    public uint RelaySequence { get; init; }

    public bool NackSent { get; set; }

    /// <summary>No Ack came in time and a full probe of the target was requested.</summary>
    public bool Escalated { get; set; }
}
