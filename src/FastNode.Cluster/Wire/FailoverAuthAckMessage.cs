namespace FastNode.Cluster.Wire;

/// <summary>
/// A primary's vote (Redis FAILOVER_AUTH_ACK) for the election held at Epoch. GrantAgeMs says how long ago the voter
/// last granted a write lease to the primary being replaced (<see cref="NeverGranted"/> when it never did): the winner
/// waits only until the last such grant could have kept the old primary writing (docs/cluster.md, "Write lease").
/// The field trails the epoch and may be absent (a frame from before it existed), which reads as "granted just now".
/// </summary>
public sealed record FailoverAuthAckMessage(long Epoch, long GrantAgeMs = 0) : IBusMessage
{
    /// <summary>The age reported for a primary this voter never granted a lease to (any age past the window will do).</summary>
    public const long NeverGranted = int.MaxValue;

    public MessageType Type => MessageType.FailoverAuthAck;

    public void Write(WireWriter writer)
    {
        writer.I64(Epoch);
        writer.I64(Math.Clamp(GrantAgeMs, 0, NeverGranted));
    }
}
