using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace FastNode.Protocol;

/// <summary>
/// Writes RESP replies straight into an output buffer (the connection's PipeWriter, or a benchmark sink).
/// A ref struct holding the current span, so each write is a bounds check and a copy; the underlying writer is
/// only called when the span runs out and in <see cref="Commit"/>. Call Commit before flushing the output.
/// RESP3 types degrade to their RESP2 shapes when <see cref="Resp3"/> is false, as Redis does.
/// </summary>
public ref struct RespWriter
{
    private const int MinChunk = 4096;
    private const int GrowChunk = 64 * 1024;
    private readonly IBufferWriter<byte> _output;
    private Span<byte> _span;
    private int _pos;

    public RespWriter(IBufferWriter<byte> output, bool resp3)
    {
        _output = output;
        Resp3 = resp3;
        _span = default;
        _pos = 0;
    }

    /// <summary>The client negotiated RESP3 with HELLO 3.</summary>
    public bool Resp3 { get; set; }

    /// <summary>Bytes written so far (the dispatcher checks that every handler replied).</summary>
    public long Written { get; private set; }

    /// <summary>Error replies written so far (failed_calls in INFO commandstats).</summary>
    public int Errors { get; private set; }

    /// <summary>Called with the text of each error reply (INFO errorstats); null when nobody counts them.</summary>
    public ErrorReplyObserver? ErrorObserver { get; set; }

    public void Commit()
    {
        if (_pos > 0)
        {
            _output.Advance(_pos);
            _pos = 0;
        }
        _span = default;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> Reserve(int size)
    {
        if ((uint)(_span.Length - _pos) < (uint)size) Grow(size);
        return _span.Slice(_pos);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int size)
    {
        if (_pos > 0) _output.Advance(_pos);
        _pos = 0;
        // Ask for 64 KB so a pipelined batch of replies usually fits one output segment, i.e. one send: at 16 KB the
        // replies to 16 GETs of 1 KB took two sends (GET 1 KB -P 16: 1.64 -> 1.44 CPU-us per request with 64 KB).
        _span = _output.GetSpan(Math.Max(size, GrowChunk));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Advance(int count)
    {
        _pos += count;
        Written += count;
    }

    /// <summary>Copies pre-encoded bytes (a whole reply from <see cref="RespReplies"/> or part of one).</summary>
    public void WriteRaw(scoped ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length <= MinChunk)
        {
            bytes.CopyTo(Reserve(bytes.Length));
            Advance(bytes.Length);
            return;
        }
        // Large payloads go in chunks so we never ask the pipe for one giant segment.
        while (!bytes.IsEmpty)
        {
            var dest = Reserve(1);
            int n = Math.Min(dest.Length, bytes.Length);
            bytes.Slice(0, n).CopyTo(dest);
            Advance(n);
            bytes = bytes.Slice(n);
        }
    }

    public void WriteSimpleString(scoped ReadOnlySpan<byte> text)
    {
        var dest = Reserve(text.Length + 3);
        dest[0] = (byte)'+';
        text.CopyTo(dest.Slice(1));
        dest[text.Length + 1] = (byte)'\r';
        dest[text.Length + 2] = (byte)'\n';
        Advance(text.Length + 3);
    }

    /// <summary>Writes "-{text}\r\n". The text must already carry its prefix (ERR, WRONGTYPE, ...).</summary>
    public void WriteError(scoped ReadOnlySpan<byte> text)
    {
        Errors++;
        ErrorObserver?.Invoke(text);
        var dest = Reserve(text.Length + 3);
        dest[0] = (byte)'-';
        text.CopyTo(dest.Slice(1));
        dest[text.Length + 1] = (byte)'\r';
        dest[text.Length + 2] = (byte)'\n';
        Advance(text.Length + 3);
    }

    /// <summary>Writes an error from a string (cold paths only: it encodes on the fly). CR/LF are replaced by spaces.</summary>
    public void WriteError(string text)
    {
        Errors++;
        int max = text.Length * 3 + 3;
        var dest = Reserve(max);
        dest[0] = (byte)'-';
        int n = System.Text.Encoding.UTF8.GetBytes(text, dest.Slice(1));
        for (int i = 1; i <= n; i++) if (dest[i] is (byte)'\r' or (byte)'\n') dest[i] = (byte)' ';
        ErrorObserver?.Invoke(dest.Slice(1, n));
        dest[n + 1] = (byte)'\r';
        dest[n + 2] = (byte)'\n';
        Advance(n + 3);
    }

    public void WriteInteger(long value)
    {
        if ((ulong)value < 10)
        {
            var small = Reserve(4);
            small[0] = (byte)':';
            small[1] = (byte)('0' + value);
            small[2] = (byte)'\r';
            small[3] = (byte)'\n';
            Advance(4);
            return;
        }
        WritePrefixedNumber((byte)':', value);
    }

    public void WriteBulkString(scoped ReadOnlySpan<byte> value)
    {
        WritePrefixedNumber((byte)'$', value.Length);
        if (value.Length + 2 <= MinChunk)
        {
            var dest = Reserve(value.Length + 2);
            value.CopyTo(dest);
            dest[value.Length] = (byte)'\r';
            dest[value.Length + 1] = (byte)'\n';
            Advance(value.Length + 2);
        }
        else
        {
            WriteRaw(value);
            WriteRaw("\r\n"u8);
        }
    }

    public void WriteBulkString(string value)
    {
        int max = System.Text.Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max <= 256)
        {
            Span<byte> tmp = stackalloc byte[256];
            int n = System.Text.Encoding.UTF8.GetBytes(value, tmp);
            WriteBulkString(tmp.Slice(0, n));
        }
        else
        {
            WriteBulkString(System.Text.Encoding.UTF8.GetBytes(value));
        }
    }

    /// <summary>A bulk string holding the decimal form of a number (e.g. INCRBYFLOAT's reply, or a RESP2 integer-as-string).</summary>
    public void WriteBulkInteger(long value)
    {
        Span<byte> tmp = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, tmp, out int n);
        WriteBulkString(tmp.Slice(0, n));
    }

    /// <summary>Null string: "$-1" in RESP2, "_" in RESP3.</summary>
    public void WriteNullBulk() => WriteRaw(Resp3 ? "_\r\n"u8 : "$-1\r\n"u8);

    /// <summary>Null array: "*-1" in RESP2, "_" in RESP3.</summary>
    public void WriteNullArray() => WriteRaw(Resp3 ? "_\r\n"u8 : "*-1\r\n"u8);

    public void WriteArrayHeader(int count) => WritePrefixedNumber((byte)'*', count);

    /// <summary>A map of <paramref name="pairs"/> entries: "%N" in RESP3, a flat array of 2N in RESP2.</summary>
    public void WriteMapHeader(int pairs)
    {
        if (Resp3) WritePrefixedNumber((byte)'%', pairs);
        else WritePrefixedNumber((byte)'*', pairs * 2);
    }

    public void WriteSetHeader(int count) => WritePrefixedNumber(Resp3 ? (byte)'~' : (byte)'*', count);

    public void WritePushHeader(int count) => WritePrefixedNumber(Resp3 ? (byte)'>' : (byte)'*', count);

    /// <summary>Boolean: "#t"/"#f" in RESP3, the integers 1/0 in RESP2.</summary>
    public void WriteBoolean(bool value)
    {
        if (Resp3) WriteRaw(value ? "#t\r\n"u8 : "#f\r\n"u8);
        else WriteRaw(value ? ":1\r\n"u8 : ":0\r\n"u8);
    }

    /// <summary>Double: "," in RESP3, a bulk string in RESP2, formatted as Redis does (inf, -inf, shortest round-trip).</summary>
    public void WriteDouble(double value)
    {
        Span<byte> tmp = stackalloc byte[40];
        int n = FormatDouble(value, tmp);
        if (Resp3)
        {
            var dest = Reserve(n + 3);
            dest[0] = (byte)',';
            tmp.Slice(0, n).CopyTo(dest.Slice(1));
            dest[n + 1] = (byte)'\r';
            dest[n + 2] = (byte)'\n';
            Advance(n + 3);
        }
        else
        {
            WriteBulkString(tmp.Slice(0, n));
        }
    }

    /// <summary>Verbatim string ("=" with a 3-letter format) in RESP3; a bulk string in RESP2 (e.g. INFO, CLIENT LIST).</summary>
    public void WriteVerbatim(scoped ReadOnlySpan<byte> format, scoped ReadOnlySpan<byte> text)
    {
        if (!Resp3)
        {
            WriteBulkString(text);
            return;
        }
        WritePrefixedNumber((byte)'=', text.Length + 4);
        WriteRaw(format);
        WriteRaw(":"u8);
        WriteRaw(text);
        WriteRaw("\r\n"u8);
    }

    private void WritePrefixedNumber(byte prefix, long value)
    {
        var dest = Reserve(24);
        dest[0] = prefix;
        Utf8Formatter.TryFormat(value, dest.Slice(1), out int n);
        dest[n + 1] = (byte)'\r';
        dest[n + 2] = (byte)'\n';
        Advance(n + 3);
    }

    /// <summary>
    /// Formats a double the way Redis 7.0 replies with one (addReplyDouble): "inf"/"-inf", otherwise printf's "%.17g",
    /// so 1.1 is "1.1000000000000001" and 1e20 is "1e+20". (Redis 7.2 moved to shortest round-trip; 7.0 did not.)
    /// </summary>
    public static int FormatDouble(double value, Span<byte> destination)
    {
        if (double.IsPositiveInfinity(value)) { "inf"u8.CopyTo(destination); return 3; }
        if (double.IsNegativeInfinity(value)) { "-inf"u8.CopyTo(destination); return 4; }
        if (double.IsNaN(value)) { "nan"u8.CopyTo(destination); return 3; }
        // .NET's G17 picks fixed or exponent notation by the same rule as %g and drops trailing zeros the same way;
        // only the exponent letter differs ("E+20" vs "e+20"). Both print at least two exponent digits.
        value.TryFormat(destination, out int written, "G17", CultureInfo.InvariantCulture);
        for (int i = 0; i < written; i++)
        {
            if (destination[i] == (byte)'E') destination[i] = (byte)'e';
        }
        return written;
    }
}
