using FastNode.Server.Storage;
using FastNode.Server.Storage.SortedSets;

namespace FastNode.Server.Commands.SortedSets;

/// <summary>Sorted-set-typed key lookups (see <see cref="TypedKeys"/>). Call with the key's shard lock held.</summary>
internal static class SortedSetLookup
{
    public static SortedSetValue? Read(Shard shard, ulong hash, ReadOnlySpan<byte> key, long nowMs, out bool wrongType) =>
        TypedKeys.Read<SortedSetValue>(shard, hash, key, nowMs, ValueKind.SortedSet, out wrongType);

    public static SortedSetValue? Write(Shard shard, ulong hash, ReadOnlySpan<byte> key, long nowMs, out int index, out bool wrongType) =>
        TypedKeys.Write<SortedSetValue>(shard, hash, key, nowMs, ValueKind.SortedSet, out index, out wrongType);

    /// <summary>Stores a new set at a key known to be absent; returns the entry index.</summary>
    public static int Add(Shard shard, ulong hash, ReadOnlySpan<byte> key, SortedSetValue value, long nowMs) =>
        TypedKeys.Add(shard, hash, key, ValueKind.SortedSet, value, nowMs);

    /// <summary>Store commands: replaces whatever the key holds, or deletes it when <paramref name="value"/> is null or
    /// empty. Returns true when a non-empty set was stored (blocked clients may be waiting for it).</summary>
    public static bool Store(Shard shard, ulong hash, ReadOnlySpan<byte> key, SortedSetValue? value, long nowMs) =>
        TypedKeys.Store(shard, hash, key, ValueKind.SortedSet, value, value is null || value.Count == 0, nowMs);
}
