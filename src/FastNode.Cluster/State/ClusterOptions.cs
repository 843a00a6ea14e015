using FastNode.Cluster.Membership;
using FastNode.Cluster.Wire;

namespace FastNode.Cluster.State;

/// <summary>Cluster settings; Redis names where Redis has the setting. Times are milliseconds.</summary>
public sealed record ClusterOptions
{
    /// <summary>Frames carry a hash of this name; frames of another cluster are dropped.</summary>
    public string ClusterName { get; init; } = "fastnode";

    /// <summary>Optional shared secret: every frame then carries an HMAC-SHA256 and frames without a valid one are dropped.</summary>
    public byte[]? Secret { get; init; }

    /// <summary>cluster-node-timeout: how long a node may be unreachable before it can be marked FAIL.</summary>
    public int NodeTimeoutMs { get; init; } = 15000;

    /// <summary>cluster-replica-validity-factor: a replica whose link has been down longer than
    /// node-timeout × this factor does not stand for election (0 = always may). Settable: the server applies CONFIG SET
    /// on the cluster thread.</summary>
    public int ReplicaValidityFactor { get; set; } = 10;

    /// <summary>cluster-migration-barrier: a replica moves to an orphaned primary only if its own keeps more than this
    /// many working replicas. Settable, like the validity factor.</summary>
    public int MigrationBarrier { get; set; } = 1;

    /// <summary>cluster-allow-replica-migration: replicas move to orphaned primaries, and a primary emptied by resharding
    /// (and its replicas) follows the node that took its last slot. Settable.</summary>
    public bool AllowReplicaMigration { get; set; } = true;

    /// <summary>cluster-require-full-coverage: cluster_state is fail while any slot has no live owner.</summary>
    public bool RequireFullCoverage { get; init; } = true;

    /// <summary>
    /// A primary accepts writes only while a majority of primaries granted it a lease within this window, and a
    /// promoted replica waits this long before its first write (see docs/cluster.md, "Write lease"). Must not exceed
    /// node-timeout. Default: node-timeout / 2, at most 2 s (renewals cost quorum + 1 pings per half window).
    /// </summary>
    public int? LeaseWindowMs { get; init; }

    /// <summary>
    /// Keep the write lease (on by default). Off, a primary's cluster_state follows Redis's rule alone (a majority of
    /// primaries not suspected), which costs no lease pings but can let a cut-off primary accept writes for up to
    /// node-timeout after a replica elsewhere was promoted, as in Redis.
    /// </summary>
    public bool WriteLease { get; init; } = true;

    /// <summary>Redis's election delay: fixed part, random part, and per rank (rank 0 = best replication offset).</summary>
    public int ElectionFixedDelayMs { get; init; } = 500;
    public int ElectionRandomDelayMs { get; init; } = 500;
    public int ElectionRankDelayMs { get; init; } = 1000;

    /// <summary>How many nodes count failure reports for a suspect (chosen by rendezvous hash, so reporters agree).</summary>
    public int FailureReportCounters { get; init; } = 3;

    /// <summary>A config digest mismatch that lasts this long triggers a state sync with the peer.</summary>
    public int SyncAfterMismatchMs { get; init; } = 3000;

    /// <summary>At most one state sync started per this many milliseconds.</summary>
    public int SyncCooldownMs { get; init; } = 5000;

    public MembershipOptions Membership { get; init; } = new();

    public FrameLimits Limits { get; init; } = FrameLimits.Default;

    public int EffectiveLeaseWindowMs => LeaseWindowMs ?? Math.Min(NodeTimeoutMs / 2, 2000);

    /// <summary>Redis: failure reports older than node-timeout × 2 no longer count.</summary>
    public int FailureReportValidityMs => NodeTimeoutMs * 2;

    /// <summary>Redis: an election gives up after max(2 × node-timeout, 2 s), and a new one waits twice that.</summary>
    public int ElectionTimeoutMs => Math.Max(NodeTimeoutMs * 2, 2000);

    /// <summary>A primary that voted against another withholds lease grants from it this long at most (or until
    /// the replaced primary's config shows it gave up the slots).</summary>
    public int GrantWithdrawalMs => ElectionTimeoutMs * 4;
}
