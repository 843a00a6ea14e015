using System.Globalization;

namespace FastNode.Server.Persistence;

/// <summary>One `save` rule: snapshot when at least <see cref="Changes"/> writes happened and more than
/// <see cref="Seconds"/> passed since the last successful save.</summary>
public readonly record struct SaveRule(long Seconds, long Changes)
{
    /// <summary>Redis 7.0's default: "3600 1 300 100 60 10000".</summary>
    public static readonly SaveRule[] Defaults = [new(3600, 1), new(300, 100), new(60, 10000)];

    /// <summary>Parses "seconds changes ..." (empty = no rules); null when malformed.</summary>
    public static SaveRule[]? Parse(string text)
    {
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length % 2 != 0) return null;
        var rules = new SaveRule[parts.Length / 2];
        for (int i = 0; i < rules.Length; i++)
        {
            if (!long.TryParse(parts[2 * i], NumberStyles.None, CultureInfo.InvariantCulture, out long seconds)
                || !long.TryParse(parts[2 * i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out long changes))
                return null;
            if (seconds < 1) return null;
            rules[i] = new SaveRule(seconds, changes);
        }
        return rules;
    }

    public static string Format(SaveRule[] rules) =>
        string.Join(' ', rules.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Seconds} {r.Changes}")));
}
