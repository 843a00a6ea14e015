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
    /// Parses a multibulk request. Argument ranges are added to <paramref name="args"/> (offsets into <paramref name="input"/>).
    /// On Incomplete, <paramref name="needed"/> is a lower bound on the bytes the whole request occupies.
    /// </summary>
    public static ParseStatus TryParseMultiBulk(ReadOnlySpan<byte> input, ArgRangeList args, ProtocolLimits limits,
        bool authenticated, out int consumed, out long needed)
    {
        consumed = 0;
        needed = input.Length + 1;
        args.Clear();

        int lineEnd = input.IndexOf((byte)'\r');
        if (lineEnd < 0 || lineEnd + 1 >= input.Length)
        {
            if (input.Length > ProtocolLimits.InlineMaxSize) RespProtocolException.Throw("too big mbulk count string");
            return ParseStatus.Incomplete;
        }
        if (!TryParseLength(input.Slice(1, lineEnd - 1), out long count) || count > limits.MaxArguments)
            RespProtocolException.Throw("invalid multibulk length");
        if (count > ProtocolLimits.UnauthenticatedMaxArguments && !authenticated)
            RespProtocolException.Throw("unauthenticated multibulk length");

        int pos = lineEnd + 2;
        if (count <= 0)
        {
            consumed = pos;
            return ParseStatus.Complete;
        }

        for (long i = 0; i < count; i++)
        {
            if (pos >= input.Length) { needed = pos + (count - i) * 4; return ParseStatus.Incomplete; }
            var rest = input.Slice(pos);
            int cr = rest.IndexOf((byte)'\r');
            if (cr < 0 || cr + 1 >= rest.Length)
            {
                if (rest.Length > ProtocolLimits.InlineMaxSize) RespProtocolException.Throw("too big bulk count string");
                return ParseStatus.Incomplete;
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
                needed = end + (count - i - 1) * 4;
                return ParseStatus.Incomplete;
            }
            args.Add(new ArgRange(dataStart, (int)length));
            pos = (int)end;
        }
        consumed = pos;
        return ParseStatus.Complete;
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
        int newline = input.IndexOf((byte)'\n');
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

    /// <summary>Header lengths follow Redis string2ll (see <see cref="Numbers.TryParseInt64"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryParseLength(ReadOnlySpan<byte> text, out long value) => Numbers.TryParseInt64(text, out value);
}
