using FastNode.Cluster.State;
using FastNode.Server.Sessions;
using Microsoft.Extensions.Logging;

namespace FastNode.Server.Cluster;

/// <summary>
/// Keeps this server's replication in step with its role in the cluster configuration, exactly as REPLICAOF would:
/// a replica of P (CLUSTER REPLICATE, following a new owner, a restart from nodes.conf, an old primary that lost its
/// slots) replicates from P's announced ip:port; a node promoted to primary stops its link and keeps its data with a
/// new history id, the old one kept as replid2 so its former siblings continue with a partial resync (REPLICAOF NO
/// ONE). The reconfigurations pause writers and close connections, so they run one after another on a worker, never
/// on the cluster thread.
/// <para>A promotion holds the new view back until the link is stopped: no client write is routed here while this
/// server still follows its old primary. Writes are then held (not refused) for the write lease's post-promotion
/// wait, through the pause a FAILOVER uses (standalone FAILOVER is refused in cluster mode).</para>
/// </summary>
public sealed class ReplicationFollower
{
    private readonly ServerState _server;
    private readonly Action<Action> _onClusterThread;
    private readonly ILogger _log;
    private Task _worker = Task.CompletedTask;
    private bool _started;         // off until the dataset is loaded and clients are served
    private string? _requestedHost; // the primary asked for last (null: this node is a primary)
    private int _requestedPort;
    private bool _promoting;       // a promotion is being applied on the worker

    /// <param name="onClusterThread">Runs an action on the cluster thread and republishes the view after it.</param>
    public ReplicationFollower(ServerState server, Action<Action> onClusterThread, ILogger log)
    {
        _server = server;
        _onClusterThread = onClusterThread;
        _log = log;
    }

    /// <summary>Cluster thread: from now on the role is followed (the caller republishes, which applies it).</summary>
    public void Start() => _started = true;

    /// <summary>
    /// Cluster thread, on every publish: starts whatever reconfiguration the snapshot's role asks for. Returns false
    /// while a promotion is being applied, so the host keeps the previous view published until it is done.
    /// </summary>
    /// <param name="writeWaitMs">How long a just-promoted node must still hold writes (the write lease's wait).</param>
    public bool Follow(ClusterSnapshot snapshot, long writeWaitMs)
    {
        if (!_started) return true;
        if (_promoting) return false;
        var me = snapshot.Myself.Config;
        if (me.IsPrimary)
        {
            if (_requestedHost is null) return true;
            _requestedHost = null;
            _promoting = true;
            Enqueue(() =>
            {
                try
                {
                    if (writeWaitMs > 0) _server.Pause.Pause(PausePurpose.Failover, PauseKind.Write, _server.NowMs + writeWaitMs);
                    _server.Replication.BecomePrimary("cluster failover");
                }
                finally
                {
                    _onClusterThread(() => _promoting = false);
                }
            });
            return false;
        }
        var address = snapshot.Find(me.PrimaryId)?.Config.Address;
        if (address is null || address.Ip.Length == 0 || address.Port <= 0) return true;
        if (address.Ip == _requestedHost && address.Port == _requestedPort) return true;
        string host = address.Ip;
        int port = address.Port;
        _requestedHost = host;
        _requestedPort = port;
        Enqueue(() =>
        {
            if (_server.Replication.Link is { } link && link.Host == host && link.Port == port) return;
            _log.LogInformation("Cluster: replicating from {Host}:{Port}", host, port);
            _server.Replication.BecomeReplica(host, port);
        });
        return true;
    }

    private void Enqueue(Action action) =>
        _worker = _worker.ContinueWith(_ =>
        {
            try
            {
                action();
            }
            catch (Exception ex)
            {
                _log.LogError(ex, "Cluster: replication reconfiguration failed");
            }
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
}
