using System.Buffers.Binary;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;

namespace FastNode.Server.Persistence.Rdb;

/// <summary>
/// Reads the RDB primitives from a stream, keeping the running CRC64 of every byte consumed and the offset for errors.
///
/// What must stay true:
/// 1. It never consumes a byte past the last one asked for once <see cref="Finish"/> ran: a seekable stream is read
///    ahead into a buffer and rewound to the end of the RDB data; a non-seekable one is read only as far as needed
///    (an AOF with an RDB preamble, or a replication stream, continues right after the checksum).
/// 2. No length read from the input allocates more than the input can hold: a seekable input's remaining size bounds
///    every string, and other inputs grow their buffers only as bytes actually arrive.
/// </summary>
public sealed class RdbReader
{
    /// <summary>Longest string accepted (Redis's proto-max-bulk-len ceiling).</summary>
    public const long MaxStringLength = int.MaxValue - 64;

    private const int BufferSize = 64 * 1024;
    private const int GrowStep = 1 << 20;

    private readonly Stream _input;
    private readonly bool _seekable;
    private readonly bool _readAhead;
    private readonly long _startPosition;
    private readonly byte[] _buffer;
    private int _pos;          // next unread byte in _buffer
    private int _end;          // end of valid bytes in _buffer
    private long _consumed;    // bytes consumed before _buffer[_pos]... tracked as total consumed
    private ulong _crc;

    /// <param name="readAhead">
    /// Buffer a non-seekable input too: only when nothing after the RDB data matters (e.g. a stream limited to the
    /// payload length of a replication full sync), since bytes read ahead are lost to the caller.
    /// </param>
    public RdbReader(Stream input, bool readAhead = false)
    {
        _input = input;
        _seekable = input.CanSeek;
        _readAhead = _seekable || readAhead;
        _startPosition = _seekable ? input.Position : 0;
        _buffer = new byte[_readAhead ? BufferSize : 16];
    }

    /// <summary>Bytes consumed so far (the offset errors report).</summary>
    public long Offset => _consumed;

    /// <summary>CRC64 of every byte consumed so far.</summary>
    public ulong Crc => _crc;

    /// <summary>Bytes known to remain in a seekable input; long.MaxValue when unknown.</summary>
    private long Remaining => _seekable ? _input.Length - (_startPosition + _consumed) : long.MaxValue;

    [DoesNotReturn]
    public void Fail(string problem) => throw new RdbFormatException(problem, _consumed);

    /// <summary>Gives the read-ahead back to a seekable stream so it sits right after the last consumed byte.</summary>
    public void Finish()
    {
        if (_seekable && _end > _pos) _input.Seek(_startPosition + _consumed, SeekOrigin.Begin);
        _pos = _end = 0;
    }

    public byte ReadByte()
    {
        if (_pos == _end) Fill(1);
        byte b = _buffer[_pos++];
        _crc = Crc64.Update(_crc, new ReadOnlySpan<byte>(in b));
        _consumed++;
        return b;
    }

    /// <summary>Reads exactly <paramref name="destination"/>.Length bytes.</summary>
    public void ReadExactly(Span<byte> destination)
    {
        var target = destination;
        while (target.Length > 0)
        {
            if (_pos == _end)
            {
                if (target.Length >= _buffer.Length)
                {
                    // Large read: straight from the stream into the destination.
                    int n = _input.Read(target);
                    if (n <= 0) Fail("unexpected end of input");
                    _consumed += n;
                    target = target.Slice(n);
                    continue;
                }
                Fill(_readAhead ? 1 : target.Length);
            }
            int take = Math.Min(_end - _pos, target.Length);
            _buffer.AsSpan(_pos, take).CopyTo(target);
            _pos += take;
            _consumed += take;
            target = target.Slice(take);
        }
        _crc = Crc64.Update(_crc, destination);
    }

    public long ReadInt64LittleEndian()
    {
        Span<byte> b = stackalloc byte[8];
        ReadExactly(b);
        return BinaryPrimitives.ReadInt64LittleEndian(b);
    }

    public uint ReadUInt32LittleEndian()
    {
        Span<byte> b = stackalloc byte[4];
        ReadExactly(b);
        return BinaryPrimitives.ReadUInt32LittleEndian(b);
    }

    public double ReadBinaryDouble() => BitConverter.Int64BitsToDouble(ReadInt64LittleEndian());

    /// <summary>An RDB length; refuses the special string encodings.</summary>
    public ulong ReadLength()
    {
        ulong length = ReadLengthOrEncoding(out bool encoded);
        if (encoded) Fail("unexpected string encoding where a length belongs");
        return length;
    }

    /// <summary>A length that counts items: also bounded by the bytes left (every item takes at least one).</summary>
    public int ReadCount(string what)
    {
        ulong count = ReadLength();
        if (count > int.MaxValue || (long)count > Remaining) Fail($"invalid {what} count {count}");
        return (int)count;
    }

    private ulong ReadLengthOrEncoding(out bool encoded)
    {
        encoded = false;
        byte first = ReadByte();
        switch (first >> 6)
        {
            case 0:
                return (ulong)(first & 0x3F);
            case 1:
                return (ulong)((first & 0x3F) << 8 | ReadByte());
            case 2:
                if (first == 0x80)
                {
                    Span<byte> b4 = stackalloc byte[4];
                    ReadExactly(b4);
                    return BinaryPrimitives.ReadUInt32BigEndian(b4);
                }
                if (first == 0x81)
                {
                    Span<byte> b8 = stackalloc byte[8];
                    ReadExactly(b8);
                    return BinaryPrimitives.ReadUInt64BigEndian(b8);
                }
                Fail($"unknown length encoding 0x{first:x2}");
                return 0;
            default:
                encoded = true;
                return (ulong)(first & 0x3F);
        }
    }

    /// <summary>A string in any of its encodings (raw, 8/16/32-bit integer, LZF), as a new array.</summary>
    public byte[] ReadString()
    {
        ulong length = ReadLengthOrEncoding(out bool encoded);
        if (!encoded) return ReadRaw(length);
        switch (length)
        {
            case 0: return FormatInteger((sbyte)ReadByte());
            case 1:
            {
                Span<byte> b = stackalloc byte[2];
                ReadExactly(b);
                return FormatInteger(BinaryPrimitives.ReadInt16LittleEndian(b));
            }
            case 2:
            {
                Span<byte> b = stackalloc byte[4];
                ReadExactly(b);
                return FormatInteger(BinaryPrimitives.ReadInt32LittleEndian(b));
            }
            case 3: return ReadCompressed();
            default:
                Fail($"unknown string encoding {length}");
                return [];
        }
    }

    /// <summary>Skips a string (AUX fields FastNode ignores, function libraries).</summary>
    public void SkipString() => ReadString();

    /// <summary>A string that must hold a decimal integer (AUX values such as ctime).</summary>
    public bool TryReadIntegerString(out long value)
    {
        var text = ReadString();
        return Utf8Parser.TryParse(text, out value, out int used) && used == text.Length;
    }

    /// <summary>The old zset score format: one length byte (253 NaN, 254 +inf, 255 -inf) then ASCII.</summary>
    public double ReadTextDouble()
    {
        byte length = ReadByte();
        switch (length)
        {
            case 253: return double.NaN;
            case 254: return double.PositiveInfinity;
            case 255: return double.NegativeInfinity;
        }
        Span<byte> text = stackalloc byte[length];
        ReadExactly(text);
        if (!FastNode.Protocol.Numbers.TryParseDouble(text, out double value)) Fail("invalid double");
        return value;
    }

    private byte[] ReadRaw(ulong length)
    {
        if (length > MaxStringLength || (long)length > Remaining) Fail($"invalid string length {length}");
        int n = (int)length;
        if (n <= GrowStep || _seekable)
        {
            var bytes = new byte[n];
            ReadExactly(bytes);
            return bytes;
        }
        // Unknown input size: grow as the bytes arrive, so a corrupt length fails at the end of input, not in new byte[].
        var result = new byte[GrowStep];
        int filled = 0;
        while (filled < n)
        {
            if (filled == result.Length) Array.Resize(ref result, (int)Math.Min((long)result.Length * 2, n));
            int chunk = Math.Min(result.Length - filled, GrowStep);
            ReadExactly(result.AsSpan(filled, chunk));
            filled += chunk;
        }
        return result;
    }

    private byte[] ReadCompressed()
    {
        ulong compressedLength = ReadLength();
        ulong length = ReadLength();
        // LZF expands at most about 264/3 times... a back reference of 3 bytes yields 264; bound the claim by that.
        if (compressedLength == 0 || length == 0 || length > MaxStringLength || compressedLength > length
            || (long)compressedLength > Remaining || length > compressedLength * 90)
            Fail($"invalid compressed string lengths {compressedLength}/{length}");
        var compressed = ReadRaw(compressedLength);
        var output = new byte[(int)length];
        if (!Lzf.TryDecompress(compressed, output)) Fail("invalid LZF compressed string");
        return output;
    }

    private static byte[] FormatInteger(long value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out int n);
        return digits.Slice(0, n).ToArray();
    }

    /// <summary>Makes at least <paramref name="needed"/> unread bytes available (a non-seekable input: exactly that).</summary>
    private void Fill(int needed)
    {
        if (_pos == _end) _pos = _end = 0;
        int want = _readAhead ? _buffer.Length - _end : Math.Min(needed, _buffer.Length - _end);
        while (_end - _pos < needed)
        {
            int n = _input.Read(_buffer, _end, want);
            if (n <= 0) Fail("unexpected end of input");
            _end += n;
            want -= n;
            if (want == 0 && _end - _pos < needed) Fail("unexpected end of input");
        }
    }
}
