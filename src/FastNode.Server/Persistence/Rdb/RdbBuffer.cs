using System.Buffers.Binary;
using System.Buffers.Text;
using FastNode.Protocol;

namespace FastNode.Server.Persistence.Rdb;

/// <summary>
/// A growable byte buffer with the RDB primitive encodings: lengths, strings (integer-encoded or LZF-compressed when
/// that is smaller), binary doubles. Values are encoded into one of these, under a shard lock, and the bytes are
/// copied to the file after the lock is released. Not thread-safe; reused between shards.
/// </summary>
public sealed class RdbBuffer
{
    /// <summary>Redis compresses strings longer than this (rdbSaveRawString).</summary>
    private const int CompressAbove = 20;

    private byte[] _data;
    private byte[]? _scratch;

    public RdbBuffer(int capacity = 4096) => _data = new byte[Math.Max(16, capacity)];

    public int Length { get; private set; }

    /// <summary>Compress long strings with LZF (`rdbcompression`).</summary>
    public bool Compress { get; set; } = true;

    public ReadOnlySpan<byte> Span => _data.AsSpan(0, Length);

    public void Clear() => Length = 0;

    public void WriteByte(byte value)
    {
        if (Length == _data.Length) Grow(1);
        _data[Length++] = value;
    }

    public void Write(scoped ReadOnlySpan<byte> bytes)
    {
        if (_data.Length - Length < bytes.Length) Grow(bytes.Length);
        bytes.CopyTo(_data.AsSpan(Length));
        Length += bytes.Length;
    }

    /// <summary>Room for <paramref name="count"/> bytes at the end; call <see cref="Advance"/> with what was written.</summary>
    public Span<byte> GetSpan(int count)
    {
        if (_data.Length - Length < count) Grow(count);
        return _data.AsSpan(Length);
    }

    public void Advance(int count) => Length += count;

    public void WriteInt64LittleEndian(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(GetSpan(8), value);
        Length += 8;
    }

    public void WriteUInt32LittleEndian(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(GetSpan(4), value);
        Length += 4;
    }

    /// <summary>Binary double (zset2 scores): 8 bytes little endian IEEE 754.</summary>
    public void WriteBinaryDouble(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(GetSpan(8), value);
        Length += 8;
    }

    /// <summary>RDB length: 6 bits, 14 bits (big endian), or 0x80 + 32 bits / 0x81 + 64 bits big endian.</summary>
    public void WriteLength(ulong length)
    {
        var span = GetSpan(9);
        if (length < 1 << 6)
        {
            span[0] = (byte)length;
            Length += 1;
        }
        else if (length < 1 << 14)
        {
            span[0] = (byte)(0x40 | (length >> 8));
            span[1] = (byte)length;
            Length += 2;
        }
        else if (length <= uint.MaxValue)
        {
            span[0] = 0x80;
            BinaryPrimitives.WriteUInt32BigEndian(span.Slice(1), (uint)length);
            Length += 5;
        }
        else
        {
            span[0] = 0x81;
            BinaryPrimitives.WriteUInt64BigEndian(span.Slice(1), length);
            Length += 9;
        }
    }

    /// <summary>
    /// A string as Redis writes it: as an 8/16/32-bit integer when it is the canonical text of one, else LZF-compressed
    /// when longer than 20 bytes and compression saves at least 4 bytes (and <see cref="Compress"/> is on), else raw.
    /// </summary>
    public void WriteString(scoped ReadOnlySpan<byte> value)
    {
        if (value.Length <= 11 && TryWriteIntegerString(value)) return;
        if (Compress && value.Length > CompressAbove && TryWriteCompressed(value)) return;
        WriteLength((ulong)value.Length);
        Write(value);
    }

    /// <summary>An integer as a string (integer-encoded when it fits 32 bits, else as its decimal text).</summary>
    public void WriteIntegerString(long value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out int n);
        WriteString(digits.Slice(0, n));
    }

    private bool TryWriteIntegerString(ReadOnlySpan<byte> value)
    {
        if (!Numbers.TryParseInt64(value, out long n)) return false;
        var span = GetSpan(5);
        if (n >= sbyte.MinValue && n <= sbyte.MaxValue)
        {
            span[0] = 0xC0;
            span[1] = (byte)(sbyte)n;
            Length += 2;
        }
        else if (n >= short.MinValue && n <= short.MaxValue)
        {
            span[0] = 0xC1;
            BinaryPrimitives.WriteInt16LittleEndian(span.Slice(1), (short)n);
            Length += 3;
        }
        else if (n >= int.MinValue && n <= int.MaxValue)
        {
            span[0] = 0xC2;
            BinaryPrimitives.WriteInt32LittleEndian(span.Slice(1), (int)n);
            Length += 5;
        }
        else
        {
            return false;
        }
        return true;
    }

    private bool TryWriteCompressed(ReadOnlySpan<byte> value)
    {
        // Like Redis, only when the compressed form fits in 4 bytes less than the original.
        int room = value.Length - 4;
        if (_scratch is null || _scratch.Length < room) _scratch = new byte[Math.Max(room, 256)];
        int compressed = Lzf.Compress(value, _scratch.AsSpan(0, room));
        if (compressed == 0) return false;
        WriteByte(0xC3);
        WriteLength((ulong)compressed);
        WriteLength((ulong)value.Length);
        Write(_scratch.AsSpan(0, compressed));
        return true;
    }

    private void Grow(int needed)
    {
        long size = Math.Max((long)_data.Length * 2, (long)Length + needed);
        if (size > Array.MaxLength) size = Math.Max(Array.MaxLength, Length + needed);
        Array.Resize(ref _data, (int)size);
    }
}
