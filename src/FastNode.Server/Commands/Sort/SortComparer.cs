namespace FastNode.Server.Commands.Sort;

/// <summary>
/// Redis's sortCompare: numbers by weight, equal weights by the elements' bytes (so the result is deterministic);
/// ALPHA by the BY values (missing ones first) or by the elements. Without STORE Redis compares with strcoll, which
/// in the C and C.UTF-8 locales is a byte comparison up to the first NUL; with STORE it compares binary-safe.
/// </summary>
internal readonly struct SortComparer(bool descending, bool alpha, bool byPattern, bool store) : IItemComparer<SortItem>
{
    public int Compare(in SortItem a, in SortItem b)
    {
        int cmp;
        if (!alpha)
        {
            cmp = a.Score > b.Score ? 1 : a.Score < b.Score ? -1 : Binary(a.Value, b.Value);
        }
        else if (byPattern)
        {
            if (a.By is null || b.By is null) cmp = a.By == b.By ? 0 : a.By is null ? -1 : 1;
            else cmp = store ? Binary(a.By, b.By) : CString(a.By, b.By);
        }
        else cmp = store ? Binary(a.Value, b.Value) : CString(a.Value, b.Value);
        return descending ? -cmp : cmp;
    }

    /// <summary>memcmp over the shorter length, then the length (compareStringObjects).</summary>
    private static int Binary(byte[] a, byte[] b)
    {
        int cmp = a.AsSpan().SequenceCompareTo(b);
        return cmp < 0 ? -1 : cmp > 0 ? 1 : 0;
    }

    /// <summary>strcmp: unsigned bytes up to the first NUL.</summary>
    private static int CString(byte[] a, byte[] b)
    {
        var x = a.AsSpan();
        var y = b.AsSpan();
        int nul = x.IndexOf((byte)0);
        if (nul >= 0) x = x.Slice(0, nul);
        nul = y.IndexOf((byte)0);
        if (nul >= 0) y = y.Slice(0, nul);
        int cmp = x.SequenceCompareTo(y);
        return cmp < 0 ? -1 : cmp > 0 ? 1 : 0;
    }
}
