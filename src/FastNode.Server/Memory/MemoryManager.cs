using System.Diagnostics;
using FastNode.Server.Storage;

namespace FastNode.Server.Memory;

/// <summary>
/// used_memory and maxmemory for one server. used_memory is counted, not sampled from the GC (whose heap figure holds
/// garbage until the next collection, so eviction would go on long after enough was freed):
/// <c>used_memory = used_memory_startup + dataset + client buffers</c>, where the dataset is what the shards count for
/// their keys and values (<see cref="Shard.UsedBytes"/>) and client buffers are the query and output buffers of normal
/// clients, summed by the cron. Eviction runs as Redis's performEvictions does: before every command while over the
/// limit, round-robin over the shards of all databases, one key per shard visit, within a time budget set by
/// maxmemory-eviction-tenacity.
/// </summary>
public sealed class MemoryManager
{
    private readonly ServerState _server;
    private readonly MemoryOptions _options;
    private readonly Lock _evicting = new();
    private int _cursor;        // the database evicted from now; under _evicting
    private long _clientBuffers;
    private long _peak;

    public MemoryManager(ServerState server, MemoryCounter dataset)
    {
        _server = server;
        Dataset = dataset;
        _options = server.Options.Memory;
        StartupBytes = GC.GetTotalMemory(false);
        ClientEviction = new ClientEviction(_options, server.Clients, server.Loggers);
        _options.Changed = ApplyAccessSettings;
        ApplyAccessSettings();
    }

    /// <summary>maxmemory-clients: closes the clients with the largest buffers when all together reach the limit.</summary>
    public ClientEviction ClientEviction { get; }

    /// <summary>Where all databases' shards publish the bytes their keys take.</summary>
    public MemoryCounter Dataset { get; }

    /// <summary>used_memory_startup: the managed heap when the server was created, before any key or client.</summary>
    public long StartupBytes { get; }

    /// <summary>Query and output buffers of normal clients, as last summed by the cron (mem_clients_normal).</summary>
    public long ClientBuffers => Volatile.Read(ref _clientBuffers);

    /// <summary>used_memory: what maxmemory is compared with.</summary>
    public long UsedMemory => StartupBytes + Dataset.Bytes + ClientBuffers;

    /// <summary>The dataset's exact size (each shard's own count; the published figure may lag by a few KB per shard).</summary>
    public long DatasetBytesExact()
    {
        long total = 0;
        for (int i = 0; i < _server.DatabaseCount; i++) total += _server.Database(i).UsedBytes();
        return total;
    }

    /// <summary>used_memory_peak: the highest used_memory seen (by INFO, MEMORY STATS, the cron).</summary>
    public long Peak => Math.Max(Volatile.Read(ref _peak), UsedMemory);

    public long ObservePeak()
    {
        long used = UsedMemory;
        if (used > Volatile.Read(ref _peak)) Volatile.Write(ref _peak, used);
        return used;
    }

    /// <summary>Keys evicted so far, all databases (INFO evicted_keys).</summary>
    public long EvictedKeys()
    {
        long total = 0;
        for (int i = 0; i < _server.DatabaseCount; i++) total += _server.Database(i).EvictedCount();
        return total;
    }

    /// <summary>Whether used_memory is over maxmemory now (one compare when it is not set).</summary>
    public bool OverLimit
    {
        get
        {
            long max = _options.MaxMemory;
            return max > 0 && UsedMemory > max;
        }
    }

    /// <summary>
    /// Evicts keys until used_memory is under maxmemory, the time budget runs out, or nothing evictable is left. Call
    /// inside the write gate (the DELs go to the change feed). Nothing is evicted while a dataset loads, or on a replica
    /// with replica-ignore-maxmemory (its primary's DELs keep it in step).
    /// </summary>
    public EvictionResult PerformEvictions()
    {
        long max = _options.MaxMemory;
        if (max <= 0 || UsedMemory <= max) return EvictionResult.Ok;
        if (_server.Persistence.Loading || (_options.ReplicaIgnoreMaxMemory && _server.Replication.IsReplica)) return EvictionResult.Ok;
        var policy = _options.Policy;
        if (policy == EvictionPolicy.NoEviction) return EvictionResult.Fail;
        lock (_evicting)
        {
            long limitTicks = TimeLimitTicks(_options.EvictionTenacity);
            long started = Stopwatch.GetTimestamp();
            int samples = _options.Samples;
            long nowMs = _server.NowMs;
            int dbs = _server.DatabaseCount;
            int fruitless = 0;   // consecutive databases with nothing to evict
            long evicted = 0;
            while (UsedMemory > max)
            {
                if (_cursor >= dbs) _cursor = 0;
                var db = _server.Database(_cursor);
                bool wrapped = false;
                long freed = db.ExpiryHeld ? -1 : db.EvictNext(policy, samples, nowMs, out wrapped);
                if (freed < 0)
                {
                    _cursor++;
                    if (++fruitless >= dbs) return EvictionResult.Fail;
                    continue;
                }
                fruitless = 0;
                // Round the shards of one database, then the next: one key per shard visit.
                if (wrapped) _cursor++;
                if ((++evicted & 15) == 0 && limitTicks > 0 && Stopwatch.GetTimestamp() - started > limitTicks) return EvictionResult.Running;
            }
        }
        return EvictionResult.Ok;
    }

    /// <summary>Redis's evictionTimeLimitUs: 50 µs per step up to 10, then 15 % more per step; 100 = no limit (0 here).</summary>
    private static long TimeLimitTicks(int tenacity)
    {
        if (tenacity >= 100) return 0;
        double us = tenacity <= 10 ? 50.0 * tenacity : 500.0 * Math.Pow(1.15, tenacity - 10);
        return Math.Max(1, (long)(us * Stopwatch.Frequency / 1_000_000));
    }

    /// <summary>
    /// Cron: sums the normal clients' memory (mem_clients_normal), the same figure per client as CLIENT LIST tot-mem and
    /// client eviction (<see cref="ClientMemory"/>), and notes the peak.
    /// </summary>
    public void Sample()
    {
        long total = 0;
        foreach (var client in _server.Clients.All)
        {
            if (client.Replica is not null) continue;
            total += ClientMemory.Of(client);
        }
        Volatile.Write(ref _clientBuffers, total);
        ObservePeak();
    }

    /// <summary>Pushes the LFU settings to the databases (the shards read them on every access).</summary>
    private void ApplyAccessSettings()
    {
        bool lfu = _options.Policy.UsesLfu();
        for (int i = 0; i < _server.DatabaseCount; i++)
        {
            var db = _server.Database(i);
            db.LfuDecayTime = _options.LfuDecayTime;
            db.LfuLogFactor = _options.LfuLogFactor;
            db.Lfu = lfu;
        }
    }
}
