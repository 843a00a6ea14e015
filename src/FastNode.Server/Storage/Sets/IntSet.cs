using System.Buffers.Binary;

namespace FastNode.Server.Storage.Sets;

/// <summary>
/// Redis's intset layout for all-integer sets: sorted, distinct, little-endian integers of one width (2, 4 or 8
/// bytes) in a byte[]; the width grows when a value needs it and never shrinks. Lookups are binary searches.
/// Stateless helpers; <see cref="SetValue"/> owns the array, the width and the count.
/// </summary>
internal static class IntSet
{
    public static int WidthFor(long value) =>
        value is >= short.MinValue and <= short.MaxValue ? 2 : value is >= int.MinValue and <= int.MaxValue ? 4 : 8;

    public static long Get(ReadOnlySpan<byte> data, int width, int index) => width switch
    {
        2 => BinaryPrimitives.ReadInt16LittleEndian(data.Slice(index * 2)),
        4 => BinaryPrimitives.ReadInt32LittleEndian(data.Slice(index * 4)),
        _ => BinaryPrimitives.ReadInt64LittleEndian(data.Slice(index * 8)),
    };

    public static void Put(Span<byte> data, int width, int index, long value)
    {
        switch (width)
        {
            case 2: BinaryPrimitives.WriteInt16LittleEndian(data.Slice(index * 2), (short)value); break;
            case 4: BinaryPrimitives.WriteInt32LittleEndian(data.Slice(index * 4), (int)value); break;
            default: BinaryPrimitives.WriteInt64LittleEndian(data.Slice(index * 8), value); break;
        }
    }

    /// <summary>Index of <paramref name="value"/>, or the bitwise complement of where it would be inserted.</summary>
    public static int Search(ReadOnlySpan<byte> data, int width, int count, long value)
    {
        int lo = 0, hi = count - 1;
        while (lo <= hi)
        {
            int mid = (int)((uint)(lo + hi) >> 1);
            long current = Get(data, width, mid);
            if (current == value) return mid;
            if (current < value) lo = mid + 1;
            else hi = mid - 1;
        }
        return ~lo;
    }

    /// <summary>
    /// Inserts <paramref name="value"/> at <paramref name="index"/> (from <see cref="Search"/>), widening or growing the
    /// array as needed; returns the array to keep (the same one when it had room).
    /// </summary>
    public static byte[] Insert(byte[] data, ref int width, int count, int index, long value)
    {
        int newWidth = Math.Max(width, WidthFor(value));
        int needed = (count + 1) * newWidth;
        if (newWidth != width)
        {
            var wider = new byte[RoundUp(needed)];
            for (int i = 0; i < count; i++) Put(wider, newWidth, i < index ? i : i + 1, Get(data, width, i));
            Put(wider, newWidth, index, value);
            width = newWidth;
            return wider;
        }
        if (needed > data.Length)
        {
            var grown = new byte[RoundUp(Math.Max(needed, count * width + count * width / 4))];
            data.AsSpan(0, count * width).CopyTo(grown);
            data = grown;
        }
        data.AsSpan(index * width, (count - index) * width).CopyTo(data.AsSpan((index + 1) * width));
        Put(data, width, index, value);
        return data;
    }

    public static void RemoveAt(byte[] data, int width, int count, int index) =>
        data.AsSpan((index + 1) * width, (count - index - 1) * width).CopyTo(data.AsSpan(index * width));

    /// <summary>Array lengths are rounded to 8 bytes: the GC heap allocates in 8-byte steps anyway.</summary>
    private static int RoundUp(int bytes) => (bytes + 7) & ~7;
}
