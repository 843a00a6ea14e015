using FastNode.Server.Storage;
using FastNode.Server.Storage.Lists;

namespace FastNode.Server.Commands.Lists;

/// <summary>List-typed key lookups (see <see cref="TypedKeys"/>). Call with the key's shard lock held.</summary>
internal static class ListLookup
{
    public static ListValue? Read(Shard shard, ulong hash, ReadOnlySpan<byte> key, long nowMs, out bool wrongType) =>
        TypedKeys.Read<ListValue>(shard, hash, key, nowMs, ValueKind.List, out wrongType);

    public static ListValue? Write(Shard shard, ulong hash, ReadOnlySpan<byte> key, long nowMs, out int index, out bool wrongType) =>
        TypedKeys.Write<ListValue>(shard, hash, key, nowMs, ValueKind.List, out index, out wrongType);

    /// <summary>Adds a new, empty list at the key (which must be absent); returns it. The caller pushes at once.</summary>
    public static ListValue Create(Shard shard, ulong hash, ReadOnlySpan<byte> key, long nowMs, out int index)
    {
        var list = new ListValue();
        index = TypedKeys.Add(shard, hash, key, ValueKind.List, list, nowMs);
        return list;
    }
}
