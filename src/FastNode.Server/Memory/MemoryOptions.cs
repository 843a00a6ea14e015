using FastNode.Server.Storage;

namespace FastNode.Server.Memory;

/// <summary>
/// The maxmemory settings (Redis names and ranges). Changed by CONFIG SET at run time; <see cref="MemoryManager"/>
/// reads them on every command while <see cref="MaxMemory"/> is set.
/// </summary>
public sealed class MemoryOptions
{
    /// <summary>maxmemory: bytes of used_memory above which keys are evicted (or writes refused); 0 = no limit.</summary>
    public long MaxMemory { get; set; }
    /// <summary>maxmemory-policy: which keys go when the limit is reached.</summary>
    public EvictionPolicy Policy { get; set; } = EvictionPolicy.NoEviction;
    /// <summary>maxmemory-samples: keys sampled per eviction (1-64); more is closer to exact LRU/LFU and slower.</summary>
    public int Samples { get; set; } = 5;
    /// <summary>maxmemory-eviction-tenacity: how long one command may spend evicting (0-100; 10 = about 500 µs, 100 = unbounded).</summary>
    public int EvictionTenacity { get; set; } = 10;
    /// <summary>lfu-log-factor: how many hits it takes to raise the LFU counter (higher = slower, reaches 255 later).</summary>
    public int LfuLogFactor { get; set; } = 10;
    /// <summary>lfu-decay-time: minutes after which an idle key's LFU counter drops by one (0 = never).</summary>
    public int LfuDecayTime { get; set; } = 1;
    /// <summary>
    /// maxmemory-clients: bytes all normal clients' buffers may take before the largest is closed; 0 = no limit; a
    /// negative value -N is N percent of maxmemory (Redis keeps "10%" the same way).
    /// </summary>
    public long MaxMemoryClients { get; set; }
    /// <summary>replica-ignore-maxmemory: a replica does not evict (its primary's DELs keep it in step).</summary>
    public bool ReplicaIgnoreMaxMemory { get; set; } = true;
    /// <summary>memory-reclaim (FastNode only): how memory is given back after large frees (Memory/MemoryReclaimer.cs).</summary>
    public string Reclaim { get; set; } = "aggressive";

    /// <summary>Called after CONFIG SET (or start-up) changed any of these (the server pushes the LFU settings to the shards).</summary>
    public Action? Changed { get; set; }
}
