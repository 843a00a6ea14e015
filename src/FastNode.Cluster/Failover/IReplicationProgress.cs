namespace FastNode.Cluster.Failover;

/// <summary>
/// What the cluster needs from replication; the server implements it. Read on the cluster thread, so values only
/// need to be recent, not exact.
/// </summary>
public interface IReplicationProgress
{
    /// <summary>The replication offset this node has processed (master_repl_offset on a primary). Replicas of a
    /// failed primary rank themselves by it: the most up to date one stands for election first.</summary>
    long ReplicationOffset { get; }

    /// <summary>On a replica: how long the link to its primary has been down; null when up (or on a primary).</summary>
    TimeSpan? PrimaryLinkDownFor { get; }
}
