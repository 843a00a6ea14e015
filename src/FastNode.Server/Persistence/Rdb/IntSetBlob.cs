using System.Buffers.Binary;
using System.Buffers.Text;

namespace FastNode.Server.Persistence.Rdb;

/// <summary>
/// Redis's intset blob (RDB set type 11): the integer width (2, 4 or 8, 4 bytes little endian), the count (4 bytes),
/// then the integers in ascending order, little endian, all of that width.
/// </summary>
public static class IntSetBlob
{
    public static bool TryRead(ReadOnlySpan<byte> blob, List<byte[]> items)
    {
        if (blob.Length < 8) return false;
        uint width = BinaryPrimitives.ReadUInt32LittleEndian(blob);
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(blob.Slice(4));
        if (width is not (2 or 4 or 8) || (long)count * width != blob.Length - 8) return false;
        Span<byte> digits = stackalloc byte[20];
        long previous = long.MinValue;
        for (int i = 0; i < count; i++)
        {
            var at = blob.Slice(8 + i * (int)width);
            long value = width switch
            {
                2 => BinaryPrimitives.ReadInt16LittleEndian(at),
                4 => BinaryPrimitives.ReadInt32LittleEndian(at),
                _ => BinaryPrimitives.ReadInt64LittleEndian(at),
            };
            if (i > 0 && value <= previous) return false;   // must be sorted and unique
            previous = value;
            Utf8Formatter.TryFormat(value, digits, out int n);
            items.Add(digits.Slice(0, n).ToArray());
        }
        return true;
    }

    /// <summary>The blob of ascending, distinct <paramref name="values"/>.</summary>
    public static byte[] Build(ReadOnlySpan<long> values)
    {
        int width = 2;
        foreach (long v in values)
        {
            if (v < int.MinValue || v > int.MaxValue) width = 8;
            else if ((v < short.MinValue || v > short.MaxValue) && width < 4) width = 4;
        }
        var blob = new byte[8 + values.Length * width];
        BinaryPrimitives.WriteUInt32LittleEndian(blob, (uint)width);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(4), (uint)values.Length);
        for (int i = 0; i < values.Length; i++)
        {
            var at = blob.AsSpan(8 + i * width);
            if (width == 2) BinaryPrimitives.WriteInt16LittleEndian(at, (short)values[i]);
            else if (width == 4) BinaryPrimitives.WriteInt32LittleEndian(at, (int)values[i]);
            else BinaryPrimitives.WriteInt64LittleEndian(at, values[i]);
        }
        return blob;
    }
}
