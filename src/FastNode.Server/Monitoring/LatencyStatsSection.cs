using System.Globalization;
using System.Text;
using FastNode.Server.Commands.Server;

namespace FastNode.Server.Monitoring;

/// <summary>
/// INFO latencystats: `latency_percentiles_usec_&lt;command&gt;:p50=1.003,p99=2.007,p99.9=3.015` for every command
/// with tracked calls, at the percentiles of latency-tracking-info-percentiles, in microseconds with three decimals.
/// Each value is the highest of its histogram bucket, as Redis's HdrHistogram reports it. Cold path.
/// </summary>
public static class LatencyStatsSection
{
    public static void Write(InfoWriter info, ServerState server)
    {
        info.Section("Latencystats");
        var percentiles = server.Monitoring.Options.LatencyTrackingInfoPercentiles;
        var counts = new long[LatencyHistogram.BucketCount];
        var inv = CultureInfo.InvariantCulture;
        foreach (var def in server.Commands.AllIncludingSubcommands)
        {
            if (def.Stats.Histogram is not { } histogram) continue;
            long total = histogram.CopyTo(counts);
            if (total == 0) continue;
            var sb = new StringBuilder();
            for (int i = 0; i < percentiles.Length; i++)
            {
                if (i > 0) sb.Append(',');
                long nanos = LatencyHistogram.ValueAtPercentile(counts, total, percentiles[i]);
                sb.Append('p').Append(percentiles[i].ToString("0.######", inv)).Append('=').Append((nanos / 1000.0).ToString("F3", inv));
            }
            info.Line("latency_percentiles_usec_" + def.FullName, sb.ToString());
        }
    }
}
