using System.Diagnostics;

namespace FastNode.Server.Monitoring;

/// <summary>
/// One command's latency distribution (Redis 7's latency-tracking, INFO latencystats, the metrics endpoint's
/// fastnode_command_duration_seconds). Log-linear buckets over nanoseconds: every power of two is split into
/// <see cref="SubBuckets"/> equal parts, so a bucket is at most 1/16 (6.25%) wide, about the precision of Redis's
/// HdrHistogram with two significant digits. Values are clamped to [1 ns, 1 s] as Redis clamps them.
/// Recording is one index computation and one Interlocked add into the caller's stripe (chosen by thread id, as in
/// <see cref="Commands.CommandStats"/>); nothing is allocated after the buckets exist. Readers merge the stripes.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBucketBits = 4;
    private const int SubBuckets = 1 << SubBucketBits;
    /// <summary>Redis's LATENCY_HISTOGRAM_MAX_VALUE: 1 second.</summary>
    public const long MaxNanoseconds = 1_000_000_000;
    private const int TopBit = 30;   // 2^30 ns > 1 s
    /// <summary>Values below 16 ns get one bucket each; each power of two from 16 ns to 2^30 ns gets 16.</summary>
    public const int BucketCount = SubBuckets + (TopBit - SubBucketBits + 1) * SubBuckets;
    private const int Stripes = 4;
    // Stripes start a cache line apart (128 bytes = 16 longs) so that two threads never write the same line.
    private const int StripeLength = (BucketCount + 15) & ~15;

    private static readonly double NanosPerTick = 1e9 / Stopwatch.Frequency;

    private readonly long[] _counts = new long[Stripes * StripeLength];

    /// <summary>Adds <paramref name="calls"/> calls that took <paramref name="ticks"/> Stopwatch ticks together (each the mean).</summary>
    public void Record(int calls, long ticks)
    {
        long nanos = (long)(ticks * NanosPerTick) / calls;
        int stripe = Environment.CurrentManagedThreadId & (Stripes - 1);
        Interlocked.Add(ref _counts[stripe * StripeLength + BucketOf(nanos)], calls);
    }

    /// <summary>The bucket holding <paramref name="nanos"/>.</summary>
    public static int BucketOf(long nanos)
    {
        if (nanos < SubBuckets) return nanos < 1 ? 1 : (int)nanos;
        if (nanos > MaxNanoseconds) nanos = MaxNanoseconds;
        int bit = 63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)nanos);   // 4..29
        int sub = (int)(nanos >> (bit - SubBucketBits)) & (SubBuckets - 1);
        return SubBuckets + (bit - SubBucketBits) * SubBuckets + sub;
    }

    /// <summary>The smallest value in bucket <paramref name="index"/>.</summary>
    public static long LowestOf(int index)
    {
        if (index < SubBuckets) return index;
        int bit = (index - SubBuckets) / SubBuckets + SubBucketBits;
        int sub = (index - SubBuckets) % SubBuckets;
        return (1L << bit) + ((long)sub << (bit - SubBucketBits));
    }

    /// <summary>The largest value in bucket <paramref name="index"/> (what a percentile reports, as HdrHistogram does).</summary>
    public static long HighestOf(int index) => index + 1 < BucketCount ? LowestOf(index + 1) - 1 : LowestOf(index);

    /// <summary>Merges the stripes into <paramref name="into"/> (length <see cref="BucketCount"/>); returns the total count.</summary>
    public long CopyTo(Span<long> into)
    {
        into.Clear();
        long total = 0;
        for (int s = 0; s < Stripes; s++)
        {
            int offset = s * StripeLength;
            for (int i = 0; i < BucketCount; i++)
            {
                long c = Volatile.Read(ref _counts[offset + i]);
                into[i] += c;
                total += c;
            }
        }
        return total;
    }

    /// <summary>
    /// The value at <paramref name="percentile"/> (0..100) of merged counts, in nanoseconds: the highest value of the
    /// first bucket whose cumulative count reaches the percentile's rank (HdrHistogram's hdr_value_at_percentile).
    /// </summary>
    public static long ValueAtPercentile(ReadOnlySpan<long> counts, long total, double percentile)
    {
        if (total == 0) return 0;
        long rank = Math.Max(1, (long)(Math.Min(percentile, 100.0) / 100.0 * total + 0.5));
        long seen = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank) return HighestOf(i);
        }
        return HighestOf(counts.Length - 1);
    }

    /// <summary>CONFIG RESETSTAT.</summary>
    public void Reset()
    {
        for (int i = 0; i < _counts.Length; i++) Interlocked.Exchange(ref _counts[i], 0);
    }
}
