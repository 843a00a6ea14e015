using System.Globalization;

namespace FastNode.Server.Config;

/// <summary>
/// Every setting CONFIG GET/SET knows, by Redis name. Settings FastNode acts on are bound to
/// <see cref="ServerOptions"/>; settings that only tune Redis internals (encodings, persistence while it is
/// absent) are accepted, validated the way Redis validates them, and reported back, so tools written for Redis keep
/// working. Old names (slave-read-only, hash-max-ziplist-entries...) are aliases of the same setting, as in Redis.
/// </summary>
public sealed partial class ConfigRegistry
{
    private readonly Dictionary<string, ConfigSetting> _settings = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<KeyValuePair<string, ConfigSetting>> _ordered = [];

    private const string NotInteger = "argument couldn't be parsed into an integer";
    private const string NotMemory = "argument must be a memory value";
    private const string NotBool = "argument must be 'yes' or 'no'";
    private const long UIntMax = 4294967295;

    private string _protectedConfigs = "no";

    public ConfigRegistry(ServerOptions options)
    {
        Options = options;
        // port and bind are fixed once the listener is up (Redis can rebind at run time; FastNode cannot).
        Int("port", () => options.Port, v => options.Port = v, 0, 65535, immutable: true);
        Add(new ConfigSetting("bind", () => options.Bind, v => { options.Bind = v; return null; }, Immutable: true));
        Add(new ConfigSetting("requirepass", () => options.RequirePass, v => { options.RequirePass = v; options.Acl.RequirePassChanged?.Invoke(v); return null; }));
        Int("maxclients", () => options.MaxClients, v => options.MaxClients = v, 1, UIntMax);
        Int("timeout", () => options.Timeout, v => options.Timeout = v, 0, int.MaxValue);
        Int("databases", () => options.Databases, v => options.Databases = v, 1, int.MaxValue, immutable: true);
        Memory("proto-max-bulk-len", () => options.ProtoMaxBulkLen, v => options.ProtoMaxBulkLen = v, 1024 * 1024);
        Memory("hll-sparse-max-bytes", () => options.HllSparseMaxBytes, v => options.HllSparseMaxBytes = v, 0);
        Memory("client-query-buffer-limit", () => options.ClientQueryBufferLimit, v => options.ClientQueryBufferLimit = v, 1024 * 1024);
        Int("tracking-table-max-keys", () => (int)Math.Min(options.TrackingTableMaxKeys, int.MaxValue), v => options.TrackingTableMaxKeys = v, 0, int.MaxValue);
        Int("hz", () => options.Hz, v => options.Hz = Math.Clamp(v, 1, 500), 0, int.MaxValue);
        Int("shards", () => options.Shards, v => options.Shards = v, 0, 1 << 16, immutable: true);
        Int("io-threads", () => options.IoThreads, v => options.IoThreads = v, 1, 128, immutable: true);
        Choice("io-engine", () => options.IoEngine, v => options.IoEngine = v, immutable: true, ["sockets", "epoll"]);
        Int("busy-poll-us", () => options.BusyPollMicroseconds, v => options.BusyPollMicroseconds = v, 0, 10_000);
        // busy-reply-threshold (alias lua-time-limit): ms a script runs before other clients get BUSY (docs/scripting.md).
        Int("busy-reply-threshold", () => options.BusyReplyThresholdMs, v => options.BusyReplyThresholdMs = v, 0, int.MaxValue);
        Bool("pipeline-helper", () => options.PipelineHelper, v => options.PipelineHelper = v);
        Int("tcp-keepalive", () => options.TcpKeepAlive, v => options.TcpKeepAlive = v, 0, int.MaxValue);
        Int("tcp-backlog", () => options.TcpBacklog, v => options.TcpBacklog = v, 0, int.MaxValue, immutable: true);
        // Redis 7.0 lists four levels; "nothing" (7.2) is accepted too.
        Choice("loglevel", () => options.LogLevel, v => options.LogLevel = v, immutable: false, ["debug", "verbose", "notice", "warning", "nothing"], listed: 4);

        foreach (var (name, value) in PassThroughDefaults) PassThrough(name, value);
        Add(new ConfigSetting("dir", () => options.Dir, v => SetDir(options, v)) { Protected = true });
        Add(new ConfigSetting("dbfilename", () => options.DbFilename, v =>
        {
            // Redis: the name must not be a path (protected configs aside, a path could write anywhere).
            if (v.Contains('/') || v.Contains('\\')) return "dbfilename can't be a path, just a filename";
            options.DbFilename = v;
            return null;
        }) { Protected = true });
        Bool("rdbcompression", () => options.RdbCompression, v => options.RdbCompression = v);
        // Immutable in Redis 7.0 (start-up only).
        Add(new ConfigSetting("rdbchecksum", () => options.RdbChecksum ? "yes" : "no", v =>
        {
            if (!ConfigValue.TryParseBool(v, out bool b)) return NotBool;
            options.RdbChecksum = b;
            return null;
        }, Immutable: true));
        Bool("stop-writes-on-bgsave-error", () => options.StopWritesOnBgsaveError, v => options.StopWritesOnBgsaveError = v);
        Add(new ConfigSetting("shutdown-on-sigterm", () => options.ShutdownOnSigterm, v => SetShutdownFlags(v, f => options.ShutdownOnSigterm = f)));
        Add(new ConfigSetting("shutdown-on-sigint", () => options.ShutdownOnSigint, v => SetShutdownFlags(v, f => options.ShutdownOnSigint = f)));
        Int("shutdown-timeout", () => options.ShutdownTimeout, v => options.ShutdownTimeout = v, 0, int.MaxValue);
        foreach (var (name, value) in ImmutableDefaults) PassThrough(name, value, immutable: true);
        AddMemorySettings(options.Memory);
        AddLockSettings(options.LockReplication);
        AddMonitoringSettings(options.Monitoring);
        AddAclSettings(options);
        AddTlsSettings(options.Tls);
        Bool("appendonly", () => options.AppendOnly, v => options.AppendOnly = v);
        Choice("appendfsync", () => options.AppendFsync, v => options.AppendFsync = v, immutable: false, ["always", "everysec", "no"]);
        Add(new ConfigSetting("appenddirname", () => options.AppendDirName, v => FileNameOnly(v, out var error) ? Assign(() => options.AppendDirName = v) : error, Immutable: true));
        Add(new ConfigSetting("appendfilename", () => options.AppendFileName, v => FileNameOnly(v, out var error) ? Assign(() => options.AppendFileName = v) : error, Immutable: true));
        Int("auto-aof-rewrite-percentage", () => options.AutoAofRewritePercentage, v => options.AutoAofRewritePercentage = v, 0, int.MaxValue);
        Memory("auto-aof-rewrite-min-size", () => options.AutoAofRewriteMinSize, v => options.AutoAofRewriteMinSize = v, 0);
        Bool("aof-use-rdb-preamble", () => options.AofUseRdbPreamble, v => options.AofUseRdbPreamble = v);
        Bool("aof-load-truncated", () => options.AofLoadTruncated, v => options.AofLoadTruncated = v);
        Bool("replica-read-only", () => options.ReplicaReadOnly, v => options.ReplicaReadOnly = v);
        Memory("repl-backlog-size", () => options.ReplBacklogSize, v => options.ReplBacklogSize = v, 1);
        Int("repl-ping-replica-period", () => options.ReplPingReplicaPeriod, v => options.ReplPingReplicaPeriod = v, 1, int.MaxValue);
        Int("repl-timeout", () => options.ReplTimeout, v => options.ReplTimeout = v, 1, int.MaxValue);
        Int("min-replicas-to-write", () => options.MinReplicasToWrite, v => options.MinReplicasToWrite = v, 0, int.MaxValue);
        Int("min-replicas-max-lag", () => options.MinReplicasMaxLag, v => options.MinReplicasMaxLag = v, 0, int.MaxValue);
        Add(new ConfigSetting("masterauth", () => options.MasterAuth, v => Assign(() => options.MasterAuth = v)) { Protected = false });
        Add(new ConfigSetting("masteruser", () => options.MasterUser, v => Assign(() => options.MasterUser = v)));
        Add(new ConfigSetting("replica-announce-ip", () => options.ReplicaAnnounceIp, v => Assign(() => options.ReplicaAnnounceIp = v)));
        Int("replica-announce-port", () => options.ReplicaAnnouncePort, v => options.ReplicaAnnouncePort = v, 0, 65535);
        // replicaof is a start-up directive (file or --replicaof host port); at run time REPLICAOF changes it.
        Add(new ConfigSetting("replicaof", () => options.ReplicaOf, v => ValidateReplicaOf(v) is { } error ? error : Assign(() => options.ReplicaOf = v.Trim()), Immutable: true));
        // FastNode always checks a payload's structure fully before using it (what "yes" asks Redis to do).
        OneOf("sanitize-dump-payload", "no", "no", "yes", "clients");
        OneOf("enable-debug-command", "no", immutable: true, "no", "yes", "local");
        Choice("enable-protected-configs", () => _protectedConfigs, v => _protectedConfigs = v, immutable: true, ["no", "yes", "local"]);
        OneOf("enable-module-command", "no", immutable: true, "no", "yes", "local");
        Add(new ConfigSetting("save", () => Persistence.SaveRule.Format(options.SaveRules), v =>
        {
            if (Persistence.SaveRule.Parse(v) is not { } rules) return "Invalid save parameters";
            options.SaveRules = rules;
            return null;
        }));
        Validated("notify-keyspace-events", "", v =>
        {
            var normalized = KeyspaceEvents.Normalize(v);
            if (normalized.Value is { } value) options.KeyspaceEvents = KeyspaceEvents.Parse(value);
            return normalized;
        });
        Add(new ConfigSetting("client-output-buffer-limit", options.OutputBufferLimits.Format, options.OutputBufferLimits.Set));
        Add(new ConfigSetting("cluster-enabled", () => options.ClusterEnabled ? "yes" : "no", v =>
        {
            if (!ConfigValue.TryParseBool(v, out bool b)) return NotBool;
            options.ClusterEnabled = b;
            return null;
        }, Immutable: true));
        Add(new ConfigSetting("cluster-config-file", () => options.ClusterConfigFile, v => Assign(() => options.ClusterConfigFile = v), Immutable: true));
        Int("cluster-node-timeout", () => options.ClusterNodeTimeout, v => options.ClusterNodeTimeout = v, 0, int.MaxValue, immutable: true);
        Int("cluster-port", () => options.ClusterPort, v => options.ClusterPort = v, 0, 65535, immutable: true);
        Add(new ConfigSetting("cluster-announce-ip", () => options.ClusterAnnounceIp, v => Assign(() => options.ClusterAnnounceIp = v)));
        Int("cluster-announce-port", () => options.ClusterAnnouncePort, v => options.ClusterAnnouncePort = v, 0, 65535);
        Int("cluster-announce-bus-port", () => options.ClusterAnnounceBusPort, v => options.ClusterAnnounceBusPort = v, 0, 65535);
        Bool("cluster-require-full-coverage", () => options.ClusterRequireFullCoverage, v => options.ClusterRequireFullCoverage = v);
        Bool("cluster-allow-reads-when-down", () => options.ClusterAllowReadsWhenDown, v => options.ClusterAllowReadsWhenDown = v);
        Bool("cluster-auto-placement", () => options.ClusterAutoPlacement, v => options.ClusterAutoPlacement = v);
        Bool("cluster-allow-pubsubshard-when-down", () => options.ClusterAllowPubSubShardWhenDown, v => options.ClusterAllowPubSubShardWhenDown = v);
        Add(new ConfigSetting("cluster-announce-hostname", () => options.ClusterAnnounceHostname, v =>
            Cluster.ClusterEndpoints.HostnameError(v) ?? Assign(() => options.ClusterAnnounceHostname = v)));
        Int("cluster-announce-tls-port", () => options.ClusterAnnounceTlsPort, v => options.ClusterAnnounceTlsPort = v, 0, 65535);
        Choice("cluster-preferred-endpoint-type", () => options.ClusterPreferredEndpointType, v => options.ClusterPreferredEndpointType = v, false,
            ["ip", "hostname", "unknown-endpoint"]);
        Add(new ConfigSetting("cluster-bus-secret", () => options.ClusterBusSecret, v => Assign(() => options.ClusterBusSecret = v), Immutable: true));
        Int("cluster-replica-validity-factor", () => options.ClusterReplicaValidityFactor, v => options.ClusterReplicaValidityFactor = v, 0, int.MaxValue);
        Bool("cluster-replica-no-failover", () => options.ClusterReplicaNoFailover, v => options.ClusterReplicaNoFailover = v);
        Int("cluster-migration-barrier", () => options.ClusterMigrationBarrier, v => options.ClusterMigrationBarrier = v, 0, int.MaxValue);
        Bool("cluster-allow-replica-migration", () => options.ClusterAllowReplicaMigration, v => options.ClusterAllowReplicaMigration = v);
        foreach (var (alias, name) in Aliases) _ordered.Add(new(alias, _settings[alias] = _settings[name]));
    }

    public ServerOptions Options { get; }

    /// <summary>Every name CONFIG GET can report (aliases included), each with its setting.</summary>
    public IReadOnlyList<KeyValuePair<string, ConfigSetting>> All => _ordered;

    public bool TryGet(string name, out ConfigSetting setting) => _settings.TryGetValue(name, out setting!);

    /// <summary>The setting's own name for a name or alias in any case (slaveof -> replicaof), or null when unknown.</summary>
    public string? OwnName(string name)
    {
        if (!_settings.TryGetValue(name, out var setting)) return null;
        foreach (var (own, candidate) in _ordered)
        {
            // Aliases are listed after every setting, so the first entry for the setting carries its own name.
            if (ReferenceEquals(candidate, setting)) return own;
        }
        return null;
    }

    /// <summary>Applies a value at start-up (file, environment, command line): immutable settings are allowed here.</summary>
    public string? Load(string name, string value)
    {
        if (name.Equals("user", StringComparison.OrdinalIgnoreCase)) return AddUserDirective(value);
        if (!_settings.TryGetValue(name, out var setting)) return $"Bad directive or wrong number of arguments: '{name}'";
        return setting.Set(value);
    }

    /// <summary>
    /// CONFIG SET of several pairs, all or nothing as in Redis 7.0: names are checked first (unknown, immutable,
    /// protected, given twice), then values are applied in order and, if one is refused, the ones already applied are
    /// put back. Returns null on success or the whole error reply text.
    /// </summary>
    public string? SetAtRunTime(IReadOnlyList<KeyValuePair<string, string>> pairs)
    {
        var targets = new ConfigSetting[pairs.Count];
        for (int i = 0; i < pairs.Count; i++)
        {
            string name = pairs[i].Key;
            if (!_settings.TryGetValue(name, out var setting)) return $"ERR Unknown option or number of arguments for CONFIG SET - '{name}'";
            string lower = name.ToLowerInvariant();
            if (setting.Immutable) return Failed(lower, "can't set immutable config");
            // "local" would allow loopback clients only; FastNode cannot tell here and treats it as "yes".
            if (setting.Protected && _protectedConfigs == "no") return Failed(lower, "can't set protected config");
            // Like Redis 7.0, only the same name twice is a duplicate (an alias and its setting are applied in turn).
            for (int j = 0; j < i; j++)
            {
                if (string.Equals(pairs[j].Key, name, StringComparison.OrdinalIgnoreCase)) return Failed(lower, "duplicate parameter");
            }
            targets[i] = setting;
        }

        var previous = new string[pairs.Count];
        for (int i = 0; i < pairs.Count; i++)
        {
            previous[i] = targets[i].Get();
            if (targets[i].Set(pairs[i].Value) is { } error)
            {
                for (int j = i - 1; j >= 0; j--) targets[j].Set(previous[j]);
                return Failed(pairs[i].Key.ToLowerInvariant(), error);
            }
        }
        return ApplyAll(pairs, targets, previous);
    }

    /// <summary>
    /// Runs each distinct apply function of the settings just set, once. When one refuses, every value is put back
    /// and the apply functions that already ran run again on the old values.
    /// </summary>
    private static string? ApplyAll(IReadOnlyList<KeyValuePair<string, string>> pairs, ConfigSetting[] targets, string[] previous)
    {
        var ran = new List<Func<string?>>();
        for (int i = 0; i < targets.Length; i++)
        {
            if (targets[i].Apply is not { } apply || ran.Contains(apply)) continue;
            if (apply() is { } error)
            {
                for (int j = targets.Length - 1; j >= 0; j--) targets[j].Set(previous[j]);
                foreach (var again in ran) again();
                apply();
                return Failed(pairs[i].Key.ToLowerInvariant(), error);
            }
            ran.Add(apply);
        }
        return null;
    }

    private static string Failed(string name, string reason) => $"ERR CONFIG SET failed (possibly related to argument '{name}') - {reason}";

    private void Add(ConfigSetting setting)
    {
        _settings[setting.Name] = setting;
        _ordered.Add(new(setting.Name, setting));
    }

    private void Int(string name, Func<int> get, Action<int> set, long min, long max, bool immutable = false) =>
        Add(new ConfigSetting(name, () => get().ToString(CultureInfo.InvariantCulture), v =>
        {
            if (!long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n)) return NotInteger;
            if (n < min || n > max) return $"argument must be between {min} and {max} inclusive";
            set((int)Math.Min(n, int.MaxValue));
            return null;
        }, immutable));

    private void Bool(string name, Func<bool> get, Action<bool> set) =>
        Add(new ConfigSetting(name, () => get() ? "yes" : "no", v =>
        {
            if (!ConfigValue.TryParseBool(v, out bool b)) return NotBool;
            set(b);
            return null;
        }));

    private void Memory(string name, Func<long> get, Action<long> set, long min) =>
        Add(new ConfigSetting(name, () => get().ToString(CultureInfo.InvariantCulture), v =>
        {
            if (!ConfigValue.TryParseMemory(v, out long n)) return NotMemory;
            if (n < min) return $"argument must be between {min} and 9223372036854775807 inclusive";
            set(n);
            return null;
        }));

    private void OneOf(string name, string initial, params string[] allowed) => OneOf(name, initial, false, allowed);

    private void OneOf(string name, string initial, bool immutable, params string[] allowed)
    {
        string current = initial;
        Choice(name, () => current, v => current = v, immutable, allowed);
    }

    /// <summary>
    /// A setting with a fixed set of values, matched case-insensitively and kept in lower case. The error names the
    /// first <paramref name="listed"/> of them (all by default), as Redis's message does.
    /// </summary>
    private void Choice(string name, Func<string> get, Action<string> set, bool immutable, string[] allowed, int listed = int.MaxValue)
    {
        string message = "argument(s) must be one of the following: " + string.Join(", ", allowed.Take(listed));
        Add(new ConfigSetting(name, get, v =>
        {
            var lower = v.ToLowerInvariant();
            if (Array.IndexOf(allowed, lower) < 0) return message;
            set(lower);
            return null;
        }, immutable));
    }

    /// <summary>A setting kept as text, checked (and possibly normalized) by <paramref name="validate"/>.</summary>
    private void Validated(string name, string initial, Func<string, (string? Value, string? Error)> validate, bool immutable = false)
    {
        string current = initial;
        Add(new ConfigSetting(name, () => current, v =>
        {
            var (value, error) = validate(v);
            if (error is not null) return error;
            current = value!;
            return null;
        }, immutable));
    }

    /// <summary>A setting FastNode does not act on, validated by the kind of its default value (yes/no, number, text).</summary>
    private void PassThrough(string name, string initial, bool immutable = false, bool isProtected = false)
    {
        Func<string, (string?, string?)> validate;
        if (initial is "yes" or "no")
            validate = v => ConfigValue.TryParseBool(v, out bool b) ? (b ? "yes" : "no", null) : (null, NotBool);
        else if (MemorySettings.Contains(name))
            validate = v => ConfigValue.TryParseMemory(v, out long n) && n >= 0 ? (n.ToString(CultureInfo.InvariantCulture), null) : (null, NotMemory);
        else if (long.TryParse(initial, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            validate = v => long.TryParse(v.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n) ? (n.ToString(CultureInfo.InvariantCulture), null) : (null, NotInteger);
        else
            validate = v => (v, null);
        string current = initial;
        Add(new ConfigSetting(name, () => current, v =>
        {
            var (value, error) = validate(v);
            if (error is not null) return error;
            current = value!;
            return null;
        }, immutable) { Protected = isProtected });
    }

    /// <summary>appendfilename and appenddirname are names inside dir, never paths (Redis: "appendfilename can't be a path").</summary>
    private static bool FileNameOnly(string value, out string? error)
    {
        error = value.Length == 0 || value.Contains('/') || value == "." || value == ".." ? "appendfilename can't be a path, just a filename" : null;
        return error is null;
    }

    private static string? ValidateReplicaOf(string value)
    {
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) return null;
        if (parts.Length != 2) return "wrong number of arguments";
        return int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port <= 65535 ? null : "Invalid master port";
    }

    private static string? Assign(Action set)
    {
        set();
        return null;
    }

    /// <summary>
    /// `dir`: an existing directory; a relative path is taken from the current one, as chdir would. The errors are
    /// strerror texts, as Redis reports a failed chdir.
    /// </summary>
    private static string? SetDir(ServerOptions options, string value)
    {
        string full;
        try
        {
            full = Path.GetFullPath(value, options.Dir);
        }
        catch (ArgumentException)
        {
            return "No such file or directory";
        }
        if (!Directory.Exists(full)) return File.Exists(full) ? "Not a directory" : "No such file or directory";
        options.Dir = full.Length > 1 ? full.TrimEnd('/') : full;
        return null;
    }

    /// <summary>shutdown-on-sigterm/sigint: "default" or any of save, nosave, now, force (not both save and nosave).</summary>
    private static string? SetShutdownFlags(string value, Action<string> set)
    {
        var flags = value.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (flags.Length == 0) return "argument(s) must be one of the following: default, save, nosave, now, force";
        foreach (var flag in flags)
        {
            if (flag is not ("default" or "save" or "nosave" or "now" or "force"))
                return "argument(s) must be one of the following: default, save, nosave, now, force";
        }
        if (flags.Contains("save") && flags.Contains("nosave")) return "shutdown options SAVE and NOSAVE can't be used simultaneously";
        set(string.Join(' ', flags));
        return null;
    }

    private static readonly HashSet<string> MemorySettings =
    [
        "maxmemory", "maxmemory-clients", "stream-node-max-bytes", "hll-sparse-max-bytes", "repl-backlog-size",
        "client-query-buffer-limit", "proto-max-bulk-len",
    ];

    /// <summary>Redis 7.0 defaults of settings that FastNode accepts but does not act on.</summary>
    private static readonly (string Name, string Value)[] PassThroughDefaults =
    [
        ("hash-max-listpack-entries", "128"), ("hash-max-listpack-value", "64"),
        ("list-max-listpack-size", "-2"), ("list-compress-depth", "0"),
        ("set-max-intset-entries", "512"), ("set-max-listpack-entries", "128"), ("set-max-listpack-value", "64"),
        ("zset-max-listpack-entries", "128"), ("zset-max-listpack-value", "64"),
        ("stream-node-max-bytes", "4096"), ("stream-node-max-entries", "100"),
        ("activerehashing", "yes"), ("active-expire-effort", "1"),
        ("no-appendfsync-on-rewrite", "no"), ("aof-rewrite-incremental-fsync", "yes"), ("aof-timestamp-enabled", "no"),
        ("rdb-save-incremental-fsync", "yes"), ("rdb-del-sync-files", "no"), ("rdb-key-save-delay", "0"),
        ("lazyfree-lazy-eviction", "no"), ("lazyfree-lazy-expire", "no"), ("lazyfree-lazy-server-del", "no"),
        ("lazyfree-lazy-user-del", "no"), ("lazyfree-lazy-user-flush", "no"), ("replica-lazy-flush", "no"),
        ("protected-mode", "yes"), ("replica-serve-stale-data", "yes"),
        ("replica-priority", "100"), ("repl-diskless-sync", "yes"), ("replica-announced", "yes"),
        ("activedefrag", "no"), ("oom-score-adj", "no"),
        ("lua-replicate-commands", "yes"),
    ];

    /// <summary>Settings Redis only takes at start-up (CONFIG SET answers "can't set immutable config").</summary>
    private static readonly (string Name, string Value)[] ImmutableDefaults =
    [
        ("daemonize", "no"), ("logfile", ""), ("pidfile", ""),
        ("always-show-logo", "no"), ("supervised", "no"), ("unixsocket", ""), ("jemalloc-bg-thread", "yes"),
        ("syslog-enabled", "no"),
    ];

    /// <summary>Old names Redis 7.0 still accepts for the same settings.</summary>
    private static readonly (string Alias, string Name)[] Aliases =
    [
        ("slave-read-only", "replica-read-only"), ("slave-serve-stale-data", "replica-serve-stale-data"),
        ("slave-priority", "replica-priority"), ("slaveof", "replicaof"), ("slave-announce-ip", "replica-announce-ip"),
        ("slave-announce-port", "replica-announce-port"), ("slave-announced", "replica-announced"), ("repl-ping-slave-period", "repl-ping-replica-period"),
        ("hash-max-ziplist-entries", "hash-max-listpack-entries"), ("hash-max-ziplist-value", "hash-max-listpack-value"),
        ("list-max-ziplist-size", "list-max-listpack-size"),
        ("zset-max-ziplist-entries", "zset-max-listpack-entries"), ("zset-max-ziplist-value", "zset-max-listpack-value"),
        ("lua-time-limit", "busy-reply-threshold"),
        ("cluster-slave-validity-factor", "cluster-replica-validity-factor"), ("cluster-slave-no-failover", "cluster-replica-no-failover"),
    ];
}
