namespace FastNode.Server.Storage.RateLimit;

/// <summary>
/// Token bucket: holds up to capacity (= <see cref="LimitPolicy.Limit"/>) tokens, gains Refill tokens every PeriodNs,
/// continuously; a request of cost c is admitted when at least c tokens are present and takes them.
///
/// Exact arithmetic: the level is kept as tokens * PeriodNs in a 128-bit integer, so the refill of a span of d ns is
/// the integer d * Refill, with no rounding drift however often the key is called.
///   level    = min(capacity * P, level + (now - updated) * Refill)
///   admitted when c &lt;= capacity and level &gt;= c * P; then level -= c * P
///   remaining   = floor(level / P)
///   retry_after = ceil((c * P - level) / Refill)           (refused; -1 when c &gt; capacity)
///   reset_after = ceil((capacity * P - level) / Refill)    (time to full; the key's TTL)
/// </summary>
public sealed class TokenBucketState : QuotaLimiterState
{
    /// <summary>Tokens times <see cref="_periodNs"/>.</summary>
    private Int128 _level;
    /// <summary>The period <see cref="_level"/> is scaled by; rescaled when a call brings another period.</summary>
    private long _periodNs;
    /// <summary>Clock reading the level was last refilled to.</summary>
    private long _updatedNs;

    public TokenBucketState(in LimitPolicy policy, long nowNs)
    {
        _periodNs = policy.PeriodNs;
        _level = (Int128)policy.Limit * policy.PeriodNs;
        _updatedNs = nowNs;
    }

    private TokenBucketState(TokenBucketState other)
    {
        _level = other._level;
        _periodNs = other._periodNs;
        _updatedNs = other._updatedNs;
    }

    public override LimiterAlgorithm Algorithm => LimiterAlgorithm.TokenBucket;

    public override ReadOnlySpan<byte> ObjectEncoding => "tokenbucket"u8;

    public override RateLimiterState Clone() => new TokenBucketState(this);

    /// <summary>Fields: [level high 64 bits, level low 64 bits, period ns, updated].</summary>
    public override void Export(List<long> fields, long toUnixNs)
    {
        fields.Add((long)(_level >> 64));
        fields.Add((long)(ulong)(_level & ulong.MaxValue));
        fields.Add(_periodNs);
        fields.Add(_updatedNs + toUnixNs);
    }

    internal static TokenBucketState? Import(ReadOnlySpan<long> f, long fromUnixNs)
    {
        if (f.Length != 4 || f[2] <= 0) return null;
        var level = ((Int128)f[0] << 64) | (ulong)f[1];
        if (level < 0) return null;
        return new TokenBucketState(level, f[2], f[3] + fromUnixNs);
    }

    private TokenBucketState(Int128 level, long periodNs, long updatedNs)
    {
        _level = level;
        _periodNs = periodNs;
        _updatedNs = updatedNs;
    }

    public override void Advance(long nowNs, in LimitPolicy policy)
    {
        if (_periodNs != policy.PeriodNs)
        {
            // Same number of tokens, new scale; split so the product stays within 128 bits. Rounds down.
            _level = _level / _periodNs * policy.PeriodNs + _level % _periodNs * policy.PeriodNs / _periodNs;
            _periodNs = policy.PeriodNs;
        }
        if (nowNs > _updatedNs)
        {
            _level += (Int128)(nowNs - _updatedNs) * policy.Refill;
            _updatedNs = nowNs;
        }
        Int128 full = (Int128)policy.Limit * policy.PeriodNs;
        if (_level > full) _level = full;
    }

    public override void Evaluate(long nowNs, in LimitPolicy policy, out LimitDecision decision)
    {
        Int128 need = (Int128)policy.Cost * policy.PeriodNs;
        Int128 after = _level;
        decision.Limit = policy.Limit;
        decision.RetryAfterNs = -1;
        if (policy.Cost > policy.Limit)
        {
            decision.Allowed = false;
        }
        else if (_level >= need)
        {
            decision.Allowed = true;
            after = _level - need;
        }
        else
        {
            decision.Allowed = false;
            decision.RetryAfterNs = CeilDiv(need - _level, policy.Refill);
        }
        decision.Remaining = (long)(after / policy.PeriodNs);
        decision.ResetAfterNs = CeilDiv((Int128)policy.Limit * policy.PeriodNs - after, policy.Refill);
    }

    public override void Consume(long nowNs, in LimitPolicy policy) => _level -= (Int128)policy.Cost * policy.PeriodNs;
}
