namespace FastNode.Server.Monitoring;

/// <summary>
/// The slow log, latency and metrics settings (docs/monitoring.md), with Redis 7.0's names and defaults where Redis
/// has them. <see cref="Changed"/> lets <see cref="ServerMonitoring"/> recompute what the command path compares with.
/// </summary>
public sealed class MonitoringOptions
{
    /// <summary>slowlog-log-slower-than: microseconds; a command this slow or slower is logged (-1 = none, 0 = all).</summary>
    public long SlowlogLogSlowerThan { get; set; } = 10_000;
    /// <summary>slowlog-max-len: entries kept.</summary>
    public long SlowlogMaxLen { get; set; } = 128;
    /// <summary>latency-monitor-threshold: milliseconds; events at least this long are sampled (0 = off).</summary>
    public long LatencyMonitorThreshold { get; set; }
    /// <summary>latency-tracking: per-command latency histograms (INFO latencystats, LATENCY HISTOGRAM, /metrics).</summary>
    public bool LatencyTracking { get; set; } = true;
    /// <summary>latency-tracking-info-percentiles: what INFO latencystats reports.</summary>
    public double[] LatencyTrackingInfoPercentiles { get; set; } = [50, 99, 99.9];
    /// <summary>metrics-port: the Prometheus endpoint's port (0 = off). Start-up only.</summary>
    public int MetricsPort { get; set; }
    /// <summary>metrics-bind: the endpoint's address ("" = the first address of bind). Start-up only.</summary>
    public string MetricsBind { get; set; } = "";

    /// <summary>Called after any of the run-time settings changed.</summary>
    public Action? Changed { get; set; }
}
