namespace FastNode.Cluster.Wire;

/// <summary>
/// Gossip items sent on their own, with no reply expected: how urgent news (a FAIL verdict, a replica that just
/// took over) goes straight to the nodes that must act on it, as Redis broadcasts FAIL and the winner's PONG.
/// </summary>
public sealed record GossipMessage(IReadOnlyList<GossipItem> Gossip) : IBusMessage
{
    public MessageType Type => MessageType.Gossip;

    public void Write(WireWriter writer) => GossipCodec.WriteList(writer, Gossip);
}
