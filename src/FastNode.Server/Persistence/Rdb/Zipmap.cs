namespace FastNode.Server.Persistence.Rdb;

/// <summary>
/// Redis's zipmap blob (hashes in RDB files of Redis 2.x): a count byte, then for each pair a field length, the
/// field, a value length, a free-space byte, the value and that many unused bytes; 0xFF ends it. A length is one byte,
/// or 0xFE followed by 4 bytes little endian.
/// </summary>
public static class Zipmap
{
    public static bool TryRead(ReadOnlySpan<byte> blob, List<byte[]> items)
    {
        if (blob.Length < 2) return false;
        int p = 1;
        while (true)
        {
            if (p >= blob.Length) return false;
            if (blob[p] == 0xFF) return p == blob.Length - 1 && items.Count % 2 == 0;
            if (!TryReadLength(blob, ref p, out int fieldLength) || p + (long)fieldLength > blob.Length) return false;
            items.Add(blob.Slice(p, fieldLength).ToArray());
            p += fieldLength;
            if (!TryReadLength(blob, ref p, out int valueLength) || p >= blob.Length) return false;
            int free = blob[p++];
            if (p + (long)valueLength + free > blob.Length) return false;
            items.Add(blob.Slice(p, valueLength).ToArray());
            p += valueLength + free;
        }
    }

    private static bool TryReadLength(ReadOnlySpan<byte> blob, ref int p, out int length)
    {
        length = 0;
        if (p >= blob.Length) return false;
        byte first = blob[p++];
        if (first < 254)
        {
            length = first;
            return true;
        }
        if (first != 254 || p + 4 > blob.Length) return false;
        uint value = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(blob.Slice(p));
        p += 4;
        if (value > int.MaxValue) return false;
        length = (int)value;
        return true;
    }
}
