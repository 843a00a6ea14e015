namespace FastNode.Cluster.Routing;

/// <summary>
/// Redis Cluster key-to-slot mapping: CRC16 (XMODEM) of the key, or of its hash tag, modulo 16384.
/// Must match Redis bit-for-bit, otherwise clients get routed to the wrong node.
/// </summary>
public static class KeySlot
{
    public const int SlotCount = 16384;

    // SlotCount is a power of two, so "mod SlotCount" is a mask.
    private const int SlotMask = SlotCount - 1;

    // CRC-16/XMODEM generator polynomial (x^16 + x^12 + x^5 + 1), MSB-first, no reflection.
    private const ushort Polynomial = 0x1021;

    // Byte-at-a-time lookup table; built once in the type initializer.
    private static readonly ushort[] Table = BuildTable();

    private static ushort[] BuildTable()
    {
        var table = new ushort[256];
        for (int i = 0; i < table.Length; i++)
        {
            // Run the byte through the shift register MSB-first, as if the CRC were zero.
            int crc = i << 8;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ Polynomial : crc << 1;
            }
            table[i] = (ushort)crc;
        }
        return table;
    }

    /// <summary>CRC-16/XMODEM (poly 0x1021, init 0, no reflection, no final xor).</summary>
    public static ushort Crc16(ReadOnlySpan<byte> data)
    {
        // Local copy lets the JIT hoist the field load out of the loop.
        ushort[] table = Table;
        int crc = 0;
        foreach (byte b in data)
        {
            // Index by the high byte of the register combined with the incoming byte.
            crc = (crc << 8) ^ table[((crc >> 8) ^ b) & 0xFF];
        }
        return (ushort)crc;
    }

    /// <summary>
    /// Returns the cluster slot (0..16383) for <paramref name="key"/>. If the key has a non-empty
    /// hash tag (bytes between the first '{' and the first '}' after it), only the tag is hashed,
    /// so related keys like "{user1}.a" and "{user1}.b" land on the same slot.
    /// </summary>
    public static int Of(ReadOnlySpan<byte> key)
    {
        int open = key.IndexOf((byte)'{');
        if (open >= 0)
        {
            ReadOnlySpan<byte> rest = key.Slice(open + 1);
            int close = rest.IndexOf((byte)'}');
            // close == 0 is the empty tag "{}": Redis then hashes the whole key, as with no tag.
            if (close > 0)
            {
                return Crc16(rest.Slice(0, close)) & SlotMask;
            }
        }
        return Crc16(key) & SlotMask;
    }
}
