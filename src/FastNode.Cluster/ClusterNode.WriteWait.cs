namespace FastNode.Cluster;

public sealed partial class ClusterNode
{
    /// <summary>
    /// After a promotion: how long this node must still refrain from its first write (the write lease's wait for the
    /// previous owner's lease to run out); 0 when writes may go ahead.
    /// </summary>
    public long WriteWaitRemainingMs => Math.Max(0, _acceptWritesFrom - Now);

    /// <summary>
    /// How much longer the write lease holds, in milliseconds, as of now; <see cref="long.MaxValue"/> when this node has
    /// no lease that can run out (not a primary serving slots, or the lease is off). The server stamps its published
    /// view with it, so a stale view cannot outlive the lease. A new owner's import grace counts as lease here, as it
    /// does for cluster_state.
    /// </summary>
    public long LeaseRemainingMs =>
        IAmVoter && Config.IsPrimary && _options.WriteLease
            ? (LeaseDeadline == long.MaxValue ? long.MaxValue : Math.Max(0, LeaseDeadline - Now))
            : long.MaxValue;

    /// <summary>When this primary's right to write runs out: its lease, or a new owner's import grace if later.</summary>
    private long LeaseDeadline => Math.Max(_leaseUntil, _importGraceUntil);
}
