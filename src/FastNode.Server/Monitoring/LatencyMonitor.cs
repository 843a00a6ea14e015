namespace FastNode.Server.Monitoring;

/// <summary>
/// Redis's latency monitor (LATENCY LATEST/HISTORY/RESET/GRAPH/DOCTOR): per event, the last
/// <see cref="MaxSamples"/> samples of at least latency-monitor-threshold ms, one per second at most (a second sample
/// in the same second keeps the larger latency), and the largest ever seen. Written only by events over the
/// threshold, so one lock is fine.
/// </summary>
public sealed class LatencyMonitor
{
    public const int MaxSamples = 160;

    public sealed class Series
    {
        /// <summary>(unix seconds, ms) oldest first.</summary>
        public readonly List<(long Time, long Latency)> Samples = [];
        public long Max;
    }

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Series> _events = new(StringComparer.Ordinal);

    public void Add(string eventName, long latencyMs, long nowMs)
    {
        long now = nowMs / 1000;
        lock (_lock)
        {
            if (!_events.TryGetValue(eventName, out var series)) _events[eventName] = series = new Series();
            var samples = series.Samples;
            if (samples.Count > 0 && samples[^1].Time == now)
            {
                samples[^1] = (now, Math.Max(samples[^1].Latency, latencyMs));
            }
            else
            {
                if (samples.Count == MaxSamples) samples.RemoveAt(0);
                samples.Add((now, latencyMs));
            }
            series.Max = Math.Max(series.Max, latencyMs);
        }
    }

    /// <summary>A copy of every event's series, by name.</summary>
    public List<KeyValuePair<string, Series>> Snapshot()
    {
        var result = new List<KeyValuePair<string, Series>>();
        lock (_lock)
        {
            foreach (var (name, series) in _events)
            {
                var copy = new Series { Max = series.Max };
                copy.Samples.AddRange(series.Samples);
                result.Add(new(name, copy));
            }
        }
        return result;
    }

    public Series? Get(string eventName)
    {
        lock (_lock)
        {
            if (!_events.TryGetValue(eventName, out var series)) return null;
            var copy = new Series { Max = series.Max };
            copy.Samples.AddRange(series.Samples);
            return copy;
        }
    }

    /// <summary>LATENCY RESET: the named events (all when none are named); returns how many existed.</summary>
    public int Reset(IReadOnlyList<string>? names)
    {
        lock (_lock)
        {
            if (names is null || names.Count == 0)
            {
                int all = _events.Count;
                _events.Clear();
                return all;
            }
            int removed = 0;
            foreach (var name in names) if (_events.Remove(name)) removed++;
            return removed;
        }
    }
}
