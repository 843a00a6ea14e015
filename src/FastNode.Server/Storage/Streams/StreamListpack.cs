using System.Buffers.Binary;
using FastNode.Protocol;

namespace FastNode.Server.Storage.Streams;

/// <summary>
/// Redis's listpack layout, as the stream nodes use it in memory and in RDB files: a 6-byte header (total bytes and
/// element count, little endian), the elements, then 0xFF. An element is an encoding byte (7-bit uint, 6/12/32-bit
/// string length, 13/16/24/32/64-bit integer), its data, and a back length (1 to 5 bytes) that lets it be read from
/// the end. Strings that are the canonical text of an integer are stored as that integer, as Redis does.
/// The array may be longer than the listpack (room to append); the header's total is the used length.
/// </summary>
public static class StreamListpack
{
    public const int HeaderSize = 6;
    public const byte End = 0xFF;
    private const int UnknownCount = ushort.MaxValue;

    public static int TotalBytes(byte[] lp) => (int)BinaryPrimitives.ReadUInt32LittleEndian(lp);

    public static int FirstElement => HeaderSize;

    public static bool IsEnd(byte[] lp, int p) => lp[p] == End;

    /// <summary>A new empty listpack with room for <paramref name="capacity"/> bytes.</summary>
    public static byte[] New(int capacity)
    {
        var lp = new byte[Math.Max(capacity, HeaderSize + 1)];
        BinaryPrimitives.WriteUInt32LittleEndian(lp, HeaderSize + 1);
        lp[HeaderSize] = End;
        return lp;
    }

    /// <summary>
    /// Reads the element at <paramref name="p"/>: an integer (<paramref name="isString"/> false, the value in
    /// <paramref name="integer"/>) or a string at [<paramref name="start"/>, +<paramref name="length"/>). Returns the
    /// position of the next element. Only on a listpack already validated (<see cref="Validate"/>) or built here.
    /// </summary>
    public static int Read(byte[] lp, int p, out bool isString, out long integer, out int start, out int length)
    {
        byte enc = lp[p];
        isString = false;
        integer = 0;
        start = 0;
        length = 0;
        int size;
        if ((enc & 0x80) == 0)
        {
            integer = enc;
            size = 1;
        }
        else if ((enc & 0xC0) == 0x80)
        {
            isString = true;
            start = p + 1;
            length = enc & 0x3F;
            size = 1 + length;
        }
        else if ((enc & 0xE0) == 0xC0)
        {
            int raw = ((enc & 0x1F) << 8) | lp[p + 1];
            integer = raw >= 1 << 12 ? raw - (1 << 13) : raw;
            size = 2;
        }
        else if ((enc & 0xF0) == 0xE0)
        {
            isString = true;
            start = p + 2;
            length = ((enc & 0x0F) << 8) | lp[p + 1];
            size = 2 + length;
        }
        else
        {
            switch (enc)
            {
                case 0xF0:
                    isString = true;
                    start = p + 5;
                    length = (int)BinaryPrimitives.ReadUInt32LittleEndian(lp.AsSpan(p + 1));
                    size = 5 + length;
                    break;
                case 0xF1: integer = BinaryPrimitives.ReadInt16LittleEndian(lp.AsSpan(p + 1)); size = 3; break;
                case 0xF2: integer = ((lp[p + 1] | lp[p + 2] << 8 | lp[p + 3] << 16) << 8) >> 8; size = 4; break;
                case 0xF3: integer = BinaryPrimitives.ReadInt32LittleEndian(lp.AsSpan(p + 1)); size = 5; break;
                default: integer = BinaryPrimitives.ReadInt64LittleEndian(lp.AsSpan(p + 1)); size = 9; break;
            }
        }
        return p + size + BackLengthSize(size);
    }

    /// <summary>Reads an element that holds an integer (counts, flags, ID deltas); a string one is parsed.</summary>
    public static long ReadInteger(byte[] lp, int p, out int next)
    {
        next = Read(lp, p, out bool isString, out long value, out int start, out int length);
        if (isString) Numbers.TryParseInt64(lp.AsSpan(start, length), out value);
        return value;
    }

    public static int Skip(byte[] lp, int p) => Read(lp, p, out _, out _, out _, out _);

    /// <summary>The element at <paramref name="p"/> as text: its bytes, or an integer formatted into <paramref name="scratch"/>.</summary>
    public static ReadOnlySpan<byte> Text(byte[] lp, int p, Span<byte> scratch, out int next)
    {
        next = Read(lp, p, out bool isString, out long value, out int start, out int length);
        if (isString) return lp.AsSpan(start, length);
        System.Buffers.Text.Utf8Formatter.TryFormat(value, scratch, out int n);
        return scratch.Slice(0, n);
    }

    /// <summary>True when the element at <paramref name="p"/> has the text <paramref name="text"/>.</summary>
    public static bool TextEquals(byte[] lp, int p, ReadOnlySpan<byte> text, out int next)
    {
        Span<byte> scratch = stackalloc byte[20];
        return Text(lp, p, scratch, out next).SequenceEqual(text);
    }

    /// <summary>Bytes the element for <paramref name="item"/> takes (encoding, data and back length).</summary>
    public static int ElementSize(ReadOnlySpan<byte> item)
    {
        int size = item.Length <= 20 && Numbers.TryParseInt64(item, out long v)
            ? IntegerSize(v)
            : item.Length + (item.Length < 64 ? 1 : item.Length < 4096 ? 2 : 5);
        return size + BackLengthSize(size);
    }

    public static int ElementSize(long value)
    {
        int size = IntegerSize(value);
        return size + BackLengthSize(size);
    }

    /// <summary>Appends a string element (an integer one when it is the canonical text of an integer).</summary>
    public static void Append(ref byte[] lp, ReadOnlySpan<byte> item)
    {
        if (item.Length <= 20 && Numbers.TryParseInt64(item, out long v))
        {
            AppendInteger(ref lp, v);
            return;
        }
        int total = TotalBytes(lp);
        int need = ElementSize(item);
        Ensure(ref lp, total + need);
        int p = total - 1;
        int size;
        if (item.Length < 64)
        {
            lp[p] = (byte)(0x80 | item.Length);
            item.CopyTo(lp.AsSpan(p + 1));
            size = 1 + item.Length;
        }
        else if (item.Length < 4096)
        {
            lp[p] = (byte)(0xE0 | (item.Length >> 8));
            lp[p + 1] = (byte)item.Length;
            item.CopyTo(lp.AsSpan(p + 2));
            size = 2 + item.Length;
        }
        else
        {
            lp[p] = 0xF0;
            BinaryPrimitives.WriteUInt32LittleEndian(lp.AsSpan(p + 1), (uint)item.Length);
            item.CopyTo(lp.AsSpan(p + 5));
            size = 5 + item.Length;
        }
        Finish(lp, p, size, total, need);
    }

    public static void AppendInteger(ref byte[] lp, long value)
    {
        int total = TotalBytes(lp);
        int need = ElementSize(value);
        Ensure(ref lp, total + need);
        int p = total - 1;
        int size = WriteInteger(lp.AsSpan(p), value);
        Finish(lp, p, size, total, need);
    }

    private static void Finish(byte[] lp, int p, int size, int total, int need)
    {
        WriteBackLength(lp.AsSpan(p + size), size);
        lp[total - 1 + need] = End;
        BinaryPrimitives.WriteUInt32LittleEndian(lp, (uint)(total + need));
        int count = BinaryPrimitives.ReadUInt16LittleEndian(lp.AsSpan(4));
        if (count != UnknownCount) BinaryPrimitives.WriteUInt16LittleEndian(lp.AsSpan(4), (ushort)(count + 1));
    }

    /// <summary>
    /// Replaces the integer element at <paramref name="p"/> with <paramref name="value"/>, moving what follows when
    /// the encoding changes size. Returns the position of the element after it.
    /// </summary>
    public static int ReplaceInteger(ref byte[] lp, int p, long value)
    {
        int oldNext = Skip(lp, p);
        int oldSize = oldNext - p;
        int newSize = ElementSize(value);
        int total = TotalBytes(lp);
        if (newSize != oldSize)
        {
            Ensure(ref lp, total + newSize - oldSize);
            Buffer.BlockCopy(lp, oldNext, lp, p + newSize, total - oldNext);
            BinaryPrimitives.WriteUInt32LittleEndian(lp, (uint)(total + newSize - oldSize));
        }
        int size = WriteInteger(lp.AsSpan(p), value);
        WriteBackLength(lp.AsSpan(p + size), size);
        return p + newSize;
    }

    /// <summary>
    /// Drops the spare room after the listpack (a node that takes no more entries), unless it is under 1/16 of the
    /// buffer: a node closed by its byte limit is nearly full, and copying it to save a few bytes would double what
    /// every append allocates.
    /// </summary>
    public static void ShrinkToFit(ref byte[] lp)
    {
        int total = TotalBytes(lp);
        if (lp.Length - total > lp.Length / 16) Array.Resize(ref lp, total);
    }

    private static void Ensure(ref byte[] lp, int needed)
    {
        if (needed <= lp.Length) return;
        Array.Resize(ref lp, Math.Max(needed, Math.Min(lp.Length * 2, lp.Length + (1 << 20))));
    }

    private static int WriteInteger(Span<byte> s, long v)
    {
        int n = IntegerSize(v);
        if (n == 1) s[0] = (byte)v;
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
        return n;
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

    private static void WriteBackLength(Span<byte> destination, int size)
    {
        int b = BackLengthSize(size);
        // Highest 7-bit group first; every byte but the first carries 0x80 (a reader walks it from the end).
        for (int i = 0; i < b; i++)
        {
            int shift = 7 * (b - 1 - i);
            destination[i] = (byte)(((size >> shift) & 0x7F) | (i == 0 ? 0 : 0x80));
        }
    }

    /// <summary>
    /// Checks a listpack from outside (RDB, RESTORE) element by element, so that <see cref="Read"/> never runs past it;
    /// returns the number of elements or -1.
    /// </summary>
    public static int Validate(ReadOnlySpan<byte> lp)
    {
        if (lp.Length < HeaderSize + 1 || BinaryPrimitives.ReadUInt32LittleEndian(lp) != lp.Length || lp[^1] != End) return -1;
        int p = HeaderSize, count = 0;
        while (lp[p] != End)
        {
            byte enc = lp[p];
            long size;
            if ((enc & 0x80) == 0) size = 1;
            else if ((enc & 0xC0) == 0x80) size = 1 + (enc & 0x3F);
            else if ((enc & 0xE0) == 0xC0) size = 2;
            else if ((enc & 0xF0) == 0xE0) size = p + 1 < lp.Length ? 2 + (((enc & 0x0F) << 8) | lp[p + 1]) : int.MaxValue;
            else size = enc switch
            {
                0xF0 => p + 5 <= lp.Length ? 5L + BinaryPrimitives.ReadUInt32LittleEndian(lp.Slice(p + 1)) : int.MaxValue,
                0xF1 => 3, 0xF2 => 4, 0xF3 => 5, 0xF4 => 9,
                _ => int.MaxValue,
            };
            if (size >= int.MaxValue / 2) return -1;
            int back = BackLengthSize((int)size);
            if (p + size + back >= lp.Length) return -1;
            // The back length must describe the element, as a reader walking backwards relies on it.
            long decoded = 0;
            for (int i = 0; i < back; i++) decoded = (decoded << 7) | (uint)(lp[(int)(p + size) + i] & 0x7F);
            if (decoded != size) return -1;
            p += (int)size + back;
            count++;
        }
        if (p != lp.Length - 1) return -1;
        int declared = BinaryPrimitives.ReadUInt16LittleEndian(lp.Slice(4));
        return declared == UnknownCount || declared == count ? count : -1;
    }
}
