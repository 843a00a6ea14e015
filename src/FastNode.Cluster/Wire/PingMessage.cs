using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.Wire;

/// <summary>
/// A SWIM probe. Target names who should answer (None when joining, before the target's id is known), so an
/// intermediary's forwarded ping and a restarted node with a new id are told apart.
/// </summary>
public sealed record PingMessage(uint Sequence, NodeId Target, IReadOnlyList<GossipItem> Gossip) : IBusMessage
{
    public MessageType Type => MessageType.Ping;

    public void Write(WireWriter writer)
    {
        writer.U32(Sequence);
        writer.Id(Target);
        GossipCodec.WriteList(writer, Gossip);
    }
}
