using FastNode.Protocol;
using FastNode.Server.Storage.RateLimit;

namespace FastNode.Server.Commands.RateLimit;

/// <summary>
/// Parses limiter parameters into a <see cref="LimitPolicy"/>. Positional numbers are read first (a malformed one
/// answers "value is not an integer or out of range"), then options, then ranges are checked in argument order.
/// The Parse* methods that take <c>ref pos</c> start at the first argument after the key and leave pos after the
/// last argument they understood (options are recognised by keyword, so RL.MULTI can chain specs).
/// </summary>
internal static class LimitArgs
{
    private const long NsPerMs = 1_000_000;
    private const long NsPerSecond = 1_000_000_000;

    /// <summary>CL.THROTTLE key max_burst count_per_period period [quantity] (the arity check already ran).</summary>
    public static RateLimitError ParseThrottle(CommandArgs args, out LimitPolicy policy)
    {
        policy = default;
        long quantity = 1;
        if (!Numbers.TryParseInt64(args[2], out long burst) || !Numbers.TryParseInt64(args[3], out long count)
            || !Numbers.TryParseInt64(args[4], out long period)
            || args.Count > 5 && !Numbers.TryParseInt64(args[5], out quantity))
        {
            return RateLimitError.NotInteger;
        }
        return Gcra(burst, count, period, NsPerSecond, quantity, throttle: true, out policy);
    }

    /// <summary>GCRA max_burst count_per_period period_ms [COST n].</summary>
    public static RateLimitError ParseGcra(CommandArgs args, ref int pos, bool stopAtUnknown, out LimitPolicy policy)
    {
        policy = default;
        if (pos + 3 > args.Count) return RateLimitError.Syntax;
        if (!Numbers.TryParseInt64(args[pos], out long burst) || !Numbers.TryParseInt64(args[pos + 1], out long count)
            || !Numbers.TryParseInt64(args[pos + 2], out long periodMs))
        {
            return RateLimitError.NotInteger;
        }
        pos += 3;
        long cost = 1, unusedPeriod = 0;
        var error = ParseOptions(args, ref pos, allowPeriod: false, stopAtUnknown, ref cost, ref unusedPeriod);
        return error != RateLimitError.None ? error : Gcra(burst, count, periodMs, NsPerMs, cost, throttle: false, out policy);
    }

    /// <summary>TOKENBUCKET capacity refill [PERIOD ms] [COST n]: refill tokens per PERIOD (default 1000 ms).</summary>
    public static RateLimitError ParseTokenBucket(CommandArgs args, ref int pos, bool stopAtUnknown, out LimitPolicy policy)
    {
        policy = default;
        if (pos + 2 > args.Count) return RateLimitError.Syntax;
        if (!Numbers.TryParseInt64(args[pos], out long capacity) || !Numbers.TryParseInt64(args[pos + 1], out long refill))
            return RateLimitError.NotInteger;
        pos += 2;
        long cost = 1, periodMs = 1000;
        var error = ParseOptions(args, ref pos, allowPeriod: true, stopAtUnknown, ref cost, ref periodMs);
        if (error != RateLimitError.None) return error;
        if (capacity <= 0) return RateLimitError.CapacityNotPositive;
        if (refill <= 0) return RateLimitError.RefillNotPositive;
        if (periodMs <= 0) return RateLimitError.PeriodOptionNotPositive;
        if (periodMs > LimitPolicy.MaxSpanNs / NsPerMs) return RateLimitError.PeriodOptionTooLarge;
        if (cost < 0) return RateLimitError.CostNegative;
        long periodNs = periodMs * NsPerMs;
        if ((Int128)capacity * periodNs / refill >= LimitPolicy.MaxSpanNs) return RateLimitError.CapacityTooLarge;
        policy = new LimitPolicy
        {
            Algorithm = LimiterAlgorithm.TokenBucket, Limit = capacity, Cost = cost, Refill = refill, PeriodNs = periodNs,
        };
        return RateLimitError.None;
    }

    /// <summary>SLIDINGLOG / SLIDINGWINDOW limit window_ms [COST n].</summary>
    public static RateLimitError ParseWindow(CommandArgs args, ref int pos, bool stopAtUnknown, LimiterAlgorithm algorithm, out LimitPolicy policy)
    {
        policy = default;
        if (pos + 2 > args.Count) return RateLimitError.Syntax;
        if (!Numbers.TryParseInt64(args[pos], out long limit) || !Numbers.TryParseInt64(args[pos + 1], out long windowMs))
            return RateLimitError.NotInteger;
        pos += 2;
        long cost = 1, unusedPeriod = 0;
        var error = ParseOptions(args, ref pos, allowPeriod: false, stopAtUnknown, ref cost, ref unusedPeriod);
        if (error != RateLimitError.None) return error;
        if (limit <= 0) return RateLimitError.LimitNotPositive;
        if (windowMs <= 0) return RateLimitError.WindowNotPositive;
        if (windowMs > LimitPolicy.MaxSpanNs / NsPerMs) return RateLimitError.WindowTooLarge;
        if (cost < 0) return RateLimitError.CostNegative;
        policy = new LimitPolicy { Algorithm = algorithm, Limit = limit, Cost = cost, WindowNs = windowMs * NsPerMs };
        return RateLimitError.None;
    }

    /// <summary>RL.CONCURRENCY.ACQUIRE's limit and lease_ttl_ms (TTL in ns on success).</summary>
    public static RateLimitError ParseConcurrency(ReadOnlySpan<byte> limitArg, ReadOnlySpan<byte> ttlArg, out long limit, out long ttlNs)
    {
        ttlNs = 0;
        if (!Numbers.TryParseInt64(limitArg, out limit)) return RateLimitError.NotInteger;
        var error = ParseLeaseTtl(ttlArg, out ttlNs);
        if (error != RateLimitError.None) return error;
        return limit <= 0 ? RateLimitError.LimitNotPositive : RateLimitError.None;
    }

    public static RateLimitError ParseLeaseTtl(ReadOnlySpan<byte> arg, out long ttlNs)
    {
        ttlNs = 0;
        if (!Numbers.TryParseInt64(arg, out long ttlMs)) return RateLimitError.NotInteger;
        if (ttlMs <= 0) return RateLimitError.LeaseTtlNotPositive;
        if (ttlMs > LimitPolicy.MaxSpanNs / NsPerMs) return RateLimitError.LeaseTtlTooLarge;
        ttlNs = ttlMs * NsPerMs;
        return RateLimitError.None;
    }

    /// <summary>[COST n] [PERIOD ms] in any order, repeated ones win last. An unknown word ends the options when
    /// <paramref name="stopAtUnknown"/> (RL.MULTI: it starts the next limit), else it is a syntax error.</summary>
    private static RateLimitError ParseOptions(CommandArgs args, ref int pos, bool allowPeriod, bool stopAtUnknown, ref long cost, ref long periodMs)
    {
        while (pos < args.Count)
        {
            var word = args[pos];
            bool isCost = Ascii.EqualsIgnoreCase(word, "COST"u8);
            if (!isCost && !(allowPeriod && Ascii.EqualsIgnoreCase(word, "PERIOD"u8)))
            {
                if (stopAtUnknown) break;
                return RateLimitError.Syntax;
            }
            if (pos + 1 >= args.Count) return RateLimitError.Syntax;
            if (!Numbers.TryParseInt64(args[pos + 1], out long value)) return RateLimitError.NotInteger;
            if (isCost) cost = value;
            else periodMs = value;
            pos += 2;
        }
        return RateLimitError.None;
    }

    /// <summary>
    /// Builds a GCRA policy. T = period_ns / count (see <see cref="GcraState"/>); limit = max_burst + 1;
    /// tolerance = T * limit. Both T &gt;= 1 ns and T * limit &lt;= 2^60 ns are required.
    /// </summary>
    private static RateLimitError Gcra(long burst, long count, long period, long unitNs, long cost, bool throttle, out LimitPolicy policy)
    {
        policy = default;
        if (burst < 0) return RateLimitError.MaxBurstNegative;
        if (count <= 0) return RateLimitError.CountNotPositive;
        if (period <= 0) return throttle ? RateLimitError.PeriodNotPositive : RateLimitError.PeriodMsNotPositive;
        if (cost < 0) return throttle ? RateLimitError.QuantityNegative : RateLimitError.CostNegative;
        if (period > LimitPolicy.MaxSpanNs / unitNs) return throttle ? RateLimitError.PeriodTooLarge : RateLimitError.PeriodMsTooLarge;
        long emission = period * unitNs / count;
        if (emission == 0) return RateLimitError.CountTooLarge;
        if (burst >= LimitPolicy.MaxSpanNs / emission) return RateLimitError.MaxBurstTooLarge;
        long limit = burst + 1;
        policy = new LimitPolicy
        {
            Algorithm = LimiterAlgorithm.Gcra, Limit = limit, Cost = cost, EmissionNs = emission, ToleranceNs = emission * limit,
        };
        return RateLimitError.None;
    }
}
