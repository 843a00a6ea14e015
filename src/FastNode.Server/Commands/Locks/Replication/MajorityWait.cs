using FastNode.Server.Blocking;

namespace FastNode.Server.Commands.Locks.Replication;

/// <summary>
/// A reply parked until <see cref="Needed"/> replicas acknowledged the stream up to <see cref="Offset"/>
/// (lock-replication majority): a lock change (<see cref="LockAckWait"/>) or a rate limiter's admission
/// (<see cref="RateLimit.LimiterAckWait"/>). <see cref="LockReplication"/> completes it on the ACK that brings the count up.
/// </summary>
public abstract class MajorityWait(long deadlineMs, long offset, int needed) : BlockedCommand(deadlineMs)
{
    /// <summary>The stream offset just after the change's record.</summary>
    public long Offset { get; } = offset;

    /// <summary>Replica acknowledgements that make a majority of the copies with the primary.</summary>
    public int Needed { get; } = needed;
}
