using System.Runtime.CompilerServices;
using FastNode.Protocol;
using FastNode.Server.Commands.Streams;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Streams;

namespace FastNode.Server.Blocking;

/// <summary>
/// The clients blocked on stream keys of one database (XREAD / XREADGROUP with BLOCK): a FIFO per key, so readers are
/// served in the order they blocked, as in Redis.
///
/// Locking as in <see cref="SortedSetWaiters"/>: a waiter is enqueued while the shard locks of all its keys are held; a
/// waker serves a key while it has that key open; this registry's lock is always the innermost. Wakers check
/// <see cref="AnyWaiting"/> first, so a server with no blocked reader pays one volatile read per XADD.
/// </summary>
public sealed class StreamWaiters
{
    private static readonly ConditionalWeakTable<Database, StreamWaiters> ByDatabase = new();
    private static int _waitingEverywhere;

    private readonly Lock _lock = new();
    private readonly Dictionary<byte[], List<StreamWaiter>> _queues = new(ByteKeyComparer.Instance);

    public static bool AnyWaiting => Volatile.Read(ref _waitingEverywhere) > 0;

    public static StreamWaiters For(Database db) => ByDatabase.GetValue(db, static _ => new StreamWaiters());

    /// <summary>Queues a waiter on each of its keys. Call with the shard locks of all its keys held.</summary>
    public void Enqueue(StreamWaiter waiter)
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

    public void Remove(StreamWaiter waiter)
    {
        lock (_lock) RemoveLocked(waiter);
    }

    private void RemoveLocked(StreamWaiter waiter)
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
    /// Called by a command that added entries to the stream at <paramref name="k"/>'s key, or destroyed one of its
    /// groups, with the key still open: serves the readers blocked on it, oldest first. Inside EXEC the serving is
    /// handed to the thread pool and runs once the transaction released its locks.
    /// </summary>
    public static void Wake(Database db, in KeyHandle k, StreamValue stream, long nowMs, bool inExec)
    {
        if (!AnyWaiting || !ByDatabase.TryGetValue(db, out var waiters)) return;
        if (inExec)
        {
            var deferred = new DeferredWake(db, waiters, k.Key.ToArray(), k.Hash, nowMs);
            ThreadPool.UnsafeQueueUserWorkItem(deferred, preferLocal: false);
        }
        else waiters.Serve(db, k.Key, stream, nowMs);
    }

    /// <summary>For a key that may now hold a stream without the caller having it open (RENAME, COPY, MOVE).</summary>
    public static void Wake(Database db, ReadOnlySpan<byte> key, ulong hash, long nowMs)
    {
        if (!AnyWaiting || !ByDatabase.TryGetValue(db, out var waiters)) return;
        waiters.ServeKey(db, key, hash, nowMs);
    }

    private void ServeKey(Database db, ReadOnlySpan<byte> key, ulong hash, long nowMs)
    {
        lock (_lock)
        {
            if (!_queues.GetAlternateLookup<ReadOnlySpan<byte>>().ContainsKey(key)) return;
        }
        using var k = db.Open(hash, key, nowMs, Lookup.Peek);
        var stream = k.Get<StreamValue>(ValueKind.Stream, out _);
        if (stream is not null) Serve(db, key, stream, nowMs);
    }

    /// <summary>Serves the key's waiters that the stream can answer now. Call with the key open.</summary>
    private void Serve(Database db, ReadOnlySpan<byte> key, StreamValue stream, long nowMs)
    {
        lock (_lock)
        {
            if (!_queues.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out var queue)) return;
            var sink = StreamRecordSink.ForServedWaiter(db);
            for (int i = 0; i < queue.Count;)
            {
                var waiter = queue[i];
                if (!TryServe(db, waiter, key, stream, nowMs, in sink))
                {
                    i++;
                    continue;
                }
                // Served (or lost to its own timeout): out of every queue; this one shifted, so stay at i.
                RemoveLocked(waiter);
                waiter.Complete();
            }
        }
    }

    private static bool TryServe(Database db, StreamWaiter waiter, ReadOnlySpan<byte> key, StreamValue stream, long nowMs, in StreamRecordSink sink)
    {
        StreamGroup? group = null;
        if (waiter.Group is not null)
        {
            group = stream.FindGroup(waiter.Group);
            if (group is null)
            {
                if (!waiter.TryClaim()) return true;
                waiter.SetReply(ErrorReply(StreamErrors.GroupGone));
                return true;
            }
        }
        var after = group?.LastId ?? waiter.After[waiter.IndexOfKey(key)];
        if (stream.LastId <= after) return false;
        if (!waiter.TryClaim()) return true;
        var scratch = ReplyScratch.Take();
        var w = new RespWriter(scratch, waiter.Resp3);
        if (waiter.Resp3) w.WriteMapHeader(1);
        else w.WriteArrayHeader(1);
        if (group is null) StreamReads.WriteAfter(ref w, key, stream, after, waiter.Count);
        else
        {
            var consumer = group.GetOrAddConsumer(waiter.Consumer, nowMs, out bool created);
            consumer.SeenTime = nowMs;
            if (created) db.Observer?.ServedStreamWaiterEvent(db, "xgroup-createconsumer"u8, key);
            StreamReads.WriteGroupNew(ref w, key, stream, group, consumer, waiter.Count, waiter.NoAck, nowMs, in sink);
        }
        w.Commit();
        waiter.SetReply(scratch.Written.ToArray());
        return true;
    }

    private static byte[] ErrorReply(ReadOnlySpan<byte> text)
    {
        var bytes = new byte[text.Length + 3];
        bytes[0] = (byte)'-';
        text.CopyTo(bytes.AsSpan(1));
        bytes[^2] = (byte)'\r';
        bytes[^1] = (byte)'\n';
        return bytes;
    }

    /// <summary>A wake postponed until the running transaction releases the shard locks.</summary>
    private sealed class DeferredWake(Database db, StreamWaiters waiters, byte[] key, ulong hash, long nowMs) : IThreadPoolWorkItem
    {
        public void Execute()
        {
            if (db.Observer is { } observer) observer.RunAsWriter(Serve);
            else Serve();
        }

        private void Serve() => waiters.ServeKey(db, key, hash, nowMs);
    }
}
