using System.Buffers.Text;
using FastNode.Protocol;

namespace FastNode.Server.Storage;

/// <summary>
/// How string values are kept in an <see cref="Entry"/>. Values up to <see cref="StringSlabs.MaxChunk"/> bytes live
/// in a chunk of the shard's <see cref="StringSlabs"/>; longer ones in a byte[] of their own, possibly longer than the
/// value. Chunks and arrays up to <see cref="MutableLimit"/> are rewritten in place when the new value fits (SET
/// overwrite and INCR allocate nothing), and a freed chunk is reused by another key, so readers copy such values
/// while holding the shard lock. Larger arrays are never modified once stored, so a reader may take the reference,
/// release the lock and copy outside it. Every member is called with the shard's lock held.
/// </summary>
public static class StringValue
{
    public const int MutableLimit = 64 * 1024;

    /// <summary>Room reserved for a number so INCR can grow it in place (long.MinValue has 20 chars).</summary>
    private const int IntegerCapacity = 20;

    /// <summary>Bytes the entry's string can hold without moving.</summary>
    public static int Capacity(in Entry e) =>
        e.InSlab ? StringSlabs.CapacityOf(e.StringBytes) : e.StringBytes.Length;

    /// <summary>Whether a buffer of <paramref name="capacity"/> bytes should keep a value of <paramref name="needed"/>
    /// bytes: it fits, may be written in place, and does not waste more than about half.</summary>
    private static bool Keeps(int capacity, int needed) =>
        capacity >= needed && capacity <= MutableLimit && capacity <= needed * 2 + 32;

    /// <summary>Stores <paramref name="value"/> as the entry's string, reusing its buffer when it fits.</summary>
    public static void Assign(Shard shard, ref Entry e, scoped ReadOnlySpan<byte> value, int minCapacity = 0)
    {
        int needed = Math.Max(value.Length, minCapacity);
        if (!(e.Kind == ValueKind.String && e.Value is not null && Keeps(Capacity(e), needed)))
        {
            Release(shard, ref e);
            Place(shard, ref e, needed);
        }
        e.ValueLength = value.Length;
        value.CopyTo(e.StringCapacity);
    }

    public static void AssignInteger(Shard shard, ref Entry e, long value)
    {
        Span<byte> digits = stackalloc byte[IntegerCapacity];
        Utf8Formatter.TryFormat(value, digits, out int n);
        Assign(shard, ref e, digits.Slice(0, n), IntegerCapacity);
    }

    /// <summary>
    /// Room for <paramref name="length"/> bytes in the entry's string, keeping its current bytes (APPEND, SETRANGE):
    /// the same buffer when it is mutable and big enough, otherwise a new one. Small values get room to grow (appends
    /// are amortized); a value past the mutable limit gets an exact-size array, since it is never written in place.
    /// Returns the writable buffer from the value's first byte.
    /// </summary>
    public static Span<byte> Reserve(Shard shard, ref Entry e, int length)
    {
        int capacity = Capacity(e);
        if (length <= capacity && capacity <= MutableLimit) return e.StringCapacity;
        int grown = length <= MutableLimit ? Math.Min(Math.Max(length * 2, 16), MutableLimit) : length;
        var previous = e;
        Place(shard, ref e, grown);
        previous.StringSpan.CopyTo(e.StringCapacity);
        Release(shard, ref previous);
        return e.StringCapacity;
    }

    /// <summary>
    /// Frees the entry's chunk, if its string has one, and leaves the entry without a value. Call before the entry
    /// takes a value of another type or moves out of this shard; <see cref="Shard.Remove"/> calls it.
    /// </summary>
    public static void Release(Shard shard, ref Entry e)
    {
        shard.Account(-Bytes(e));
        if (e.Kind == ValueKind.String && e.Value is not null)
        {
            if (e.InSlab) shard.Strings.Free(e.StringBytes, e.ValueOffset);
            else LargeFrees.Freed(e.StringBytes.Length);
        }
        Detach(ref e);
    }

    /// <summary>
    /// Bytes the entry's value is counted as in used_memory: a string's chunk or its own array, or for another type the
    /// estimate kept in <see cref="Entry.ValueLength"/> (which only strings use for their length).
    /// </summary>
    public static long Bytes(in Entry e)
    {
        if (e.Kind != ValueKind.String) return e.ValueLength;
        if (e.Value is null) return 0;
        return e.InSlab ? StringSlabs.CapacityOf(e.StringBytes) : Shard.ArrayBytes(e.StringBytes.Length);
    }

    /// <summary>
    /// Gives <paramref name="to"/> (in <paramref name="toShard"/>) the string of <paramref name="from"/> and leaves
    /// <paramref name="from"/> without a value (RENAME, MOVE). Within one shard the chunk moves as it is; across shards
    /// it is copied, since a chunk may only be freed to the allocator it came from.
    /// </summary>
    public static void Transfer(Shard fromShard, ref Entry from, Shard toShard, ref Entry to)
    {
        if (ReferenceEquals(fromShard, toShard) || !from.InSlab)
        {
            if (!ReferenceEquals(fromShard, toShard))
            {
                long bytes = Bytes(from);
                fromShard.Account(-bytes);
                toShard.Account(bytes);
            }
            to.Value = from.Value;
            to.ValueOffset = from.ValueOffset;
            to.ValueLength = from.ValueLength;
            Detach(ref from);
            return;
        }
        Assign(toShard, ref to, from.StringSpan);
        Release(fromShard, ref from);
    }

    /// <summary>Reads the string as a Redis integer (string2ll rules).</summary>
    public static bool TryGetInteger(in Entry e, out long value) => Numbers.TryParseInt64(e.StringSpan, out value);

    /// <summary>True when the value is an array of its own too large to be mutated in place (safe to copy outside the lock).</summary>
    public static bool IsImmutable(in Entry e) => !e.InSlab && e.StringBytes.Length > MutableLimit;

    /// <summary>Leaves the entry without a value, its chunk (if any) now someone else's or already freed.</summary>
    private static void Detach(ref Entry e)
    {
        e.Value = null;
        e.ValueOffset = 0;
        e.ValueLength = 0;
    }

    /// <summary>A new buffer of at least <paramref name="capacity"/> bytes for the entry (which holds none).</summary>
    private static void Place(Shard shard, ref Entry e, int capacity)
    {
        e.Kind = ValueKind.String;
        if (capacity <= StringSlabs.MaxChunk)
        {
            e.ValueOffset = shard.Strings.Allocate(capacity, out var slab);
            e.Value = slab;
        }
        else
        {
            e.ValueOffset = 0;
            e.Value = new byte[capacity];
        }
        shard.Account(Bytes(e));
    }
}
