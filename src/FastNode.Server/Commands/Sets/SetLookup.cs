using FastNode.Server.Storage;
using FastNode.Server.Storage.Sets;

namespace FastNode.Server.Commands.Sets;

/// <summary>Set-typed key lookups (see <see cref="TypedKeys"/>). Call with the key's shard lock held.</summary>
internal static class SetLookup
{
    public static SetValue? Read(Shard shard, ulong hash, ReadOnlySpan<byte> key, long nowMs, out bool wrongType) =>
        TypedKeys.Read<SetValue>(shard, hash, key, nowMs, ValueKind.Set, out wrongType);

    public static SetValue? Write(Shard shard, ulong hash, ReadOnlySpan<byte> key, long nowMs, out int index, out bool wrongType) =>
        TypedKeys.Write<SetValue>(shard, hash, key, nowMs, ValueKind.Set, out index, out wrongType);

    /// <summary>Adds a new key holding <paramref name="value"/> (the key must be absent).</summary>
    public static void Create(Shard shard, ulong hash, ReadOnlySpan<byte> key, SetValue value, long nowMs) =>
        TypedKeys.Add(shard, hash, key, ValueKind.Set, value, nowMs);

    /// <summary>SINTERSTORE/SUNIONSTORE/SDIFFSTORE: replaces whatever the key held, or deletes it when the result is empty.</summary>
    public static void Store(Shard shard, ulong hash, ReadOnlySpan<byte> key, SetValue value, long nowMs) =>
        TypedKeys.Store(shard, hash, key, ValueKind.Set, value, value.Count == 0, nowMs);
}
