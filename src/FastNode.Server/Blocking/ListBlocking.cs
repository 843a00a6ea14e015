using FastNode.Server.Persistence;
using FastNode.Server.PubSub;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Lists;

namespace FastNode.Server.Blocking;

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
        // Only the registry is read here (it shares the shard's lock): the key is looked up when served.
        using (db.LockShard(db.ShardIndex(hash))) SignalReady(server, db, dbIndex, hash, key);
        if (!inExec) ServeReady(lockHeld: false);
    }

    /// <summary>
    /// Serves the waiters of one key while its list has elements. Returns false (nothing served past that point) when
    /// <paramref name="tryOnly"/> and a lock was busy.
    /// </summary>
    private static bool ServeKey(ReadyKey ready, bool tryOnly)
    {
        var registry = ListWaiterRegistry.Find(ready.Db);
        if (registry is null) return true;
        long now = ready.Server.NowMs;
        if (OpenAndServe(ready, registry, now, tryOnly, out ulong busyHash)) return true;
        if (tryOnly) return false;
        // A BLMOVE destination's shard was busy: take it with the source's in ascending order, then look again.
        Span<ulong> bits = stackalloc ulong[MultiShardLock.WordsFor(ready.Db)];
        while (true)
        {
            using var locks = new MultiShardLock(ready.Db, bits);
            locks.Add(ready.Hash);
            locks.Add(busyHash);
            locks.EnterAll();
            if (OpenAndServe(ready, registry, now, tryOnly: false, out busyHash)) return true;
        }
    }

    /// <summary>
    /// Opens the ready key (try-lock only when <paramref name="tryOnly"/>) and serves its waiters. False when a shard
    /// was busy: the key's own (<paramref name="tryOnly"/>), or the destination of a BLMOVE (<paramref name="busyHash"/>).
    /// </summary>
    private static bool OpenAndServe(ReadyKey ready, ListWaiterRegistry registry, long now, bool tryOnly, out ulong busyHash)
    {
        busyHash = ready.Hash;
        KeyHandle source;
        if (!tryOnly) source = ready.Db.Open(ready.Hash, ready.Key, now, Lookup.Peek);
        else if (!ready.Db.TryOpen(ready.Hash, ready.Key, now, Lookup.Peek, out source)) return false;
        try
        {
            return ServeWaiters(ready, registry, ref source, now, out busyHash);
        }
        finally
        {
            source.Dispose();
        }
    }

    /// <summary>Serves the key's waiters first come first served, while its list has elements. The key is open.</summary>
    private static bool ServeWaiters(ReadyKey ready, ListWaiterRegistry registry, ref KeyHandle source, long now, out ulong busyHash)
    {
        busyHash = ready.Hash;
        int shardIndex = ready.Db.ShardIndex(ready.Hash);
        while (true)
        {
            var node = registry.QueueFor(shardIndex, ready.Key)?.Head;
            if (node is null) return true;
            var list = source.Get<ListValue>(ValueKind.List, out _);
            if (list is null) return true;
            var waiter = node.Waiter;
            if (waiter.Kind == ListWaitKind.Move)
            {
                var outcome = ServeMove(ready, waiter, node, list, now);
                if (outcome == MoveOutcome.Busy)
                {
                    busyHash = waiter.DestinationHash;
                    return false;
                }
                if (outcome == MoveOutcome.Gone) continue;
            }
            else if (!ServePop(ready, waiter, node, list))
            {
                continue;
            }
            if (source.DeleteIfEmpty(list))
            {
                ready.Server.Notifier.Publish(KeyspaceEventClass.Generic, "del"u8, ready.DbIndex, ready.Key);
                return true;
            }
        }
    }

    /// <summary>Serves one BLPOP/BRPOP/BLMPOP waiter. False when it was already gone (the caller looks at the next one).</summary>
    private static bool ServePop(ReadyKey ready, ListWaiter waiter, ListWaiterNode node, ListValue list)
    {
        if (!Claim(waiter, node)) return false;
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
        NotifyPop(ready, waiter.From);
        Granted(waiter);
        return true;
    }

    /// <summary>
    /// Serves one BLMOVE waiter, with the source key open: opens the destination with a try-lock (it may be of a shard
    /// taken after the source's, in no set order). The destination stays open until the waiter is granted, so the
    /// nodes of its shard are unlinked here and its own waiters are signalled under its lock.
    /// </summary>
    private static MoveOutcome ServeMove(ReadyKey ready, ListWaiter waiter, ListWaiterNode node, ListValue list, long now)
    {
        var destination = waiter.Destination!;
        if (waiter.DestinationHash == ready.Hash && destination.AsSpan().SequenceEqual(ready.Key))
        {
            if (!Claim(waiter, node)) return MoveOutcome.Gone;
            MoveElement(ready, waiter, list, list);
            Granted(waiter);
            return MoveOutcome.Served;
        }
        if (!ready.Db.TryOpen(waiter.DestinationHash, destination, now, Lookup.Peek, out var target)) return MoveOutcome.Busy;
        try
        {
            var targetList = target.Get<ListValue>(ValueKind.List, out bool wrongType);
            if (!Claim(waiter, node)) return MoveOutcome.Gone;
            if (wrongType)
            {
                // As Redis: the destination's type is checked before popping; the client gets the error and leaves.
                waiter.WrongType = true;
                Granted(waiter);
                return MoveOutcome.Served;
            }
            MoveElement(ready, waiter, list, targetList ?? target.Add(ValueKind.List, new ListValue()));
            Granted(waiter);
            SignalReady(ready.Server, ready.Db, ready.DbIndex, waiter.DestinationHash, destination);
            if (ready.Server.Watches.Active) ready.Server.Watches.Touch(ready.DbIndex, destination);
            if (ready.Server.Tracking.Active) ready.Server.Tracking.InvalidateKey(destination, null);
            return MoveOutcome.Served;
        }
        finally
        {
            target.Dispose();
        }
    }

    /// <summary>Claims a waiter for serving; one that lost the race (timed out, disconnected) is unlinked instead.</summary>
    private static bool Claim(ListWaiter waiter, ListWaiterNode node)
    {
        if (waiter.TryClaim()) return true;
        ListWaiterRegistry.Unlink(node);
        return false;
    }

    /// <summary>Pops the BLMOVE waiter's element from <paramref name="source"/> onto <paramref name="target"/> (the same list for one key).</summary>
    private static void MoveElement(ReadyKey ready, ListWaiter waiter, ListValue source, ListValue target)
    {
        var element = source.Peek(waiter.From).ToArray();
        source.Remove(waiter.From);
        target.Push(waiter.To, element);
        waiter.Element = element;
        // As LMOVE: the push onto the destination, then the pop from the source.
        ready.Server.Notifier.Publish(KeyspaceEventClass.List, waiter.To == ListEnd.Left ? "lpush"u8 : "rpush"u8,
            ready.DbIndex, waiter.Destination!);
        NotifyPop(ready, waiter.From);
        if (ready.Server.Feed.Active)
        {
            // BLMOVE and BRPOPLPUSH served later propagate as the LMOVE they performed.
            var record = new ChangeRecord(5);
            record.Add("LMOVE"u8);
            record.Add(ready.Key);
            record.Add(waiter.Destination!);
            record.Add(waiter.From == ListEnd.Left ? "LEFT"u8 : "RIGHT"u8);
            record.Add(waiter.To == ListEnd.Left ? "LEFT"u8 : "RIGHT"u8);
            ready.Server.Feed.AppendAfterCommand(ready.Db.Index, ref record);
        }
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

    /// <summary>A served pop fires the event of the pop it performed, after the pushing command's own, as in Redis.</summary>
    private static void NotifyPop(ReadyKey ready, ListEnd from) =>
        ready.Server.Notifier.Publish(KeyspaceEventClass.List, from == ListEnd.Left ? "lpop"u8 : "rpop"u8, ready.DbIndex, ready.Key);

    /// <summary>Unlinks the waiter's nodes whose shard lock this thread holds (the connection unlinks the rest), then completes it.</summary>
    private static void Granted(ListWaiter waiter)
    {
        foreach (var node in waiter.Nodes)
        {
            if (node.Queue is not null && waiter.Db.HoldsShard(node.ShardIndex)) ListWaiterRegistry.Unlink(node);
        }
        waiter.Complete();
    }

    private enum MoveOutcome : byte
    {
        /// <summary>The element moved, or the client was answered WRONGTYPE.</summary>
        Served,
        /// <summary>The waiter had already left: look at the next one.</summary>
        Gone,
        /// <summary>The destination's shard was locked by another thread: nothing was done.</summary>
        Busy,
    }

    /// <summary>A key whose waiters may be served, with what serving it needs.</summary>
    private readonly record struct ReadyKey(ServerState Server, Database Db, int DbIndex, byte[] Key, ulong Hash);
}
