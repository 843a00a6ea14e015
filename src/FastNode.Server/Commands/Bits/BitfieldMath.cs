namespace FastNode.Server.Commands.Bits;

/// <summary>
/// The arithmetic of BITFIELD, as Redis 7.0 defines it: fields of 1..64 bits (unsigned up to 63) read and written most
/// significant bit first at any bit offset, and the WRAP / SAT / FAIL overflow rules. Pure functions over spans.
/// </summary>
public static class BitfieldMath
{
    public enum Overflow : byte { Wrap, Sat, Fail }

    /// <summary>Reads an unsigned field; bytes past the end of <paramref name="bytes"/> read as zero.</summary>
    public static ulong GetUnsigned(ReadOnlySpan<byte> bytes, long offset, int bits)
    {
        ulong value = 0;
        for (int j = 0; j < bits; j++, offset++)
        {
            long index = offset >> 3;
            ulong bit = index < bytes.Length ? (ulong)(bytes[(int)index] >> (7 - (int)(offset & 7))) & 1 : 0;
            value = (value << 1) | bit;
        }
        return value;
    }

    /// <summary>Reads a two's-complement field, sign-extended to 64 bits.</summary>
    public static long GetSigned(ReadOnlySpan<byte> bytes, long offset, int bits)
    {
        ulong value = GetUnsigned(bytes, offset, bits);
        if (bits < 64 && (value & (1UL << (bits - 1))) != 0) value |= ulong.MaxValue << bits;
        return (long)value;
    }

    /// <summary>Writes the low <paramref name="bits"/> bits of <paramref name="value"/>; the span must cover them.</summary>
    public static void Set(Span<byte> bytes, long offset, int bits, ulong value)
    {
        for (int j = 0; j < bits; j++, offset++)
        {
            int shift = 7 - (int)(offset & 7);
            ref byte b = ref bytes[(int)(offset >> 3)];
            ulong bit = (value >> (bits - 1 - j)) & 1;
            b = (byte)((b & ~(1 << shift)) | ((int)bit << shift));
        }
    }

    /// <summary>
    /// Whether <paramref name="value"/> + <paramref name="increment"/> leaves the range of a signed field: 1 above,
    /// -1 below, 0 inside. On overflow <paramref name="limit"/> gets what WRAP or SAT stores (unset for FAIL).
    /// </summary>
    public static int CheckSigned(long value, long increment, int bits, Overflow mode, out long limit)
    {
        long max = bits == 64 ? long.MaxValue : (1L << (bits - 1)) - 1;
        long min = -max - 1;
        // Both may overflow; they are only used once value is known to be in range, where they do not.
        long maxIncrement = unchecked(max - value);
        long minIncrement = unchecked(min - value);
        limit = 0;
        if (value > max || (bits != 64 && increment > maxIncrement) || (value >= 0 && increment > 0 && increment > maxIncrement))
        {
            if (mode == Overflow.Wrap) limit = WrapSigned(value, increment, bits);
            else if (mode == Overflow.Sat) limit = max;
            return 1;
        }
        if (value < min || (bits != 64 && increment < minIncrement) || (value < 0 && increment < 0 && increment < minIncrement))
        {
            if (mode == Overflow.Wrap) limit = WrapSigned(value, increment, bits);
            else if (mode == Overflow.Sat) limit = min;
            return -1;
        }
        return 0;
    }

    private static long WrapSigned(long value, long increment, int bits)
    {
        ulong sum = unchecked((ulong)value + (ulong)increment);
        if (bits < 64)
        {
            ulong mask = ulong.MaxValue << bits;
            sum = (sum & (1UL << (bits - 1))) != 0 ? sum | mask : sum & ~mask;
        }
        return (long)sum;
    }

    /// <summary>The unsigned counterpart of <see cref="CheckSigned"/> (fields of at most 63 bits).</summary>
    public static int CheckUnsigned(ulong value, long increment, int bits, Overflow mode, out ulong limit)
    {
        ulong max = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        long maxIncrement = unchecked((long)(max - value));
        long minIncrement = unchecked(-(long)value);
        limit = 0;
        if (value > max || (increment > 0 && increment > maxIncrement))
        {
            if (mode == Overflow.Wrap) limit = WrapUnsigned(value, increment, bits);
            else if (mode == Overflow.Sat) limit = max;
            return 1;
        }
        if (increment < 0 && increment < minIncrement)
        {
            if (mode == Overflow.Wrap) limit = WrapUnsigned(value, increment, bits);
            else if (mode == Overflow.Sat) limit = 0;
            return -1;
        }
        return 0;
    }

    private static ulong WrapUnsigned(ulong value, long increment, int bits) =>
        unchecked(value + (ulong)increment) & ~(ulong.MaxValue << bits);
}
