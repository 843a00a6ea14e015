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
        Add(new ConfigSetting("maxmemory-clients", () => MemoryOrPercent(memory.MaxMemoryClients), v => SetMaxMemoryClients(memory, v)));
        Choice("memory-reclaim", () => memory.Reclaim, v => memory.Reclaim = v, immutable: false, ["aggressive", "compact", "off"]);
        Bool("replica-ignore-maxmemory", () => memory.ReplicaIgnoreMaxMemory, v => Changed(memory, () => memory.ReplicaIgnoreMaxMemory = v));
    }

    /// <summary>Bytes, or "N%" for a percentage kept as -N (Redis's memory-or-percent settings).</summary>
    private static string MemoryOrPercent(long value) =>
        value < 0 ? (-value).ToString(System.Globalization.CultureInfo.InvariantCulture) + "%" : value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>maxmemory-clients: a memory value (0 or more) or a whole percentage up to 100, with Redis's errors.</summary>
    private static string? SetMaxMemoryClients(MemoryOptions memory, string value)
    {
        const string NotMemoryOrPercent = "argument must be a memory or percent value";
        value = value.Trim();
        long parsed;
        if (value.EndsWith('%'))
        {
            if (!long.TryParse(value.AsSpan(0, value.Length - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long percent))
                return NotMemoryOrPercent;
            if (percent > 100) return "percentage argument must be less or equal to 100";
            parsed = -percent;
        }
        else if (!ConfigValue.TryParseMemory(value, out parsed) || parsed < 0)
        {
            return NotMemoryOrPercent;
        }
        Changed(memory, () => memory.MaxMemoryClients = parsed);
        return null;
    }

    private static EvictionPolicy Parse(string name) => EvictionPolicies.TryParse(name, out var p) ? p : EvictionPolicy.NoEviction;

    private static void Changed(MemoryOptions memory, Action set)
    {
        set();
        memory.Changed?.Invoke();
    }
}
