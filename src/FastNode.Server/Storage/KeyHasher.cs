using System.Runtime.CompilerServices;
using K4os.Hash.xxHash;

namespace FastNode.Server.Storage;

/// <summary>Every key is hashed exactly once per command; the hash picks the shard and then the bucket.</summary>
public static class KeyHasher
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Hash(ReadOnlySpan<byte> key) => XXH64.DigestOf(key);
}
