using System.Globalization;
using System.Runtime.CompilerServices;

namespace FastNode.Protocol;

/// <summary>Number parsing with Redis's rules, straight from argument bytes.</summary>
public static class Numbers
{
    /// <summary>
    /// Redis string2ll: optional '-', no '+', no spaces, no leading zeros (except "0" itself), must fit a long.
    /// Used for request headers and for every integer argument and stored integer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryParseInt64(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 20) return false;
        if (text.Length == 1)
        {
            uint d = (uint)(text[0] - '0');
            value = d;
            return d <= 9;
        }
        bool negative = text[0] == (byte)'-';
        int i = negative ? 1 : 0;
        if (i >= text.Length || text[i] < (byte)'1' || text[i] > (byte)'9') return false;
        ulong acc = 0;
        for (; i < text.Length; i++)
        {
            uint digit = (uint)(text[i] - '0');
            if (digit > 9) return false;
            if (acc > (ulong.MaxValue - digit) / 10) return false;
            acc = acc * 10 + digit;
        }
        if (negative)
        {
            if (acc > (ulong)long.MaxValue + 1) return false;
            value = (long)(0 - acc);
        }
        else
        {
            if (acc > long.MaxValue) return false;
            value = (long)acc;
        }
        return true;
    }

    /// <summary>
    /// Redis's float argument rules (strtold on the whole string): decimal or exponent notation, "inf"/"+inf"/"-inf"
    /// (any case), no surrounding spaces, never NaN.
    /// </summary>
    public static bool TryParseDouble(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 256) return false;
        if (IsSpace(text[0]) || IsSpace(text[^1])) return false;
        Span<char> chars = stackalloc char[text.Length];
        for (int i = 0; i < text.Length; i++) chars[i] = (char)text[i];
        if (chars.Equals("inf", StringComparison.OrdinalIgnoreCase) || chars.Equals("+inf", StringComparison.OrdinalIgnoreCase)
            || chars.Equals("infinity", StringComparison.OrdinalIgnoreCase) || chars.Equals("+infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = double.PositiveInfinity;
            return true;
        }
        if (chars.Equals("-inf", StringComparison.OrdinalIgnoreCase) || chars.Equals("-infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NegativeInfinity;
            return true;
        }
        switch (TryParseHexFloat(chars, out value))
        {
            case HexFloat.Parsed: return true;
            case HexFloat.Invalid: return false;
        }
        if (!double.TryParse(chars, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return false;
        return !double.IsNaN(value) && !OutOfRange(value, chars);
    }

    /// <summary>strtod's ERANGE, which Redis refuses: a finite text that overflows to infinity or underflows to zero.</summary>
    private static bool OutOfRange(double value, ReadOnlySpan<char> text)
    {
        if (double.IsInfinity(value)) return true;
        if (value != 0) return false;
        foreach (char c in text)
        {
            if (c is 'e' or 'E') break;
            if (c is >= '1' and <= '9') return true;
        }
        return false;
    }

    private enum HexFloat { NotHex, Parsed, Invalid }

    /// <summary>C's strtod hex form, which Redis accepts in float arguments: [sign]0x&lt;hex&gt;[.&lt;hex&gt;][p[sign]&lt;dec&gt;].</summary>
    private static HexFloat TryParseHexFloat(ReadOnlySpan<char> text, out double value)
    {
        value = 0;
        int i = 0;
        bool negative = false;
        if (text.Length > 0 && text[0] is '+' or '-')
        {
            negative = text[0] == '-';
            i = 1;
        }
        if (i + 1 >= text.Length || text[i] != '0' || (text[i + 1] | 0x20) != 'x') return HexFloat.NotHex;
        i += 2;
        double mantissa = 0;
        int exponent = 0;
        bool anyDigit = false;
        for (; i < text.Length && HexDigit(text[i]) is int d and >= 0; i++, anyDigit = true) mantissa = mantissa * 16 + d;
        if (i < text.Length && text[i] == '.')
        {
            for (i++; i < text.Length && HexDigit(text[i]) is int d and >= 0; i++, anyDigit = true)
            {
                mantissa = mantissa * 16 + d;
                exponent -= 4;
            }
        }
        if (!anyDigit) return HexFloat.Invalid;
        if (i < text.Length && (text[i] | 0x20) == 'p')
        {
            i++;
            bool negativeExponent = i < text.Length && text[i] == '-';
            if (i < text.Length && text[i] is '+' or '-') i++;
            int start = i, power = 0;
            for (; i < text.Length && text[i] is >= '0' and <= '9'; i++) power = Math.Min(power * 10 + (text[i] - '0'), 100_000);
            if (i == start) return HexFloat.Invalid;
            exponent += negativeExponent ? -power : power;
        }
        if (i != text.Length) return HexFloat.Invalid;
        value = Math.ScaleB(mantissa, exponent);
        if (negative) value = -value;
        return double.IsInfinity(value) || value == 0 && mantissa != 0 ? HexFloat.Invalid : HexFloat.Parsed;
    }

    private static int HexDigit(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';
}
