namespace FastNode.Server.Persistence.Rdb;

/// <summary>
/// The CRC-64 of RDB files and DUMP payloads: Redis's "Jones" variant, reflected polynomial 0x95AC9329AC4BC9B5,
/// initial value 0, no final xor (check value of "123456789": 0xE9C6D914C4B8D9CA). Stored little endian.
/// Slicing-by-8 tables: a snapshot checksums every byte it writes.
/// </summary>
public static class Crc64
{
    private const ulong Polynomial = 0x95AC9329AC4BC9B5UL;

    private static readonly ulong[][] s_tables = BuildTables();

    public static ulong Update(ulong crc, ReadOnlySpan<byte> data)
    {
        var t = s_tables;
        var t0 = t[0];
        while (data.Length >= 8)
        {
            crc ^= System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(data);
            crc = t[7][crc & 0xFF] ^ t[6][(crc >> 8) & 0xFF] ^ t[5][(crc >> 16) & 0xFF] ^ t[4][(crc >> 24) & 0xFF]
                ^ t[3][(crc >> 32) & 0xFF] ^ t[2][(crc >> 40) & 0xFF] ^ t[1][(crc >> 48) & 0xFF] ^ t0[crc >> 56];
            data = data.Slice(8);
        }
        foreach (byte b in data) crc = t0[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    public static ulong Compute(ReadOnlySpan<byte> data) => Update(0, data);

    private static ulong[][] BuildTables()
    {
        var tables = new ulong[8][];
        for (int k = 0; k < 8; k++) tables[k] = new ulong[256];
        for (int n = 0; n < 256; n++)
        {
            ulong c = (ulong)n;
            for (int bit = 0; bit < 8; bit++) c = (c & 1) != 0 ? (c >> 1) ^ Polynomial : c >> 1;
            tables[0][n] = c;
        }
        for (int n = 0; n < 256; n++)
        {
            ulong c = tables[0][n];
            for (int k = 1; k < 8; k++)
            {
                c = tables[0][c & 0xFF] ^ (c >> 8);
                tables[k][n] = c;
            }
        }
        return tables;
    }
}
