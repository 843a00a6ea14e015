using FastNode.Protocol;
using FastNode.Server.Blocking;
using FastNode.Server.Storage;
using FastNode.Server.Storage.SortedSets;

using Ev = FastNode.Server.PubSub.KeyspaceEventClass;
namespace FastNode.Server.Commands.SortedSets;

/// <summary>
/// ZPOPMIN/ZPOPMAX, ZMPOP and their blocking forms BZPOPMIN/BZPOPMAX/BZMPOP. The keys are looked at in argument
/// order: missing keys are skipped, the first key of another type is an error, the first set is popped. When every
/// key is missing the blocking forms queue a <see cref="SortedSetWaiter"/> (inside EXEC they time out at once).
/// </summary>
public static class SortedSetPopCommands
{
    public static void ZPopMin(ref CommandContext ctx) => Pop(ref ctx, max: false);

    public static void ZPopMax(ref CommandContext ctx) => Pop(ref ctx, max: true);

    /// <summary>ZPOPMIN key [count]: flat [member, score] without a count; with one, pairs in RESP3.</summary>
    private static void Pop(ref CommandContext ctx, bool max)
    {
        if (ctx.Args.Count > 3)
        {
            ctx.Writer.WriteError(RespErrors.Syntax);
            return;
        }
        long count = 1;
        if (ctx.Args.Count == 3 && (!Numbers.TryParseInt64(ctx.Args[2], out count) || count < 0))
        {
            ctx.Writer.WriteError(RespErrors.CountNotPositive);
            return;
        }
        using var k = ctx.Open(ctx.Args[1], Lookup.Write);
        var z = k.Get<SortedSetValue>(ValueKind.SortedSet, out bool wrongType);
        if (wrongType)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        if (z is null || count == 0)
        {
            ctx.Writer.WriteRaw(RespReplies.EmptyArray);
            return;
        }
        var shape = ctx.Args.Count == 3 ? SortedSetReplies.PopShape.WithScores : SortedSetReplies.PopShape.Flat;
        SortedSetReplies.Pop(ref ctx.Writer, z, count, max, shape);
        NotifyPopped(ref ctx, ctx.Args[1], max, k.DeleteIfEmpty(z));
    }

    /// <summary>ZMPOP numkeys key [key ...] MIN|MAX [COUNT count].</summary>
    public static void ZMPop(ref CommandContext ctx)
    {
        if (!TryParseMPop(ref ctx, 1, out int firstKey, out int keyCount, out bool max, out long count)) return;
        PopFirst(ref ctx, firstKey, keyCount, max, count, multiPop: true, block: false, deadlineMs: 0);
    }

    /// <summary>BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count].</summary>
    public static void BZMPop(ref CommandContext ctx)
    {
        if (!TryParseTimeout(ref ctx, ctx.Args[1], out long deadlineMs)) return;
        if (!TryParseMPop(ref ctx, 2, out int firstKey, out int keyCount, out bool max, out long count)) return;
        PopFirst(ref ctx, firstKey, keyCount, max, count, multiPop: true, block: true, deadlineMs);
    }

    public static void BZPopMin(ref CommandContext ctx) => BlockingPop(ref ctx, max: false);

    public static void BZPopMax(ref CommandContext ctx) => BlockingPop(ref ctx, max: true);

    /// <summary>BZPOPMIN key [key ...] timeout: [key, member, score], or a nil array on timeout.</summary>
    private static void BlockingPop(ref CommandContext ctx, bool max)
    {
        if (!TryParseTimeout(ref ctx, ctx.Args[ctx.Args.Count - 1], out long deadlineMs)) return;
        PopFirst(ref ctx, 1, ctx.Args.Count - 2, max, 1, multiPop: false, block: true, deadlineMs);
    }

    private static bool TryParseTimeout(ref CommandContext ctx, ReadOnlySpan<byte> text, out long deadlineMs)
    {
        var result = ScoreParser.TryParseTimeout(text, ctx.NowMs, out deadlineMs);
        if (result == ScoreParser.TimeoutResult.Ok) return true;
        ctx.Writer.WriteError(result == ScoreParser.TimeoutResult.NotFloat ? RespErrors.TimeoutNotFloat : RespErrors.TimeoutNegative);
        return false;
    }

    /// <summary>numkeys, the keys, MIN|MAX and an optional COUNT, from <paramref name="numKeysIndex"/> on (Redis zmpopGenericCommand).</summary>
    private static bool TryParseMPop(ref CommandContext ctx, int numKeysIndex, out int firstKey, out int keyCount, out bool max, out long count)
    {
        firstKey = numKeysIndex + 1;
        keyCount = 0;
        max = false;
        count = -1;
        if (!Numbers.TryParseInt64(ctx.Args[numKeysIndex], out long numKeys) || numKeys < 1)
        {
            ctx.Writer.WriteError(RespErrors.NumKeysNotPositive);
            return false;
        }
        long whereIndex = numKeysIndex + numKeys + 1;
        if (whereIndex >= ctx.Args.Count)
        {
            ctx.Writer.WriteError(RespErrors.Syntax);
            return false;
        }
        keyCount = (int)numKeys;
        var where = ctx.Args[(int)whereIndex];
        if (Ascii.EqualsIgnoreCase(where, "MAX"u8)) max = true;
        else if (!Ascii.EqualsIgnoreCase(where, "MIN"u8))
        {
            ctx.Writer.WriteError(RespErrors.Syntax);
            return false;
        }
        for (int a = (int)whereIndex + 1; a < ctx.Args.Count; a++)
        {
            if (count == -1 && a + 1 < ctx.Args.Count && Ascii.EqualsIgnoreCase(ctx.Args[a], "COUNT"u8))
            {
                a++;
                if (!Numbers.TryParseInt64(ctx.Args[a], out count) || count < 1)
                {
                    ctx.Writer.WriteError(SortedSetErrors.CountNotPositive);
                    return false;
                }
            }
            else
            {
                ctx.Writer.WriteError(RespErrors.Syntax);
                return false;
            }
        }
        if (count == -1) count = 1;
        return true;
    }

    /// <summary>
    /// Pops from the first of the keys that holds a set; when none does, blocks (or answers nil). The reply, WATCH and
    /// blocking the session come after the keys' shard locks are released.
    /// </summary>
    private static void PopFirst(ref CommandContext ctx, int firstKey, int keyCount, bool max, long count, bool multiPop, bool block, long deadlineMs)
    {
        int popped = PopOrQueue(ref ctx, firstKey, keyCount, max, count, multiPop, block, deadlineMs, out var waiter);
        if (popped >= 0)
        {
            // ZMPOP/BZMPOP have no fixed key positions (first key 0), so the dispatcher cannot tell WATCH.
            if (multiPop && ctx.Server.Watches.Active) ctx.Server.Watches.Touch(ctx.Session.DbIndex, ctx.Args[popped]);
        }
        else if (waiter is not null) ctx.Session.Block(waiter);
        else if (popped == NothingPopped)
        {
            ctx.SkipPropagation();
            ctx.Writer.WriteNullArray();
        }
    }

    private const int NothingPopped = -1, WrongTypeWritten = -2;

    /// <summary>
    /// With all the keys' shards locked together (so a waiter is queued atomically with finding them all empty): pops
    /// from the first key holding a set and returns its argument index; else queues a waiter when asked to block
    /// (not inside EXEC) and returns <see cref="NothingPopped"/>; <see cref="WrongTypeWritten"/> after a WRONGTYPE.
    /// </summary>
    private static int PopOrQueue(ref CommandContext ctx, int firstKey, int keyCount, bool max, long count, bool multiPop, bool block,
        long deadlineMs, out SortedSetWaiter? waiter)
    {
        waiter = null;
        var db = ctx.Db;
        Span<ulong> bits = stackalloc ulong[MultiShardLock.WordsFor(db)];
        using var locks = new MultiShardLock(db, bits);
        for (int a = firstKey; a < firstKey + keyCount; a++) locks.Add(KeyHasher.Hash(ctx.Args[a]));
        locks.EnterAll();
        for (int a = firstKey; a < firstKey + keyCount; a++)
        {
            using var k = ctx.Open(ctx.Args[a], Lookup.Write);
            var z = k.Get<SortedSetValue>(ValueKind.SortedSet, out bool wrongType);
            if (wrongType)
            {
                ctx.Writer.WriteError(RespErrors.WrongType);
                return WrongTypeWritten;
            }
            if (z is null) continue;
            if (ctx.Propagating)
            {
                // ZMPOP and the blocking forms propagate as the ZPOPMIN/ZPOPMAX they performed.
                var record = new FastNode.Server.Persistence.ChangeRecord(3);
                record.Add(max ? "ZPOPMAX"u8 : "ZPOPMIN"u8);
                record.Add(k.Key);
                record.Add(multiPop ? Math.Min(count, z.Count) : 1);
                ctx.Emit(ref record);
            }
            WritePopped(ref ctx, k.Key, z, max, count, multiPop);
            NotifyPopped(ref ctx, ctx.Args[a], max, k.DeleteIfEmpty(z));
            return a;
        }
        if (block && !ctx.Session.InExec)
        {
            var keys = new byte[keyCount][];
            for (int i = 0; i < keyCount; i++) keys[i] = ctx.Args[firstKey + i].ToArray();
            var waiters = SortedSetWaiters.For(db);
            waiter = new SortedSetWaiter(waiters, keys, max, count, multiPop, deadlineMs);
            waiters.Enqueue(waiter);
        }
        return NothingPopped;
    }

    private static void NotifyPopped(ref CommandContext ctx, ReadOnlySpan<byte> key, bool max, bool keyDeleted)
    {
        ctx.Notify(Ev.SortedSet, max ? "zpopmax"u8 : "zpopmin"u8, key);
        if (keyDeleted) ctx.Notify(Ev.Generic, "del"u8, key);
    }

    private static void WritePopped(ref CommandContext ctx, ReadOnlySpan<byte> key, SortedSetValue z, bool max, long count, bool multiPop)
    {
        if (multiPop)
        {
            ctx.Writer.WriteArrayHeader(2);
            ctx.Writer.WriteBulkString(key);
            SortedSetReplies.Pop(ref ctx.Writer, z, count, max, SortedSetReplies.PopShape.Nested);
            return;
        }
        ctx.Writer.WriteArrayHeader(3);
        ctx.Writer.WriteBulkString(key);
        var position = z.AtRank(max ? z.Count - 1 : 0);
        ctx.Writer.WriteBulkString(z.MemberAt(position));
        ctx.Writer.WriteDouble(z.ScoreAt(position));
        z.RemoveRankRange(max ? z.Count - 1 : 0, max ? z.Count - 1 : 0);
    }
}
