namespace FastNode.Cluster.Wire;

/// <summary>
/// A primary whose writes are held for a manual failover tells the replica its replication offset, which no longer
/// moves (Redis sends it in pings flagged PAUSED): the replica stands for election once it has processed that much.
/// Sent on every tick while the failover lasts, so a lost frame only delays it.
/// </summary>
public sealed record ManualFailoverOffsetMessage(long Offset) : IBusMessage
{
    public MessageType Type => MessageType.ManualFailoverOffset;

    public void Write(WireWriter writer) => writer.I64(Offset);
}
