namespace FastNode.Cluster;

public sealed partial class ClusterNode
{
    /// <summary>
    /// After a promotion: how long this node must still refrain from its first write (the write lease's wait for the
    /// previous owner's lease to run out); 0 when writes may go ahead.
    /// </summary>
    public long WriteWaitRemainingMs => Math.Max(0, _acceptWritesFrom - Now);
}
