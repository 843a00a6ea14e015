namespace FastNode.Server.Sessions;

/// <summary>
/// The "instantaneous" rates of INFO stats (ops/sec, input and output kbps), computed as Redis does
/// (trackInstantaneousMetric): the server cron samples the running totals and the rate is the mean of the last
/// 16 per-interval rates. Also remembers the highest managed-heap size seen (used_memory_peak).
/// Sample is called by the cron task only; readers on other threads may see a sample half-written, which only
/// skews one of 16 values.
/// </summary>
public sealed class InstantaneousMetrics
{
    private const int Samples = 16;

    private readonly Rate _ops = new();
    private readonly Rate _input = new();
    private readonly Rate _output = new();
    private long _peakMemory;

    public double OpsPerSecond => _ops.Mean;
    public double InputKbps => _input.Mean / 1024;
    public double OutputKbps => _output.Mean / 1024;
    public long PeakMemory => Math.Max(Volatile.Read(ref _peakMemory), GC.GetTotalMemory(false));

    /// <summary>Takes one sample of the server's totals (from the cron, about every 100 ms).</summary>
    public void Sample(ServerState server)
    {
        long now = server.Time.GetTimestamp();
        _ops.Add(server.Clients.TotalCommandsProcessed(), now, server.Time);
        _input.Add(Interlocked.Read(ref server.Stats.TotalNetInputBytes), now, server.Time);
        _output.Add(server.Clients.TotalOutputBytes(), now, server.Time);
        ObserveMemory(GC.GetTotalMemory(false));
    }

    public void ObserveMemory(long bytes)
    {
        if (bytes > Volatile.Read(ref _peakMemory)) Volatile.Write(ref _peakMemory, bytes);
    }

    public void ResetPeak() => Volatile.Write(ref _peakMemory, 0);

    private sealed class Rate
    {
        private readonly double[] _values = new double[Samples];
        private int _next;
        private long _lastTotal = -1;
        private long _lastTimestamp;

        public double Mean
        {
            get
            {
                double sum = 0;
                foreach (double v in _values) sum += v;
                return sum / Samples;
            }
        }

        public void Add(long total, long timestamp, TimeProvider time)
        {
            if (_lastTotal >= 0)
            {
                double seconds = time.GetElapsedTime(_lastTimestamp, timestamp).TotalSeconds;
                // A total that went down was reset (CONFIG RESETSTAT): that interval counts as zero.
                double rate = seconds > 0 && total >= _lastTotal ? (total - _lastTotal) / seconds : 0;
                _values[_next] = rate;
                _next = (_next + 1) % Samples;
            }
            _lastTotal = total;
            _lastTimestamp = timestamp;
        }
    }
}
