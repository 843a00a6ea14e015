namespace FastNode.Server.Storage.Locks;

/// <summary>
/// The coordination counters of one server (INFO's Locks section, docs/locks.md "Counters"): per family, and for
/// majority-acknowledged changes, fenced writes and rate limiters. Read-only outside the server; every field is a
/// plain long changed with one interlocked add on the path that owns it.
/// </summary>
public sealed class LockStats
{
    internal long MajorityWaitsCount;
    internal long MajorityTimeoutsCount;
    internal long MajorityUnreachableCount;
    internal long FencedWritesCount;
    internal long FencedRejectionsCount;
    internal long LimiterAllowedCount;
    internal long LimiterDeniedCount;

    /// <summary>LOCK.* commands and their grants.</summary>
    public LockFamilyStats Lock { get; } = new();
    /// <summary>SEM.* commands and their grants.</summary>
    public LockFamilyStats Semaphore { get; } = new();

    /// <summary>Lock and semaphore changes whose reply waited for a majority's acknowledgement (lock-replication majority).</summary>
    public long MajorityWaits => Volatile.Read(ref MajorityWaitsCount);
    /// <summary>Of those, the ones not acknowledged within lock-replication-timeout (undone, answered an error).</summary>
    public long MajorityTimeouts => Volatile.Read(ref MajorityTimeoutsCount);
    /// <summary>Changes refused up front because too few replicas were connected to make a majority.</summary>
    public long MajorityUnreachable => Volatile.Read(ref MajorityUnreachableCount);
    /// <summary>LOCK.FENCED writes that ran (their token was the lock's current one).</summary>
    public long FencedWrites => Volatile.Read(ref FencedWritesCount);
    /// <summary>LOCK.FENCED writes refused because their token was stale.</summary>
    public long FencedRejections => Volatile.Read(ref FencedRejectionsCount);
    /// <summary>Rate-limiter requests admitted (CL.THROTTLE, RL.*; RL.MULTI counts once).</summary>
    public long LimiterAllowed => Volatile.Read(ref LimiterAllowedCount);
    /// <summary>Rate-limiter requests refused.</summary>
    public long LimiterDenied => Volatile.Read(ref LimiterDeniedCount);

    /// <summary>The counters of locks (false) or semaphores (true).</summary>
    public LockFamilyStats Family(bool semaphore) => semaphore ? Semaphore : Lock;
}
