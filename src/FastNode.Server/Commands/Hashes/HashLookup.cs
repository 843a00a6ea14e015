using FastNode.Server.Storage;
using FastNode.Server.Storage.Hashes;

namespace FastNode.Server.Commands.Hashes;

/// <summary>
/// Key lookups shared by the hash commands, with Redis's split: reads (lookupKeyRead) count a keyspace hit or miss;
/// writes (lookupKeyWrite) only refresh the access time. Call with the key's shard lock held.
/// </summary>
internal static class HashLookup
{
    /// <summary>The hash stored at the key, or null when the key is missing or holds another type (then <paramref name="wrongType"/>).</summary>
    public static HashValue? Read(Shard shard, ulong hash, ReadOnlySpan<byte> key, long nowMs, out bool wrongType)
    {
        int i = shard.Find(hash, key, nowMs);
        wrongType = false;
        if (i < 0) return null;
        ref var e = ref shard.At(i);
        if (e.Kind == ValueKind.Hash) return (HashValue)e.Value!;
        wrongType = true;
        return null;
    }

    /// <summary>Like <see cref="Read"/> for a command that may change the hash; <paramref name="index"/> is the entry (to delete it once empty).</summary>
    public static HashValue? Write(Shard shard, ulong hash, ReadOnlySpan<byte> key, long nowMs, out int index, out bool wrongType)
    {
        index = shard.FindLive(hash, key, nowMs);
        wrongType = false;
        if (index < 0) return null;
        ref var e = ref shard.At(index);
        if (e.Kind != ValueKind.Hash)
        {
            wrongType = true;
            return null;
        }
        e.LastAccess = (uint)(nowMs / 1000);
        return (HashValue)e.Value!;
    }

    /// <summary>The hash at the key, created empty when the key is missing (hashTypeLookupWriteOrCreate); null when the key holds another type.</summary>
    public static HashValue? WriteOrCreate(Shard shard, ulong hash, ReadOnlySpan<byte> key, long nowMs)
    {
        var value = Write(shard, hash, key, nowMs, out int index, out bool wrongType);
        if (value is not null || wrongType) return value;
        index = shard.Add(hash, key, ValueKind.Hash);
        ref var e = ref shard.At(index);
        e.Value = value = new HashValue();
        e.LastAccess = (uint)(nowMs / 1000);
        return value;
    }
}
