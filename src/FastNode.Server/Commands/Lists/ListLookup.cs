using FastNode.Server.Storage;
using FastNode.Server.Storage.Lists;

namespace FastNode.Server.Commands.Lists;

/// <summary>
/// Key lookups shared by the list commands, with Redis's split: reads (lookupKeyRead) count a keyspace hit or miss;
/// writes (lookupKeyWrite) only refresh the access time. Call with the key's shard lock held.
/// </summary>
internal static class ListLookup
{
    /// <summary>The list at the key, or null when the key is missing or holds another type (then <paramref name="wrongType"/>).</summary>
    public static ListValue? Read(Shard shard, ulong hash, ReadOnlySpan<byte> key, long nowMs, out bool wrongType)
    {
        int i = shard.Find(hash, key, nowMs);
        wrongType = false;
        if (i < 0) return null;
        ref var e = ref shard.At(i);
        if (e.Kind == ValueKind.List) return (ListValue)e.Value!;
        wrongType = true;
        return null;
    }

    /// <summary>Like <see cref="Read"/> for a command that may change the list; <paramref name="index"/> is the entry (to delete it once empty).</summary>
    public static ListValue? Write(Shard shard, ulong hash, ReadOnlySpan<byte> key, long nowMs, out int index, out bool wrongType)
    {
        index = shard.FindLive(hash, key, nowMs);
        wrongType = false;
        if (index < 0) return null;
        ref var e = ref shard.At(index);
        if (e.Kind != ValueKind.List)
        {
            wrongType = true;
            return null;
        }
        e.LastAccess = (uint)(nowMs / 1000);
        return (ListValue)e.Value!;
    }

    /// <summary>Adds a new, empty list at the key (which must be absent); returns it. The caller pushes at once.</summary>
    public static ListValue Create(Shard shard, ulong hash, ReadOnlySpan<byte> key, long nowMs, out int index)
    {
        index = shard.Add(hash, key, ValueKind.List);
        ref var e = ref shard.At(index);
        var list = new ListValue();
        e.Value = list;
        e.LastAccess = (uint)(nowMs / 1000);
        return list;
    }
}
