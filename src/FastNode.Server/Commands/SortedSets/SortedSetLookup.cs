using FastNode.Server.Storage;
using FastNode.Server.Storage.SortedSets;

namespace FastNode.Server.Commands.SortedSets;

/// <summary>
/// Key lookups shared by the sorted-set commands, with Redis's split: reads (lookupKeyRead) count a keyspace hit or
/// miss; writes (lookupKeyWrite) only refresh the access time. Call with the key's shard lock held.
/// </summary>
internal static class SortedSetLookup
{
    /// <summary>The set at the key, or null when the key is missing or holds another type (then <paramref name="wrongType"/>).</summary>
    public static SortedSetValue? Read(Shard shard, ulong hash, ReadOnlySpan<byte> key, long nowMs, out bool wrongType)
    {
        int i = shard.Find(hash, key, nowMs);
        wrongType = false;
        if (i < 0) return null;
        ref var e = ref shard.At(i);
        if (e.Kind == ValueKind.SortedSet) return (SortedSetValue)e.Value!;
        wrongType = true;
        return null;
    }

    /// <summary>Like <see cref="Read"/> for a command that may change the set; <paramref name="index"/> is the entry (to delete it once empty).</summary>
    public static SortedSetValue? Write(Shard shard, ulong hash, ReadOnlySpan<byte> key, long nowMs, out int index, out bool wrongType)
    {
        index = shard.FindLive(hash, key, nowMs);
        wrongType = false;
        if (index < 0) return null;
        ref var e = ref shard.At(index);
        if (e.Kind != ValueKind.SortedSet)
        {
            wrongType = true;
            return null;
        }
        e.LastAccess = (uint)(nowMs / 1000);
        return (SortedSetValue)e.Value!;
    }

    /// <summary>Stores a new set at a key known to be absent; returns the entry index.</summary>
    public static int Add(Shard shard, ulong hash, ReadOnlySpan<byte> key, SortedSetValue value, long nowMs)
    {
        int index = shard.Add(hash, key, ValueKind.SortedSet);
        ref var e = ref shard.At(index);
        e.Value = value;
        e.LastAccess = (uint)(nowMs / 1000);
        return index;
    }

    /// <summary>
    /// Replaces whatever the key holds with <paramref name="value"/> (store commands: the old value's type does not
    /// matter, its TTL is dropped), or deletes the key when <paramref name="value"/> is null or empty.
    /// Returns true when a non-empty set was stored (blocked clients may be waiting for it).
    /// </summary>
    public static bool Store(Shard shard, ulong hash, ReadOnlySpan<byte> key, SortedSetValue? value, long nowMs)
    {
        int index = shard.FindLive(hash, key, nowMs);
        if (value is null || value.Count == 0)
        {
            if (index >= 0) shard.Remove(index);
            return false;
        }
        if (index < 0)
        {
            Add(shard, hash, key, value, nowMs);
            return true;
        }
        shard.SetExpireAt(index, 0);
        ref var e = ref shard.At(index);
        e.Kind = ValueKind.SortedSet;
        e.Value = value;
        e.ValueLength = 0;
        e.LastAccess = (uint)(nowMs / 1000);
        return true;
    }
}
