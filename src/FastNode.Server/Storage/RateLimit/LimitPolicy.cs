namespace FastNode.Server.Storage.RateLimit;

/// <summary>
/// The parameters of one limiter request, validated by the command parser. Limiters take their parameters on every
/// call (as redis-cell does), so a key can be reconfigured on the fly; the state keeps only what it must.
/// Every duration is in nanoseconds of the server's monotonic clock and at most <see cref="MaxSpanNs"/>, so sums of
/// a clock reading and two spans never overflow.
/// </summary>
public struct LimitPolicy
{
    /// <summary>2^60 ns, about 36.5 years: the longest period, window, lease or refill time a limiter accepts.</summary>
    public const long MaxSpanNs = 1L << 60;

    public LimiterAlgorithm Algorithm;
    /// <summary>The limit reported to the client: GCRA max_burst + 1, bucket capacity, window limit, concurrency N.</summary>
    public long Limit;
    /// <summary>Units this request takes (0 = only look). Always &gt;= 0.</summary>
    public long Cost;
    /// <summary>GCRA emission interval T = period / count, in ns (&gt;= 1).</summary>
    public long EmissionNs;
    /// <summary>GCRA delay variation tolerance as redis-cell keeps it: T * (max_burst + 1), in ns.</summary>
    public long ToleranceNs;
    /// <summary>Token bucket: tokens added per <see cref="PeriodNs"/> (&gt;= 1).</summary>
    public long Refill;
    /// <summary>Token bucket refill period in ns (&gt;= 1).</summary>
    public long PeriodNs;
    /// <summary>Sliding log / sliding window length, or concurrency lease TTL, in ns (&gt;= 1).</summary>
    public long WindowNs;
}
