using FastNode.Protocol;
using FastNode.Server.Commands;
using FastNode.Server.Config;
using FastNode.Server.Sessions;
using FastNode.Server.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastNode.Server;

/// <summary>
/// Everything shared by all connections: options, databases, clients, counters, the clock and the command table.
/// One per server instance (tests run several in one process).
/// </summary>
public sealed class ServerState
{
    private Database[] _databases;

    /// <param name="settings">Start-up settings by Redis name (config file, environment, command line), applied in order.</param>
    public ServerState(ServerOptions options, TimeProvider? time = null, ILoggerFactory? loggers = null,
        IEnumerable<KeyValuePair<string, string>>? settings = null)
    {
        Options = options;
        Config = new ConfigRegistry(options);
        Clients = new ClientRegistry(Watches);
        foreach (var (name, value) in settings ?? [])
        {
            if (Config.Load(name, value) is { } error) throw new ConfigException($"'{name} {value}': {error}");
        }
        Time = time ?? TimeProvider.System;
        Monitoring = new Monitoring.ServerMonitoring(options.Monitoring);
        Loggers = loggers ?? NullLoggerFactory.Instance;
        Tls = new Network.Tls.TlsState(options.Tls, Loggers);
        PubSub = new FastNode.Server.PubSub.PubSubRegistry(options.OutputBufferLimits);
        Notifier = new FastNode.Server.PubSub.KeyspaceNotifier(options, PubSub);
        Tracking = new FastNode.Server.Tracking.Tracker(Clients, options.OutputBufferLimits, options);
        Locks = new Storage.Locks.LockServices(FencingTokens, Time, new Commands.Locks.LockLeaseTimers(this))
        {
            Events = new Commands.Locks.LockNotifications(Notifier),
        };
        LockReplication = new Commands.Locks.Replication.LockReplication(this, Locks.Stats);
        LockEpochs = new Commands.Locks.Replication.LockEpochs(this);
        StartedAtMs = NowMs;
        StartTimestamp = Time.GetTimestamp();
        Persistence = new Persistence.PersistenceState(StartedAtMs);
        int shards = options.EffectiveShards();
        _databases = new Database[options.Databases];
        var observer = new ServerKeyspaceObserver(Feed, Notifier, Tracking);
        var usage = new MemoryCounter();
        for (int i = 0; i < _databases.Length; i++) _databases[i] = new Database(shards, i) { Observer = observer, Usage = usage };
        if (options.ClusterEnabled) _databases[0].SlotKeys = new Storage.SlotKeyIndex();
        Memory = new FastNode.Server.Memory.MemoryManager(this, usage);
        Replication = new Persistence.Replication.ReplicationState(this);
        Pause = new ClientPause(this);
        Acl = new Acl.UserDirectory(this);
        Limits = new ProtocolLimits { MaxBulkLength = options.ProtoMaxBulkLen, MaxQueryBuffer = options.ClientQueryBufferLimit };
    }

    public ServerOptions Options { get; }
    /// <summary>used_memory, maxmemory and eviction (Memory/MemoryManager.cs).</summary>
    public FastNode.Server.Memory.MemoryManager Memory { get; }
    public ConfigRegistry Config { get; }
    /// <summary>The TLS certificate in use and its reload on CONFIG SET (docs/tls.md).</summary>
    public Network.Tls.TlsState Tls { get; }
    public TimeProvider Time { get; }
    public ILoggerFactory Loggers { get; }
    public Transactions.WatchRegistry Watches { get; } = new();

    /// <summary>Client batches being executed, for a starting script to wait for (see <see cref="Commands.CommandsInFlight"/>).</summary>
    public Commands.CommandsInFlight CommandsInFlight { get; } = new();

    /// <summary>CLIENT TRACKING: tracked keys, BCAST prefixes and invalidations (Tracking/).</summary>
    public FastNode.Server.Tracking.Tracker Tracking { get; }
    /// <summary>The source of every lock and semaphore grant's fencing token (its last value is saved in RDB files).</summary>
    public Storage.Locks.FencingTokens FencingTokens { get; } = new(0);
    /// <summary>What the lock and semaphore states need from this server: the tokens, the clock, the lease timers.</summary>
    public Storage.Locks.LockServices Locks { get; }
    /// <summary>lock-replication majority: replies of lock changes that wait for the replicas (docs/locks.md).</summary>
    public Commands.Locks.Replication.LockReplication LockReplication { get; }
    /// <summary>The epoch of fencing tokens: raised at start-up and promotion, or the cluster configEpoch.</summary>
    public Commands.Locks.Replication.LockEpochs LockEpochs { get; }
    /// <summary>The change records of every write, for the AOF and replicas (see Persistence/ChangeFeed.cs).</summary>
    public Persistence.ChangeFeed Feed { get; } = new();
    /// <summary>The Lua state of EVAL scripts and FUNCTION libraries, created on first use (docs/scripting.md).</summary>
    // The field is read first: the factory lambda captures this, so building it on every call allocated per EVALSHA.
    public Scripting.ScriptEngine Scripts => Volatile.Read(ref _scripts) ?? LazyInitializer.EnsureInitialized(ref _scripts, () => new Scripting.ScriptEngine(this));
    private Scripting.ScriptEngine? _scripts;
    /// <summary>The Lua state if a script or function was ever used, without creating it.</summary>
    public Scripting.ScriptEngine? ScriptsIfStarted => Volatile.Read(ref _scripts);
    /// <summary>The append-only file (on with appendonly yes).</summary>
    public Persistence.Aof.AppendOnlyFile Aof => _aof ??= new Persistence.Aof.AppendOnlyFile(this);
    private Persistence.Aof.AppendOnlyFile? _aof;

    /// <summary>`dir`: where the AOF folder and the RDB file live.</summary>
    public string DataDirectory => Config.TryGet("dir", out var dir) ? dir.Get() : Environment.CurrentDirectory;
    public ClientRegistry Clients { get; }

    /// <summary>CLIENT PAUSE and a FAILOVER's pause of writes.</summary>
    public ClientPause Pause { get; }
    /// <summary>Channels, patterns and shard channels with their subscribers (PubSub/).</summary>
    public FastNode.Server.PubSub.PubSubRegistry PubSub { get; }
    /// <summary>DEBUG SET-ACTIVE-EXPIRE: when false, expired keys go only lazily, on access (for tests, as in Redis).</summary>
    public bool ActiveExpireEnabled { get; set; } = true;
    /// <summary>Keyspace notifications (notify-keyspace-events), published through <see cref="PubSub"/>.</summary>
    public FastNode.Server.PubSub.KeyspaceNotifier Notifier { get; }
    public ServerStats Stats { get; } = new();
    /// <summary>SLOWLOG, LATENCY and MONITOR (Monitoring/ServerMonitoring.cs).</summary>
    public Monitoring.ServerMonitoring Monitoring { get; }
    public CommandTable Commands { get; } = CommandTable.Create();

    /// <summary>ACL users and the permission check (docs/security.md).</summary>
    public Acl.UserDirectory Acl { get; }
    public ProtocolLimits Limits { get; }
    public long StartedAtMs { get; }
    public long StartTimestamp { get; }
    /// <summary>Save bookkeeping: dirty counter, last save, background save status (INFO persistence).</summary>
    public Persistence.PersistenceState Persistence { get; }
    /// <summary>Cluster mode (cluster-enabled yes): the cluster thread and its published view; null on a standalone server.</summary>
    public FastNode.Server.Cluster.ClusterHost? Cluster { get; set; }
    /// <summary>The TCP port actually bound (differs from Options.Port when that was 0).</summary>
    public int BoundPort { get; set; }
    /// <summary>A 40-hex-digit id for INFO run_id, new at every start.</summary>
    public string RunId { get; } = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..8];
    /// <summary>Replication: history ids, backlog, replicas, and the link to a primary (Persistence/Replication).</summary>
    public Persistence.Replication.ReplicationState Replication { get; }

    /// <summary>INFO replication master_replid.</summary>
    public string ReplicationId => Replication.ReplId;
    /// <summary>Rates for INFO stats (ops/sec, kbps), sampled by the server cron.</summary>
    public InstantaneousMetrics Metrics { get; } = new();
    /// <summary>
    /// What SHUTDOWN does once it has decided to stop: set by the host (stop the application, which stops the
    /// listener and closes clients after their replies). When null (in-memory tests) SHUTDOWN closes every client.
    /// </summary>
    public Action? ShutdownHandler { get; set; }

    /// <summary>Wall-clock Unix milliseconds: TTLs and EXPIREAT are absolute wall times, as in Redis.</summary>
    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();

    public int DatabaseCount => _databases.Length;

    public Database Database(int index) => _databases[index];

    /// <summary>SWAPDB: clients connected to either database see the other one from their next command on.</summary>
    public void SwapDatabases(int a, int b)
    {
        lock (_databases)
        {
            (_databases[a], _databases[b]) = (_databases[b], _databases[a]);
            _databases[a].Index = a;
            _databases[b].Index = b;
        }
    }

    /// <summary>Pushes limits changed by CONFIG SET to the protocol reader.</summary>
    public void ApplyLimits()
    {
        Limits.MaxBulkLength = Options.ProtoMaxBulkLen;
        Limits.MaxQueryBuffer = Options.ClientQueryBufferLimit;
    }
}
