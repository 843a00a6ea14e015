using System.Collections.Concurrent;
using System.Net;
using System.Text;
using FastNode.Cluster;
using FastNode.Cluster.Config;
using FastNode.Cluster.Nodes;
using FastNode.Cluster.State;
using FastNode.Cluster.Wire;
using FastNode.Server.Config;
using Microsoft.Extensions.Logging;

namespace FastNode.Server.Cluster;

/// <summary>
/// The server side of cluster mode: one thread owns the <see cref="ClusterNode"/> (which is single-threaded) and runs
/// everything that touches it: <c>Tick</c> every 100 ms, <c>Receive</c> for each frame the bus reads, and the CLUSTER
/// commands that change configuration (<see cref="Invoke{T}"/>, which the calling connection waits for). After each of
/// these it publishes an immutable <see cref="ClusterView"/> for the other threads and, when
/// <see cref="ClusterNode.ConfigVersion"/> moved, rewrites nodes.conf atomically.
/// </summary>
public sealed partial class ClusterHost : IDisposable
{
    private const int TickMs = 100;

    private readonly BlockingCollection<Action> _work = new(new ConcurrentQueue<Action>(), 65536);
    private readonly ClusterOptions _clusterOptions;
    private readonly Random _random;
    private ClusterNode _node;   // replaced only by CLUSTER RESET, on the cluster thread
    private readonly TcpBusTransport _transport;
    private readonly ILogger _log;
    private readonly Thread _thread;
    private readonly ReplicationFollower _follower;
    private readonly ServerReplicationProgress _progress;
    private readonly ServerOptions _options;
    private readonly Commands.Locks.Replication.LockEpochs _lockEpochs;   // fencing tokens carry this node's configEpoch
    private volatile ClusterView _view;
    private readonly StaleSlotKeys _staleKeys;   // deletes the keys of slots lost to a higher configEpoch
    private volatile bool _stopping;
    private long _savedVersion = -1;

    private ClusterHost(ServerState server, string path, NodesConf? conf)
    {
        var options = server.Options;
        _lockEpochs = server.LockEpochs;
        _log = server.Loggers.CreateLogger("FastNode.Cluster");
        ConfigPath = path;
        var clusterOptions = new ClusterOptions
        {
            NodeTimeoutMs = Math.Max(1, options.ClusterNodeTimeout),
            RequireFullCoverage = options.ClusterRequireFullCoverage,
            Secret = options.ClusterBusSecret.Length > 0 ? Encoding.UTF8.GetBytes(options.ClusterBusSecret) : null,
            ReplicaValidityFactor = options.ClusterReplicaValidityFactor,
            MigrationBarrier = options.ClusterMigrationBarrier,
            AllowReplicaMigration = options.ClusterAllowReplicaMigration,
        };
        _options = options;
        _clusterOptions = clusterOptions;
        var codec = new BusFrameCodec(BusFrameCodec.ClusterIdOf(clusterOptions.ClusterName), clusterOptions.Secret, clusterOptions.Limits);
        var bindAddress = BindAddress(options.Bind);
        int busPort = options.ClusterPort != 0 ? options.ClusterPort : DefaultBusPort(server);
        _tls = server.Tls;
        _transport = new TcpBusTransport(bindAddress, busPort, codec, _log, server.Tls, options.Tls);
        _boundIp = bindAddress.Equals(IPAddress.Any) ? "127.0.0.1" : bindAddress.ToString();
        _boundPort = server.BoundPort;
        var address = Announced(options);
        var random = _random = new Random();
        NodeId id;
        NodeConfig config;
        if (conf?.Myself is { } myself)
        {
            id = myself.Id;
            config = NodesConfMapping.ToConfig(myself) with { Address = address };
        }
        else
        {
            id = NodeId.NewRandom(random);
            config = NodeConfig.NewPrimary(address, shardId: id);
        }
        _progress = new ServerReplicationProgress(server);
        _staleKeys = new StaleSlotKeys(server, () => _view, _log);
        _node = new ClusterNode(id, config, clusterOptions, _transport, TimeProvider.System, random, _progress);
        _follower = new ReplicationFollower(server, action => Post(() =>
        {
            action();
            Publish();
        }), _log);
        if (conf is not null)
        {
            _node.Seed(NodesConfMapping.OtherMembers(conf));
            _node.RestoreEpochs(conf.CurrentEpoch, conf.LastVoteEpoch);
            if (conf.Myself is { } line) _node.RestoreMigrations(line.Migrating, line.Importing);
            // A restart: fencing tokens start above anything this node may have granted before (LockEpochs).
            if (conf.Myself is not null) _lockEpochs.OnClusterRestart(_node.BeginRestartEpoch());
        }
        _view = new ClusterView(_node.Snapshot);
        _lockEpochs.OnClusterView(_view);
        _transport.FrameReceived = (frame, link) => PostFrame(frame, () =>
        {
            var rejection = _node.Receive(frame);
            if (rejection == FrameRejection.None) link.Accepted(frame);
            else
            {
                _transport.LogRejection(rejection);
                link.Close();
            }
        });
        _thread = new Thread(Run) { IsBackground = true, Name = "cluster" };
        AttachServer(server);
    }

    /// <summary>nodes.conf's full path.</summary>
    public string ConfigPath { get; }

    /// <summary>The latest published view (never null; read it once per command).</summary>
    public ClusterView View => _view;

    /// <summary>The bound bus port.</summary>
    public int BusPort => _transport.Port;

    /// <summary>Frames and bytes on the bus (CLUSTER INFO); counters written by the cluster thread, read racily.</summary>
    public ClusterStats Stats => _node.Stats;

    /// <summary>
    /// Reads nodes.conf (a missing or empty file is a fresh node), binds the bus port and starts the cluster thread.
    /// Throws <see cref="ClusterConfigException"/> for a corrupt file (the message names it) and SocketException when
    /// the bus port is taken.
    /// </summary>
    public static ClusterHost Start(ServerState server)
    {
        string path = Path.Combine(server.Options.Dir, server.Options.ClusterConfigFile);
        NodesConf? conf = null;
        if (File.Exists(path))
        {
            string text;
            try
            {
                text = File.ReadAllText(path, Encoding.UTF8);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ClusterConfigException($"{path}: {ex.Message}");
            }
            if (!NodesConfFile.TryParse(text, out conf, out string error)) throw new ClusterConfigException($"{path}: {error}");
            if (conf is not null && conf.Nodes.Count > 0 && conf.Myself is null)
                throw new ClusterConfigException($"{path}: no line is flagged myself");
        }
        var host = new ClusterHost(server, path, conf);
        host.Save();
        host._transport.Start();
        host._thread.Start();
        host.StartPlacement(server);
        host._log.LogInformation("Cluster mode: node {Id}, bus port {BusPort}, config {Path}", host._node.Id, host.BusPort, path);
        return host;
    }

    /// <summary>
    /// Runs <paramref name="action"/> on the cluster thread and waits for it (CLUSTER commands that change configuration);
    /// the view is republished and nodes.conf saved before this returns.
    /// </summary>
    public T Invoke<T>(Func<ClusterNode, T> action)
    {
        T result = default!;
        Exception? failure = null;
        using var done = new ManualResetEventSlim();
        Post(() =>
        {
            try
            {
                result = action(_node);
                // The slot map and cluster_state are derived on a tick: run one now so the reply's effect is visible
                // to the very next command (the timers in it only act when due, so an extra tick is harmless).
                _node.Tick();
                Publish();
            }
            catch (Exception ex)
            {
                failure = ex;
            }
            finally
            {
                done.Set();
            }
        });
        if (!done.Wait(TimeSpan.FromSeconds(10))) throw new TimeoutException("the cluster thread did not answer");
        if (failure is not null) throw new InvalidOperationException(failure.Message, failure);
        return result;
    }

    /// <summary>CLUSTER SAVECONFIG: writes nodes.conf now, on the cluster thread. Null, or the error text.</summary>
    public string? SaveNow() => Invoke(_ =>
    {
        try
        {
            Save();
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }
    });

    /// <summary>Once the dataset is loaded and clients are served: replication follows the node's cluster role from now on.</summary>
    public void StartFollowingRole() => Post(() =>
    {
        _follower.Start();
        _staleKeys.Start();
        Publish();
    });

    private void Post(Action action)
    {
        if (!_stopping) _work.TryAdd(action);
    }

    private void Run()
    {
        long nextTick = Environment.TickCount64;
        while (!_stopping)
        {
            try
            {
                if (Environment.TickCount64 >= nextTick)
                {
                    ApplyAnnouncedAddress();
                    ApplySettings();
                    _node.Tick();
                    LogElections();
                    nextTick = Environment.TickCount64 + TickMs;
                    Publish();
                }
                int wait = (int)Math.Clamp(nextTick - Environment.TickCount64, 0, TickMs);
                // Configuration and membership frames first; pub/sub traffic (the second queue) only when they are done.
                if (BlockingCollection<Action>.TryTakeFromAny(_queues, out var item, wait) >= 0)
                {
                    long before = _node.ConfigVersion;
                    item!();
                    if (_node.ConfigVersion != before) Publish();
                    LogElections();
                }
            }
            catch (Exception ex)
            {
                _log.LogError(ex, "Cluster thread");
            }
        }
    }

    // Cluster thread: the cluster settings CONFIG SET may change.
    private void ApplySettings()
    {
        _clusterOptions.ReplicaValidityFactor = _options.ClusterReplicaValidityFactor;
        _clusterOptions.MigrationBarrier = _options.ClusterMigrationBarrier;
        _clusterOptions.AllowReplicaMigration = _options.ClusterAllowReplicaMigration;
        if (_node.Config.NoFailover != _options.ClusterReplicaNoFailover) _node.SetNoFailover(_options.ClusterReplicaNoFailover);
    }

    private long _electionsLogged;

    // Cluster thread: Redis logs each election it starts, each vote and each manual failover step; so do we.
    private void LogElections()
    {
        if (_node.Stats.ElectionsStarted != _electionsLogged)
        {
            _electionsLogged = _node.Stats.ElectionsStarted;
            _log.LogInformation("Starting a failover election for epoch {Epoch}.", _node.CurrentEpoch);
        }
        while (_node.TryTakeEvent(out string text)) _log.LogInformation("{Event}", text);
    }

    // Cluster thread only.
    private void Publish()
    {
        bool wasOk = _view.Ok;
        var snapshot = _node.Snapshot;
        // A promotion keeps the previous view until replication has switched (see ReplicationFollower).
        long lease = _node.LeaseRemainingMs;
        if (_follower.Follow(snapshot, _node.WriteWaitRemainingMs))
        {
            _view = new ClusterView(snapshot) { OkUntil = lease == long.MaxValue ? long.MaxValue : Environment.TickCount64 + lease };
        }
        _lockEpochs.OnClusterView(_view);
        // Only once the view shows the loss: the deleter re-checks every slot against it.
        if (ReferenceEquals(_view.Snapshot, snapshot)) _staleKeys.Schedule(_node.TakeStaleSlots());
        _progress.ReleaseAfterPublish();
        if (_view.Ok != wasOk) _log.LogInformation("Cluster state changed: {State} ({Detail})", _view.Ok ? "ok" : "fail", _node.HealthDetail);
        NoticeLostShardSlots();
        if (_node.ConfigVersion == _savedVersion) return;
        try
        {
            Save();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _log.LogWarning("Could not save the cluster config {Path}: {Error}", ConfigPath, ex.Message);
        }
    }

    // Cluster thread (or start-up, before it runs).
    private void Save()
    {
        long version = _node.ConfigVersion;
        string text = NodesConfFile.Write(NodesConfMapping.FromSnapshot(_node.Snapshot));
        var bytes = Encoding.UTF8.GetBytes(text);
        WriteConfig(bytes);
        _savedVersion = version;
    }

    private static IPAddress BindAddress(string bind)
    {
        foreach (var part in bind.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = part.TrimStart('-');
            if (name == "*") return IPAddress.Any;
            if (IPAddress.TryParse(name, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) return address;
        }
        return IPAddress.Loopback;
    }

    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        StopPlacement();
        _transport.Dispose();
        _thread.Join(TimeSpan.FromSeconds(2));
    }
}
