using FastNode.Server.Storage;
using FastNode.Server.Storage.Sets;

namespace FastNode.Server.Commands.Sets;

/// <summary>
/// Key lookups shared by the set commands, with Redis's split: reads (lookupKeyRead) count a keyspace hit or miss;
/// writes (lookupKeyWrite) only refresh the access time. Call with the key's shard lock held.
/// </summary>
internal static class SetLookup
{
    /// <summary>The set stored at the key, or null when the key is missing or holds another type (then <paramref name="wrongType"/>).</summary>
    public static SetValue? Read(Shard shard, ulong hash, ReadOnlySpan<byte> key, long nowMs, out bool wrongType)
    {
        int i = shard.Find(hash, key, nowMs);
        wrongType = false;
        if (i < 0) return null;
        ref var e = ref shard.At(i);
        if (e.Kind == ValueKind.Set) return (SetValue)e.Value!;
        wrongType = true;
        return null;
    }

    /// <summary>Like <see cref="Read"/> for a command that may change the set; <paramref name="index"/> is the entry (to delete it once empty).</summary>
    public static SetValue? Write(Shard shard, ulong hash, ReadOnlySpan<byte> key, long nowMs, out int index, out bool wrongType)
    {
        index = shard.FindLive(hash, key, nowMs);
        wrongType = false;
        if (index < 0) return null;
        ref var e = ref shard.At(index);
        if (e.Kind != ValueKind.Set)
        {
            wrongType = true;
            return null;
        }
        e.LastAccess = (uint)(nowMs / 1000);
        return (SetValue)e.Value!;
    }

    /// <summary>Adds a new key holding <paramref name="value"/> (the key must be absent).</summary>
    public static void Create(Shard shard, ulong hash, ReadOnlySpan<byte> key, SetValue value, long nowMs)
    {
        int index = shard.Add(hash, key, ValueKind.Set);
        ref var e = ref shard.At(index);
        e.Value = value;
        e.LastAccess = (uint)(nowMs / 1000);
    }

    /// <summary>
    /// SINTERSTORE/SUNIONSTORE/SDIFFSTORE: replaces whatever the key held (any type, TTL dropped) with
    /// <paramref name="value"/>, or deletes the key when the result is empty.
    /// </summary>
    public static void Store(Shard shard, ulong hash, ReadOnlySpan<byte> key, SetValue value, long nowMs)
    {
        int index = shard.FindLive(hash, key, nowMs);
        if (value.Count == 0)
        {
            if (index >= 0) shard.Remove(index);
            return;
        }
        if (index < 0)
        {
            Create(shard, hash, key, value, nowMs);
            return;
        }
        ref var e = ref shard.At(index);
        e.Kind = ValueKind.Set;
        e.Value = value;
        e.ValueLength = 0;
        e.LastAccess = (uint)(nowMs / 1000);
        shard.SetExpireAt(index, 0);
    }
}
