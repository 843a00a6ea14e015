using System.Diagnostics;
namespace FastNode.Server.Expiry;

/// <summary>
/// Reclaims expired keys nobody touches, as Redis's activeExpireCycle does: each tick samples keys that have a
/// TTL in every shard, deletes the expired ones, and samples that shard again while more than a quarter of the
/// sample had expired. Work per tick is capped by a time budget, and each shard lock is held for one sample only.
/// </summary>
public sealed class ActiveExpiryCycle(ServerState server)
{
    /// <summary>Keys tested per shard per round (Redis ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP).</summary>
    public const int SamplesPerRound = 20;

    private int _nextDb;

    /// <summary>Runs one tick within <paramref name="budget"/>. Returns the number of keys deleted.</summary>
    public long Run(TimeSpan budget)
    {
        if (!server.ActiveExpireEnabled) return 0;
        long deadline = Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * Stopwatch.Frequency);
        long deleted = 0;
        int dbCount = server.DatabaseCount;
        for (int d = 0; d < dbCount; d++)
        {
            var db = server.Database((_nextDb + d) % dbCount);
            if (db.ExpiryHeld) continue;   // loading or a replica (expiries arrive as DELs in the stream), or writes paused
            for (int s = 0; s < db.ShardCount; s++)
            {
                while (true)
                {
                    int expired = db.ExpireSample(s, server.NowMs, SamplesPerRound);
                    if (expired < 0) break;
                    deleted += expired;
                    if (Stopwatch.GetTimestamp() > deadline)
                    {
                        _nextDb = (_nextDb + d) % dbCount;
                        return deleted;
                    }
                    if (expired <= SamplesPerRound / 4) break;
                }
            }
        }
        return deleted;
    }
}
