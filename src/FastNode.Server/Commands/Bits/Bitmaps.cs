using System.Numerics;
using System.Runtime.InteropServices;

namespace FastNode.Server.Commands.Bits;

/// <summary>Counting and searching bits in a byte span, most significant bit of each byte first (Redis's order).</summary>
public static class Bitmaps
{
    public static long PopCount(ReadOnlySpan<byte> bytes)
    {
        long count = 0;
        var words = MemoryMarshal.Cast<byte, ulong>(bytes);
        foreach (ulong w in words) count += BitOperations.PopCount(w);
        for (int i = words.Length * 8; i < bytes.Length; i++) count += BitOperations.PopCount(bytes[i]);
        return count;
    }

    /// <summary>
    /// Position of the first bit equal to <paramref name="bit"/>. When none is found: -1 for a set bit, and for a
    /// clear bit the position just past the end (the string reads as zero-padded on the right), as redisBitpos.
    /// </summary>
    public static long FirstBit(ReadOnlySpan<byte> bytes, int bit)
    {
        byte skip = bit == 1 ? (byte)0 : (byte)0xFF;
        ulong skipWord = bit == 1 ? 0UL : ulong.MaxValue;
        int i = 0;
        var words = MemoryMarshal.Cast<byte, ulong>(bytes);
        while (i < words.Length && words[i] == skipWord) i++;
        i *= 8;
        while (i < bytes.Length && bytes[i] == skip) i++;
        if (i == bytes.Length) return bit == 1 ? -1 : (long)bytes.Length * 8;
        int b = bytes[i];
        if (bit == 0) b = ~b & 0xFF;
        return (long)i * 8 + BitOperations.LeadingZeroCount((uint)b) - 24;
    }
}
