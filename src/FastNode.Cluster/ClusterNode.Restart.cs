namespace FastNode.Cluster;

public sealed partial class ClusterNode
{
    /// <summary>
    /// A restart of a known node (its nodes.conf had a myself line): takes a new currentEpoch, without consensus, for
    /// the fencing tokens it grants from now on (docs/locks.md "Token epochs"). Without its RDB or AOF the node cannot
    /// know the last token it granted, so it must start above every epoch it could have used; and since frame headers
    /// spread currentEpoch, any later election gives a winner a configEpoch above this one too. The node's configEpoch
    /// (its slot claims) is left alone: raising that without consensus could win back slots a failover gave away while
    /// the node was down. Returns the new epoch.
    /// </summary>
    public long BeginRestartEpoch()
    {
        _currentEpoch++;
        ConfigVersion++;
        Note($"Restarted: currentEpoch raised to {_currentEpoch} for fencing tokens.");
        return _currentEpoch;
    }
}
