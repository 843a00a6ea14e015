using FastNode.Server.Storage;

namespace FastNode.Server.Commands.Keys;

/// <summary>Lookups shared by the key and expiry families. Call with the shard's lock held.</summary>
internal static class KeyLookup
{
    /// <summary>
    /// A read that leaves the access time alone (Redis LOOKUP_NOTOUCH: EXISTS, TYPE, TTL, OBJECT): lazy expiry
    /// happens and the keyspace hit/miss counters move, but OBJECT IDLETIME is not reset.
    /// </summary>
    public static int FindNoTouch(Shard shard, ulong hash, ReadOnlySpan<byte> key, long nowMs)
    {
        int index = shard.FindLive(hash, key, nowMs);
        if (index >= 0) shard.Hits++;
        else shard.Misses++;
        return index;
    }
}
