namespace FastNode.Server.Storage.Locks;

/// <summary>
/// The server-wide source of fencing tokens: every lock or semaphore grant takes the next one, so a token is never
/// handed out twice and a later grant always carries a larger token, whichever key it is for and even after the
/// key expired or was deleted. Layout: <c>token = (epoch &lt;&lt; 48) | counter</c>. The epoch (15 bits, so tokens
/// stay positive RESP integers) is the cluster configEpoch of the granting node in cluster mode, and in standalone
/// mode a replication epoch that rises with every start and every promotion (docs/locks.md "Replication and
/// fencing"). A new primary therefore issues larger tokens than its predecessor even though its counter may lag.
///
/// The last token is one 64-bit word, changed only by compare-and-swap: the epoch and the counter move together, so
/// tokens strictly increase in the order they are handed out, even while the epoch rises concurrently. Thread-safe
/// (grants happen under different shard locks concurrently). One per server (tests run several in one process).
/// </summary>
public sealed class FencingTokens
{
    public const int EpochShift = 48;
    public const long CounterMask = (1L << EpochShift) - 1;
    public const int MaxEpoch = 0x7FFF;

    /// <summary>The last token handed out or seen (epoch and counter). Only ever increases.</summary>
    private long _last;

    /// <summary>Set once an epoch above <see cref="MaxEpoch"/> was asked for: tokens could no longer increase.</summary>
    private volatile bool _epochExhausted;

    public FencingTokens(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(epoch, MaxEpoch);
        _last = (long)epoch << EpochShift;
    }

    /// <summary>The epoch placed in the high bits of the next token.</summary>
    public int Epoch => (int)(Volatile.Read(ref _last) >> EpochShift);

    /// <summary>The last token handed out or seen (0 before the first): what an RDB file records.</summary>
    public long Last => Volatile.Read(ref _last);

    /// <summary>True once the epoch would have passed <see cref="MaxEpoch"/>: grants are refused rather than wrap.</summary>
    public bool EpochExhausted => _epochExhausted;

    /// <summary>
    /// Makes sure no token at or below <paramref name="token"/> is handed out again (loading an RDB file, a restored
    /// lock, a replicated grant): the last token, epoch included, only ever rises. Thread-safe.
    /// </summary>
    public void RaiseTo(long token)
    {
        if (token < 0) return;
        long seen = Volatile.Read(ref _last);
        while (seen < token)
        {
            long previous = Interlocked.CompareExchange(ref _last, token, seen);
            if (previous == seen) return;
            seen = previous;
        }
    }

    /// <summary>Raises the epoch to at least <paramref name="epoch"/> (never lowers it). False if it is above <see cref="MaxEpoch"/>.</summary>
    public bool RaiseEpoch(long epoch)
    {
        if (epoch > MaxEpoch)
        {
            _epochExhausted = true;
            return false;
        }
        if (epoch > Epoch) RaiseTo(epoch << EpochShift);
        return true;
    }

    /// <summary>Starts the next epoch (a start or a promotion in standalone mode). False once the 15 bits are used up.</summary>
    public bool BeginNextEpoch() => RaiseEpoch(Epoch + 1L);

    /// <summary>
    /// The next token, or 0 once the 48-bit counter of the epoch or the epochs themselves are exhausted (tokens never
    /// wrap: they could then be smaller than ones already handed out).
    /// </summary>
    public long Next()
    {
        if (_epochExhausted) return 0;
        long seen = Volatile.Read(ref _last);
        while (true)
        {
            if ((seen & CounterMask) == CounterMask) return 0;
            long previous = Interlocked.CompareExchange(ref _last, seen + 1, seen);
            if (previous == seen) return seen + 1;
            seen = previous;
        }
    }
}
