using FastNode.Protocol;
using FastNode.Server.Storage.RateLimit;

namespace FastNode.Server.Commands.RateLimit;

/// <summary>
/// The fixed-position integer arrays the limiters answer with (same shape in RESP2 and RESP3).
/// RL.*:        [allowed 1/0, limit, remaining, retry_after_ms (-1 when allowed or never), reset_after_ms]
/// CL.THROTTLE: [limited 0/1, limit, remaining, retry_after_s (-1 when allowed or never), reset_after_s]
/// Milliseconds are rounded up. Seconds follow redis-cell: whole seconds, plus one when the duration has a non-zero
/// millisecond part (so 2.0004 s answers 2 and 2.001 s answers 3).
/// </summary>
internal static class RateLimitReply
{
    private static ReadOnlySpan<byte> FiveHeader => "*5\r\n"u8;
    private static ReadOnlySpan<byte> SixHeader => "*6\r\n"u8;

    /// <summary>Counts the decision for INFO's Locks section (limiter_allowed / limiter_denied).</summary>
    public static void Count(ref CommandContext ctx, bool allowed)
    {
        var stats = ctx.Server.Locks.Stats;
        if (allowed) Interlocked.Increment(ref stats.LimiterAllowedCount);
        else Interlocked.Increment(ref stats.LimiterDeniedCount);
    }

    public static void WriteDecision(ref RespWriter writer, in LimitDecision decision)
    {
        writer.WriteRaw(FiveHeader);
        WriteFields(ref writer, decision);
    }

    /// <summary>RL.CONCURRENCY.ACQUIRE: the decision plus the lease id (0 when refused).</summary>
    public static void WriteLease(ref RespWriter writer, in LimitDecision decision, long leaseId)
    {
        writer.WriteRaw(SixHeader);
        WriteFields(ref writer, decision);
        writer.WriteInteger(leaseId);
    }

    public static void WriteThrottle(ref RespWriter writer, in LimitDecision decision)
    {
        writer.WriteRaw(FiveHeader);
        writer.WriteInteger(decision.Allowed ? 0 : 1);
        writer.WriteInteger(decision.Limit);
        writer.WriteInteger(decision.Remaining);
        writer.WriteInteger(CellSeconds(decision.RetryAfterNs));
        writer.WriteInteger(CellSeconds(decision.ResetAfterNs));
    }

    private static void WriteFields(ref RespWriter writer, in LimitDecision decision)
    {
        writer.WriteInteger(decision.Allowed ? 1 : 0);
        writer.WriteInteger(decision.Limit);
        writer.WriteInteger(decision.Remaining);
        writer.WriteInteger(decision.RetryAfterNs < 0 ? -1 : RateLimitClock.CeilMs(decision.RetryAfterNs));
        writer.WriteInteger(RateLimitClock.CeilMs(decision.ResetAfterNs));
    }

    /// <summary>redis-cell's rounding: whole seconds, +1 if the sub-second part has at least one whole millisecond.</summary>
    private static long CellSeconds(long ns)
    {
        if (ns < 0) return -1;
        long seconds = ns / 1_000_000_000;
        return ns / 1_000_000 % 1000 > 0 ? seconds + 1 : seconds;
    }
}
