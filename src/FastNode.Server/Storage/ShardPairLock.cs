namespace FastNode.Server.Storage;

/// <summary>
/// Holds the shard of one key in each of two databases (MOVE, COPY ... DB n), then
/// <see cref="Database.Open(ulong, ReadOnlySpan{byte}, long, Lookup)"/> each key (the handles re-enter the held
/// locks). Ordering by database index is not enough to rule out deadlock, because SWAPDB can exchange which database
/// sits at which index between two commands' ordering decisions. So this never waits for a lock while holding the
/// other: it takes one, tries the other, and on failure lets go and waits on the one that was busy instead. A holder
/// that never blocks cannot be part of a deadlock cycle, whatever order other commands use.
/// Usage: <c>using var pair = new ShardPairLock(db1, hash1, db2, hash2); pair.EnterBoth();</c>
/// </summary>
public ref struct ShardPairLock
{
    private readonly Shard _first;
    private readonly Shard _second;
    private bool _held;

    public ShardPairLock(Database firstDb, ulong firstHash, Database secondDb, ulong secondHash)
    {
        _first = firstDb.ShardFor(firstHash);
        _second = secondDb.ShardFor(secondHash);
    }

    public void EnterBoth()
    {
        if (ReferenceEquals(_first, _second)) _first.Lock.Enter();
        else EnterTwo(_first, _second);
        _held = true;
    }

    private static void EnterTwo(Shard first, Shard second)
    {
        var spin = new SpinWait();
        while (true)
        {
            first.Lock.Enter();
            if (second.Lock.TryEnter()) return;
            first.Lock.Exit();
            second.Lock.Enter();
            if (first.Lock.TryEnter()) return;
            second.Lock.Exit();
            spin.SpinOnce();
        }
    }

    /// <summary>Leaves both shards (a no-op when they are not held), so a <c>using</c> declaration releases them.</summary>
    public void Dispose()
    {
        if (!_held) return;
        _held = false;
        if (!ReferenceEquals(_first, _second)) _second.Lock.Exit();
        _first.Lock.Exit();
    }
}
