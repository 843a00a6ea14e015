namespace FastNode.Server.Storage.RateLimit;

/// <summary>
/// Exact sliding window: a log of the admitted requests of the last window. A request admitted at t counts while
/// now &lt; t + window, i.e. the window is (now - window, now].
///   admitted when c &lt;= limit and sum + c &lt;= limit; then (now, c) is appended
///   remaining   = limit - sum
///   retry_after = t_k + window - now, for the oldest entry k whose expiry frees enough (refused; -1 when c &gt; limit)
///   reset_after = newest t + window - now (the log is empty then; the key's TTL)
/// Memory: one 16-byte entry per admitted request still in the window (at most limit entries, since each costs at
/// least 1; requests at the same clock reading share an entry). The ring only allocates when it grows.
/// </summary>
public sealed class SlidingLogState : QuotaLimiterState
{
    private const int InitialCapacity = 4;

    /// <summary>Ring of entries, oldest at <see cref="_head"/>; length is a power of two.</summary>
    private Entry[] _ring;
    private int _head;
    private int _count;
    /// <summary>Sum of the costs of the entries in the ring.</summary>
    private long _sum;

    public SlidingLogState() => _ring = new Entry[InitialCapacity];

    private SlidingLogState(SlidingLogState other)
    {
        _ring = (Entry[])other._ring.Clone();
        _head = other._head;
        _count = other._count;
        _sum = other._sum;
    }

    public override LimiterAlgorithm Algorithm => LimiterAlgorithm.SlidingLog;

    public override ReadOnlySpan<byte> ObjectEncoding => "slidinglog"u8;

    /// <summary>Admitted units currently in the window.</summary>
    public long Sum => _sum;

    public override RateLimiterState Clone() => new SlidingLogState(this);

    /// <summary>Fields: [at, cost] per entry, oldest first.</summary>
    public override void Export(List<long> fields, long toUnixNs)
    {
        for (int n = 0; n < _count; n++)
        {
            ref var e = ref _ring[(_head + n) & (_ring.Length - 1)];
            fields.Add(e.AtNs + toUnixNs);
            fields.Add(e.Cost);
        }
    }

    internal static SlidingLogState? Import(ReadOnlySpan<long> f, long fromUnixNs)
    {
        if (f.Length % 2 != 0) return null;
        int count = f.Length / 2;
        var state = new SlidingLogState();
        state._ring = new Entry[Math.Max(InitialCapacity, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)count))];
        for (int n = 0; n < count; n++)
        {
            if (f[2 * n + 1] <= 0) return null;
            state._ring[n] = new Entry(f[2 * n] + fromUnixNs, f[2 * n + 1]);
            state._sum += f[2 * n + 1];
        }
        state._count = count;
        return state;
    }

    public override void Advance(long nowNs, in LimitPolicy policy)
    {
        int mask = _ring.Length - 1;
        while (_count > 0 && _ring[_head].AtNs + policy.WindowNs <= nowNs)
        {
            _sum -= _ring[_head].Cost;
            _head = (_head + 1) & mask;
            _count--;
        }
    }

    public override void Evaluate(long nowNs, in LimitPolicy policy, out LimitDecision decision)
    {
        long cost = policy.Cost;
        decision.Limit = policy.Limit;
        decision.RetryAfterNs = -1;
        decision.Allowed = cost <= policy.Limit && _sum <= policy.Limit - cost;
        if (!decision.Allowed && cost <= policy.Limit) decision.RetryAfterNs = RetryAfter(nowNs, policy);
        long used = decision.Allowed ? _sum + cost : _sum;
        decision.Remaining = Math.Max(0, policy.Limit - used);
        long newest = decision.Allowed && cost > 0 ? nowNs : _count > 0 ? _ring[(_head + _count - 1) & (_ring.Length - 1)].AtNs : long.MinValue;
        decision.ResetAfterNs = newest == long.MinValue ? 0 : newest + policy.WindowNs - nowNs;
    }

    /// <summary>How long until enough of the oldest entries leave the window for the request to fit.</summary>
    private long RetryAfter(long nowNs, in LimitPolicy policy)
    {
        long excess = _sum - (policy.Limit - policy.Cost);
        int mask = _ring.Length - 1;
        for (int n = 0; n < _count; n++)
        {
            ref var entry = ref _ring[(_head + n) & mask];
            excess -= entry.Cost;
            if (excess <= 0) return entry.AtNs + policy.WindowNs - nowNs;
        }
        return policy.WindowNs;   // unreachable: the whole log expiring always frees enough when cost <= limit
    }

    public override void Consume(long nowNs, in LimitPolicy policy)
    {
        if (policy.Cost == 0) return;
        _sum += policy.Cost;
        int mask = _ring.Length - 1;
        if (_count > 0)
        {
            ref var newest = ref _ring[(_head + _count - 1) & mask];
            if (newest.AtNs == nowNs)
            {
                newest.Cost += policy.Cost;
                return;
            }
        }
        if (_count == _ring.Length) Grow();
        _ring[(_head + _count) & (_ring.Length - 1)] = new Entry(nowNs, policy.Cost);
        _count++;
    }

    private void Grow()
    {
        var larger = new Entry[_ring.Length * 2];
        for (int n = 0; n < _count; n++) larger[n] = _ring[(_head + n) & (_ring.Length - 1)];
        _ring = larger;
        _head = 0;
    }

    /// <summary>One admitted request (or several at the same clock reading).</summary>
    private struct Entry(long atNs, long cost)
    {
        /// <summary>Monotonic ns when admitted.</summary>
        public long AtNs = atNs;
        /// <summary>Units it took.</summary>
        public long Cost = cost;
    }
}
