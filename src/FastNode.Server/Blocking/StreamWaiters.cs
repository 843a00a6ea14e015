using System.Runtime.CompilerServices;
using FastNode.Protocol;
using FastNode.Server.Commands.Streams;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Streams;

namespace FastNode.Server.Blocking;

/// <summary>
/// The clients blocked on stream keys of one database (XREAD / XREADGROUP with BLOCK), queued and locked as
/// <see cref="KeyedWaiterQueues{TWaiter}"/> describes: readers are served in the order they blocked, as in Redis.
/// </summary>
public sealed class StreamWaiters : KeyedWaiterQueues<StreamWaiter>
{
    private static readonly ConditionalWeakTable<Database, StreamWaiters> ByDatabase = new();

    public static StreamWaiters For(Database db) => ByDatabase.GetValue(db, static _ => new StreamWaiters());

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
        lock (Sync)
        {
            if (!Queues.GetAlternateLookup<ReadOnlySpan<byte>>().ContainsKey(key)) return;
        }
        using var k = db.Open(hash, key, nowMs, Lookup.Peek);
        var stream = k.Get<StreamValue>(ValueKind.Stream, out _);
        if (stream is not null) Serve(db, key, stream, nowMs);
    }

    /// <summary>Serves the key's waiters that the stream can answer now. Call with the key open.</summary>
    private void Serve(Database db, ReadOnlySpan<byte> key, StreamValue stream, long nowMs)
    {
        lock (Sync)
        {
            if (!Queues.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out var queue)) return;
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
