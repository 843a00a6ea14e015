namespace FastNode.Server.Storage.Locks;

/// <summary>
/// The server-wide source of fencing tokens: every lock or semaphore grant takes the next one, so a token is never
/// handed out twice and a later grant always carries a larger token, whichever key it is for and even after the
/// key expired or was deleted. Layout: <c>token = (epoch &lt;&lt; 48) | counter</c>. The high 16 bits are a
/// configuration epoch (0 on a single node); a future cluster bumps it on every failover so a new primary, whose
/// counter may lag the old one, still issues larger tokens. The epoch stays below 0x8000 so tokens are positive
/// RESP integers. Thread-safe (grants happen under different shard locks concurrently). One per server
/// (tests run several servers in one process, each with its own counter).
/// </summary>
public sealed class FencingTokens
{
    public const int EpochShift = 48;
    public const long CounterMask = (1L << EpochShift) - 1;
    public const int MaxEpoch = 0x7FFF;

    /// <summary>Grants made so far; the next grant uses the incremented value. Only ever increases.</summary>
    private long _counter;

    public FencingTokens(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(epoch, MaxEpoch);
        Epoch = epoch;
    }

    /// <summary>The configuration epoch placed in the high 16 bits of every token.</summary>
    public int Epoch { get; }

    /// <summary>The last token handed out (0 before the first grant): what an RDB file records.</summary>
    public long Last => ((long)Epoch << EpochShift) | Math.Min(Volatile.Read(ref _counter), CounterMask);

    /// <summary>
    /// Makes sure no token at or below <paramref name="token"/>'s counter is handed out again (loading an RDB file or a
    /// restored lock): the counter only ever rises. Thread-safe.
    /// </summary>
    public void RaiseTo(long token)
    {
        long counter = token & CounterMask;
        long seen = Volatile.Read(ref _counter);
        while (seen < counter)
        {
            long previous = Interlocked.CompareExchange(ref _counter, counter, seen);
            if (previous == seen) return;
            seen = previous;
        }
    }

    /// <summary>The next token, or 0 once the 48-bit counter is exhausted (2^48 grants: the epoch must be bumped).</summary>
    public long Next()
    {
        long counter = Interlocked.Increment(ref _counter);
        if (counter > CounterMask) return 0;
        return ((long)Epoch << EpochShift) | counter;
    }
}
