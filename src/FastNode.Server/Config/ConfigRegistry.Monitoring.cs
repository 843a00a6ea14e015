using System.Globalization;
using FastNode.Server.Monitoring;

namespace FastNode.Server.Config;

/// <summary>The slow log, latency monitor, latency tracking and metrics endpoint settings (docs/monitoring.md).</summary>
public sealed partial class ConfigRegistry
{
    private void AddMonitoringSettings(MonitoringOptions m)
    {
        Long("slowlog-log-slower-than", () => m.SlowlogLogSlowerThan, v => Changed(m, () => m.SlowlogLogSlowerThan = v), -1, long.MaxValue);
        Long("slowlog-max-len", () => m.SlowlogMaxLen, v => Changed(m, () => m.SlowlogMaxLen = v), 0, long.MaxValue);
        Long("latency-monitor-threshold", () => m.LatencyMonitorThreshold, v => Changed(m, () => m.LatencyMonitorThreshold = v), 0, long.MaxValue);
        Bool("latency-tracking", () => m.LatencyTracking, v => Changed(m, () => m.LatencyTracking = v));
        Add(new ConfigSetting("latency-tracking-info-percentiles", () => FormatPercentiles(m.LatencyTrackingInfoPercentiles), v =>
        {
            var parts = v.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var values = new double[parts.Length];
            for (int i = 0; i < parts.Length; i++)
            {
                if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || double.IsNaN(values[i]))
                    return "Invalid latency-tracking-info-percentiles parameters";
                if (values[i] < 0 || values[i] > 100) return "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]";
            }
            // An empty value reports no percentiles, as in Redis.
            m.LatencyTrackingInfoPercentiles = values;
            return null;
        }));
        Int("metrics-port", () => m.MetricsPort, v => m.MetricsPort = v, 0, 65535, immutable: true);
        Add(new ConfigSetting("metrics-bind", () => m.MetricsBind, v => Assign(() => m.MetricsBind = v.Trim()), Immutable: true));
    }

    /// <summary>Redis prints each percentile with %f and trims the trailing zeros: "50 99 99.9".</summary>
    public static string FormatPercentiles(double[] values)
    {
        var parts = new string[values.Length];
        for (int i = 0; i < values.Length; i++) parts[i] = values[i].ToString("0.######", CultureInfo.InvariantCulture);
        return string.Join(' ', parts);
    }

    private void Long(string name, Func<long> get, Action<long> set, long min, long max) =>
        Add(new ConfigSetting(name, () => get().ToString(CultureInfo.InvariantCulture), v =>
        {
            if (!long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n)) return NotInteger;
            if (n < min || n > max) return $"argument must be between {min} and {max} inclusive";
            set(n);
            return null;
        }));

    private static void Changed(MonitoringOptions m, Action set)
    {
        set();
        m.Changed?.Invoke();
    }
}
