namespace FastNode.Server.Storage.SortedSets;

/// <summary>
/// A score interval as ZRANGEBYSCORE, ZCOUNT and ZREMRANGEBYSCORE take it: each end inclusive, or exclusive when
/// written "(x"; "-inf"/"+inf" are plain infinite doubles. Parse it with <c>ScoreParser.TryParseRange</c>.
/// </summary>
public readonly struct ScoreRange
{
    public ScoreRange(double min, bool minExclusive, double max, bool maxExclusive)
    {
        Min = min;
        Max = max;
        MinExclusive = minExclusive;
        MaxExclusive = maxExclusive;
    }

    public double Min { get; }
    public double Max { get; }
    public bool MinExclusive { get; }
    public bool MaxExclusive { get; }

    /// <summary>True when no score can be inside (min above max, or one point with an open end).</summary>
    public bool IsEmpty => Min > Max || (Min == Max && (MinExclusive || MaxExclusive));

    public bool AboveMin(double score) => MinExclusive ? score > Min : score >= Min;

    public bool BelowMax(double score) => MaxExclusive ? score < Max : score <= Max;

    public bool Contains(double score) => AboveMin(score) && BelowMax(score);
}
