using FastNode.Server.Config;
using FastNode.Server.Network;
using Microsoft.Extensions.Logging;

namespace FastNode.Server;

/// <summary>
/// A whole FastNode server without the generic host: state, listener and cron. Program wraps it in
/// Microsoft.Extensions.Hosting; tests start it in-process on port 0.
/// </summary>
public sealed class ServerHost : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _cron = Task.CompletedTask;
    private bool _stopped;
    private bool _bound;
    private bool _loaded;

    public ServerHost(ServerOptions options, TimeProvider? time = null, ILoggerFactory? loggers = null,
        IEnumerable<KeyValuePair<string, string>>? settings = null)
    {
        State = new ServerState(options, time, loggers, settings);
        Listener = new Listener(State);
        // SHUTDOWN runs on a connection's thread: stop from the thread pool so that connection can finish its reply.
        State.ShutdownHandler = () => _ = Task.Run(StopAsync);
    }

    public ServerState State { get; }
    public Listener Listener { get; }

    /// <summary>The bound TCP port.</summary>
    public int Port => State.BoundPort;

    /// <summary>The bound TLS port (0 while tls-port is 0).</summary>
    public int TlsPort => State.Tls.BoundPort;

    /// <summary>Binds every address (throws SocketException if the port is taken) without accepting yet.</summary>
    public void Bind()
    {
        if (_bound) return;
        // TLS first: a missing or bad certificate stops start-up before any port is bound (Network.Tls.TlsConfigException).
        State.Tls.Configure();
        Listener.Bind();
        _bound = true;
        // Cluster mode: nodes.conf is read (a corrupt one throws ClusterConfigException) and the bus port bound now,
        // once the client port is known (the bus port defaults to it + 10000).
        if (State.Options.ClusterEnabled) State.Cluster = FastNode.Server.Cluster.ClusterHost.Start(State);
        // metrics-port: the Prometheus endpoint (a port in use fails start-up like the client port).
        _metrics = Monitoring.Metrics.MetricsEndpoint.Start(State);
    }

    private Monitoring.Metrics.MetricsEndpoint? _metrics;

    /// <summary>The /metrics endpoint's URL, or null while metrics-port is 0.</summary>
    public string? MetricsUrl => _metrics?.Url;

    /// <summary>
    /// Loads the dataset from disk before any client is served: with appendonly yes the AOF (and from then on every write
    /// is appended). Throws <see cref="Persistence.Aof.AofLoadException"/> when the files cannot be loaded.
    /// </summary>
    public async Task LoadAsync()
    {
        if (_loaded) return;
        _loaded = true;
        if (State.Options.AppendOnly) await State.Aof.StartAsync().ConfigureAwait(false);
    }

    /// <summary>Binds if not done yet, loads the dataset if not done yet, and starts accepting clients.</summary>
    public void Start()
    {
        Bind();
        LoadAsync().GetAwaiter().GetResult();
        // Standalone: every start is a new epoch of fencing tokens (above any loaded from disk).
        State.LockEpochs.OnStart();
        Listener.Start();
        // replicaof in the config file or --replicaof host port: follow that primary from the start.
        if (State.Options.ReplicaOf.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var host, var port])
            State.Replication.BecomeReplica(host, int.Parse(port, System.Globalization.CultureInfo.InvariantCulture));
        // Cluster mode: replication follows the node's role in the cluster configuration (a replica in nodes.conf
        // starts replicating now, once the dataset is loaded).
        State.Cluster?.StartFollowingRole();
        _cron = new ServerCron(State).RunAsync(_stopping.Token);
    }

    /// <summary>Stops accepting, finishes replies in flight, closes every client.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        _stopping.Cancel();
        await Listener.StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        await _cron.ConfigureAwait(false);
        State.Replication.Link?.Stop();
        State.Cluster?.Dispose();
        _metrics?.Dispose();
        // As Redis on shutdown: what the AOF has pending is written and synced.
        State.Aof.FlushAndClose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
