using System.Buffers.Binary;
using System.Buffers.Text;
using FastNode.Protocol;

namespace FastNode.Server.Persistence.Rdb;

/// <summary>
/// Redis's listpack blob (hash, zset and quicklist nodes in RDB 10): a 6-byte header (total bytes and element
/// count, little endian), the elements, then 0xFF. Each element is an encoding byte (7-bit uint, 6/12/32-bit string
/// length, 13/16/24/32/64-bit integer), its data, and a back length (the size of encoding + data in 1 to 5 bytes of
/// 7 bits, read from the end). Integers are written as integers when the string is the canonical text of one.
/// </summary>
public static class Listpack
{
    private const int HeaderSize = 6;
    private const byte End = 0xFF;

    /// <summary>Decodes every element as its string form; false when the blob is malformed.</summary>
    public static bool TryRead(ReadOnlySpan<byte> blob, List<byte[]> items)
    {
        if (blob.Length < HeaderSize + 1) return false;
        uint total = BinaryPrimitives.ReadUInt32LittleEndian(blob);
        int declared = BinaryPrimitives.ReadUInt16LittleEndian(blob.Slice(4));
        if (total != blob.Length || blob[^1] != End) return false;
        int p = HeaderSize;
        int count = 0;
        Span<byte> digits = stackalloc byte[20];
        while (true)
        {
            if (p >= blob.Length) return false;
            byte enc = blob[p];
            if (enc == End) break;
            int start = p;
            long value;
            int dataLength;
            if ((enc & 0x80) == 0) { value = enc & 0x7F; p += 1; AddInteger(items, value, digits); }
            else if ((enc & 0xC0) == 0x80)
            {
                dataLength = enc & 0x3F;
                if (!TryAddString(blob, p + 1, dataLength, items)) return false;
                p += 1 + dataLength;
            }
            else if ((enc & 0xE0) == 0xC0)
            {
                if (p + 2 > blob.Length) return false;
                int raw = ((enc & 0x1F) << 8) | blob[p + 1];
                value = raw >= 1 << 12 ? raw - (1 << 13) : raw;
                p += 2;
                AddInteger(items, value, digits);
            }
            else if ((enc & 0xF0) == 0xE0)
            {
                if (p + 2 > blob.Length) return false;
                dataLength = ((enc & 0x0F) << 8) | blob[p + 1];
                if (!TryAddString(blob, p + 2, dataLength, items)) return false;
                p += 2 + dataLength;
            }
            else
            {
                switch (enc)
                {
                    case 0xF0:
                        if (p + 5 > blob.Length) return false;
                        uint len32 = BinaryPrimitives.ReadUInt32LittleEndian(blob.Slice(p + 1));
                        if (len32 > (uint)blob.Length) return false;
                        if (!TryAddString(blob, p + 5, (int)len32, items)) return false;
                        p += 5 + (int)len32;
                        break;
                    case 0xF1:
                        if (p + 3 > blob.Length) return false;
                        AddInteger(items, BinaryPrimitives.ReadInt16LittleEndian(blob.Slice(p + 1)), digits);
                        p += 3;
                        break;
                    case 0xF2:
                        if (p + 4 > blob.Length) return false;
                        int v24 = blob[p + 1] | blob[p + 2] << 8 | blob[p + 3] << 16;
                        AddInteger(items, (v24 << 8) >> 8, digits);
                        p += 4;
                        break;
                    case 0xF3:
                        if (p + 5 > blob.Length) return false;
                        AddInteger(items, BinaryPrimitives.ReadInt32LittleEndian(blob.Slice(p + 1)), digits);
                        p += 5;
                        break;
                    case 0xF4:
                        if (p + 9 > blob.Length) return false;
                        AddInteger(items, BinaryPrimitives.ReadInt64LittleEndian(blob.Slice(p + 1)), digits);
                        p += 9;
                        break;
                    default:
                        return false;
                }
            }
            int entrySize = p - start;
            int backLength = BackLengthSize(entrySize);
            if (p + backLength > blob.Length || DecodeBackLength(blob.Slice(p, backLength)) != entrySize) return false;
            p += backLength;
            count++;
        }
        if (p != blob.Length - 1) return false;
        return declared == ushort.MaxValue || declared == count;
    }

    /// <summary>Builds a listpack from strings (the integer ones encoded as integers).</summary>
    public static byte[] Build(List<byte[]> items)
    {
        var buffer = new RdbBuffer(256);
        buffer.Write(stackalloc byte[HeaderSize]);
        foreach (var item in items) Append(buffer, item);
        buffer.WriteByte(End);
        var blob = buffer.Span.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(blob, (uint)blob.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(blob.AsSpan(4), (ushort)Math.Min(items.Count, ushort.MaxValue));
        return blob;
    }

    /// <summary>Bytes an element takes (encoding, data and back length), to cut quicklist nodes at 8 KB.</summary>
    public static int EntrySize(ReadOnlySpan<byte> item)
    {
        int size;
        if (item.Length <= 20 && Numbers.TryParseInt64(item, out long v)) size = IntegerSize(v);
        else size = item.Length + (item.Length < 64 ? 1 : item.Length < 4096 ? 2 : 5);
        return size + BackLengthSize(size);
    }

    /// <summary>Bytes of the header and end marker.</summary>
    public const int Overhead = HeaderSize + 1;

    private static void Append(RdbBuffer buffer, ReadOnlySpan<byte> item)
    {
        int start = buffer.Length;
        if (item.Length <= 20 && Numbers.TryParseInt64(item, out long v))
        {
            var s = buffer.GetSpan(9);
            int n = IntegerSize(v);
            if (v >= 0 && v <= 127) s[0] = (byte)v;
            else if (n == 2)
            {
                int raw = v < 0 ? (int)((1 << 13) + v) : (int)v;
                s[0] = (byte)(0xC0 | (raw >> 8));
                s[1] = (byte)raw;
            }
            else if (n == 3) { s[0] = 0xF1; BinaryPrimitives.WriteInt16LittleEndian(s.Slice(1), (short)v); }
            else if (n == 4) { s[0] = 0xF2; s[1] = (byte)v; s[2] = (byte)(v >> 8); s[3] = (byte)(v >> 16); }
            else if (n == 5) { s[0] = 0xF3; BinaryPrimitives.WriteInt32LittleEndian(s.Slice(1), (int)v); }
            else { s[0] = 0xF4; BinaryPrimitives.WriteInt64LittleEndian(s.Slice(1), v); }
            buffer.Advance(n);
        }
        else if (item.Length < 64)
        {
            buffer.WriteByte((byte)(0x80 | item.Length));
            buffer.Write(item);
        }
        else if (item.Length < 4096)
        {
            buffer.WriteByte((byte)(0xE0 | (item.Length >> 8)));
            buffer.WriteByte((byte)item.Length);
            buffer.Write(item);
        }
        else
        {
            buffer.WriteByte(0xF0);
            buffer.WriteUInt32LittleEndian((uint)item.Length);
            buffer.Write(item);
        }
        int size = buffer.Length - start;
        var back = buffer.GetSpan(5);
        int b = BackLengthSize(size);
        // Highest 7-bit group first; every byte but the first carries 0x80 (the decoder reads from the end).
        for (int i = 0; i < b; i++)
        {
            int shift = 7 * (b - 1 - i);
            back[i] = (byte)(((size >> shift) & 0x7F) | (i == 0 ? 0 : 0x80));
        }
        buffer.Advance(b);
    }

    private static int IntegerSize(long v) =>
        v >= 0 && v <= 127 ? 1
        : v >= -4096 && v <= 4095 ? 2
        : v >= short.MinValue && v <= short.MaxValue ? 3
        : v >= -(1 << 23) && v < 1 << 23 ? 4
        : v >= int.MinValue && v <= int.MaxValue ? 5
        : 9;

    private static int BackLengthSize(int size) =>
        size <= 127 ? 1 : size < 16383 ? 2 : size < 2097151 ? 3 : size < 268435455 ? 4 : 5;

    private static long DecodeBackLength(ReadOnlySpan<byte> bytes)
    {
        long value = 0;
        int shift = 0;
        for (int i = bytes.Length - 1; i >= 0; i--)
        {
            value |= (long)(bytes[i] & 0x7F) << shift;
            shift += 7;
            if ((bytes[i] & 0x80) == 0) return i == 0 ? value : -1;
        }
        return -1;
    }

    private static bool TryAddString(ReadOnlySpan<byte> blob, int at, int length, List<byte[]> items)
    {
        if (length < 0 || at + (long)length > blob.Length) return false;
        items.Add(blob.Slice(at, length).ToArray());
        return true;
    }

    private static void AddInteger(List<byte[]> items, long value, Span<byte> digits)
    {
        Utf8Formatter.TryFormat(value, digits, out int n);
        items.Add(digits.Slice(0, n).ToArray());
    }
}
