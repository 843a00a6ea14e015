using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
    /// <summary>
    /// A string's bytes: a slab of the shard's <see cref="StringSlabs"/> (the value at <see cref="ValueOffset"/>), or
    /// for a long value an array of its own (offset 0), possibly longer than the value. Otherwise the family's object.
    /// </summary>
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
    // Kind in the low byte, a string's offset in its slab above it: a separate offset field would make the entry
    // 56 bytes, 8 more per key.
    private uint _kindAndOffset;

    public ValueKind Kind
    {
        readonly get => (ValueKind)(byte)_kindAndOffset;
        set => _kindAndOffset = (_kindAndOffset & ~0xFFu) | (byte)value;
    }

    /// <summary>Where a string value starts in <see cref="StringBytes"/>: 0 for an array of its own, at least
    /// <see cref="StringSlabs.HeaderBytes"/> for a chunk of a slab. Below 2^24.</summary>
    public int ValueOffset
    {
        readonly get => (int)(_kindAndOffset >> 8);
        set => _kindAndOffset = (_kindAndOffset & 0xFFu) | ((uint)value << 8);
    }

    /// <summary>
    /// True when the string lives in a chunk of the shard's slabs (to be freed there when it dies). Relies on entries
    /// of other kinds having offset 0: <see cref="StringValue.Release"/> clears it before a key changes type.
    /// </summary>
    public readonly bool InSlab => _kindAndOffset >= 0x100u;

    public readonly bool IsString => Kind == ValueKind.String;

    /// <summary>A string's value. Unchecked (the offset and length were checked when the value was stored).</summary>
    public readonly ReadOnlySpan<byte> StringSpan =>
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(StringBytes), ValueOffset), ValueLength);

    /// <summary>The string's chunk with room to write: from its offset to the end of its capacity.</summary>
    public readonly Span<byte> StringCapacity =>
        MemoryMarshal.CreateSpan(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(StringBytes), ValueOffset), StringValue.Capacity(this));

    /// <summary>
    /// A string's array, for entries of kind String only (there <see cref="Value"/> is always a byte[]). Unchecked:
    /// a checked cast to byte[] goes through the runtime's cast helper (byte[] and sbyte[] are cast-compatible),
    /// measured at 5% of a pipelined GET's CPU.
    /// </summary>
    public readonly byte[] StringBytes => Unsafe.As<byte[]>(Value!);
}
