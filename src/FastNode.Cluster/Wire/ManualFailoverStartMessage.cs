namespace FastNode.Cluster.Wire;

/// <summary>
/// A replica asks its primary to start a coordinated manual failover (Redis MFSTART, CLUSTER FAILOVER without
/// options): the primary holds client writes and answers with its final offset (<see cref="ManualFailoverOffsetMessage"/>).
/// </summary>
public sealed record ManualFailoverStartMessage : IBusMessage
{
    public static ManualFailoverStartMessage Instance { get; } = new();

    public MessageType Type => MessageType.ManualFailoverStart;

    public void Write(WireWriter writer) { }
}
