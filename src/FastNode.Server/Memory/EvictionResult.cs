namespace FastNode.Server.Memory;

/// <summary>What one round of eviction achieved (Redis's EVICT_OK / EVICT_RUNNING / EVICT_FAIL).</summary>
public enum EvictionResult
{
    /// <summary>Under maxmemory (or no limit applies).</summary>
    Ok,
    /// <summary>Still over, but keys are going: the time budget ran out; the next command or the cron goes on.</summary>
    Running,
    /// <summary>Over, and nothing can be evicted (noeviction, or no key the policy may take): writes get OOM.</summary>
    Fail,
}
