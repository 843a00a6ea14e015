using FastNode.Server.Cluster;
using Prometheus;

namespace FastNode.Server.Monitoring.Metrics;

/// <summary>
/// Every series /metrics serves (docs/monitoring.md lists them), on a registry of this server's own. Nothing here runs
/// on the command path: the registry calls <see cref="Collect"/> before each scrape, and it reads the counters the
/// server keeps anyway (INFO's sources: commandstats stripes, latency histograms, keyspace counters, the client
/// registry...). Scrapes are serialized by the registry, so the export state needs no lock.
/// </summary>
public sealed class ServerMetrics
{
    private readonly ServerState _server;
    private readonly MetricFactory _factory;

    private readonly Counter _commands;
    private readonly Counter _commandErrors;
    private readonly Histogram _commandDuration;
    private readonly Counter _errorReplies;
    private readonly Dictionary<Commands.CommandDef, (CounterExport Calls, CounterExport Errors, HistogramExport? Duration)> _perCommand = [];
    private readonly Dictionary<string, CounterExport> _perErrorPrefix = new(StringComparer.Ordinal);

    private readonly CounterExport _hits, _misses, _expired, _evicted, _connectionsReceived, _rejectedConnections;
    private readonly CounterExport _netInput, _netOutput, _failovers;
    private readonly Counter _gcPause;
    private readonly CounterExport _lockGrants, _lockWaits, _lockTimeouts, _lockExpirations, _lockHandoffs, _rateAllowed, _rateDenied;
    private readonly Counter _gcCollections;
    private readonly CounterExport[] _gcByGeneration = new CounterExport[3];
    private readonly Gauge _keys, _memoryUsed, _memoryRss, _memoryMax, _gcHeap, _connected, _blocked, _outputBuffers;
    private readonly Gauge _pubsubChannels, _pubsubPatterns, _pubsubShardChannels, _pubsubSubscribers;
    private readonly Gauge _replOffset, _connectedReplicas, _replicaLag, _replicaOffsetLag;
    private readonly Gauge _clusterEnabled, _clusterState, _clusterKnownNodes, _slowlogLength, _uptime;
    private readonly HashSet<string> _replicaLabels = new(StringComparer.Ordinal);

    public ServerMetrics(ServerState server, CollectorRegistry registry)
    {
        _server = server;
        _factory = Prometheus.Metrics.WithCustomRegistry(registry);
        var f = _factory;
        _commands = f.CreateCounter("fastnode_commands_total", "Commands executed, by command (subcommands as parent|sub).", "cmd");
        _commandErrors = f.CreateCounter("fastnode_command_errors_total", "Commands that replied with an error, by command.", "cmd");
        _commandDuration = f.CreateHistogram("fastnode_command_duration_seconds", "Command execution time (latency-tracking), by command.",
            new HistogramConfiguration { LabelNames = ["cmd"], Buckets = HistogramExport.Buckets() });
        _errorReplies = f.CreateCounter("fastnode_error_replies_total", "Error replies by their first word (INFO errorstats).", "prefix");

        _hits = Export(f.CreateCounter("fastnode_keyspace_hits_total", "Key lookups that found the key."));
        _misses = Export(f.CreateCounter("fastnode_keyspace_misses_total", "Key lookups that did not find the key."));
        _expired = Export(f.CreateCounter("fastnode_expired_keys_total", "Keys removed because their time to live passed."));
        _evicted = Export(f.CreateCounter("fastnode_evicted_keys_total", "Keys evicted by maxmemory."));
        _keys = f.CreateGauge("fastnode_keys", "Keys per database (non-empty databases only).", "db");

        _memoryUsed = f.CreateGauge("fastnode_memory_used_bytes", "used_memory: what maxmemory counts.");
        _memoryRss = f.CreateGauge("fastnode_memory_rss_bytes", "Resident set size of the process.");
        _memoryMax = f.CreateGauge("fastnode_memory_max_bytes", "The maxmemory setting (0 = no limit).");
        _gcHeap = f.CreateGauge("fastnode_gc_heap_bytes", "Bytes on the .NET managed heap.");
        _gcPause = f.CreateCounter("fastnode_gc_pause_seconds_total", "Time the .NET garbage collector paused the process.");
        _gcCollections = f.CreateCounter("fastnode_gc_collections_total", "Garbage collections, by generation.", "generation");
        for (int g = 0; g < 3; g++) _gcByGeneration[g] = new CounterExport(_gcCollections.WithLabels(g.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        _connected = f.CreateGauge("fastnode_connected_clients", "Client connections open.");
        _blocked = f.CreateGauge("fastnode_blocked_clients", "Clients waiting in a blocking command.");
        _outputBuffers = f.CreateGauge("fastnode_client_output_buffer_bytes", "Output buffered for all clients (replies not yet sent plus queued pub/sub messages).");
        _connectionsReceived = Export(f.CreateCounter("fastnode_connections_received_total", "Connections accepted."));
        _rejectedConnections = Export(f.CreateCounter("fastnode_rejected_connections_total", "Connections refused at maxclients."));
        _netInput = Export(f.CreateCounter("fastnode_net_input_bytes_total", "Bytes read from clients."));
        _netOutput = Export(f.CreateCounter("fastnode_net_output_bytes_total", "Bytes of replies written to clients."));

        _pubsubChannels = f.CreateGauge("fastnode_pubsub_channels", "Channels with at least one subscriber.");
        _pubsubPatterns = f.CreateGauge("fastnode_pubsub_patterns", "Patterns with at least one subscriber.");
        _pubsubShardChannels = f.CreateGauge("fastnode_pubsub_shard_channels", "SSUBSCRIBE channels with at least one subscriber.");
        _pubsubSubscribers = f.CreateGauge("fastnode_pubsub_subscribers", "Clients subscribed to at least one channel, pattern or shard channel.");

        _replOffset = f.CreateGauge("fastnode_replication_offset_bytes", "master_repl_offset: bytes of the replication stream so far.");
        _connectedReplicas = f.CreateGauge("fastnode_connected_replicas", "Replicas connected to this server.");
        _replicaLag = f.CreateGauge("fastnode_replica_lag_seconds", "Seconds since each replica last acknowledged.", "replica");
        _replicaOffsetLag = f.CreateGauge("fastnode_replica_offset_lag_bytes", "Bytes of the stream each replica has not acknowledged yet.", "replica");

        _clusterEnabled = f.CreateGauge("fastnode_cluster_enabled", "1 in cluster mode.");
        _clusterState = f.CreateGauge("fastnode_cluster_state_ok", "1 while cluster_state is ok (cluster mode only).");
        _clusterKnownNodes = f.CreateGauge("fastnode_cluster_known_nodes", "Nodes this node knows, itself included (cluster mode only).");
        _failovers = Export(f.CreateCounter("fastnode_cluster_failovers_total", "Elections this node won and so became a primary (cluster mode)."));

        _lockGrants = Export(f.CreateCounter("fastnode_lock_grants_total", "Locks and semaphore permits granted."));
        _lockWaits = Export(f.CreateCounter("fastnode_lock_waits_total", "Acquires that had to wait in the queue."));
        _lockTimeouts = Export(f.CreateCounter("fastnode_lock_timeouts_total", "Acquires that gave up waiting."));
        _lockExpirations = Export(f.CreateCounter("fastnode_lock_expirations_total", "Leases that ran out without a release."));
        _lockHandoffs = Export(f.CreateCounter("fastnode_lock_handoffs_total", "Locks handed straight to the next waiter."));
        _rateAllowed = Export(f.CreateCounter("fastnode_ratelimit_allowed_total", "Rate-limiter requests allowed."));
        _rateDenied = Export(f.CreateCounter("fastnode_ratelimit_denied_total", "Rate-limiter requests denied."));

        _slowlogLength = f.CreateGauge("fastnode_slowlog_length", "Entries in the slow log.");
        _uptime = f.CreateGauge("fastnode_uptime_seconds", "Seconds since the server started.");
        registry.AddBeforeCollectCallback(Collect);
    }

    private static CounterExport Export(Counter counter) => new(counter);

    /// <summary>Runs before each scrape, on the scraping thread.</summary>
    public void Collect()
    {
        CollectCommands();
        CollectKeyspace();
        CollectMemory();
        CollectClients();
        CollectReplication();
        CollectCluster();
        // INFO locks' counters, locks and semaphores together.
        var stats = _server.Locks.Stats;
        var (lockFamily, semaphores) = (stats.Lock, stats.Semaphore);
        _lockGrants.Update(lockFamily.Grants + semaphores.Grants);
        _lockWaits.Update(lockFamily.Waits + semaphores.Waits);
        _lockTimeouts.Update(lockFamily.WaitTimeouts + semaphores.WaitTimeouts);
        _lockExpirations.Update(lockFamily.Expirations + semaphores.Expirations);
        _lockHandoffs.Update(lockFamily.HandOffs + semaphores.HandOffs);
        _rateAllowed.Update(stats.LimiterAllowed);
        _rateDenied.Update(stats.LimiterDenied);
        _slowlogLength.Set(_server.Monitoring.SlowLog.Count);
        _uptime.Set(Math.Max(0, (_server.NowMs - _server.StartedAtMs) / 1000));
    }

    private void CollectCommands()
    {
        foreach (var def in _server.Commands.AllIncludingSubcommands)
        {
            long calls = def.Stats.Calls;
            if (calls == 0 && !_perCommand.ContainsKey(def)) continue;
            if (!_perCommand.TryGetValue(def, out var export))
            {
                export = (new CounterExport(_commands.WithLabels(def.FullName)), new CounterExport(_commandErrors.WithLabels(def.FullName)), null);
            }
            if (export.Duration is null && def.Stats.Histogram is not null) export.Duration = new HistogramExport(_commandDuration.WithLabels(def.FullName));
            _perCommand[def] = export;
            export.Calls.Update(calls);
            export.Errors.Update(def.Stats.FailedCalls);
            if (def.Stats.Histogram is { } histogram) export.Duration!.Update(histogram);
        }
        foreach (var (prefix, count) in _server.Stats.Errors.Snapshot())
        {
            if (!_perErrorPrefix.TryGetValue(prefix, out var export))
                _perErrorPrefix[prefix] = export = new CounterExport(_errorReplies.WithLabels(prefix));
            export.Update(count);
        }
    }

    private void CollectKeyspace()
    {
        long expired = 0, hits = 0, misses = 0;
        for (int db = 0; db < _server.DatabaseCount; db++)
        {
            var database = _server.Database(db);
            var counters = database.KeyspaceCounters();
            expired += counters.Expired;
            hits += counters.Hits;
            misses += counters.Misses;
            long keys = database.Count();
            string label = db.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (keys > 0) _keys.WithLabels(label).Set(keys);
            else _keys.RemoveLabelled(label);
        }
        _hits.Update(hits);
        _misses.Update(misses);
        _expired.Update(expired);
        _evicted.Update(_server.Memory.EvictedKeys());
    }

    private void CollectMemory()
    {
        _memoryUsed.Set(_server.Memory.ObservePeak());
        _memoryRss.Set(Environment.WorkingSet);
        _memoryMax.Set(_server.Options.Memory.MaxMemory);
        _gcHeap.Set(GC.GetTotalMemory(false));
        _gcPause.IncTo(GC.GetTotalPauseDuration().TotalSeconds);   // never reset, so IncTo is enough
        for (int g = 0; g < 3; g++) _gcByGeneration[g].Update(GC.CollectionCount(g));
    }

    private void CollectClients()
    {
        int connected = 0, blocked = 0, subscribers = 0;
        long output = 0;
        foreach (var client in _server.Clients.All)
        {
            connected++;
            if (client.PendingBlock is not null) blocked++;
            if (client.PubSub is { Active: true }) subscribers++;
            output += client.OutputBufferUsage();
        }
        _connected.Set(connected);
        _blocked.Set(blocked);
        _outputBuffers.Set(output);
        _pubsubSubscribers.Set(subscribers);
        _pubsubChannels.Set(_server.PubSub.Channels.Count);
        _pubsubPatterns.Set(_server.PubSub.Patterns.Count);
        _pubsubShardChannels.Set(_server.PubSub.ShardChannels.Count);
        var stats = _server.Stats;
        _connectionsReceived.Update(Interlocked.Read(ref stats.ConnectionsReceived));
        _rejectedConnections.Update(Interlocked.Read(ref stats.RejectedConnections));
        _netInput.Update(Interlocked.Read(ref stats.TotalNetInputBytes));
        _netOutput.Update(_server.Clients.TotalOutputBytes());
    }

    private void CollectReplication()
    {
        long offset = _server.Feed.Offset;
        _replOffset.Set(offset);
        var replicas = _server.Replication.Replicas;
        _connectedReplicas.Set(replicas.Count);
        long now = _server.NowMs;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in replicas)
        {
            string label = r.Ip + ":" + r.ListeningPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
            seen.Add(label);
            _replicaLag.WithLabels(label).Set(Math.Max(0, (now - r.AckTimeMs) / 1000.0));
            _replicaOffsetLag.WithLabels(label).Set(Math.Max(0, offset - Interlocked.Read(ref r.AckOffset)));
        }
        foreach (var gone in _replicaLabels)
        {
            if (seen.Contains(gone)) continue;
            _replicaLag.RemoveLabelled(gone);
            _replicaOffsetLag.RemoveLabelled(gone);
        }
        _replicaLabels.Clear();
        _replicaLabels.UnionWith(seen);
    }

    private void CollectCluster()
    {
        if (_server.Cluster is not { } cluster)
        {
            _clusterEnabled.Set(0);
            return;
        }
        var snapshot = cluster.View.Snapshot;
        _clusterEnabled.Set(1);
        _clusterState.Set(snapshot.Health == FastNode.Cluster.State.ClusterHealth.Ok ? 1 : 0);
        _clusterKnownNodes.Set(snapshot.Nodes.Count);
        _failovers.Update(cluster.Stats.ElectionsWon);
    }
}
