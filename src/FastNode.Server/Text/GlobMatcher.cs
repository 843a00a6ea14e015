namespace FastNode.Server.Text;

/// <summary>
/// Redis glob-style matching (KEYS, SCAN MATCH, CONFIG GET, PUBSUB patterns): `*` any run, `?` one byte,
/// `[abc]`, `[^abc]`, `[a-z]` classes, and `\x` for a literal x. Iterative with a single backtrack point for the
/// last `*`, so a hostile pattern costs O(pattern × text), never exponential time.
/// </summary>
public static class GlobMatcher
{
    public static bool IsMatch(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> text, bool ignoreCase = false)
    {
        int p = 0, t = 0;
        int starP = -1, starT = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length)
            {
                byte pc = pattern[p];
                if (pc == '*')
                {
                    while (p < pattern.Length && pattern[p] == '*') p++;
                    if (p == pattern.Length) return true;
                    starP = p;
                    starT = t;
                    continue;
                }
                if (TryMatchOne(pattern, ref p, text[t], ignoreCase, out int next))
                {
                    p = next;
                    t++;
                    continue;
                }
            }
            if (starP < 0) return false;
            p = starP;
            t = ++starT;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }

    /// <summary>Matches one pattern token at <paramref name="p"/> against byte <paramref name="c"/>.</summary>
    private static bool TryMatchOne(ReadOnlySpan<byte> pattern, ref int p, byte c, bool ignoreCase, out int next)
    {
        byte pc = pattern[p];
        switch (pc)
        {
            case (byte)'?':
                next = p + 1;
                return true;
            case (byte)'[':
                return MatchClass(pattern, p + 1, c, ignoreCase, out next);
            case (byte)'\\' when p + 1 < pattern.Length:
                next = p + 2;
                return Same(pattern[p + 1], c, ignoreCase);
            default:
                next = p + 1;
                return Same(pc, c, ignoreCase);
        }
    }

    private static bool MatchClass(ReadOnlySpan<byte> pattern, int p, byte c, bool ignoreCase, out int next)
    {
        bool negate = p < pattern.Length && pattern[p] == '^';
        if (negate) p++;
        bool matched = false;
        while (p < pattern.Length && pattern[p] != ']')
        {
            if (pattern[p] == '\\' && p + 1 < pattern.Length)
            {
                if (Same(pattern[p + 1], c, ignoreCase)) matched = true;
                p += 2;
            }
            else if (p + 2 < pattern.Length && pattern[p + 1] == '-' && pattern[p + 2] != ']')
            {
                byte lo = pattern[p], hi = pattern[p + 2];
                if (lo > hi) (lo, hi) = (hi, lo);
                byte x = c;
                if (ignoreCase)
                {
                    lo = Lower(lo);
                    hi = Lower(hi);
                    x = Lower(x);
                }
                if (x >= lo && x <= hi) matched = true;
                p += 3;
            }
            else
            {
                if (Same(pattern[p], c, ignoreCase)) matched = true;
                p++;
            }
        }
        // An unterminated class behaves as if closed at the end of the pattern, as in Redis.
        next = p < pattern.Length ? p + 1 : p;
        return matched != negate;
    }

    private static bool Same(byte a, byte b, bool ignoreCase) => a == b || ignoreCase && Lower(a) == Lower(b);

    private static byte Lower(byte c) => (uint)(c - 'A') <= 'Z' - 'A' ? (byte)(c + 32) : c;
}
