namespace FastNode.Server.Storage.RateLimit;

/// <summary>
/// Concurrency limiter: at most limit leases in flight per key. A lease is released explicitly or lapses after its
/// TTL, so a caller that crashed holds its slot for at most one TTL. The key's TTL is the time until the last lease
/// lapses; with no lease left the key is deleted (an absent key means nothing in flight).
/// Leases live in two parallel arrays, unordered; every call first drops the lapsed ones, so calls cost O(in flight).
///
/// Lease ids are 63-bit positive numbers, consecutive per key from a random start. A new key starts elsewhere, so a
/// stale id from a key that expired and was recreated will not match a lease of the new key (chance about n / 2^62).
/// </summary>
public sealed class ConcurrencyState : RateLimiterState
{
    private const int InitialCapacity = 4;

    private long[] _ids;
    /// <summary>Lapse time of each lease, monotonic ns (parallel to <see cref="_ids"/>).</summary>
    private long[] _expiresNs;
    private int _count;
    /// <summary>Id the next lease gets.</summary>
    private long _nextId;

    public ConcurrencyState()
    {
        _ids = new long[InitialCapacity];
        _expiresNs = new long[InitialCapacity];
        _nextId = Random.Shared.NextInt64(1, 1L << 62);
    }

    private ConcurrencyState(ConcurrencyState other)
    {
        _ids = (long[])other._ids.Clone();
        _expiresNs = (long[])other._expiresNs.Clone();
        _count = other._count;
        _nextId = other._nextId;
    }

    public override LimiterAlgorithm Algorithm => LimiterAlgorithm.Concurrency;

    public override ReadOnlySpan<byte> ObjectEncoding => "concurrency"u8;

    public override RateLimiterState Clone() => new ConcurrencyState(this);

    /// <summary>Fields: [next id, then id and lapse time per lease].</summary>
    public override void Export(List<long> fields, long toUnixNs)
    {
        fields.Add(_nextId);
        for (int i = 0; i < _count; i++)
        {
            fields.Add(_ids[i]);
            fields.Add(_expiresNs[i] + toUnixNs);
        }
    }

    internal static ConcurrencyState? Import(ReadOnlySpan<long> f, long fromUnixNs)
    {
        if (f.Length % 2 != 1 || f[0] <= 0) return null;
        int count = f.Length / 2;
        var state = new ConcurrencyState
        {
            _ids = new long[Math.Max(InitialCapacity, count)],
            _expiresNs = new long[Math.Max(InitialCapacity, count)],
            _nextId = f[0],
            _count = count,
        };
        for (int i = 0; i < count; i++)
        {
            state._ids[i] = f[1 + 2 * i];
            state._expiresNs[i] = f[2 + 2 * i] + fromUnixNs;
        }
        return state;
    }

    /// <summary>Leases in flight (call <see cref="Purge"/> first).</summary>
    public int InFlight => _count;

    /// <summary>Drops the leases that lapsed at or before <paramref name="nowNs"/>.</summary>
    public void Purge(long nowNs)
    {
        for (int i = _count - 1; i >= 0; i--)
        {
            if (_expiresNs[i] <= nowNs) RemoveAt(i);
        }
    }

    /// <summary>Takes a lease when fewer than limit are in flight; returns its id, or 0 when refused.</summary>
    public long TryAcquire(long nowNs, long limit, long leaseTtlNs, out LimitDecision decision)
    {
        Purge(nowNs);
        long id = 0;
        decision.Limit = limit;
        decision.RetryAfterNs = -1;
        decision.Allowed = _count < limit;
        if (decision.Allowed)
        {
            if (_count == _ids.Length)
            {
                Array.Resize(ref _ids, _count * 2);
                Array.Resize(ref _expiresNs, _count * 2);
            }
            id = _nextId++;
            _ids[_count] = id;
            _expiresNs[_count] = nowNs + leaseTtlNs;
            _count++;
        }
        else
        {
            // The earliest a slot frees up without any release.
            decision.RetryAfterNs = EarliestExpiry() - nowNs;
        }
        decision.Remaining = Math.Max(0, limit - _count);
        decision.ResetAfterNs = ResetAfterNs(nowNs);
        return id;
    }

    /// <summary>Ends a lease; false when it is not in flight (released already, lapsed or never issued).</summary>
    public bool Release(long nowNs, long leaseId)
    {
        Purge(nowNs);
        int i = IndexOf(leaseId);
        if (i < 0) return false;
        RemoveAt(i);
        return true;
    }

    /// <summary>Gives a lease in flight a new TTL from now; false when it is not in flight.</summary>
    public bool Renew(long nowNs, long leaseId, long leaseTtlNs)
    {
        Purge(nowNs);
        int i = IndexOf(leaseId);
        if (i < 0) return false;
        _expiresNs[i] = nowNs + leaseTtlNs;
        return true;
    }

    /// <summary>ns until the last lease lapses; 0 when none is in flight.</summary>
    public long ResetAfterNs(long nowNs)
    {
        long last = nowNs;
        for (int i = 0; i < _count; i++) last = Math.Max(last, _expiresNs[i]);
        return last - nowNs;
    }

    private long EarliestExpiry()
    {
        long first = long.MaxValue;
        for (int i = 0; i < _count; i++) first = Math.Min(first, _expiresNs[i]);
        return first;
    }

    private int IndexOf(long leaseId)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_ids[i] == leaseId) return i;
        }
        return -1;
    }

    private void RemoveAt(int i)
    {
        _count--;
        _ids[i] = _ids[_count];
        _expiresNs[i] = _expiresNs[_count];
    }
}
