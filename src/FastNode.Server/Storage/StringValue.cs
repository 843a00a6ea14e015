using System.Buffers.Text;
using FastNode.Protocol;

namespace FastNode.Server.Storage;

/// <summary>
/// How string values are kept in an <see cref="Entry"/>: a byte[] that may be longer than the value.
/// Values up to <see cref="MutableLimit"/> are rewritten in place when they fit (SET overwrite and INCR allocate
/// nothing), so readers copy them while holding the shard lock. Larger arrays are never modified once stored,
/// so a reader may take the reference, release the lock and copy outside it.
/// </summary>
public static class StringValue
{
    public const int MutableLimit = 64 * 1024;

    /// <summary>Room reserved for a number so INCR can grow it in place (long.MinValue has 20 chars).</summary>
    private const int IntegerCapacity = 20;

    public static bool CanReuse(byte[] buffer, int newLength) =>
        buffer.Length >= newLength && buffer.Length <= MutableLimit && buffer.Length <= newLength * 2 + 32;

    /// <summary>Stores <paramref name="value"/> as the entry's string, reusing its buffer when it fits.</summary>
    public static void Assign(ref Entry e, scoped ReadOnlySpan<byte> value, int minCapacity = 0)
    {
        byte[]? buffer = e.Kind == ValueKind.String ? e.StringBytes : null;
        if (buffer is not null && CanReuse(buffer, Math.Max(value.Length, minCapacity)))
        {
            value.CopyTo(buffer);
        }
        else
        {
            buffer = new byte[Math.Max(value.Length, minCapacity)];
            value.CopyTo(buffer);
            e.Value = buffer;
        }
        e.ValueLength = value.Length;
        e.Kind = ValueKind.String;
    }

    public static void AssignInteger(ref Entry e, long value)
    {
        Span<byte> digits = stackalloc byte[IntegerCapacity];
        Utf8Formatter.TryFormat(value, digits, out int n);
        Assign(ref e, digits.Slice(0, n), IntegerCapacity);
    }

    /// <summary>Reads the string as a Redis integer (string2ll rules).</summary>
    public static bool TryGetInteger(in Entry e, out long value) => Numbers.TryParseInt64(e.StringSpan, out value);

    /// <summary>True when the value is large enough that it is never mutated in place (safe to copy outside the lock).</summary>
    public static bool IsImmutable(in Entry e) => e.StringBytes.Length > MutableLimit;
}
