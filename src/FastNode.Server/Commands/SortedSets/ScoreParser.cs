using System.Globalization;
using FastNode.Server.Storage.SortedSets;

namespace FastNode.Server.Commands.SortedSets;

/// <summary>
/// The three ways Redis 7.0 reads a float argument of the sorted-set commands, all on top of C's strtod grammar
/// (decimal with optional exponent, hexadecimal "0x1.8p3", "inf"/"infinity", "nan"), which must consume the
/// whole argument:
/// 1. scores, increments and weights (getDoubleFromObject): no leading space, and an overflow to ±HUGE_VAL or an
///    underflow to zero is an error, as is NaN;
/// 2. score range bounds (zslParseRange): an optional "(" then strtod, which skips leading spaces, accepts an empty
///    string as 0 and saturates overflow to ±inf; NaN is an error;
/// 3. blocking timeouts in seconds (getTimeoutFromObjectOrReply, with long double): see <see cref="TryParseTimeout"/>.
/// </summary>
public static class ScoreParser
{
    /// <summary>A score, increment or weight; false for anything Redis answers "is not a valid float" to.</summary>
    public static bool TryParseScore(ReadOnlySpan<byte> text, out double value)
    {
        if (!text.IsEmpty && IsSpace(text[0]))
        {
            value = 0;
            return false;
        }
        if (!TryParseC(text, out value, out bool overflow, out bool underflow)) return false;
        return !overflow && !underflow && !double.IsNaN(value);
    }

    /// <summary>Both ends of a ZRANGEBYSCORE-style range; false for "min or max is not a float".</summary>
    public static bool TryParseRange(ReadOnlySpan<byte> min, ReadOnlySpan<byte> max, out ScoreRange range)
    {
        range = default;
        if (!TryParseBound(min, out double minValue, out bool minExclusive)) return false;
        if (!TryParseBound(max, out double maxValue, out bool maxExclusive)) return false;
        range = new ScoreRange(minValue, minExclusive, maxValue, maxExclusive);
        return true;
    }

    private static bool TryParseBound(ReadOnlySpan<byte> text, out double value, out bool exclusive)
    {
        exclusive = !text.IsEmpty && text[0] == (byte)'(';
        if (exclusive) text = text.Slice(1);
        value = 0;
        if (text.IsEmpty) return true;   // strtod converted nothing and stopped at the terminating NUL
        int start = 0;
        while (start < text.Length && IsSpace(text[start])) start++;
        if (!TryParseC(text.Slice(start), out value, out _, out _)) return false;
        return !double.IsNaN(value);
    }

    /// <summary>
    /// A SORT weight, as Redis reads one with a bare strtod: the text ends at its first NUL, leading spaces are
    /// skipped, an empty text is 0, and anything left unparsed, an overflow or underflow (ERANGE) or NaN is an error
    /// ("One or more scores can't be converted into double").
    /// </summary>
    public static bool TryParseSortWeight(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        int nul = text.IndexOf((byte)0);
        if (nul >= 0) text = text.Slice(0, nul);
        if (text.IsEmpty) return true;
        int start = 0;
        while (start < text.Length && IsSpace(text[start])) start++;
        if (!TryParseC(text.Slice(start), out value, out bool overflow, out bool underflow)) return false;
        return !overflow && !underflow && !double.IsNaN(value);
    }

    public enum TimeoutResult : byte { Ok, NotFloat, Negative }

    /// <summary>
    /// A timeout in seconds as BZPOPMIN/BZMPOP take it: milliseconds rounded up; 0 = forever. Redis 7.0 converts
    /// with a plain cast, so anything at or above 2^63 ms (including inf) comes out negative ("timeout is negative").
    /// <paramref name="deadlineMs"/> is absolute (saturating), 0 for no deadline.
    /// </summary>
    public static TimeoutResult TryParseTimeout(ReadOnlySpan<byte> text, long nowMs, out long deadlineMs)
    {
        deadlineMs = 0;
        if (text.IsEmpty || IsSpace(text[0])) return TimeoutResult.NotFloat;
        if (!TryParseC(text, out double seconds, out _, out bool underflow) || double.IsNaN(seconds)) return TimeoutResult.NotFloat;
        // A long double holds what underflows a double: such a timeout is a positive fraction of a millisecond.
        if (underflow) seconds = text.IndexOf((byte)'-') == 0 ? -double.Epsilon : double.Epsilon;
        double ms = Math.Ceiling(seconds * 1000.0);
        if (!(ms < 9.2233720368547758e18) || ms < 0) return TimeoutResult.Negative;
        long timeout = (long)ms;
        if (timeout > 0) deadlineMs = timeout > long.MaxValue - nowMs ? long.MaxValue : nowMs + timeout;
        return TimeoutResult.Ok;
    }

    /// <summary>
    /// strtod over the whole span: false unless it is one complete number. <paramref name="overflow"/> and
    /// <paramref name="underflow"/> report what strtod flags with ERANGE (a finite literal beyond double, or a
    /// literal with non-zero digits that rounds to zero).
    /// </summary>
    private static bool TryParseC(ReadOnlySpan<byte> text, out double value, out bool overflow, out bool underflow)
    {
        value = 0;
        overflow = underflow = false;
        if (text.IsEmpty || text.Length > 512) return false;
        int i = 0;
        bool negative = false;
        if (text[0] == (byte)'+' || text[0] == (byte)'-')
        {
            negative = text[0] == (byte)'-';
            i = 1;
        }
        var body = text.Slice(i);
        if (IsWord(body, "INF"u8) || IsWord(body, "INFINITY"u8))
        {
            value = negative ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }
        if (IsWord(body, "NAN"u8) || (body.Length > 4 && IsWord(body.Slice(0, 3), "NAN"u8) && body[3] == (byte)'(' && body[^1] == (byte)')'))
        {
            value = double.NaN;
            return true;
        }
        if (body.Length > 2 && body[0] == (byte)'0' && (body[1] | 0x20) == (byte)'x')
        {
            if (!TryParseHex(body.Slice(2), out value, out bool any, out bool nonZero)) return false;
            if (!any) return false;
            if (negative) value = -value;
            overflow = double.IsInfinity(value);
            underflow = value == 0 && nonZero;
            return true;
        }
        if (!IsDecimal(body, out bool nonZeroDigit)) return false;
        Span<char> chars = stackalloc char[text.Length];
        for (int c = 0; c < text.Length; c++) chars[c] = (char)text[c];
        if (!double.TryParse(chars, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return false;
        overflow = double.IsInfinity(value);
        underflow = value == 0 && nonZeroDigit;
        return true;
    }

    /// <summary>digits [. digits] [e [sign] digits], at least one mantissa digit, nothing else.</summary>
    private static bool IsDecimal(ReadOnlySpan<byte> s, out bool nonZeroDigit)
    {
        nonZeroDigit = false;
        int i = 0, digits = 0;
        for (; i < s.Length && IsDigit(s[i]); i++, digits++) nonZeroDigit |= s[i] != (byte)'0';
        if (i < s.Length && s[i] == (byte)'.')
        {
            for (i++; i < s.Length && IsDigit(s[i]); i++, digits++) nonZeroDigit |= s[i] != (byte)'0';
        }
        if (digits == 0) return false;
        if (i < s.Length && (s[i] | 0x20) == (byte)'e')
        {
            i++;
            if (i < s.Length && (s[i] == (byte)'+' || s[i] == (byte)'-')) i++;
            int exponentDigits = 0;
            for (; i < s.Length && IsDigit(s[i]); i++) exponentDigits++;
            if (exponentDigits == 0) return false;
        }
        return i == s.Length;
    }

    /// <summary>Hex digits [. hex digits] [p [sign] decimal digits] (after "0x").</summary>
    private static bool TryParseHex(ReadOnlySpan<byte> s, out double value, out bool any, out bool nonZero)
    {
        value = 0;
        any = false;
        nonZero = false;
        ulong mantissa = 0;
        int exponent = 0, i = 0;
        bool dot = false;
        for (; i < s.Length; i++)
        {
            byte c = s[i];
            if (c == (byte)'.' && !dot)
            {
                dot = true;
                continue;
            }
            int digit = HexValue(c);
            if (digit < 0) break;
            any = true;
            nonZero |= digit != 0;
            if (mantissa >> 60 == 0) mantissa = mantissa * 16 + (ulong)digit;
            else if (!dot) exponent += 4;   // beyond 60 bits: keep the magnitude, drop the low digits
            if (dot && mantissa >> 60 == 0) exponent -= 4;
        }
        if (!any) return false;
        if (i < s.Length)
        {
            if ((s[i] | 0x20) != (byte)'p') return false;
            i++;
            bool negative = false;
            if (i < s.Length && (s[i] == (byte)'+' || s[i] == (byte)'-')) negative = s[i++] == (byte)'-';
            if (i == s.Length) return false;
            int e = 0;
            for (; i < s.Length; i++)
            {
                if (!IsDigit(s[i])) return false;
                if (e < 100000) e = e * 10 + (s[i] - '0');
            }
            exponent += negative ? -e : e;
        }
        value = Math.ScaleB(mantissa, Math.Clamp(exponent, -100000, 100000));
        return true;
    }

    private static int HexValue(byte c)
    {
        if ((uint)(c - '0') <= 9) return c - '0';
        int lower = c | 0x20;
        return (uint)(lower - 'a') <= 5 ? lower - 'a' + 10 : -1;
    }

    private static bool IsWord(ReadOnlySpan<byte> s, ReadOnlySpan<byte> upper) => Ascii.EqualsIgnoreCase(s, upper);

    private static bool IsDigit(byte c) => (uint)(c - '0') <= 9;

    private static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';
}
