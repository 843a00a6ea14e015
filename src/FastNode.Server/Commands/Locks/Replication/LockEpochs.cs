using FastNode.Server.Cluster;
using FastNode.Server.Persistence;

namespace FastNode.Server.Commands.Locks.Replication;

/// <summary>
/// The epoch in the high bits of fencing tokens (docs/locks.md "Replication and fencing"). Cluster mode: the
/// configEpoch of this node while it is a primary (the cluster raises it on every failover, and it is persisted in
/// nodes.conf). Standalone: a replication epoch, one more than any seen, at every start and every promotion; it reaches
/// the AOF and the replicas as a <c>LOCK.EPOCH n</c> record, and RDB files as the last token (whose high bits hold it),
/// so a replica promoted later starts above it.
/// </summary>
public sealed class LockEpochs(ServerState server)
{
    /// <summary>Start-up, once the dataset is loaded (standalone only).</summary>
    public void OnStart()
    {
        if (server.Options.ClusterEnabled) return;
        server.FencingTokens.BeginNextEpoch();
        // A server about to follow a primary (replicaof) continues that primary's stream from a restored offset: a record
        // of its own would shift it. It grants nothing until promoted, which records the epoch then.
        if (server.Options.ReplicaOf.Length == 0) Record();
    }

    /// <summary>REPLICAOF NO ONE or a FAILOVER made this server a primary (standalone), with writers paused.</summary>
    public void OnPromoted()
    {
        if (server.Options.ClusterEnabled) return;
        server.FencingTokens.BeginNextEpoch();
    }

    /// <summary>
    /// A cluster node restarted with its nodes.conf (before the dataset loads): its tokens carry at least the new
    /// currentEpoch it took (ClusterNode.BeginRestartEpoch), so they exceed what it granted before even when it
    /// restarts without persistence.
    /// </summary>
    public void OnClusterRestart(long epoch) => server.FencingTokens.RaiseEpoch(epoch);

    /// <summary>A new cluster view (cluster thread): a primary's tokens carry at least its configEpoch.</summary>
    public void OnClusterView(ClusterView view)
    {
        var myself = view.Snapshot.Myself;
        if (myself.IsPrimary) server.FencingTokens.RaiseEpoch(myself.Config.ConfigEpoch);
    }

    /// <summary>Writes <c>LOCK.EPOCH n</c> to the change feed (AOF, replicas) as a writer, when something consumes it.</summary>
    public void Record()
    {
        var feed = server.Feed;
        bool ordered = feed.Gate.Enter();
        try
        {
            if (!feed.Active) return;
            var record = new ChangeRecord(2);
            record.Add("LOCK.EPOCH"u8);
            record.Add(server.FencingTokens.Epoch);
            feed.Append(0, ref record);
        }
        finally
        {
            feed.Gate.Exit(ordered);
        }
    }
}
