using Prometheus;

namespace FastNode.Server.Monitoring.Metrics;

/// <summary>
/// Feeds fastnode_command_duration_seconds{cmd} from a command's <see cref="LatencyHistogram"/> at scrape time: the
/// calls each internal bucket gained since the last scrape are observed at the bucket's midpoint. The exported
/// buckets are powers of two nanoseconds (1.024 µs up to about 1.07 s) and every internal bucket lies inside one of
/// them, so the bucket counts are exact; _sum is exact to within the internal bucket width (6.25%).
/// </summary>
public sealed class HistogramExport(IHistogram histogram)
{
    /// <summary>le values: 2^10 .. 2^30 ns, in seconds.</summary>
    public static double[] Buckets()
    {
        var buckets = new double[21];
        for (int i = 0; i < buckets.Length; i++) buckets[i] = (1L << (10 + i)) / 1e9;
        return buckets;
    }

    private readonly long[] _last = new long[LatencyHistogram.BucketCount];
    private readonly long[] _now = new long[LatencyHistogram.BucketCount];

    public void Update(LatencyHistogram source)
    {
        source.CopyTo(_now);
        for (int i = 0; i < _now.Length; i++)
        {
            long delta = _now[i] >= _last[i] ? _now[i] - _last[i] : _now[i];
            _last[i] = _now[i];
            if (delta == 0) continue;
            double mid = (LatencyHistogram.LowestOf(i) + LatencyHistogram.HighestOf(i)) / 2.0 / 1e9;
            histogram.Observe(mid, delta);
        }
    }
}
