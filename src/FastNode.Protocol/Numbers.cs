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
        if (!double.TryParse(chars, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return false;
        return !double.IsNaN(value);
    }

    private static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';
}
