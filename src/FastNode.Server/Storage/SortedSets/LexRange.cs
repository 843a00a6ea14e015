namespace FastNode.Server.Storage.SortedSets;

/// <summary>
/// A member interval as ZRANGEBYLEX, ZLEXCOUNT and ZREMRANGEBYLEX take it: "[x" inclusive, "(x" exclusive,
/// "-" below every member and "+" above every member. The spans point into the command's arguments, so a range
/// lives only as long as the command. Members compare as bytes (memcmp, then the shorter first).
/// </summary>
public readonly ref struct LexRange
{
    /// <summary>Which kind of bound an end is.</summary>
    public enum Bound : byte { Value, MinusInfinity, PlusInfinity }

    private readonly ReadOnlySpan<byte> _min;
    private readonly ReadOnlySpan<byte> _max;
    private readonly Bound _minKind;
    private readonly Bound _maxKind;
    private readonly bool _minExclusive;
    private readonly bool _maxExclusive;

    private LexRange(ReadOnlySpan<byte> min, Bound minKind, bool minExclusive, ReadOnlySpan<byte> max, Bound maxKind, bool maxExclusive)
    {
        _min = min;
        _max = max;
        _minKind = minKind;
        _maxKind = maxKind;
        _minExclusive = minExclusive;
        _maxExclusive = maxExclusive;
    }

    /// <summary>Parses both ends; false for anything but "-", "+", "[..." or "(...".</summary>
    public static bool TryParse(ReadOnlySpan<byte> min, ReadOnlySpan<byte> max, out LexRange range)
    {
        range = default;
        if (!TryParseBound(min, out var minValue, out var minKind, out bool minExclusive)) return false;
        if (!TryParseBound(max, out var maxValue, out var maxKind, out bool maxExclusive)) return false;
        range = new LexRange(minValue, minKind, minExclusive, maxValue, maxKind, maxExclusive);
        return true;
    }

    private static bool TryParseBound(ReadOnlySpan<byte> text, out ReadOnlySpan<byte> value, out Bound kind, out bool exclusive)
    {
        value = default;
        kind = Bound.Value;
        exclusive = false;
        if (text.IsEmpty) return false;
        switch (text[0])
        {
            case (byte)'+':
                kind = Bound.PlusInfinity;
                exclusive = true;
                return text.Length == 1;
            case (byte)'-':
                kind = Bound.MinusInfinity;
                exclusive = true;
                return text.Length == 1;
            case (byte)'(':
                exclusive = true;
                value = text.Slice(1);
                return true;
            case (byte)'[':
                value = text.Slice(1);
                return true;
            default:
                return false;
        }
    }

    /// <summary>True when no member can be inside (min above max, or one point with an open end).</summary>
    public bool IsEmpty
    {
        get
        {
            int cmp = Compare(_min, _minKind, _max, _maxKind);
            return cmp > 0 || (cmp == 0 && (_minExclusive || _maxExclusive));
        }
    }

    public bool AboveMin(ReadOnlySpan<byte> member)
    {
        int cmp = Compare(member, Bound.Value, _min, _minKind);
        return _minExclusive ? cmp > 0 : cmp >= 0;
    }

    public bool BelowMax(ReadOnlySpan<byte> member)
    {
        int cmp = Compare(member, Bound.Value, _max, _maxKind);
        return _maxExclusive ? cmp < 0 : cmp <= 0;
    }

    public bool Contains(ReadOnlySpan<byte> member) => AboveMin(member) && BelowMax(member);

    private static int Compare(ReadOnlySpan<byte> a, Bound aKind, ReadOnlySpan<byte> b, Bound bKind)
    {
        if (aKind != Bound.Value || bKind != Bound.Value)
        {
            if (aKind == bKind) return 0;
            if (aKind == Bound.MinusInfinity || bKind == Bound.PlusInfinity) return -1;
            return 1;
        }
        return a.SequenceCompareTo(b);
    }
}
