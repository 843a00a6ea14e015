namespace FastNode.Server.Commands.RateLimit;

/// <summary>
/// The clock limiters compute with: nanoseconds since the server started, from the monotonic timestamp of
/// <see cref="ServerState.Time"/> (a FakeTimeProvider in tests). Wall-clock jumps never refill or drain a limiter;
/// only the key TTLs derived from it are wall-clock deadlines (Unix ms, like every TTL).
/// Read it while holding the key's shard lock, so calls on one key see non-decreasing times in lock order.
/// </summary>
internal static class RateLimitClock
{
    private const long NsPerSecond = 1_000_000_000;

    public static long NowNs(ServerState server)
    {
        var time = server.Time;
        long ticks = time.GetTimestamp() - server.StartTimestamp;
        long frequency = time.TimestampFrequency;
        if (frequency == NsPerSecond) return ticks;                                    // Stopwatch on Linux
        if (NsPerSecond % frequency == 0) return ticks * (NsPerSecond / frequency);    // 100 ns ticks (FakeTimeProvider, Windows)
        return (long)((Int128)ticks * NsPerSecond / frequency);
    }

    /// <summary>A duration as whole milliseconds, rounded up (a client waiting that long is never early).</summary>
    public static long CeilMs(long ns) => ns <= 0 ? 0 : (ns + 999_999) / 1_000_000;
}
