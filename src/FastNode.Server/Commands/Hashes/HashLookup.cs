using FastNode.Server.Storage;
using FastNode.Server.Storage.Hashes;

namespace FastNode.Server.Commands.Hashes;

/// <summary>Hash-typed key lookups (see <see cref="TypedKeys"/>). Call with the key's shard lock held.</summary>
internal static class HashLookup
{
    public static HashValue? Read(Shard shard, ulong hash, ReadOnlySpan<byte> key, long nowMs, out bool wrongType) =>
        TypedKeys.Read<HashValue>(shard, hash, key, nowMs, ValueKind.Hash, out wrongType);

    public static HashValue? Write(Shard shard, ulong hash, ReadOnlySpan<byte> key, long nowMs, out int index, out bool wrongType) =>
        TypedKeys.Write<HashValue>(shard, hash, key, nowMs, ValueKind.Hash, out index, out wrongType);

    /// <summary>The hash at the key, created empty when the key is missing (hashTypeLookupWriteOrCreate); null when the key holds another type.</summary>
    public static HashValue? WriteOrCreate(Shard shard, ulong hash, ReadOnlySpan<byte> key, long nowMs)
    {
        var value = Write(shard, hash, key, nowMs, out _, out bool wrongType);
        if (value is not null || wrongType) return value;
        value = new HashValue();
        TypedKeys.Add(shard, hash, key, ValueKind.Hash, value, nowMs);
        return value;
    }
}
