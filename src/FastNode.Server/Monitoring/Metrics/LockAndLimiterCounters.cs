namespace FastNode.Server.Monitoring.Metrics;

/// <summary>
/// The hook for the lock service and the rate limiters to report to /metrics: they add to these fields (Interlocked)
/// and the endpoint exports them as fastnode_lock_*_total and fastnode_ratelimit_*_total. Until those commands count
/// here the series stay at 0 (docs/monitoring.md says so).
/// </summary>
public sealed class LockAndLimiterCounters
{
    public long LockGrants;
    public long LockWaits;
    public long LockTimeouts;
    public long LockExpirations;
    public long LockHandoffs;
    public long RateLimitAllowed;
    public long RateLimitDenied;
}
