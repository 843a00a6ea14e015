using System.Buffers.Binary;
using System.Buffers.Text;

namespace FastNode.Server.Persistence.Rdb;

/// <summary>
/// Redis's ziplist blob, read only (RDB files written before 7.0 keep small lists, hashes and zsets in them):
/// a header of total bytes (4), tail offset (4) and count (2, little endian), entries, then 0xFF. An entry is the
/// previous entry's length (1 byte, or 0xFE and 4 bytes), an encoding (string of 6/14/32-bit length, or integer of
/// 8/16/24/32/64 bits, or 0xF1-0xFD holding 0-12 itself), then the data.
/// </summary>
public static class Ziplist
{
    private const int HeaderSize = 10;

    /// <summary>Decodes every entry as its string form; false when the blob is malformed.</summary>
    public static bool TryRead(ReadOnlySpan<byte> blob, List<byte[]> items)
    {
        if (blob.Length < HeaderSize + 1) return false;
        if (BinaryPrimitives.ReadUInt32LittleEndian(blob) != blob.Length || blob[^1] != 0xFF) return false;
        int declared = BinaryPrimitives.ReadUInt16LittleEndian(blob.Slice(8));
        int p = HeaderSize;
        int count = 0;
        Span<byte> digits = stackalloc byte[20];
        while (true)
        {
            if (p >= blob.Length) return false;
            if (blob[p] == 0xFF) break;
            p += blob[p] == 0xFE ? 5 : 1;                     // previous entry length
            if (p >= blob.Length) return false;
            byte enc = blob[p];
            long value;
            switch (enc >> 6)
            {
                case 0:
                    if (!TryAddString(blob, p + 1, enc & 0x3F, items)) return false;
                    p += 1 + (enc & 0x3F);
                    count++;
                    continue;
                case 1:
                    if (p + 2 > blob.Length) return false;
                    int len14 = (enc & 0x3F) << 8 | blob[p + 1];
                    if (!TryAddString(blob, p + 2, len14, items)) return false;
                    p += 2 + len14;
                    count++;
                    continue;
                case 2:
                    if (p + 5 > blob.Length) return false;
                    uint len32 = BinaryPrimitives.ReadUInt32BigEndian(blob.Slice(p + 1));
                    if (len32 > (uint)blob.Length) return false;
                    if (!TryAddString(blob, p + 5, (int)len32, items)) return false;
                    p += 5 + (int)len32;
                    count++;
                    continue;
            }
            int size;
            switch (enc)
            {
                case 0xC0: size = 2; break;
                case 0xD0: size = 4; break;
                case 0xE0: size = 8; break;
                case 0xF0: size = 3; break;
                case 0xFE: size = 1; break;
                default:
                    if (enc >= 0xF1 && enc <= 0xFD) { size = 0; break; }
                    return false;
            }
            if (p + 1 + size > blob.Length) return false;
            var data = blob.Slice(p + 1, size);
            value = enc switch
            {
                0xC0 => BinaryPrimitives.ReadInt16LittleEndian(data),
                0xD0 => BinaryPrimitives.ReadInt32LittleEndian(data),
                0xE0 => BinaryPrimitives.ReadInt64LittleEndian(data),
                0xF0 => ((data[0] | data[1] << 8 | data[2] << 16) << 8) >> 8,
                0xFE => (sbyte)data[0],
                _ => (enc & 0x0F) - 1,
            };
            Utf8Formatter.TryFormat(value, digits, out int n);
            items.Add(digits.Slice(0, n).ToArray());
            p += 1 + size;
            count++;
        }
        if (p != blob.Length - 1) return false;
        return declared == ushort.MaxValue || declared == count;
    }

    private static bool TryAddString(ReadOnlySpan<byte> blob, int at, int length, List<byte[]> items)
    {
        if (at + (long)length > blob.Length) return false;
        items.Add(blob.Slice(at, length).ToArray());
        return true;
    }
}
