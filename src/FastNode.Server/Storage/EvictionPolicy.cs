namespace FastNode.Server.Storage;

/// <summary>maxmemory-policy, as Redis names them: which keys may go (all, or those with a TTL) and how one is picked.</summary>
public enum EvictionPolicy
{
    NoEviction,
    AllKeysLru,
    AllKeysLfu,
    AllKeysRandom,
    VolatileLru,
    VolatileLfu,
    VolatileRandom,
    VolatileTtl,
}

public static class EvictionPolicies
{
    public static bool OnlyVolatile(this EvictionPolicy p) =>
        p is EvictionPolicy.VolatileLru or EvictionPolicy.VolatileLfu or EvictionPolicy.VolatileRandom or EvictionPolicy.VolatileTtl;

    public static bool UsesLfu(this EvictionPolicy p) => p is EvictionPolicy.AllKeysLfu or EvictionPolicy.VolatileLfu;

    public static bool IsRandom(this EvictionPolicy p) => p is EvictionPolicy.AllKeysRandom or EvictionPolicy.VolatileRandom;

    public static string Name(this EvictionPolicy p) => p switch
    {
        EvictionPolicy.AllKeysLru => "allkeys-lru",
        EvictionPolicy.AllKeysLfu => "allkeys-lfu",
        EvictionPolicy.AllKeysRandom => "allkeys-random",
        EvictionPolicy.VolatileLru => "volatile-lru",
        EvictionPolicy.VolatileLfu => "volatile-lfu",
        EvictionPolicy.VolatileRandom => "volatile-random",
        EvictionPolicy.VolatileTtl => "volatile-ttl",
        _ => "noeviction",
    };

    public static bool TryParse(string name, out EvictionPolicy policy)
    {
        for (var p = EvictionPolicy.NoEviction; p <= EvictionPolicy.VolatileTtl; p++)
        {
            if (string.Equals(p.Name(), name, StringComparison.OrdinalIgnoreCase))
            {
                policy = p;
                return true;
            }
        }
        policy = EvictionPolicy.NoEviction;
        return false;
    }
}
