namespace FastNode.Server.Sessions;

/// <summary>
/// INFO client_recent_max_output_buffer: the largest client output buffer seen in each of the last 8 seconds, as
/// Redis keeps it (CLIENTS_PEAK_MEM_USAGE_SLOTS). The server cron samples every client each tick, and a client that
/// closes reports its own peak first, so a subscriber dropped at its limit still shows.
/// </summary>
public sealed class OutputBufferPeaks
{
    private const int Slots = 8;

    private readonly Lock _lock = new();
    private readonly long[] _peaks = new long[Slots];
    /// <summary>The second (Environment.TickCount64 / 1000) the newest slot belongs to.</summary>
    private long _second = -1;

    public void Observe(long bytes) => Observe(bytes, Environment.TickCount64 / 1000);

    public void Observe(long bytes, long second)
    {
        lock (_lock)
        {
            Advance(second);
            ref long slot = ref _peaks[second % Slots];
            if (bytes > slot) slot = bytes;
        }
    }

    public long RecentMax() => RecentMax(Environment.TickCount64 / 1000);

    public long RecentMax(long second)
    {
        lock (_lock)
        {
            Advance(second);
            long max = 0;
            foreach (long peak in _peaks) max = Math.Max(max, peak);
            return max;
        }
    }

    /// <summary>Under the lock: empties the slots of the seconds that passed since the last call.</summary>
    private void Advance(long second)
    {
        if (second <= _second) return;
        long from = Math.Max(_second + 1, second - Slots + 1);
        for (long s = from; s <= second; s++) _peaks[s % Slots] = 0;
        _second = second;
    }
}
