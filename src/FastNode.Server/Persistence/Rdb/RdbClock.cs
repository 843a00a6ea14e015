using FastNode.Server.Commands.RateLimit;

namespace FastNode.Server.Persistence.Rdb;

/// <summary>
/// One reading of the server's two clocks, taken once per save or load: limiters keep monotonic ns (ns since the
/// server started), files carry Unix ns, and this is the offset between them.
/// </summary>
public readonly record struct RdbClock(long UnixMs, long MonotonicNs)
{
    public static RdbClock Of(ServerState server) => new(server.NowMs, RateLimitClock.NowNs(server));

    /// <summary>Add to a monotonic reading to get Unix ns.</summary>
    public long ToUnixNs => UnixMs * 1_000_000 - MonotonicNs;
}
