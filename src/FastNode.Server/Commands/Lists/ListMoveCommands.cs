using FastNode.Protocol;
using FastNode.Server.Blocking;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Lists;

using Ev = FastNode.Server.PubSub.KeyspaceEventClass;
namespace FastNode.Server.Commands.Lists;

/// <summary>
/// LMOVE, RPOPLPUSH and LMPOP, plus the cores their blocking forms share (<see cref="Move"/>, <see cref="MultiPop"/>):
/// with nothing to pop, a blocking form registers its waiter under the same shard locks it checked the keys with,
/// so a push that follows is sure to see it.
/// </summary>
public static class ListMoveCommands
{
    public static void LMove(ref CommandContext ctx)
    {
        if (!ListArgs.TryParseEnd(ctx.Args[3], out var from) || !ListArgs.TryParseEnd(ctx.Args[4], out var to))
        {
            ctx.Writer.WriteError(RespErrors.Syntax);
            return;
        }
        Move(ref ctx, from, to, block: false, deadlineMs: 0);
    }

    public static void RPopLPush(ref CommandContext ctx) => Move(ref ctx, ListEnd.Right, ListEnd.Left, block: false, deadlineMs: 0);

    public static void LMPop(ref CommandContext ctx)
    {
        if (!ListArgs.TryParseMultiPop(ref ctx, 1, out int keyCount, out var where, out long count)) return;
        MultiPop(ref ctx, 2, keyCount, where, count, block: false, deadlineMs: 0);
    }

    /// <summary>
    /// Moves one element from Args[1] to Args[2] and replies with it; nil when the source is missing, unless
    /// <paramref name="block"/> (and not inside EXEC): then the client waits for the source.
    /// </summary>
    internal static void Move(ref CommandContext ctx, ListEnd from, ListEnd to, bool block, long deadlineMs)
    {
        var source = ctx.Args[1];
        var destination = ctx.Args[2];
        ulong sourceHash = KeyHasher.Hash(source);
        ulong destinationHash = KeyHasher.Hash(destination);
        var db = ctx.Db;
        Span<ulong> bits = stackalloc ulong[MultiShardLock.WordsFor(db)];
        {
            // A block of its own: the locks must be released before the second ServeReady.
            using var locks = new MultiShardLock(db, bits);
            locks.Add(sourceHash);
            locks.Add(destinationHash);
            locks.EnterAll();
            using var src = db.Open(sourceHash, source, ctx.NowMs, Lookup.Write);
            var list = src.Get<ListValue>(ValueKind.List, out bool wrongType);
            if (wrongType)
            {
                ctx.Writer.WriteError(RespErrors.WrongType);
                return;
            }
            if (list is null)
            {
                if (block && !ctx.Session.InExec) BlockOnSource(ref ctx, source, sourceHash, destination, destinationHash, from, to, deadlineMs);
                else
                {
                    ctx.SkipPropagation();
                    ctx.Writer.WriteNullBulk();
                }
                return;
            }

            bool sameKey = sourceHash == destinationHash && source.SequenceEqual(destination);
            if (sameKey)
            {
                if (ctx.Propagating) PropagateMove(ref ctx, source, destination, from, to);
                var element = list.Peek(from);
                ctx.Writer.WriteBulkString(element);
                if (from != to)
                {
                    var copy = element.ToArray();
                    list.Remove(from);
                    list.Push(to, copy);
                }
                NotifyMove(ref ctx, source, destination, from, to, sourceDeleted: false);
                return;
            }

            using var dst = db.Open(destinationHash, destination, ctx.NowMs, Lookup.Write);
            var target = dst.Get<ListValue>(ValueKind.List, out wrongType);
            if (wrongType)
            {
                ctx.Writer.WriteError(RespErrors.WrongType);
                return;
            }
            // Every form (RPOPLPUSH, BLMOVE, BRPOPLPUSH) propagates as the LMOVE it performed.
            if (ctx.Propagating) PropagateMove(ref ctx, source, destination, from, to);
            var moved = list.Peek(from);
            ctx.Writer.WriteBulkString(moved);
            target ??= dst.Add(ValueKind.List, new ListValue());
            target.Push(to, moved);
            list.Remove(from);
            NotifyMove(ref ctx, source, destination, from, to, src.DeleteIfEmpty(list));
            ListBlocking.SignalReady(ctx.Server, db, ctx.Session.DbIndex, destinationHash, destination);
            if (!ctx.Session.InExec) ListBlocking.ServeReady(lockHeld: true);
        }
        if (!ctx.Session.InExec) ListBlocking.ServeReady(lockHeld: false);
    }

    /// <summary>Blocks the client on the source of a BLMOVE/BRPOPLPUSH. Call with both keys' shards held.</summary>
    private static void BlockOnSource(ref CommandContext ctx, ReadOnlySpan<byte> source, ulong sourceHash, ReadOnlySpan<byte> destination,
        ulong destinationHash, ListEnd from, ListEnd to, long deadlineMs)
    {
        var waiter = new ListWaiter(ctx.Db, ctx.Session.DbIndex, ListWaitKind.Move, from, deadlineMs)
        {
            To = to,
            Destination = destination.ToArray(),
            DestinationHash = destinationHash,
        };
        waiter.Register(source, sourceHash);
        ctx.Session.Block(waiter);
    }

    /// <summary>
    /// Pops up to <paramref name="count"/> elements from the first non-empty list among the <paramref name="keyCount"/>
    /// keys from Args[<paramref name="firstKey"/>] and replies [key, [elements]]; a nil array when all are empty, unless
    /// <paramref name="block"/> (and not inside EXEC): then the client waits for any of them.
    /// Serves BLPOP/BRPOP too (<paramref name="single"/>: one element, replied [key, element]).
    /// </summary>
    internal static void MultiPop(ref CommandContext ctx, int firstKey, int keyCount, ListEnd where, long count, bool block,
        long deadlineMs, bool single = false)
    {
        var db = ctx.Db;
        Span<ulong> bits = stackalloc ulong[MultiShardLock.WordsFor(db)];
        using var locks = new MultiShardLock(db, bits);
        for (int a = 0; a < keyCount; a++) locks.Add(KeyHasher.Hash(ctx.Args[firstKey + a]));
        locks.EnterAll();
        for (int a = 0; a < keyCount; a++)
        {
            var key = ctx.Args[firstKey + a];
            using var k = db.Open(key, ctx.NowMs, Lookup.Write);
            var list = k.Get<ListValue>(ValueKind.List, out bool wrongType);
            if (wrongType)
            {
                ctx.Writer.WriteError(RespErrors.WrongType);
                return;
            }
            if (list is null) continue;
            // BLPOP/BRPOP propagate as LPOP/RPOP, LMPOP and BLMPOP as LPOP/RPOP with the count popped.
            if (ctx.Propagating) PropagatePop(ref ctx, key, where, single ? 0 : (int)Math.Min(count, list.Count));
            ctx.Writer.WriteArrayHeader(2);
            ctx.Writer.WriteBulkString(key);
            if (single)
            {
                ctx.Writer.WriteBulkString(list.Peek(where));
                list.Remove(where);
            }
            else
            {
                int n = (int)Math.Min(count, list.Count);
                ctx.Writer.WriteArrayHeader(n);
                for (int i = 0; i < n; i++)
                {
                    ctx.Writer.WriteBulkString(list.Peek(where));
                    list.Remove(where);
                }
                // LMPOP's keys are movable (not in the command table's key range): tell WATCH here.
                if (ctx.Server.Watches.Active) ctx.Server.Watches.Touch(ctx.Session.DbIndex, key);
            }
            ctx.Notify(Ev.List, where == ListEnd.Left ? "lpop"u8 : "rpop"u8, key);
            if (k.DeleteIfEmpty(list)) ctx.Notify(Ev.Generic, "del"u8, key);
            return;
        }

        if (!block || ctx.Session.InExec)
        {
            ctx.SkipPropagation();
            ctx.Writer.WriteNullArray();
            return;
        }
        var waiter = new ListWaiter(db, ctx.Session.DbIndex, single ? ListWaitKind.Pop : ListWaitKind.MultiPop, where, deadlineMs)
        {
            Count = count,
        };
        for (int a = 0; a < keyCount; a++)
        {
            var key = ctx.Args[firstKey + a];
            waiter.Register(key, KeyHasher.Hash(key));
        }
        ctx.Session.Block(waiter);
    }

    /// <summary>As Redis orders them: the push on the destination, the pop on the source, the source's deletion.</summary>
    private static void NotifyMove(ref CommandContext ctx, ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination,
        ListEnd from, ListEnd to, bool sourceDeleted)
    {
        ctx.Notify(Ev.List, to == ListEnd.Left ? "lpush"u8 : "rpush"u8, destination);
        ctx.Notify(Ev.List, from == ListEnd.Left ? "lpop"u8 : "rpop"u8, source);
        if (sourceDeleted) ctx.Notify(Ev.Generic, "del"u8, source);
    }

    private static void PropagateMove(ref CommandContext ctx, scoped ReadOnlySpan<byte> source, scoped ReadOnlySpan<byte> destination, ListEnd from, ListEnd to)
    {
        var record = new FastNode.Server.Persistence.ChangeRecord(5);
        record.Add("LMOVE"u8);
        record.Add(source);
        record.Add(destination);
        record.Add(from == ListEnd.Left ? "LEFT"u8 : "RIGHT"u8);
        record.Add(to == ListEnd.Left ? "LEFT"u8 : "RIGHT"u8);
        ctx.Emit(ref record);
    }

    /// <summary>LPOP or RPOP of the key, with <paramref name="count"/> when it is not 0.</summary>
    private static void PropagatePop(ref CommandContext ctx, scoped ReadOnlySpan<byte> key, ListEnd where, int count)
    {
        var record = new FastNode.Server.Persistence.ChangeRecord(count > 0 ? 3 : 2);
        record.Add(where == ListEnd.Left ? "LPOP"u8 : "RPOP"u8);
        record.Add(key);
        if (count > 0) record.Add(count);
        ctx.Emit(ref record);
    }
}
