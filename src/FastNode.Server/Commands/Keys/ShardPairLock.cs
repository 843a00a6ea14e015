using FastNode.Server.Storage;

namespace FastNode.Server.Commands.Keys;

/// <summary>
/// Holds one shard of each of two databases (MOVE, COPY ... DB n). Ordering by database index is not enough to
/// rule out deadlock, because SWAPDB can exchange which database sits at which index between two commands'
/// ordering decisions. So this never waits for a lock while holding the other: it takes one, tries the other,
/// and on failure lets go and waits on the one that was busy instead. A holder that never blocks cannot be part
/// of a deadlock cycle, whatever order other commands use.
/// </summary>
internal readonly ref struct ShardPairLock
{
    private readonly Shard _first;
    private readonly Shard _second;

    public ShardPairLock(Shard first, Shard second)
    {
        _first = first;
        _second = second;
    }

    public void EnterBoth()
    {
        if (ReferenceEquals(_first, _second))
        {
            _first.Lock.Enter();
            return;
        }
        var spin = new SpinWait();
        while (true)
        {
            _first.Lock.Enter();
            if (_second.Lock.TryEnter()) return;
            _first.Lock.Exit();
            _second.Lock.Enter();
            if (_first.Lock.TryEnter()) return;
            _second.Lock.Exit();
            spin.SpinOnce();
        }
    }

    public void ExitBoth()
    {
        if (!ReferenceEquals(_first, _second)) _second.Lock.Exit();
        _first.Lock.Exit();
    }
}
