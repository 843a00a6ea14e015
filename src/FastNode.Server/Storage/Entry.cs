using System.Runtime.CompilerServices;

namespace FastNode.Server.Storage;

/// <summary>
/// One slot of a shard's hash table. Lives inline in the shard's entry chunks (no object per key besides the
/// key and value arrays), 48 bytes. Only touched while the shard's lock is held.
/// </summary>
public struct Entry
{
    /// <summary>
    /// The high 32 bits of the key's xxHash64: they choose the bucket (the low bits chose the shard) and are compared
    /// before the key bytes. The full hash is not kept: 4 bytes a key, and nothing needs it after the lookup.
    /// </summary>
    public uint Hash;
    /// <summary>The key bytes, owned by the shard. Null marks a free slot.</summary>
    public byte[]? Key;
    /// <summary>A string's bytes (byte[], possibly longer than the value), or the family's own object.</summary>
    public object? Value;
    /// <summary>Used length of a string value inside <see cref="Value"/>.</summary>
    public int ValueLength;
    /// <summary>Next entry in the same bucket's chain, or -1; for a free slot, the next free slot.</summary>
    public int Next;
    /// <summary>Absolute expiry in Unix milliseconds; 0 means the key never expires.</summary>
    public long ExpireAt;
    /// <summary>Position of this entry in the shard's list of keys with a TTL, or -1.</summary>
    public int VolatileSlot;
    /// <summary>Unix seconds of the last access (OBJECT IDLETIME); 0 until the first stamped access.</summary>
    public uint LastAccess;
    public ValueKind Kind;

    public readonly bool IsString => Kind == ValueKind.String;

    public readonly ReadOnlySpan<byte> StringSpan => StringBytes.AsSpan(0, ValueLength);

    /// <summary>
    /// A string's array, for entries of kind String only (there <see cref="Value"/> is always a byte[]). Unchecked:
    /// a checked cast to byte[] goes through the runtime's cast helper (byte[] and sbyte[] are cast-compatible),
    /// measured at 5% of a pipelined GET's CPU.
    /// </summary>
    public readonly byte[] StringBytes => Unsafe.As<byte[]>(Value!);
}
