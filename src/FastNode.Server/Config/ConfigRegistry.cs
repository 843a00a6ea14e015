namespace FastNode.Server.Config;

/// <summary>
/// Every setting CONFIG GET/SET knows, by Redis name. Settings FastNode acts on are bound to
/// <see cref="ServerOptions"/>; settings that only tune Redis internals (encodings, persistence while it is
/// absent) are accepted and reported back unchanged so tools written for Redis keep working.
/// </summary>
public sealed class ConfigRegistry
{
    private readonly Dictionary<string, ConfigSetting> _settings = new(StringComparer.OrdinalIgnoreCase);

    private const string NotInteger = "argument couldn't be parsed into an integer";
    private const string NotMemory = "argument must be a memory value";

    public ConfigRegistry(ServerOptions options)
    {
        Options = options;
        Int("port", () => options.Port, v => options.Port = v, 0, 65535, immutable: true);
        Add(new ConfigSetting("bind", () => options.Bind, v => { options.Bind = v; return null; }, Immutable: true));
        Add(new ConfigSetting("requirepass", () => options.RequirePass, v => { options.RequirePass = v; return null; }));
        Int("maxclients", () => options.MaxClients, v => options.MaxClients = v, 1, int.MaxValue);
        Int("timeout", () => options.Timeout, v => options.Timeout = v, 0, int.MaxValue);
        Int("databases", () => options.Databases, v => options.Databases = v, 1, int.MaxValue, immutable: true);
        Memory("proto-max-bulk-len", () => options.ProtoMaxBulkLen, v => options.ProtoMaxBulkLen = v, 1024 * 1024);
        Memory("client-query-buffer-limit", () => options.ClientQueryBufferLimit, v => options.ClientQueryBufferLimit = v, 1024 * 1024);
        Int("hz", () => options.Hz, v => options.Hz = Math.Clamp(v, 1, 500), 0, int.MaxValue);
        Int("shards", () => options.Shards, v => options.Shards = v, 0, 1 << 16, immutable: true);
        Int("tcp-keepalive", () => options.TcpKeepAlive, v => options.TcpKeepAlive = v, 0, int.MaxValue);
        Int("tcp-backlog", () => options.TcpBacklog, v => options.TcpBacklog = v, 0, int.MaxValue, immutable: true);
        Add(new ConfigSetting("loglevel", () => options.LogLevel, v =>
        {
            var level = v.ToLowerInvariant();
            if (level is not ("debug" or "verbose" or "notice" or "warning" or "nothing")) return "argument(s) must be one of the following: debug, verbose, notice, warning, nothing";
            options.LogLevel = level;
            return null;
        }));

        foreach (var (name, value) in PassThroughDefaults) PassThrough(name, value);
        PassThrough("dir", Environment.CurrentDirectory);
    }

    public ServerOptions Options { get; }

    public IEnumerable<ConfigSetting> All => _settings.Values;

    public bool TryGet(string name, out ConfigSetting setting) => _settings.TryGetValue(name, out setting!);

    /// <summary>Applies a value at start-up (file, environment, command line): immutable settings are allowed here.</summary>
    public string? Load(string name, string value)
    {
        if (!_settings.TryGetValue(name, out var setting)) return $"Bad directive or wrong number of arguments: '{name}'";
        return setting.Set(value);
    }

    private void Add(ConfigSetting setting) => _settings[setting.Name] = setting;

    private void Int(string name, Func<int> get, Action<int> set, long min, long max, bool immutable = false) =>
        Add(new ConfigSetting(name, () => get().ToString(System.Globalization.CultureInfo.InvariantCulture), v =>
        {
            if (!ConfigValue.TryParseInt(v, min, max, out int n)) return NotInteger;
            set(n);
            return null;
        }, immutable));

    private void Memory(string name, Func<long> get, Action<long> set, long min) =>
        Add(new ConfigSetting(name, () => get().ToString(System.Globalization.CultureInfo.InvariantCulture), v =>
        {
            if (!ConfigValue.TryParseMemory(v, out long n)) return NotMemory;
            if (n < min) return $"argument must be between {min} and 9223372036854775807 inclusive";
            set(n);
            return null;
        }));

    private void PassThrough(string name, string initial)
    {
        string current = initial;
        Add(new ConfigSetting(name, () => current, v => { current = v; return null; }));
    }

    /// <summary>Redis 7.0 defaults of settings that FastNode accepts but does not act on.</summary>
    private static readonly (string Name, string Value)[] PassThroughDefaults =
    [
        ("hash-max-listpack-entries", "128"), ("hash-max-listpack-value", "64"),
        ("hash-max-ziplist-entries", "128"), ("hash-max-ziplist-value", "64"),
        ("list-max-listpack-size", "-2"), ("list-max-ziplist-size", "-2"), ("list-compress-depth", "0"),
        ("set-max-intset-entries", "512"), ("set-max-listpack-entries", "128"), ("set-max-listpack-value", "64"),
        ("zset-max-listpack-entries", "128"), ("zset-max-listpack-value", "64"),
        ("zset-max-ziplist-entries", "128"), ("zset-max-ziplist-value", "64"),
        ("stream-node-max-bytes", "4096"), ("stream-node-max-entries", "100"),
        ("hll-sparse-max-bytes", "3000"), ("activerehashing", "yes"), ("active-expire-effort", "1"),
        ("save", ""), ("appendonly", "no"), ("appendfsync", "everysec"), ("appendfilename", "appendonly.aof"),
        ("dbfilename", "dump.rdb"), ("rdbcompression", "yes"), ("rdbchecksum", "yes"),
        ("stop-writes-on-bgsave-error", "yes"), ("maxmemory", "0"), ("maxmemory-policy", "noeviction"),
        ("maxmemory-samples", "5"), ("lfu-log-factor", "10"), ("lfu-decay-time", "1"),
        ("lazyfree-lazy-eviction", "no"), ("lazyfree-lazy-expire", "no"), ("lazyfree-lazy-server-del", "no"),
        ("lazyfree-lazy-user-del", "no"), ("lazyfree-lazy-user-flush", "no"),
        ("notify-keyspace-events", ""), ("slowlog-log-slower-than", "10000"), ("slowlog-max-len", "128"),
        ("latency-monitor-threshold", "0"), ("latency-tracking", "yes"),
        ("client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"),
        ("protected-mode", "yes"), ("io-threads", "1"), ("cluster-enabled", "no"), ("daemonize", "no"),
        ("replica-read-only", "yes"), ("repl-diskless-sync", "yes"), ("logfile", ""), ("pidfile", ""),
        ("always-show-logo", "no"), ("lua-time-limit", "5000"), ("busy-reply-threshold", "5000"),
        ("min-replicas-to-write", "0"), ("min-replicas-max-lag", "10"), ("enable-debug-command", "no"),
        ("jemalloc-bg-thread", "yes"), ("activedefrag", "no"), ("oom-score-adj", "no"),
    ];
}
