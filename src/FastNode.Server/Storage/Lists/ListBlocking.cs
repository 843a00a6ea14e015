using FastNode.Server.Persistence;

namespace FastNode.Server.Storage.Lists;

/// <summary>
/// The waker side of blocking list commands, after Redis's signalKeyAsReady / handleClientsBlockedOnKeys:
/// 1. A command that may have made a list non-empty calls <see cref="SignalReady"/> under the key's shard lock. When
///    clients wait on that key, the key joins this thread's ready list (once).
/// 2. The command then calls <see cref="ServeReady"/>, which serves the ready keys in the order they became ready,
///    each key's waiters first come first served (skipping cancelled ones), while its list has elements. Serving a
///    BLMOVE pushes onto the destination, which may make that key ready in turn (appended to the list, as in Redis).
///
/// Locks. A handler calls <see cref="ServeReady"/> with lockHeld true while it still holds its shard lock, so a
/// waiter gets the pushed element before any other client can pop it. It may then only try-lock other shards (a
/// BLMOVE destination): when a try fails, the rest is left in the ready list and the handler calls ServeReady again
/// with lockHeld false once it has released its lock; that pass takes locks in ascending shard order. Inside EXEC,
/// whose commands run under every shard lock, handlers signal but do not serve: EXEC serves once all its commands
/// ran, as Redis does after the whole transaction.
///
/// The ready list is per thread: handlers run synchronously, so it only ever holds keys of the command (or EXEC)
/// the thread is running, and every handler that signals drains it before returning.
/// </summary>
public static class ListBlocking
{
    [ThreadStatic] private static List<ReadyKey>? t_ready;
    [ThreadStatic] private static List<Shard>? t_held;

    /// <summary>True when this thread has keys whose waiters may be served.</summary>
    public static bool HasReady => t_ready is { Count: > 0 };

    /// <summary>
    /// Notes that the list at <paramref name="key"/> may have elements for blocked clients. Call with the key's shard
    /// lock held, after the push. Costs one volatile read when nobody waits on any list.
    /// </summary>
    public static void SignalReady(ServerState server, Database db, int dbIndex, ulong hash, ReadOnlySpan<byte> key)
    {
        if (!ListWaiterRegistry.AnyWaiters) return;
        var registry = ListWaiterRegistry.Find(db);
        if (registry?.QueueFor(db.ShardIndex(hash), key) is null) return;
        var ready = t_ready ??= [];
        foreach (var r in ready)
        {
            if (r.Db == db && r.Hash == hash && key.SequenceEqual(r.Key)) return;
        }
        ready.Add(new ReadyKey(server, db, dbIndex, key.ToArray(), hash));
    }

    /// <summary>
    /// Serves the waiters of this thread's ready keys. <paramref name="lockHeld"/>: the caller holds shard locks (then
    /// only try-locks are taken and what would have to wait stays queued for a call without locks).
    /// </summary>
    public static void ServeReady(bool lockHeld)
    {
        var ready = t_ready;
        if (ready is null || ready.Count == 0) return;
        int done = 0;
        try
        {
            // ServeKey may append keys (BLMOVE destinations): Count is read again on every step.
            while (done < ready.Count && ServeKey(ready[done], tryOnly: lockHeld)) done++;
        }
        finally
        {
            ready.RemoveRange(0, done);
        }
    }

    /// <summary>
    /// For commands of other families that put a list at a key clients may wait on (RENAME, MOVE, COPY, SWAPDB...):
    /// signals, and serves unless <paramref name="inExec"/> (EXEC serves at its end). Call with no shard lock held
    /// (or from inside EXEC). Costs one volatile read when nobody waits on any list.
    /// </summary>
    public static void KeyCreated(ServerState server, Database db, int dbIndex, ReadOnlySpan<byte> key, bool inExec)
    {
        if (!ListWaiterRegistry.AnyWaiters) return;
        ulong hash = KeyHasher.Hash(key);
        var shard = db.ShardFor(hash);
        lock (shard.Lock) SignalReady(server, db, dbIndex, hash, key);
        if (!inExec) ServeReady(lockHeld: false);
    }

    /// <summary>
    /// Serves the waiters of one key while its list has elements. Returns false (nothing served past that point) when
    /// <paramref name="tryOnly"/> and a lock was busy.
    /// </summary>
    private static bool ServeKey(ReadyKey ready, bool tryOnly)
    {
        var held = t_held ??= [];
        int firstHeld = held.Count;
        var db = ready.Db;
        var registry = ListWaiterRegistry.Find(db);
        if (registry is null) return true;
        var shard = db.ShardFor(ready.Hash);
        int shardIndex = db.ShardIndex(ready.Hash);
        try
        {
            if (tryOnly)
            {
                if (!TryAcquire(shard, held)) return false;
            }
            else
            {
                Acquire(shard, held);
            }
            long now = ready.Server.NowMs;
            while (true)
            {
                var node = registry.QueueFor(shardIndex, ready.Key)?.Head;
                if (node is null) return true;
                int index = shard.FindLive(ready.Hash, ready.Key, now);
                if (index < 0 || shard.At(index).Kind != ValueKind.List) return true;
                var list = (ListValue)shard.At(index).Value!;
                var waiter = node.Waiter;

                if (waiter.Kind == ListWaitKind.Move)
                {
                    var target = db.ShardFor(waiter.DestinationHash);
                    if (!TryAcquire(target, held))
                    {
                        if (tryOnly) return false;
                        // Release what this call took and take both shards in ascending order, then look again.
                        Release(held, firstHeld);
                        AcquireInOrder(db, shardIndex, db.ShardIndex(waiter.DestinationHash), held);
                        continue;
                    }
                    if (!ServeMove(ready, waiter, node, shard, index, list, target, now)) continue;
                }
                else
                {
                    if (!waiter.TryClaim())
                    {
                        ListWaiterRegistry.Unlink(node);
                        continue;
                    }
                    waiter.GrantedKey = node.Key;
                    int popped = 1;
                    if (waiter.Kind == ListWaitKind.Pop)
                    {
                        waiter.Element = list.Peek(waiter.From).ToArray();
                        list.Remove(waiter.From);
                    }
                    else
                    {
                        var elements = new byte[(int)Math.Min(waiter.Count, list.Count)][];
                        for (int i = 0; i < elements.Length; i++)
                        {
                            elements[i] = list.Peek(waiter.From).ToArray();
                            list.Remove(waiter.From);
                        }
                        waiter.Elements = elements;
                        popped = elements.Length;
                    }
                    PropagatePop(ready, waiter.From, popped, counted: waiter.Kind != ListWaitKind.Pop);
                    Granted(waiter);
                }

                if (list.Count == 0)
                {
                    shard.Remove(index);
                    return true;
                }
            }
        }
        finally
        {
            Release(held, firstHeld);
        }
    }

    /// <summary>
    /// Serves one BLMOVE waiter, with the source and destination shard locks held. Returns false when the waiter was
    /// already gone (the caller looks at the next one).
    /// </summary>
    private static bool ServeMove(ReadyKey ready, ListWaiter waiter, ListWaiterNode node, Shard shard, int index,
        ListValue list, Shard target, long now)
    {
        var destination = waiter.Destination!;
        bool sameKey = waiter.DestinationHash == ready.Hash && destination.AsSpan().SequenceEqual(ready.Key);
        int targetIndex = sameKey ? index : target.FindLive(waiter.DestinationHash, destination, now);
        if (targetIndex >= 0 && target.At(targetIndex).Kind != ValueKind.List)
        {
            // As Redis: the destination's type is checked before popping; the client gets the error and leaves.
            if (!waiter.TryClaim())
            {
                ListWaiterRegistry.Unlink(node);
                return false;
            }
            waiter.WrongType = true;
            Granted(waiter);
            return true;
        }
        if (!waiter.TryClaim())
        {
            ListWaiterRegistry.Unlink(node);
            return false;
        }
        var element = list.Peek(waiter.From).ToArray();
        list.Remove(waiter.From);
        ListValue destinationList;
        if (sameKey) destinationList = list;
        else if (targetIndex >= 0) destinationList = (ListValue)target.At(targetIndex).Value!;
        else
        {
            targetIndex = target.Add(waiter.DestinationHash, destination, ValueKind.List);
            ref var created = ref target.At(targetIndex);
            created.Value = destinationList = new ListValue();
            created.LastAccess = (uint)(now / 1000);
        }
        destinationList.Push(waiter.To, element);
        waiter.Element = element;
        if (ready.Server.Feed.Active)
        {
            // BLMOVE and BRPOPLPUSH served later propagate as the LMOVE they performed.
            var record = new ChangeRecord(5);
            record.Add("LMOVE"u8);
            record.Add(ready.Key);
            record.Add(destination);
            record.Add(waiter.From == ListEnd.Left ? "LEFT"u8 : "RIGHT"u8);
            record.Add(waiter.To == ListEnd.Left ? "LEFT"u8 : "RIGHT"u8);
            ready.Server.Feed.AppendAfterCommand(ready.Db.Index, ref record);
        }
        Granted(waiter);
        if (!sameKey)
        {
            SignalReady(ready.Server, ready.Db, ready.DbIndex, waiter.DestinationHash, destination);
            if (ready.Server.Watches.Active) ready.Server.Watches.Touch(ready.DbIndex, destination);
        }
        return true;
    }

    /// <summary>A served BLPOP/BRPOP/BLMPOP propagates as the LPOP or RPOP (with a count for BLMPOP) it performed.</summary>
    private static void PropagatePop(ReadyKey ready, ListEnd from, int count, bool counted)
    {
        var feed = ready.Server.Feed;
        if (!feed.Active) return;
        var record = new ChangeRecord(counted ? 3 : 2);
        record.Add(from == ListEnd.Left ? "LPOP"u8 : "RPOP"u8);
        record.Add(ready.Key);
        if (counted) record.Add(count);
        feed.AppendAfterCommand(ready.Db.Index, ref record);
    }

    /// <summary>Unlinks the waiter's nodes whose shard lock this thread holds (the connection unlinks the rest), then completes it.</summary>
    private static void Granted(ListWaiter waiter)
    {
        foreach (var node in waiter.Nodes)
        {
            if (node.Queue is not null && waiter.Db.ShardAt(node.ShardIndex).Lock.IsHeldByCurrentThread)
                ListWaiterRegistry.Unlink(node);
        }
        waiter.Complete();
    }

    private static bool TryAcquire(Shard shard, List<Shard> held)
    {
        if (!shard.Lock.TryEnter()) return false;
        held.Add(shard);
        return true;
    }

    private static void Acquire(Shard shard, List<Shard> held)
    {
        shard.Lock.Enter();
        held.Add(shard);
    }

    private static void AcquireInOrder(Database db, int first, int second, List<Shard> held)
    {
        Acquire(db.ShardAt(Math.Min(first, second)), held);
        if (first != second) Acquire(db.ShardAt(Math.Max(first, second)), held);
    }

    private static void Release(List<Shard> held, int keep)
    {
        for (int i = held.Count - 1; i >= keep; i--) held[i].Lock.Exit();
        held.RemoveRange(keep, held.Count - keep);
    }

    /// <summary>A key whose waiters may be served, with what serving it needs.</summary>
    private readonly record struct ReadyKey(ServerState Server, Database Db, int DbIndex, byte[] Key, ulong Hash);
}
