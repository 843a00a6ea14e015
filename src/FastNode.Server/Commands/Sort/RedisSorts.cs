using System.Buffers;

namespace FastNode.Server.Commands.Sort;

/// <summary>
/// The two sorts whose tie orders SORT and GEOSEARCH replies depend on, so equal keys come out as Redis 7.0 on
/// Debian puts them:
/// 1. <see cref="Stable"/> for Redis's qsort calls: glibc 2.36's qsort is a merge sort (stable) whenever it can
///    allocate its buffer, and any stable sort orders ties the same way.
/// 2. <see cref="Partial"/> for Redis's pqsort (SORT ... BY ... LIMIT, GEOSEARCH ... COUNT without ANY): Bentley and
///    McIlroy's quicksort that only recurses into parts overlapping the wanted range; its order of ties follows from
///    its exact partitioning steps, which this reproduces.
/// </summary>
public static class RedisSorts
{
    public static void Stable<T, TComparer>(Span<T> items, TComparer comparer) where TComparer : struct, IItemComparer<T>
    {
        if (items.Length < 2) return;
        if (items.Length <= 16)
        {
            InsertionSort(items, comparer);
            return;
        }
        var scratch = ArrayPool<T>.Shared.Rent(items.Length);
        try
        {
            MergeSort(items, scratch.AsSpan(0, items.Length), comparer);
        }
        finally
        {
            ArrayPool<T>.Shared.Return(scratch, clearArray: System.Runtime.CompilerServices.RuntimeHelpers.IsReferenceOrContainsReferences<T>());
        }
    }

    private static void InsertionSort<T, TComparer>(Span<T> items, TComparer comparer) where TComparer : struct, IItemComparer<T>
    {
        for (int i = 1; i < items.Length; i++)
        {
            for (int j = i; j > 0 && comparer.Compare(items[j - 1], items[j]) > 0; j--) (items[j - 1], items[j]) = (items[j], items[j - 1]);
        }
    }

    private static void MergeSort<T, TComparer>(Span<T> items, Span<T> scratch, TComparer comparer) where TComparer : struct, IItemComparer<T>
    {
        if (items.Length <= 16)
        {
            InsertionSort(items, comparer);
            return;
        }
        int half = items.Length / 2;
        MergeSort(items.Slice(0, half), scratch.Slice(0, half), comparer);
        MergeSort(items.Slice(half), scratch.Slice(half), comparer);
        items.CopyTo(scratch);
        int left = 0, right = half, to = 0;
        while (left < half && right < items.Length)
            items[to++] = comparer.Compare(scratch[left], scratch[right]) <= 0 ? scratch[left++] : scratch[right++];
        while (left < half) items[to++] = scratch[left++];
        while (right < items.Length) items[to++] = scratch[right++];
    }

    /// <summary>
    /// Sorts enough of <paramref name="items"/> that positions <paramref name="first"/>..<paramref name="last"/>
    /// hold what a full sort would put there (Redis's pqsort, with its tie order).
    /// </summary>
    public static void Partial<T, TComparer>(Span<T> items, TComparer comparer, long first, long last) where TComparer : struct, IItemComparer<T> =>
        PartialQuickSort(items, 0, items.Length, comparer, first, last);

    private static void PartialQuickSort<T, TComparer>(Span<T> s, int a, int n, TComparer cmp, long first, long last) where TComparer : struct, IItemComparer<T>
    {
        while (true)
        {
            if (n < 7)
            {
                for (int pm = a + 1; pm < a + n; pm++)
                    for (int pl = pm; pl > a && cmp.Compare(s[pl - 1], s[pl]) > 0; pl--) Swap(s, pl, pl - 1);
                return;
            }
            int mid = a + n / 2;
            if (n > 7)
            {
                int lo = a, hi = a + n - 1;
                if (n > 40)
                {
                    int d = n / 8;
                    lo = Median(s, lo, lo + d, lo + 2 * d, cmp);
                    mid = Median(s, mid - d, mid, mid + d, cmp);
                    hi = Median(s, hi - 2 * d, hi - d, hi, cmp);
                }
                mid = Median(s, lo, mid, hi, cmp);
            }
            Swap(s, a, mid);
            // [a] is the pivot; equal keys gather at both ends ([a+1, pa) and (pd, end]) and are swapped to the middle.
            int pa = a + 1, pb = a + 1, pc = a + n - 1, pd = a + n - 1;
            while (true)
            {
                int r;
                while (pb <= pc && (r = cmp.Compare(s[pb], s[a])) <= 0)
                {
                    if (r == 0) Swap(s, pa++, pb);
                    pb++;
                }
                while (pb <= pc && (r = cmp.Compare(s[pc], s[a])) >= 0)
                {
                    if (r == 0) Swap(s, pc, pd--);
                    pc--;
                }
                if (pb > pc) break;
                Swap(s, pb++, pc--);
            }
            int end = a + n;
            int count = Math.Min(pa - a, pb - pa);
            SwapRuns(s, a, pb - count, count);
            count = Math.Min(pd - pc, end - pd - 1);
            SwapRuns(s, pb, end - count, count);
            count = pb - pa;
            if (count > 1 && Overlaps(a, count, first, last)) PartialQuickSort(s, a, count, cmp, first, last);
            count = pd - pc;
            if (count <= 1) return;
            a = end - count;
            n = count;
            if (!Overlaps(a, n, first, last)) return;
        }
    }

    /// <summary>pqsort's test, in elements: skip a part only when the wanted range lies wholly before or after it.</summary>
    private static bool Overlaps(int start, int count, long first, long last) =>
        !((first < start && last < start) || (first >= start + count && last >= start + count));

    private static int Median<T, TComparer>(Span<T> s, int a, int b, int c, TComparer cmp) where TComparer : struct, IItemComparer<T> =>
        cmp.Compare(s[a], s[b]) < 0
            ? (cmp.Compare(s[b], s[c]) < 0 ? b : (cmp.Compare(s[a], s[c]) < 0 ? c : a))
            : (cmp.Compare(s[b], s[c]) > 0 ? b : (cmp.Compare(s[a], s[c]) < 0 ? a : c));

    private static void Swap<T>(Span<T> s, int i, int j) => (s[i], s[j]) = (s[j], s[i]);

    private static void SwapRuns<T>(Span<T> s, int a, int b, int count)
    {
        for (int i = 0; i < count; i++) Swap(s, a + i, b + i);
    }
}
