using System.Globalization;

namespace FastNode.Server.Config;

/// <summary>Parsing of config values the way redis.conf and CONFIG SET accept them.</summary>
public static class ConfigValue
{
    /// <summary>Redis memtoll: a number with an optional unit k/kb/m/mb/g/gb (k = 1000, kb = 1024), case-insensitive.</summary>
    public static bool TryParseMemory(string text, out long bytes)
    {
        bytes = 0;
        text = text.Trim().ToLowerInvariant();
        long unit = 1;
        string digits = text;
        foreach (var (suffix, mul) in Units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal))
            {
                unit = mul;
                digits = text[..^suffix.Length];
                break;
            }
        }
        if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n)) return false;
        bytes = checked(n * unit);
        return true;
    }

    private static readonly (string, long)[] Units =
    [
        ("gb", 1024L * 1024 * 1024), ("mb", 1024L * 1024), ("kb", 1024L),
        ("g", 1000L * 1000 * 1000), ("m", 1000L * 1000), ("k", 1000L), ("b", 1L),
    ];

    public static bool TryParseInt(string text, long min, long max, out int value)
    {
        value = 0;
        if (!long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n) || n < min || n > max) return false;
        value = (int)n;
        return true;
    }

    public static bool TryParseBool(string text, out bool value)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "yes": value = true; return true;
            case "no": value = false; return true;
            default: value = false; return false;
        }
    }
}
