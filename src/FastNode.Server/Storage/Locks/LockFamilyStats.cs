namespace FastNode.Server.Storage.Locks;

/// <summary>
/// Counters of one family (locks or semaphores), read by INFO's Locks section and by a metrics endpoint. Each is
/// incremented with one interlocked add on the path that owns the event (no lock is taken); readers see a recent value.
/// </summary>
public sealed class LockFamilyStats
{
    internal long GrantsCount;
    internal long WaitsCount;
    internal long WaitTimeoutsCount;
    internal long ExpirationsCount;
    internal long HandOffsCount;

    /// <summary>Permits granted with a new fencing token (directly or by hand-off; re-entrant acquires excluded).</summary>
    public long Grants => Volatile.Read(ref GrantsCount);
    /// <summary>Acquirers that queued (WAIT) because every permit was held.</summary>
    public long Waits => Volatile.Read(ref WaitsCount);
    /// <summary>Queued acquirers that gave up: their WAIT timed out or their client left.</summary>
    public long WaitTimeouts => Volatile.Read(ref WaitTimeoutsCount);
    /// <summary>Leases that ended because their deadline passed.</summary>
    public long Expirations => Volatile.Read(ref ExpirationsCount);
    /// <summary>Permits handed to a queued acquirer (by a release, an expiry or a cancelled wait).</summary>
    public long HandOffs => Volatile.Read(ref HandOffsCount);
}
