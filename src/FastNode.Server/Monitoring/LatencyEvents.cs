namespace FastNode.Server.Monitoring;

/// <summary>
/// The names of the latency monitor's events, as Redis 7.0 names them (LATENCY LATEST/HISTORY/RESET). Only the
/// events with a FastNode counterpart are recorded; docs/monitoring.md lists which and where.
/// </summary>
public static class LatencyEvents
{
    /// <summary>A command (not flagged fast) that took at least latency-monitor-threshold.</summary>
    public const string Command = "command";

    /// <summary>A fast command (O(1) or O(log N)) that took at least the threshold.</summary>
    public const string FastCommand = "fast-command";

    /// <summary>One run of the cron's active expiry cycle (ActiveExpiryCycle).</summary>
    public const string ExpireCycle = "expire-cycle";

    /// <summary>One round of eviction, before a command or from the cron, while used_memory is over maxmemory.</summary>
    public const string EvictionCycle = "eviction-cycle";

    /// <summary>One write of change records to the incremental AOF file (the AOF writer's thread).</summary>
    public const string AofWrite = "aof-write";

    /// <summary>An fsync of the AOF under appendfsync always (the replies of the writes wait for it).</summary>
    public const string AofFsyncAlways = "aof-fsync-always";

    /// <summary>
    /// The pause of every writer that fixes a snapshot's point (BGSAVE, full sync, AOF rewrite): what takes fork's
    /// place in FastNode, which snapshots without a child process.
    /// </summary>
    public const string Fork = "fork";
}
