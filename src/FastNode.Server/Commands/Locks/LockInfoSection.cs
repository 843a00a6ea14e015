using FastNode.Server.Commands.Server;
using FastNode.Server.Storage.Locks;

namespace FastNode.Server.Commands.Locks;

/// <summary>INFO's "# Locks" section: the lock service's settings, epoch and counters (docs/locks.md "Counters").</summary>
public static class LockInfoSection
{
    public static void Write(InfoWriter info, ServerState server)
    {
        var stats = server.Locks.Stats;
        var options = server.Options.LockReplication;
        var replication = server.LockReplication;
        info.Section("Locks")
            .Line("lock_replication", options.Majority ? "majority" : "async")
            .Line("lock_replication_timeout", options.TimeoutMs)
            .Line("lock_listed_replicas", server.Replication.IsReplica ? 0 : replication.ListedReplicas(server.Replication))
            .Line("lock_acks_needed", replication.AcksNeeded())
            .Line("lock_epoch", server.FencingTokens.Epoch)
            .Line("lock_last_token", server.FencingTokens.Last);
        Family(info, "lock", stats.Lock);
        Family(info, "sem", stats.Semaphore);
        info.Line("lock_majority_waits", stats.MajorityWaits)
            .Line("lock_majority_timeouts", stats.MajorityTimeouts)
            .Line("lock_majority_unreachable", stats.MajorityUnreachable)
            .Line("lock_fenced_writes", stats.FencedWrites)
            .Line("lock_fenced_rejections", stats.FencedRejections)
            .Line("ratelimit_allowed", stats.LimiterAllowed)
            .Line("ratelimit_denied", stats.LimiterDenied);
    }

    private static void Family(InfoWriter info, string prefix, LockFamilyStats family) =>
        info.Line(prefix + "_grants", family.Grants)
            .Line(prefix + "_waits", family.Waits)
            .Line(prefix + "_wait_timeouts", family.WaitTimeouts)
            .Line(prefix + "_expirations", family.Expirations)
            .Line(prefix + "_handoffs", family.HandOffs);
}
