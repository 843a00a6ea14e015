namespace FastNode.Server.Storage;

/// <summary>
/// Key lookups shared by the collection families (hash, list, set, sorted set), with Redis's split: reads
/// (lookupKeyRead) count a keyspace hit or miss; writes (lookupKeyWrite) only refresh the access time.
/// Each family wraps these with its own value type and <see cref="ValueKind"/>. Call with the key's shard lock held.
/// </summary>
public static class TypedKeys
{
    /// <summary>The value of <paramref name="kind"/> at the key, or null when the key is missing or holds another type
    /// (then <paramref name="wrongType"/>).</summary>
    public static T? Read<T>(Shard shard, ulong hash, ReadOnlySpan<byte> key, long nowMs, ValueKind kind, out bool wrongType)
        where T : class
    {
        int i = shard.Find(hash, key, nowMs);
        wrongType = false;
        if (i < 0) return null;
        ref var e = ref shard.At(i);
        if (e.Kind == kind) return (T)e.Value!;
        wrongType = true;
        return null;
    }

    /// <summary>Like <see cref="Read{T}"/> for a command that may change the value; <paramref name="index"/> is the
    /// entry (to delete it once empty).</summary>
    public static T? Write<T>(Shard shard, ulong hash, ReadOnlySpan<byte> key, long nowMs, ValueKind kind, out int index, out bool wrongType)
        where T : class
    {
        index = shard.FindLive(hash, key, nowMs);
        wrongType = false;
        if (index < 0) return null;
        ref var e = ref shard.At(index);
        if (e.Kind != kind)
        {
            wrongType = true;
            return null;
        }
        e.LastAccess = (uint)(nowMs / 1000);
        return (T)e.Value!;
    }

    /// <summary>Stores <paramref name="value"/> at a key known to be absent; returns the entry index.</summary>
    public static int Add(Shard shard, ulong hash, ReadOnlySpan<byte> key, ValueKind kind, object value, long nowMs)
    {
        int index = shard.Add(hash, key, kind);
        ref var e = ref shard.At(index);
        e.Value = value;
        e.LastAccess = (uint)(nowMs / 1000);
        return index;
    }
}
