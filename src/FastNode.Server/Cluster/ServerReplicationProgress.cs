using FastNode.Cluster.Failover;

namespace FastNode.Server.Cluster;

/// <summary>
/// What the cluster logic needs from this server's replication (read on the cluster thread): the offset it has
/// processed, which replicas of a failed primary rank themselves by, and how long the link to its primary has been
/// down (cluster-replica-validity-factor).
/// </summary>
public sealed class ServerReplicationProgress(ServerState server) : IReplicationProgress
{
    /// <summary>master_repl_offset on a primary, the processed offset (slave_repl_offset) on a replica: the same number.</summary>
    public long ReplicationOffset => server.Feed.Offset;

    /// <summary>Null while the link is up or this server is a primary; otherwise the time since it went down.</summary>
    public TimeSpan? PrimaryLinkDownFor
    {
        get
        {
            if (server.Replication.Link is not { Up: false } link) return null;
            long since = link.DownSinceMs;
            return since <= 0 ? null : TimeSpan.FromMilliseconds(Math.Max(0, server.NowMs - since));
        }
    }
}
