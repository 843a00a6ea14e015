using System.Buffers;
using System.Buffers.Text;
using FastNode.Protocol;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Collections;

namespace FastNode.Server.Commands;

/// <summary>
/// Argument parsing and reply pieces shared by HSCAN, SSCAN and ZSCAN (Redis scanGenericCommand). Redis checks, in this
/// order: the cursor (before looking at the key), then the key (missing: an empty scan; wrong type), and only then
/// the MATCH/COUNT options; so option errors are never reported for a missing key.
/// </summary>
public static class CollectionScan
{
    public const int DefaultCount = 10;

    /// <summary>The reply for a missing key: cursor 0 and no elements.</summary>
    public static ReadOnlySpan<byte> EmptyScan => "*2\r\n$1\r\n0\r\n*0\r\n"u8;

    public enum OptionError : byte { None, Syntax, NotInteger }

    /// <summary>
    /// Redis reads the cursor with strtoul: optional '+' or '-' (which wraps, so "-1" is 2^64-1), decimal digits,
    /// nothing else, no overflow. An empty string is cursor 0.
    /// </summary>
    public static bool TryParseCursor(ReadOnlySpan<byte> text, out ulong cursor)
    {
        cursor = 0;
        int i = 0;
        bool negative = false;
        if (i < text.Length && (text[i] == (byte)'+' || text[i] == (byte)'-'))
        {
            negative = text[i] == (byte)'-';
            i++;
        }
        if (i == text.Length) return text.IsEmpty;
        for (; i < text.Length; i++)
        {
            uint digit = (uint)(text[i] - '0');
            if (digit > 9) return false;
            if (cursor > (ulong.MaxValue - digit) / 10) return false;
            cursor = cursor * 10 + digit;
        }
        if (negative) cursor = 0 - cursor;
        return true;
    }

    /// <summary>Parses MATCH pattern / COUNT n pairs from <paramref name="start"/>. The last of each wins, as in Redis.</summary>
    /// <paramref name="matchAll"/> is false when a MATCH pattern other than "*" was given.
    public static OptionError ParseOptions(CommandArgs args, int start, out ReadOnlySpan<byte> pattern, out bool matchAll, out int count)
    {
        pattern = default;
        matchAll = true;
        count = DefaultCount;
        for (int a = start; a < args.Count; a += 2)
        {
            var option = args[a];
            bool hasValue = a + 1 < args.Count;
            if (hasValue && Ascii.EqualsIgnoreCase(option, "COUNT"u8))
            {
                if (!Numbers.TryParseInt64(args[a + 1], out long value)) return OptionError.NotInteger;
                if (value < 1) return OptionError.Syntax;
                count = (int)Math.Min(value, int.MaxValue);
            }
            else if (hasValue && Ascii.EqualsIgnoreCase(option, "MATCH"u8))
            {
                pattern = args[a + 1];
                matchAll = pattern.Length == 1 && pattern[0] == (byte)'*';
            }
            else
            {
                return OptionError.Syntax;
            }
        }
        return OptionError.None;
    }

    /// <summary>
    /// The collection of <paramref name="kind"/> a *SCAN walks, answering in Redis's order: WRONGTYPE, an empty scan for
    /// a missing key (options unchecked), then an option error. Null when that reply is already written.
    /// </summary>
    public static T? Open<T>(ref CommandContext ctx, in KeyHandle k, ValueKind kind, OptionError optionError)
        where T : class
    {
        var value = k.Get<T>(kind, out bool wrongType);
        if (wrongType) ctx.Writer.WriteError(RespErrors.WrongType);
        else if (value is null) ctx.Writer.WriteRaw(EmptyScan);
        else if (optionError != OptionError.None) WriteOptionError(ref ctx.Writer, optionError);
        else return value;
        return null;
    }

    public static void WriteOptionError(ref RespWriter writer, OptionError error) =>
        writer.WriteError(error == OptionError.NotInteger ? RespErrors.NotInteger : RespErrors.Syntax);

    /// <summary>Writes "*2", then the next cursor as a bulk string; the caller writes the element array.</summary>
    public static void WriteHeader(ref RespWriter writer, ulong nextCursor)
    {
        writer.WriteArrayHeader(2);
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(nextCursor, digits, out int n);
        writer.WriteBulkString(digits.Slice(0, n));
    }
}

/// <summary>
/// Collects the slots one <see cref="ByteTable.Scan{TVisitor}"/> step visits, in a pooled array.
/// Dispose returns the array to the pool.
/// </summary>
public struct SlotCollector : ISlotVisitor, IDisposable
{
    private int[] _slots;
    private int _count;

    public SlotCollector(int capacity)
    {
        _slots = ArrayPool<int>.Shared.Rent(Math.Clamp(capacity, 16, 4096));
        _count = 0;
    }

    public readonly Span<int> Slots => _slots.AsSpan(0, _count);

    public void Visit(int slot)
    {
        if (_count == _slots.Length)
        {
            var bigger = ArrayPool<int>.Shared.Rent(_slots.Length * 2);
            _slots.AsSpan().CopyTo(bigger);
            ArrayPool<int>.Shared.Return(_slots);
            _slots = bigger;
        }
        _slots[_count++] = slot;
    }

    public void Dispose()
    {
        if (_slots is not null) ArrayPool<int>.Shared.Return(_slots);
        _slots = null!;
    }
}
