namespace FastNode.Server.Storage.RateLimit;

/// <summary>
/// Generic cell rate algorithm, with redis-cell's arithmetic so CL.THROTTLE answers what redis-cell answers.
///
/// Notation (all ns on the monotonic clock): T = emission interval = period / count (integer division, which equals
/// redis-cell's truncated f64 quotient for periods under 2^53 ns); q = quantity; limit = max_burst + 1.
/// redis-cell keeps the delay variation tolerance as DVT = T * (max_burst + 1) = T * limit. The textbook GCRA
/// tolerance is tau = T * max_burst with the test "TAT - now &lt;= tau" before adding T; the two are the same rule,
/// since new_tat = TAT + T and new_tat - DVT = TAT - tau.
///
///   tat      = max(stored TAT, now)                      (absent key or a TAT in the past: the limiter is full)
///   new_tat  = tat + T * q
///   allow_at = new_tat - DVT
///   q &gt; limit:       refused, retry_after = -1 (never), reset_after = tat - now
///   now &lt; allow_at:  refused, retry_after = allow_at - now, reset_after = tat - now
///   otherwise:       admitted, TAT := new_tat, reset_after = new_tat - now
///   remaining = trunc(us(DVT - reset_after) / us(T)) when DVT - reset_after &gt; -T, else 0
///               (us = whole microseconds, divided as f64 like redis-cell; clamped to [0, limit], which only matters
///               when T is under a few microseconds)
///
/// q = 0 only looks: it is admitted unless the key's TAT is more than DVT ahead (parameters shrank), and changes nothing.
/// The key's TTL is reset_after: at that instant TAT &lt;= now, which is the same as no key at all.
/// </summary>
public sealed class GcraState : QuotaLimiterState
{
    /// <summary>Theoretical arrival time of the next request, ns; at or before now means full capacity.</summary>
    public long TatNs;

    public GcraState(long nowNs) => TatNs = nowNs;

    public override LimiterAlgorithm Algorithm => LimiterAlgorithm.Gcra;

    public override ReadOnlySpan<byte> ObjectEncoding => "gcra"u8;

    public override RateLimiterState Clone() => new GcraState(TatNs);

    /// <summary>Fields: [TAT].</summary>
    public override void Export(List<long> fields, long toUnixNs) => fields.Add(TatNs + toUnixNs);

    internal static GcraState? Import(ReadOnlySpan<long> f, long fromUnixNs) => f.Length == 1 ? new GcraState(f[0] + fromUnixNs) : null;

    public override void Advance(long nowNs, in LimitPolicy policy)
    {
        if (TatNs < nowNs) TatNs = nowNs;
    }

    public override void Evaluate(long nowNs, in LimitPolicy policy, out LimitDecision decision)
    {
        long tat = Math.Max(TatNs, nowNs);
        decision.Limit = policy.Limit;
        decision.RetryAfterNs = -1;
        long resetAfter;
        if (policy.Cost > policy.Limit)
        {
            // T * q > DVT: no amount of waiting admits it (redis-cell leaves retry_after at -1).
            decision.Allowed = false;
            resetAfter = tat - nowNs;
        }
        else
        {
            long newTat = tat + policy.EmissionNs * policy.Cost;
            long allowAt = newTat - policy.ToleranceNs;
            if (nowNs < allowAt)
            {
                decision.Allowed = false;
                decision.RetryAfterNs = allowAt - nowNs;
                resetAfter = tat - nowNs;
            }
            else
            {
                decision.Allowed = true;
                resetAfter = newTat - nowNs;
            }
        }
        decision.ResetAfterNs = resetAfter;
        decision.Remaining = Remaining(policy, resetAfter);
    }

    public override void Consume(long nowNs, in LimitPolicy policy) =>
        TatNs = Math.Max(TatNs, nowNs) + policy.EmissionNs * policy.Cost;

    private static long Remaining(in LimitPolicy policy, long resetAfter)
    {
        long next = policy.ToleranceNs - resetAfter;
        if (next <= -policy.EmissionNs) return 0;
        long emissionUs = policy.EmissionNs / 1000;
        long remaining = emissionUs > 0 ? (long)((double)(next / 1000) / emissionUs) : next / policy.EmissionNs;
        return Math.Clamp(remaining, 0, policy.Limit);
    }
}
