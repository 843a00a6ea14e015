using System.Runtime.CompilerServices;
using FastNode.Server.Storage;
using FastNode.Server.Storage.SortedSets;

namespace FastNode.Server.Blocking;

/// <summary>
/// The clients blocked on sorted-set keys of one database (BZPOPMIN, BZPOPMAX, BZMPOP), queued and locked as
/// <see cref="KeyedWaiterQueues{TWaiter}"/> describes, independent of the other families' blocking registries.
/// </summary>
public sealed class SortedSetWaiters : KeyedWaiterQueues<SortedSetWaiter>
{
    private static readonly ConditionalWeakTable<Database, SortedSetWaiters> ByDatabase = new();

    public static SortedSetWaiters For(Database db) => ByDatabase.GetValue(db, static _ => new SortedSetWaiters());

    /// <summary>
    /// Called by a command that just stored the non-empty <paramref name="value"/> at the key of <paramref name="k"/>,
    /// still open: serves the clients blocked on the key, oldest first, while the set has members. The caller then
    /// deletes the key if the set emptied (<see cref="KeyHandle.DeleteIfEmpty"/>).
    /// Inside EXEC (every shard of the database is locked until it ends) the serving is handed to the thread pool,
    /// where it runs after the transaction, as Redis serves blocked clients only after EXEC.
    /// </summary>
    public static void Wake(Database db, in KeyHandle k, SortedSetValue value, long nowMs, bool inExec)
    {
        if (!AnyWaiting || !ByDatabase.TryGetValue(db, out var waiters)) return;
        if (inExec) Defer(db, waiters, k.Key, k.Hash, nowMs);
        else waiters.Serve(db, k.Key, value);
    }

    /// <summary>
    /// For a key that may now hold a sorted set without the caller having it open (RENAME, COPY, MOVE, or a wake
    /// deferred past EXEC): opens it, serves its blocked clients like <see cref="Wake(Database, in KeyHandle, SortedSetValue, long, bool)"/>
    /// and deletes it once emptied. Takes the key's shard lock (re-entrant, so the caller may already hold it).
    /// </summary>
    public static void Wake(Database db, ReadOnlySpan<byte> key, ulong hash, long nowMs, bool inExec)
    {
        if (!AnyWaiting || !ByDatabase.TryGetValue(db, out var waiters)) return;
        if (inExec)
        {
            Defer(db, waiters, key, hash, nowMs);
            return;
        }
        waiters.ServeKey(db, key, hash, nowMs);
    }

    private static void Defer(Database db, SortedSetWaiters waiters, ReadOnlySpan<byte> key, ulong hash, long nowMs)
    {
        var deferred = new DeferredWake(db, waiters, key.ToArray(), hash, nowMs);
        ThreadPool.UnsafeQueueUserWorkItem(deferred, preferLocal: false);
    }

    private void ServeKey(Database db, ReadOnlySpan<byte> key, ulong hash, long nowMs)
    {
        // Nobody waits on this key: leave it unlooked-at (no lazy expiry, as before the store API). A waiter that
        // queues after this check found the key as the caller left it, so it does not miss anything.
        if (!HasQueue(key)) return;
        using var k = db.Open(hash, key, nowMs, Lookup.Peek);
        var value = k.Get<SortedSetValue>(ValueKind.SortedSet, out _);
        if (value is null) return;
        Serve(db, key, value);
        k.DeleteIfEmpty(value);
    }

    /// <summary>Pops from <paramref name="value"/> into the key's waiters. Call with the key open.</summary>
    private void Serve(Database db, ReadOnlySpan<byte> key, SortedSetValue value)
    {
        lock (Sync)
        {
            if (!Queues.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out var queue)) return;
            while (value.Count > 0 && queue.Count > 0)
            {
                var waiter = queue[0];
                RemoveLocked(waiter);
                if (!waiter.TryClaim()) continue;
                int popped = waiter.Take(key, value);
                if (db.Observer is { } observer)
                {
                    // Served later, BZPOPMIN/BZPOPMAX/BZMPOP propagate as the ZPOPMIN/ZPOPMAX they performed.
                    var record = new Persistence.ChangeRecord(3);
                    record.Add(waiter.Max ? "ZPOPMAX"u8 : "ZPOPMIN"u8);
                    record.Add(key);
                    record.Add(popped);
                    observer.ServedWaiter(db, ref record);
                    observer.ServedWaiterEvent(db, waiter.Max ? "zpopmax"u8 : "zpopmin"u8, key, generic: false);
                    if (value.Count == 0) observer.ServedWaiterEvent(db, "del"u8, key, generic: true);
                }
                waiter.Complete();
            }
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

        private void Serve() => waiters.ServeKey(db, key, hash, nowMs);
    }
}
