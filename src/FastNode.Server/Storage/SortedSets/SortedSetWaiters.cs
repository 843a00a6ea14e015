using System.Runtime.CompilerServices;

namespace FastNode.Server.Storage.SortedSets;

/// <summary>
/// The clients blocked on sorted-set keys of one database (BZPOPMIN, BZPOPMAX, BZMPOP): a FIFO per key, as in Redis,
/// independent of the other families' blocking registries.
///
/// Locking: a waiter is enqueued while the shard locks of all its keys are held (so no set can appear between the
/// emptiness check and the enqueue); a waker serves a key while holding that key's shard lock. Both then take this
/// registry's own lock, which is always the innermost (cancellation takes only it), so there is no lock cycle.
/// Wakers check <see cref="AnyWaiting"/> first, so a server with no blocked client pays one volatile read per write.
/// </summary>
public sealed class SortedSetWaiters
{
    private static readonly ConditionalWeakTable<Database, SortedSetWaiters> ByDatabase = new();
    private static int _waitingEverywhere;

    private readonly Lock _lock = new();
    private readonly Dictionary<byte[], List<SortedSetWaiter>> _queues = new(Storage.ByteKeyComparer.Instance);

    /// <summary>True when some client anywhere is blocked on a sorted set.</summary>
    public static bool AnyWaiting => Volatile.Read(ref _waitingEverywhere) > 0;

    public static SortedSetWaiters For(Database db) => ByDatabase.GetValue(db, static _ => new SortedSetWaiters());

    /// <summary>Queues a waiter on each of its keys. Call with the shard locks of all its keys held.</summary>
    public void Enqueue(SortedSetWaiter waiter)
    {
        lock (_lock)
        {
            foreach (var key in waiter.Keys)
            {
                if (!_queues.TryGetValue(key, out var queue)) _queues[key] = queue = [];
                if (!queue.Contains(waiter)) queue.Add(waiter);
            }
            waiter.Queued = true;
            Interlocked.Increment(ref _waitingEverywhere);
        }
    }

    /// <summary>Takes a waiter out of all its queues (timeout, disconnect, or served).</summary>
    public void Remove(SortedSetWaiter waiter)
    {
        lock (_lock) RemoveLocked(waiter);
    }

    private void RemoveLocked(SortedSetWaiter waiter)
    {
        if (!waiter.Queued) return;
        waiter.Queued = false;
        Interlocked.Decrement(ref _waitingEverywhere);
        foreach (var key in waiter.Keys)
        {
            if (!_queues.TryGetValue(key, out var queue)) continue;
            queue.Remove(waiter);
            if (queue.Count == 0) _queues.Remove(key);
        }
    }

    /// <summary>
    /// Called by a command that just stored a non-empty set at <paramref name="key"/>, with its shard lock held:
    /// serves the clients blocked on the key, oldest first, while the set has members (deleting it once empty).
    /// Inside EXEC (every shard of the database is locked until it ends) the serving is handed to the thread pool,
    /// where it runs after the transaction, as Redis serves blocked clients only after EXEC.
    /// </summary>
    public static void Wake(Database db, ReadOnlySpan<byte> key, ulong hash, long nowMs, bool inExec)
    {
        if (!AnyWaiting || !ByDatabase.TryGetValue(db, out var waiters)) return;
        if (inExec)
        {
            var deferred = new DeferredWake(db, waiters, key.ToArray(), hash, nowMs);
            ThreadPool.UnsafeQueueUserWorkItem(deferred, preferLocal: false);
            return;
        }
        waiters.Serve(db.ShardFor(hash), key, hash, nowMs);
    }

    private void Serve(Shard shard, ReadOnlySpan<byte> key, ulong hash, long nowMs)
    {
        lock (_lock)
        {
            if (!_queues.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out var queue)) return;
            int index = shard.FindLive(hash, key, nowMs);
            if (index < 0 || shard.At(index).Kind != ValueKind.SortedSet) return;
            var value = (SortedSetValue)shard.At(index).Value!;
            while (value.Count > 0 && queue.Count > 0)
            {
                var waiter = queue[0];
                RemoveLocked(waiter);
                if (!waiter.TryClaim()) continue;
                int popped = waiter.Take(key, value);
                if (shard.Owner?.Observer is { } observer)
                {
                    // Served later, BZPOPMIN/BZPOPMAX/BZMPOP propagate as the ZPOPMIN/ZPOPMAX they performed.
                    var record = new Persistence.ChangeRecord(3);
                    record.Add(waiter.Max ? "ZPOPMAX"u8 : "ZPOPMIN"u8);
                    record.Add(key);
                    record.Add(popped);
                    observer.ServedWaiter(shard.Owner, ref record);
                }
                waiter.Complete();
            }
            if (value.Count == 0) shard.Remove(index);
        }
    }

    /// <summary>A wake postponed until the running transaction releases the shard locks.</summary>
    private sealed class DeferredWake(Database db, SortedSetWaiters waiters, byte[] key, ulong hash, long nowMs) : IThreadPoolWorkItem
    {
        public void Execute()
        {
            if (db.Observer is { } observer) observer.RunAsWriter(Serve);
            else Serve();
        }

        private void Serve()
        {
            var shard = db.ShardFor(hash);
            lock (shard.Lock) waiters.Serve(shard, key, hash, nowMs);
        }
    }
}
