namespace FastNode.Cluster.Wire;

/// <summary>
/// Lifeguard's negative ack: an intermediary tells the requester that it is alive but heard nothing from the target.
/// A requester that gets neither Ack nor Nack learns that its own links are the problem.
/// </summary>
public sealed record NackMessage(uint Sequence) : IBusMessage
{
    public MessageType Type => MessageType.Nack;

    public void Write(WireWriter writer) => writer.U32(Sequence);
}
