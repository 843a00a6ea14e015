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

    /// <summary>
    /// A coordinated manual failover (CLUSTER FAILOVER) on this primary: hold clients' writes for at most
    /// <paramref name="pauseMs"/> and return the replication offset once no write is in flight any more, which then
    /// stays put. The default (no data) holds nothing.
    /// </summary>
    long PauseWritesForFailover(long pauseMs) => ReplicationOffset;

    /// <summary>
    /// The manual failover ended (this node lost its slots to the replica, or it timed out): let the held writes go.
    /// They are routed again, so the server must release them only after publishing the configuration that caused it.
    /// </summary>
    void ResumeWritesAfterFailover() { }
}
