using System.Numerics;

namespace FastNode.Server.Commands.Strings;

/// <summary>
/// An exact software model of the x87 80-bit "long double" (64-bit mantissa) that Redis 7.0 uses for INCRBYFLOAT on
/// x86-64 Linux: it parses both operands with strtold, adds them in long double and stores printf("%.17Lf") with the
/// trailing zeros removed. The extra precision is visible to clients ("1000.1" becomes "1000.09999999999999998",
/// "0.1" + "0.2" gives "0.3"), so neither double nor decimal arithmetic can reproduce Redis's replies. This type does
/// the three steps with integer arithmetic instead: correctly rounded parsing, one correctly rounded addition and
/// exact decimal printing, all with round-to-nearest-even like glibc and the x87 FPU.
/// What must stay true:
/// 1. The value is (-1)^Negative * Mantissa * 2^Exponent with Mantissa &lt; 2^64 and Exponent &gt;= MinExponent;
///    Mantissa 0 is zero. Subnormals keep MinExponent with a short mantissa, as on the x87.
/// 2. Common operands (up to 38 significant digits, moderate exponents, which covers every "%.17Lf" result below
///    about 10^20) take the UInt128 paths and allocate nothing; extreme ones (up to Redis's 5119-character limit) fall
///    back to BigInteger.
/// 3. On an AArch64 Redis build long double is a 128-bit quad and its digits differ; we follow x86-64, the common case.
/// </summary>
public readonly struct LongDouble
{
    /// <summary>Weight of the lowest mantissa bit of the smallest subnormal (2^-16445).</summary>
    private const int MinExponent = -16445;
    /// <summary>Largest exponent of the lowest mantissa bit: the top bit then weighs 2^16383.</summary>
    private const int MaxExponent = 16320;
    /// <summary>Redis (string2ld) rejects operands of 5 KB and more.</summary>
    private const int MaxTextLength = 5 * 1024 - 1;
    /// <summary>Digits after the point in Redis's "%.17Lf".</summary>
    private const int FractionDigits = 17;
    private const ulong TenPow17 = 100_000_000_000_000_000;

    /// <summary>Room for any formatted value: sign, 4933 integer digits, point and 17 decimals.</summary>
    public const int MaxFormattedLength = 5000;

    private readonly ulong _mantissa;
    private readonly int _exponent;
    private readonly bool _negative;
    private readonly bool _infinity;

    private LongDouble(ulong mantissa, int exponent, bool negative, bool infinity = false)
    {
        _mantissa = mantissa;
        _exponent = exponent;
        _negative = negative;
        _infinity = infinity;
    }

    public bool IsInfinity => _infinity;

    private bool IsZero => !_infinity && _mantissa == 0;

    private static LongDouble Infinity(bool negative) => new(0, 0, negative, infinity: true);

    /// <summary>
    /// Redis's string2ld: the whole text must be one strtold number (decimal, hex "0x1.8p1", "inf"/"infinity", with an
    /// optional sign; no spaces, no NaN). Overflow, and a non-zero value that rounds to zero, are rejected.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out LongDouble value)
    {
        value = default;
        if (text.IsEmpty || text.Length > MaxTextLength) return false;
        bool negative = text[0] == (byte)'-';
        if (text[0] is (byte)'-' or (byte)'+') text = text.Slice(1);
        if (Ascii.EqualsIgnoreCase(text, "INF"u8) || Ascii.EqualsIgnoreCase(text, "INFINITY"u8))
        {
            value = Infinity(negative);
            return true;
        }
        if (text.Length > 2 && text[0] == (byte)'0' && (text[1] | 0x20) == (byte)'x') return TryParseHex(text.Slice(2), negative, out value);
        return TryParseDecimal(text, negative, out value);
    }

    private static bool TryParseDecimal(ReadOnlySpan<byte> text, bool negative, out LongDouble value)
    {
        value = default;
        int pos = 0, intDigits = 0, fracDigits = 0;
        while (pos < text.Length && IsDigit(text[pos])) { pos++; intDigits++; }
        int point = pos;
        if (pos < text.Length && text[pos] == (byte)'.')
        {
            pos++;
            while (pos < text.Length && IsDigit(text[pos])) { pos++; fracDigits++; }
        }
        if (intDigits + fracDigits == 0) return false;
        int mantissaEnd = pos;
        long exp10 = 0;
        if (pos < text.Length && (text[pos] | 0x20) == (byte)'e')
        {
            if (!TryParseExponent(text.Slice(pos + 1), out exp10)) return false;
            pos = text.Length;
        }
        if (pos != text.Length) return false;

        // Significant digits run from the first to the last non-zero digit; their decimal weights give the scale.
        int first = -1, last = -1;
        for (int i = 0; i < mantissaEnd; i++)
        {
            if (text[i] is >= (byte)'1' and <= (byte)'9')
            {
                if (first < 0) first = i;
                last = i;
            }
        }
        if (first < 0)
        {
            value = new LongDouble(0, MinExponent, negative);
            return true;
        }
        long topWeight = Weight(first, point) + exp10;
        long scale = Weight(last, point) + exp10;
        // Beyond these bounds the value surely overflows (max ~1.19e4932) or rounds to zero (min ~3.6e-4951).
        if (topWeight >= 4933 || topWeight <= -4953) return false;
        int significant = last - first + 1 - (first < point && last > point ? 1 : 0);
        UInt128 small = 0;
        if (significant <= 38)
        {
            for (int i = first; i <= last; i++)
            {
                if (i != point) small = small * 10 + (uint)(text[i] - '0');
            }
        }
        if (significant > 38 || !TryFromDecimal(small, scale, negative, out value))
        {
            var digits = BigInteger.Zero;
            for (int i = first; i <= last; i++)
            {
                if (i != point) digits = digits * 10 + (text[i] - '0');
            }
            value = FromDecimal(digits, (int)scale, negative);
        }
        return !value.IsInfinity && value._mantissa != 0;
    }

    /// <summary>Decimal weight (power of ten) of the digit at <paramref name="index"/>, given where the point is.</summary>
    private static long Weight(int index, int point) => index < point ? point - 1 - index : point - index;

    private static bool TryParseHex(ReadOnlySpan<byte> text, bool negative, out LongDouble value)
    {
        value = default;
        int pos = 0, digitCount = 0, fracDigits = 0;
        bool seenPoint = false;
        var digits = BigInteger.Zero;
        for (; pos < text.Length; pos++)
        {
            byte c = text[pos];
            if (c == (byte)'.' && !seenPoint)
            {
                seenPoint = true;
                continue;
            }
            int d = HexValue(c);
            if (d < 0) break;
            digits = (digits << 4) + d;
            digitCount++;
            if (seenPoint) fracDigits++;
        }
        if (digitCount == 0) return false;
        long exp2 = 0;
        if (pos < text.Length && (text[pos] | 0x20) == (byte)'p')
        {
            if (!TryParseExponent(text.Slice(pos + 1), out exp2)) return false;
            pos = text.Length;
        }
        if (pos != text.Length) return false;
        if (digits.IsZero)
        {
            value = new LongDouble(0, MinExponent, negative);
            return true;
        }
        value = Round(digits, exp2 - 4L * fracDigits, sticky: false, negative);
        return !value.IsInfinity && value._mantissa != 0;
    }

    /// <summary>An exponent after 'e' or 'p': optional sign and at least one digit, saturated far beyond any finite range.</summary>
    private static bool TryParseExponent(ReadOnlySpan<byte> text, out long exponent)
    {
        exponent = 0;
        bool negative = false;
        if (!text.IsEmpty && text[0] is (byte)'+' or (byte)'-')
        {
            negative = text[0] == (byte)'-';
            text = text.Slice(1);
        }
        if (text.IsEmpty) return false;
        foreach (byte c in text)
        {
            if (!IsDigit(c)) return false;
            if (exponent < 1_000_000) exponent = exponent * 10 + (c - '0');
        }
        if (negative) exponent = -exponent;
        return true;
    }

    /// <summary>
    /// digits·10^scale in 128-bit arithmetic when everything fits (false otherwise): a product below 2^128, or a
    /// quotient digits·2^s / 10^p with at least 65 bits and the remainder kept as a sticky bit.
    /// </summary>
    private static bool TryFromDecimal(UInt128 digits, long scale, bool negative, out LongDouble value)
    {
        value = default;
        if (scale is > 38 or < -38) return false;
        UInt128 power = Pow10((int)Math.Abs(scale));
        int digitBits = BitLength(digits), powerBits = BitLength(power);
        if (scale >= 0)
        {
            if (digitBits + powerBits > 128) return false;
            value = Round(digits * power, scale: 0, sticky: false, negative);
            return true;
        }
        int shift = 65 + powerBits - digitBits;
        if (shift > 0 && digitBits + shift > 128) return false;
        var (quotient, remainder) = UInt128.DivRem(shift > 0 ? digits << shift : digits, power);
        value = Round(quotient, -Math.Max(shift, 0), remainder != 0, negative);
        return true;
    }

    private static int BitLength(UInt128 n) => 128 - (int)UInt128.LeadingZeroCount(n);

    private static LongDouble FromDecimal(BigInteger digits, int scale, bool negative)
    {
        if (scale >= 0) return Round(digits * BigInteger.Pow(10, scale), 0, sticky: false, negative);
        var divisor = BigInteger.Pow(10, -scale);
        long shift = Math.Max(0, 66 + divisor.GetBitLength() - digits.GetBitLength());
        var quotient = BigInteger.DivRem(digits << (int)shift, divisor, out var remainder);
        return Round(quotient, -shift, !remainder.IsZero, negative);
    }

    private static UInt128 Pow10(int n)
    {
        UInt128 p = 1;
        for (int i = 0; i < n; i++) p *= 10;
        return p;
    }

    /// <summary>
    /// Rounds the exact value (n + sticky·ε)·2^scale to 64 mantissa bits, ties to even. <paramref name="sticky"/> says the
    /// true value is a little above n (a non-zero division remainder); callers only set it when n has 65+ bits.
    /// </summary>
    private static LongDouble Round(UInt128 n, long scale, bool sticky, bool negative)
    {
        if (n == 0) return new LongDouble(0, MinExponent, negative);
        int bits = 128 - (int)UInt128.LeadingZeroCount(n);
        if (scale + bits - 1 > MaxExponent + 63) return Infinity(negative);
        long exponent = Math.Max(scale + bits - 64, MinExponent);
        long shift = exponent - scale;
        if (shift <= 0) return Finish((ulong)(n << (int)-shift), exponent, negative);
        if (shift > 128) return new LongDouble(0, MinExponent, negative);
        UInt128 q = shift == 128 ? 0 : n >> (int)shift;
        UInt128 remainder = n - (shift == 128 ? 0 : q << (int)shift);
        UInt128 half = (UInt128)1 << (int)(shift - 1);
        if (remainder > half || remainder == half && (sticky || (q & 1) != 0)) q++;
        return Finish(q, exponent, negative);
    }

    private static LongDouble Round(BigInteger n, long scale, bool sticky, bool negative)
    {
        if (n.IsZero) return new LongDouble(0, MinExponent, negative);
        long bits = n.GetBitLength();
        if (scale + bits - 1 > MaxExponent + 63) return Infinity(negative);
        if (scale + bits < MinExponent - 1) return new LongDouble(0, MinExponent, negative);
        long exponent = Math.Max(scale + bits - 64, MinExponent);
        long shift = exponent - scale;
        if (shift <= 0) return Finish((UInt128)(n << (int)-shift), exponent, negative);
        var q = n >> (int)shift;
        var remainder = n - (q << (int)shift);
        var half = BigInteger.One << (int)(shift - 1);
        int c = remainder.CompareTo(half);
        if (c > 0 || c == 0 && (sticky || !q.IsEven)) q += 1;
        return Finish((UInt128)q, exponent, negative);
    }

    /// <summary>A rounded mantissa may have carried into bit 64: renormalize, then check the range.</summary>
    private static LongDouble Finish(UInt128 mantissa, long exponent, bool negative)
    {
        if (mantissa >> 64 != 0)
        {
            mantissa >>= 1;
            exponent++;
        }
        if (exponent > MaxExponent) return Infinity(negative);
        return new LongDouble((ulong)mantissa, (int)exponent, negative);
    }

    /// <summary>a + b rounded once to long double; the result may be infinite (the caller reports it).</summary>
    public static LongDouble Add(LongDouble a, LongDouble b)
    {
        if (a._infinity || b._infinity) return Infinity(a._infinity ? a._negative : b._negative);
        if (b.IsZero) return a;
        if (a.IsZero) return b;
        if (a._exponent < b._exponent) (a, b) = (b, a);
        int gap = a._exponent - b._exponent;
        if (gap < 63)
        {
            // Both fit in 127 bits once aligned on the smaller exponent.
            UInt128 big = (UInt128)a._mantissa << gap, small = b._mantissa;
            if (a._negative == b._negative) return Round(big + small, b._exponent, false, a._negative);
            if (big == small) return new LongDouble(0, MinExponent, false);
            return big > small ? Round(big - small, b._exponent, false, a._negative) : Round(small - big, b._exponent, false, b._negative);
        }
        var sum = (a._negative ? -(new BigInteger(a._mantissa) << gap) : new BigInteger(a._mantissa) << gap)
                  + (b._negative ? -new BigInteger(b._mantissa) : new BigInteger(b._mantissa));
        return Round(BigInteger.Abs(sum), b._exponent, false, sum.Sign < 0);
    }

    /// <summary>
    /// Redis's human-friendly long double text: printf "%.17Lf" (exact, ties to even), trailing fraction zeros and a
    /// bare point removed, "-0" turned into "0". Returns false when <paramref name="destination"/> is too small
    /// (at most <see cref="MaxFormattedLength"/> is ever needed; 64 bytes always suffice for values below 2^127).
    /// </summary>
    public bool TryFormat(Span<byte> destination, out int written)
    {
        written = 0;
        if (_exponent >= 0)
        {
            if (_exponent <= 63) return WriteFixed(destination, (UInt128)_mantissa << _exponent, hasFraction: false, out written);
            return WriteBig(destination, new BigInteger(_mantissa) << _exponent, out written);
        }
        // Values below 2^-64 print as 0.00000000000000000 and so as "0".
        if (_exponent < -127) return WriteZero(destination, out written);
        int shift = -_exponent;
        UInt128 scaled = Math.BigMul(_mantissa, TenPow17);
        UInt128 q = shift == 128 ? 0 : scaled >> shift;
        UInt128 remainder = scaled - (q << shift);
        UInt128 half = (UInt128)1 << (shift - 1);
        if (remainder > half || remainder == half && (q & 1) != 0) q++;
        return WriteFixed(destination, q, hasFraction: true, out written);
    }

    private static bool WriteZero(Span<byte> destination, out int written)
    {
        written = 0;
        if (destination.IsEmpty) return false;
        destination[0] = (byte)'0';
        written = 1;
        return true;
    }

    /// <summary>Writes an integer, or a number of 10^-17 units when <paramref name="hasFraction"/>.</summary>
    private bool WriteFixed(Span<byte> destination, UInt128 value, bool hasFraction, out int written)
    {
        written = 0;
        Span<byte> digits = stackalloc byte[40];
        if (!value.TryFormat(digits, out int count, default, null)) return false;
        return Compose(destination, digits.Slice(0, count), hasFraction, out written);
    }

    private bool WriteBig(Span<byte> destination, BigInteger value, out int written)
    {
        written = 0;
        var chars = new char[MaxFormattedLength];
        if (!value.TryFormat(chars, out int count)) return false;
        var digits = new byte[count];
        for (int i = 0; i < count; i++) digits[i] = (byte)chars[i];
        return Compose(destination, digits, hasFraction: false, out written);
    }

    private bool Compose(Span<byte> destination, ReadOnlySpan<byte> digits, bool hasFraction, out int written)
    {
        written = 0;
        scoped ReadOnlySpan<byte> integer = digits;
        scoped ReadOnlySpan<byte> fraction = default;
        Span<byte> padded = stackalloc byte[FractionDigits + 1];
        scoped ReadOnlySpan<byte> all = digits;
        if (hasFraction)
        {
            if (all.Length <= FractionDigits)
            {
                // Left-pad with zeros so there is an integer digit ("0.000...").
                padded.Fill((byte)'0');
                all.CopyTo(padded.Slice(padded.Length - all.Length));
                all = padded;
            }
            integer = all.Slice(0, all.Length - FractionDigits);
            fraction = all.Slice(all.Length - FractionDigits).TrimEnd((byte)'0');
        }
        bool minus = _negative && !(integer.SequenceEqual("0"u8) && fraction.IsEmpty);
        int length = (minus ? 1 : 0) + integer.Length + (fraction.IsEmpty ? 0 : fraction.Length + 1);
        if (length > destination.Length) return false;
        int pos = 0;
        if (minus) destination[pos++] = (byte)'-';
        integer.CopyTo(destination.Slice(pos));
        pos += integer.Length;
        if (!fraction.IsEmpty)
        {
            destination[pos++] = (byte)'.';
            fraction.CopyTo(destination.Slice(pos));
            pos += fraction.Length;
        }
        written = pos;
        return true;
    }

    private static bool IsDigit(byte c) => (uint)(c - '0') <= 9;

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };
}
