using FastNode.Protocol;
using FastNode.Server.Storage.SortedSets;

namespace FastNode.Server.Commands.SortedSets;

/// <summary>
/// What ZRANGE, its older variants and ZRANGESTORE ask for, parsed in Redis 7.0's order (zrangeGenericCommand):
/// options (LIMIT's integers are checked as they come), then the LIMIT/WITHSCORES conflicts, then the range itself.
/// Only the keyword forms the variant allows are accepted (ZRANGEBYSCORE has no BYLEX, ZREVRANGE no REV...).
/// </summary>
internal ref struct ZRangeSpec
{
    public enum Kind : byte { Auto, Rank, Score, Lex }

    public Kind Type;
    public bool Reverse;
    public bool WithScores;
    public long Offset;
    /// <summary>-1 = no limit.</summary>
    public long Limit;
    /// <summary>Rank range (before clamping).</summary>
    public long Start, End;
    public ScoreRange Scores;
    public LexRange Lex;

    /// <summary>
    /// Parses from <paramref name="keyIndex"/> (the source key; min and max follow it). <paramref name="type"/> and
    /// <paramref name="reverse"/> are preset by the variant (Auto / false for ZRANGE itself). Returns the error to
    /// send, or an empty span.
    /// </summary>
    public static ReadOnlySpan<byte> Parse(CommandArgs args, int keyIndex, Kind type, bool? reverse, bool store, out ZRangeSpec spec)
    {
        spec = default;
        spec.Type = type;
        spec.Limit = -1;
        bool directionSet = reverse.HasValue;
        spec.Reverse = reverse ?? false;
        for (int a = keyIndex + 3; a < args.Count; a++)
        {
            var arg = args[a];
            int left = args.Count - a - 1;
            if (!store && Ascii.EqualsIgnoreCase(arg, "WITHSCORES"u8)) spec.WithScores = true;
            else if (left >= 2 && Ascii.EqualsIgnoreCase(arg, "LIMIT"u8))
            {
                if (!Numbers.TryParseInt64(args[a + 1], out spec.Offset) || !Numbers.TryParseInt64(args[a + 2], out spec.Limit))
                    return RespErrors.NotInteger;
                a += 2;
            }
            else if (!directionSet && Ascii.EqualsIgnoreCase(arg, "REV"u8))
            {
                spec.Reverse = true;
                directionSet = true;
            }
            else if (spec.Type == Kind.Auto && Ascii.EqualsIgnoreCase(arg, "BYLEX"u8)) spec.Type = Kind.Lex;
            else if (spec.Type == Kind.Auto && Ascii.EqualsIgnoreCase(arg, "BYSCORE"u8)) spec.Type = Kind.Score;
            else return RespErrors.Syntax;
        }
        if (spec.Type == Kind.Auto) spec.Type = Kind.Rank;
        if (spec.Limit != -1 && spec.Type == Kind.Rank) return SortedSetErrors.LimitNeedsByScoreOrLex;
        if (spec.WithScores && spec.Type == Kind.Lex) return SortedSetErrors.WithScoresByLex;

        // BYSCORE / BYLEX in reverse take the range as max, min.
        bool swap = spec.Reverse && spec.Type != Kind.Rank;
        var min = args[swap ? keyIndex + 2 : keyIndex + 1];
        var max = args[swap ? keyIndex + 1 : keyIndex + 2];
        switch (spec.Type)
        {
            case Kind.Rank:
                if (!Numbers.TryParseInt64(min, out spec.Start) || !Numbers.TryParseInt64(max, out spec.End)) return RespErrors.NotInteger;
                break;
            case Kind.Score:
                if (!ScoreParser.TryParseRange(min, max, out spec.Scores)) return SortedSetErrors.MinMaxNotFloat;
                break;
            default:
                if (!LexRange.TryParse(min, max, out spec.Lex)) return SortedSetErrors.MinMaxNotString;
                break;
        }
        return default;
    }

    /// <summary>
    /// Resolves the request against <paramref name="z"/>: where the result starts and how many members it has
    /// (walking forward, or backward when <see cref="Reverse"/>). Count 0 means an empty result.
    /// </summary>
    public readonly SortedSetPosition Resolve(SortedSetValue z, out int count)
    {
        count = 0;
        int size = z.Count;
        switch (Type)
        {
            case Kind.Rank:
            {
                long start = Start < 0 ? size + Start : Start;
                long end = End < 0 ? size + End : End;
                if (start < 0) start = 0;
                if (start > end || start >= size) return SortedSetPosition.None;
                if (end >= size) end = size - 1;
                count = (int)(end - start + 1);
                return z.AtRank(Reverse ? (int)(size - 1 - start) : (int)start);
            }
            case Kind.Score:
            {
                if (Scores.IsEmpty || Offset < 0) return SortedSetPosition.None;
                int first = z.FirstRank(Scores), end = z.EndRank(Scores);
                long available = (long)end - first - Offset;
                if (available <= 0) return SortedSetPosition.None;
                count = (int)(Limit >= 0 ? Math.Min(available, Limit) : available);
                if (count == 0) return SortedSetPosition.None;
                return z.AtRank(Reverse ? (int)(end - 1 - Offset) : (int)(first + Offset));
            }
            default:
                return ResolveLex(z, out count);
        }
    }

    /// <summary>
    /// A lex range is walked as Redis does (genericZrangebylexCommand): from the first (last, reversed) match, skip
    /// <see cref="Offset"/> members unchecked, then take members while they are below max (above min, reversed).
    /// </summary>
    private readonly SortedSetPosition ResolveLex(SortedSetValue z, out int count)
    {
        count = 0;
        var position = Reverse ? z.LastInLex(Lex) : z.FirstInLex(Lex);
        if (Offset < 0) return SortedSetPosition.None;
        for (long skip = Offset; skip > 0 && position.IsValid; skip--) position = Reverse ? z.Previous(position) : z.Next(position);
        var walk = position;
        while (walk.IsValid && (Limit < 0 || count < Limit) && InRange(z, walk))
        {
            count++;
            walk = Reverse ? z.Previous(walk) : z.Next(walk);
        }
        return count == 0 ? SortedSetPosition.None : position;
    }

    private readonly bool InRange(SortedSetValue z, SortedSetPosition position) =>
        Reverse ? Lex.AboveMin(z.MemberAt(position)) : Lex.BelowMax(z.MemberAt(position));
}
