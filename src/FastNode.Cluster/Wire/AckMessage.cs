namespace FastNode.Cluster.Wire;

/// <summary>The answer to a Ping (or, relayed by an intermediary, to a PingRequest), with gossip piggy-backed.</summary>
public sealed record AckMessage(uint Sequence, IReadOnlyList<GossipItem> Gossip) : IBusMessage
{
    public MessageType Type => MessageType.Ack;

    public void Write(WireWriter writer)
    {
        writer.U32(Sequence);
        GossipCodec.WriteList(writer, Gossip);
    }
}
