namespace FastNode.Cluster.Wire;

/// <summary>A primary's vote (Redis FAILOVER_AUTH_ACK) for the election held at Epoch.</summary>
public sealed record FailoverAuthAckMessage(long Epoch) : IBusMessage
{
    public MessageType Type => MessageType.FailoverAuthAck;

    public void Write(WireWriter writer) => writer.I64(Epoch);
}
