namespace FastNode.Server.Storage.RateLimit;

/// <summary>
/// A limiter that admits or refuses a cost against a quota (GCRA, token bucket, sliding log, sliding window).
/// A request runs <see cref="Advance"/>, then <see cref="Evaluate"/>, then <see cref="Consume"/> only when admitted;
/// RL.MULTI evaluates every key before consuming from any. Callers hold the shard lock throughout.
/// </summary>
public abstract class QuotaLimiterState : RateLimiterState
{
    /// <summary>Brings the state to <paramref name="nowNs"/> (refill, evict, roll windows, adopt new parameters)
    /// without changing what any request would observe.</summary>
    public abstract void Advance(long nowNs, in LimitPolicy policy);

    /// <summary>Decides the request without changing the state. When admitted, the decision describes the state after
    /// <see cref="Consume"/>; when refused, the state as it is.</summary>
    public abstract void Evaluate(long nowNs, in LimitPolicy policy, out LimitDecision decision);

    /// <summary>Takes the request's cost. Only called after <see cref="Evaluate"/> admitted it at the same time.</summary>
    public abstract void Consume(long nowNs, in LimitPolicy policy);

    /// <summary>A fresh limiter at full capacity for <paramref name="policy"/>'s algorithm.</summary>
    public static QuotaLimiterState Create(in LimitPolicy policy, long nowNs) => policy.Algorithm switch
    {
        LimiterAlgorithm.Gcra => new GcraState(nowNs),
        LimiterAlgorithm.TokenBucket => new TokenBucketState(policy, nowNs),
        LimiterAlgorithm.SlidingLog => new SlidingLogState(),
        LimiterAlgorithm.SlidingWindow => new SlidingWindowState(policy, nowNs),
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy.Algorithm, "not a quota limiter"),
    };

    /// <summary>Ceiling of a / b for a &gt;= 0, b &gt; 0.</summary>
    protected static long CeilDiv(Int128 a, long b) => (long)((a + (b - 1)) / b);
}
