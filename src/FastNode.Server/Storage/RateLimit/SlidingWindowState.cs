namespace FastNode.Server.Storage.RateLimit;

/// <summary>
/// Sliding window counter: the approximation of two fixed windows, O(1) memory per key. Windows are aligned on the
/// key's first request. With e = now - start of the current window (0 &lt;= e &lt; W), p = admitted units of the
/// previous window and c = of the current one, the estimate of the last W is
///   estimate = p * (W - e) / W + c
/// which assumes the previous window's requests were spread evenly (exact integer arithmetic: everything is scaled
/// by W in 128 bits).
///   admitted when cost &lt;= limit and estimate + cost &lt;= limit; then c += cost
///   remaining   = floor(limit - estimate)
///   retry_after = the first e' at which the estimate (p still decaying, or c becoming the previous window) fits
///   reset_after = end of the next window if c &gt; 0, else end of this one if p &gt; 0, else 0
///
/// Error bound: the exact count of the last W differs from the estimate by at most p * max(e/W, 1 - e/W) &lt;= limit.
/// Hence it never admits more than 2 * limit in any span of length W (in practice far less; exactly limit when the
/// traffic is even), and may refuse while the exact count is as low as c (worst case: the previous window's requests
/// all came early).
/// A call with another window length carries the current estimate (rounded up) into a fresh window of the new length.
/// </summary>
public sealed class SlidingWindowState : QuotaLimiterState
{
    /// <summary>Start of the current window, ns.</summary>
    private long _startNs;
    /// <summary>Window length the counts belong to, ns.</summary>
    private long _windowNs;
    /// <summary>Units admitted in the previous window.</summary>
    private long _previous;
    /// <summary>Units admitted in the current window.</summary>
    private long _current;

    public SlidingWindowState(in LimitPolicy policy, long nowNs)
    {
        _startNs = nowNs;
        _windowNs = policy.WindowNs;
    }

    private SlidingWindowState(SlidingWindowState other)
    {
        _startNs = other._startNs;
        _windowNs = other._windowNs;
        _previous = other._previous;
        _current = other._current;
    }

    public override LimiterAlgorithm Algorithm => LimiterAlgorithm.SlidingWindow;

    public override ReadOnlySpan<byte> ObjectEncoding => "slidingwindow"u8;

    public override RateLimiterState Clone() => new SlidingWindowState(this);

    /// <summary>Fields: [window start, window ns, previous, current].</summary>
    public override void Export(List<long> fields, long toUnixNs)
    {
        fields.Add(_startNs + toUnixNs);
        fields.Add(_windowNs);
        fields.Add(_previous);
        fields.Add(_current);
    }

    internal static SlidingWindowState? Import(ReadOnlySpan<long> f, long fromUnixNs)
    {
        if (f.Length != 4 || f[1] <= 0 || f[2] < 0 || f[3] < 0) return null;
        var state = new SlidingWindowState(new LimitPolicy { WindowNs = f[1] }, f[0] + fromUnixNs);
        state._previous = f[2];
        state._current = f[3];
        return state;
    }

    public override void Advance(long nowNs, in LimitPolicy policy)
    {
        Roll(nowNs);
        if (_windowNs == policy.WindowNs) return;
        Int128 weighted = Weighted(nowNs - _startNs);
        _current = (long)((weighted + (_windowNs - 1)) / _windowNs);
        _previous = 0;
        _startNs = nowNs;
        _windowNs = policy.WindowNs;
    }

    private void Roll(long nowNs)
    {
        long elapsed = nowNs - _startNs;
        if (elapsed < _windowNs) return;
        long windows = elapsed / _windowNs;
        _previous = windows == 1 ? _current : 0;
        _current = 0;
        _startNs += windows * _windowNs;
    }

    /// <summary>The estimate times W.</summary>
    private Int128 Weighted(long elapsed) => (Int128)_previous * (_windowNs - elapsed) + (Int128)_current * _windowNs;

    public override void Evaluate(long nowNs, in LimitPolicy policy, out LimitDecision decision)
    {
        long w = _windowNs;
        long elapsed = nowNs - _startNs;
        Int128 weighted = Weighted(elapsed);
        Int128 capacity = (Int128)policy.Limit * w;
        decision.Limit = policy.Limit;
        decision.RetryAfterNs = -1;
        decision.Allowed = policy.Cost <= policy.Limit && weighted + (Int128)policy.Cost * w <= capacity;
        long current = _current;
        if (decision.Allowed)
        {
            weighted += (Int128)policy.Cost * w;
            current += policy.Cost;
        }
        else if (policy.Cost <= policy.Limit)
        {
            decision.RetryAfterNs = RetryAfter(elapsed, policy);
        }
        decision.Remaining = weighted >= capacity ? 0 : (long)((capacity - weighted) / w);
        decision.ResetAfterNs = current > 0 ? 2 * w - elapsed : _previous > 0 ? w - elapsed : 0;
    }

    private long RetryAfter(long elapsed, in LimitPolicy policy)
    {
        long w = _windowNs;
        // Still in this window: the first e' with p * (W - e') <= (limit - c - cost) * W.
        long room = policy.Limit - _current - policy.Cost;
        if (room >= 0 && _previous > 0)
        {
            long at = w - (long)((Int128)room * w / _previous);
            if (at < w) return at - elapsed;
        }
        // In the next window, where c has become the previous count: c * (W - e2) <= (limit - cost) * W.
        long roomNext = policy.Limit - policy.Cost;
        long atNext = _current == 0 ? 0 : Math.Max(0, w - (long)((Int128)roomNext * w / _current));
        return w - elapsed + atNext;
    }

    public override void Consume(long nowNs, in LimitPolicy policy) => _current += policy.Cost;
}
