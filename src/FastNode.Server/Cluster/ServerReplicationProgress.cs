using FastNode.Cluster.Failover;
using FastNode.Server.Sessions;

namespace FastNode.Server.Cluster;

/// <summary>
/// What the cluster logic needs from this server's replication (read on the cluster thread): the offset it has
/// processed, which replicas of a failed primary rank themselves by, and how long the link to its primary has been
/// down (cluster-replica-validity-factor). On a primary handing over to a replica (CLUSTER FAILOVER), it holds the
/// clients' writes through the pause a FAILOVER uses.
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

    private bool _resumePending;

    /// <summary>Holds clients' writes (they wait, they are not refused) and returns the offset once none is in flight.</summary>
    public long PauseWritesForFailover(long pauseMs)
    {
        server.Pause.Pause(PausePurpose.Failover, PauseKind.Write, server.NowMs + pauseMs);
        long offset = 0;
        // Writers that passed the pause check before it began finish first; after this the offset cannot move.
        server.Feed.Gate.Pause(() => offset = server.Feed.Offset);
        return offset;
    }

    /// <summary>
    /// Cluster thread: noted only. The held writes are routed again when released, so they must see the configuration
    /// that ended the failover: <see cref="ReleaseAfterPublish"/> lets them go once it is published.
    /// </summary>
    public void ResumeWritesAfterFailover() => _resumePending = true;

    /// <summary>Cluster thread, right after a view is published.</summary>
    public void ReleaseAfterPublish()
    {
        if (!_resumePending) return;
        _resumePending = false;
        server.Pause.Unpause(PausePurpose.Failover);
    }
}
