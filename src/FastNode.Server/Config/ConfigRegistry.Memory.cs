using FastNode.Server.Memory;
using FastNode.Server.Storage;

namespace FastNode.Server.Config;

/// <summary>The maxmemory settings, with Redis 7.0's names, ranges and error texts.</summary>
public sealed partial class ConfigRegistry
{
    private void AddMemorySettings(MemoryOptions memory)
    {
        Memory("maxmemory", () => memory.MaxMemory, v => Changed(memory, () => memory.MaxMemory = v), 0);
        Choice("maxmemory-policy", () => memory.Policy.Name(), v => Changed(memory, () => memory.Policy = Parse(v)), immutable: false,
            ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"]);
        Int("maxmemory-samples", () => memory.Samples, v => Changed(memory, () => memory.Samples = v), 1, 64);
        Int("maxmemory-eviction-tenacity", () => memory.EvictionTenacity, v => Changed(memory, () => memory.EvictionTenacity = v), 0, 100);
        Int("lfu-log-factor", () => memory.LfuLogFactor, v => Changed(memory, () => memory.LfuLogFactor = v), 0, int.MaxValue);
        Int("lfu-decay-time", () => memory.LfuDecayTime, v => Changed(memory, () => memory.LfuDecayTime = v), 0, int.MaxValue);
        Memory("maxmemory-clients", () => memory.MaxMemoryClients, v => Changed(memory, () => memory.MaxMemoryClients = v), 0);
        Choice("memory-reclaim", () => memory.Reclaim, v => memory.Reclaim = v, immutable: false, ["aggressive", "compact", "off"]);
        Bool("replica-ignore-maxmemory", () => memory.ReplicaIgnoreMaxMemory, v => Changed(memory, () => memory.ReplicaIgnoreMaxMemory = v));
    }

    private static EvictionPolicy Parse(string name) => EvictionPolicies.TryParse(name, out var p) ? p : EvictionPolicy.NoEviction;

    private static void Changed(MemoryOptions memory, Action set)
    {
        set();
        memory.Changed?.Invoke();
    }
}
