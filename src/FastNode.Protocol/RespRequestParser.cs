using System.Runtime.CompilerServices;

namespace FastNode.Protocol;

/// <summary>Outcome of parsing one request from a contiguous span.</summary>
public enum ParseStatus
{
    /// <summary>A whole command was read (it may have zero arguments, e.g. an empty inline line: skip it).</summary>
    Complete,
    /// <summary>The span ends inside the command; nothing was consumed.</summary>
    Incomplete,
}

/// <summary>
/// Parses one client request (a RESP array of bulk strings, or an inline command line) from a contiguous span.
/// The rules and error texts follow Redis's processMultibulkBuffer / processInlineBuffer:
/// header lines end at '\r' followed by one more byte, numbers have no sign or leading zeros,
/// and the two bytes after a bulk payload are skipped without being checked.
/// Malformed input throws <see cref="RespProtocolException"/>; incomplete input returns <see cref="ParseStatus.Incomplete"/>.
/// </summary>
public static class RespRequestParser
{
    /// <summary>
    /// Parses a multibulk request from its first byte. Argument ranges are added to <paramref name="args"/> (offsets
    /// into <paramref name="input"/>). On Incomplete, <paramref name="needed"/> is how long the input must be before
    /// another attempt can say more (a lower bound: never past a byte that could reveal an error).
    /// </summary>
    public static ParseStatus TryParseMultiBulk(ReadOnlySpan<byte> input, ArgRangeList args, ProtocolLimits limits,
        bool authenticated, out int consumed, out long needed)
    {
        MultiBulkProgress fresh = default;
        return TryParseMultiBulk(input, args, limits, authenticated, ref fresh, out consumed, out needed);
    }

    /// <summary>
    /// Same, resuming where an earlier Incomplete attempt on the same request stopped (Redis keeps the same state in
    /// multibulklen/bulklen), so a request that arrives in many pieces is scanned once, not once per piece.
    /// <paramref name="input"/> must start at the same request start as before, and <paramref name="args"/> must still
    /// hold what the earlier attempt added. The progress is reset on Complete; after an exception, reset it yourself.
    /// </summary>
    public static ParseStatus TryParseMultiBulk(ReadOnlySpan<byte> input, ArgRangeList args, ProtocolLimits limits,
        bool authenticated, ref MultiBulkProgress progress, out int consumed, out long needed)
    {
        consumed = 0;
        needed = input.Length + 1;
        int pos = progress.Position;
        long remaining = progress.Remaining;
        if (pos == 0)
        {
            args.Clear();
            int lineEnd = IndexOfLineEnd(input, (byte)'\r');
            if (lineEnd < 0 || lineEnd + 1 >= input.Length)
            {
                if (lineEnd < 0 && input.Length > ProtocolLimits.InlineMaxSize) RespProtocolException.Throw("too big mbulk count string");
                return ParseStatus.Incomplete;
            }
            // Redis checks "not a number" first, then the pre-AUTH limit, then the size (its own cap is INT_MAX; ours
            // is MaxArguments, reported with the same text).
            if (!TryParseLength(input.Slice(1, lineEnd - 1), out long count))
                RespProtocolException.Throw("invalid multibulk length");
            if (count > ProtocolLimits.UnauthenticatedMaxArguments && !authenticated)
                RespProtocolException.Throw("unauthenticated multibulk length");
            if (count > limits.MaxArguments)
                RespProtocolException.Throw("invalid multibulk length");

            pos = lineEnd + 2;
            if (count <= 0)
            {
                consumed = pos;
                return ParseStatus.Complete;
            }
            remaining = count;
        }

        while (remaining > 0)
        {
            if (pos >= input.Length) return Pause(ref progress, pos, remaining);
            var rest = input.Slice(pos);
            int cr = IndexOfLineEnd(rest, (byte)'\r');
            if (cr < 0 || cr + 1 >= rest.Length)
            {
                if (cr < 0 && rest.Length > ProtocolLimits.InlineMaxSize) RespProtocolException.Throw("too big bulk count string");
                return Pause(ref progress, pos, remaining);
            }
            if (rest[0] != (byte)'$') RespProtocolException.ThrowExpectedDollar(rest[0]);
            if (!TryParseLength(rest.Slice(1, cr - 1), out long length) || length < 0 || length > limits.MaxBulkLength)
                RespProtocolException.Throw("invalid bulk length");
            if (length > ProtocolLimits.UnauthenticatedMaxBulkLength && !authenticated)
                RespProtocolException.Throw("unauthenticated bulk length");

            int dataStart = pos + cr + 2;
            long end = dataStart + length + 2;
            if (end > input.Length)
            {
                // Inside a payload nothing can go wrong until all of it (and the two bytes after it) is here.
                Pause(ref progress, pos, remaining);
                needed = end;
                return ParseStatus.Incomplete;
            }
            args.Add(new ArgRange(dataStart, (int)length));
            pos = (int)end;
            remaining--;
        }
        progress = default;
        consumed = pos;
        return ParseStatus.Complete;
    }

    private static ParseStatus Pause(ref MultiBulkProgress progress, int position, long remaining)
    {
        progress.Position = position;
        progress.Remaining = remaining;
        return ParseStatus.Incomplete;
    }

    /// <summary>
    /// Parses an inline command line (e.g. "SET k "hello world"" typed into nc). Quoted arguments are unescaped
    /// into <paramref name="scratch"/>, so the resulting ranges point into scratch, not into the input.
    /// </summary>
    public static ParseStatus TryParseInline(ReadOnlySpan<byte> input, ArgRangeList args, ref byte[] scratch,
        out int consumed)
    {
        consumed = 0;
        args.Clear();
        int newline = IndexOfLineEnd(input, (byte)'\n');
        if (newline < 0)
        {
            if (input.Length > ProtocolLimits.InlineMaxSize) RespProtocolException.Throw("too big inline request");
            return ParseStatus.Incomplete;
        }
        var line = input.Slice(0, newline);
        if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
        if (scratch.Length < line.Length) scratch = new byte[Math.Max(line.Length, scratch.Length * 2)];
        if (!InlineSplitter.TrySplit(line, scratch, args))
            RespProtocolException.Throw("unbalanced quotes in request");
        consumed = newline + 1;
        return ParseStatus.Complete;
    }

    /// <summary>
    /// Where a header or inline line ends, or -1 if it does not end (yet). Two Redis rules are kept on purpose:
    /// 1. the terminator must be within the first <see cref="ProtocolLimits.InlineMaxSize"/> + 1 bytes (Redis rejects
    ///    a line once that many bytes arrived without one; looking no further keeps every re-parse O(64 KB));
    /// 2. Redis finds the terminator with strchr, which stops at a NUL byte: a NUL before the terminator means
    ///    "not found", so such a request waits for more data until the size limit rejects it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int IndexOfLineEnd(ReadOnlySpan<byte> input, byte terminator)
    {
        if (input.Length > ProtocolLimits.InlineMaxSize + 1) input = input.Slice(0, ProtocolLimits.InlineMaxSize + 1);
        int i = input.IndexOfAny(terminator, (byte)0);
        return i >= 0 && input[i] == terminator ? i : -1;
    }

    /// <summary>Header lengths follow Redis string2ll (see <see cref="Numbers.TryParseInt64"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryParseLength(ReadOnlySpan<byte> text, out long value) => Numbers.TryParseInt64(text, out value);
}
