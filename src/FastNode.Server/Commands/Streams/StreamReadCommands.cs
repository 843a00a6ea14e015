using FastNode.Protocol;
using FastNode.Server.Blocking;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Streams;
using Ev = FastNode.Server.PubSub.KeyspaceEventClass;

namespace FastNode.Server.Commands.Streams;

/// <summary>
/// XRANGE, XREVRANGE, XREAD and XREADGROUP. The readers check their options, then every key (type, group, ID) in
/// Redis 7.0's order, with all the keys' shards locked together so that a reader that finds nothing is queued before
/// any entry can arrive. With BLOCK and nothing to read they block (<see cref="StreamWaiter"/>); inside EXEC they
/// answer as a timeout would.
/// </summary>
public static class StreamReadCommands
{
    /// <summary>Redis's XREAD_BLOCKED_DEFAULT_COUNT: a blocked reader without COUNT gets at most this many per stream.</summary>
    private const long BlockedDefaultCount = 1000;

    public static void XRange(ref CommandContext ctx) => Range(ref ctx, reverse: false);

    public static void XRevRange(ref CommandContext ctx) => Range(ref ctx, reverse: true);

    private static void Range(ref CommandContext ctx, bool reverse)
    {
        var startArg = ctx.Args[reverse ? 3 : 2];
        var endArg = ctx.Args[reverse ? 2 : 3];
        if (!TryParseIntervalId(ref ctx, startArg, 0, out var start, out bool startExclusive)) return;
        if (startExclusive && !start.TryIncrement(out start))
        {
            ctx.Writer.WriteError(StreamErrors.InvalidStart);
            return;
        }
        if (!TryParseIntervalId(ref ctx, endArg, ulong.MaxValue, out var end, out bool endExclusive)) return;
        if (endExclusive && !end.TryDecrement(out end))
        {
            ctx.Writer.WriteError(StreamErrors.InvalidEnd);
            return;
        }
        long count = -1;
        for (int i = 4; i < ctx.Args.Count; i++)
        {
            if (Ascii.EqualsIgnoreCase(ctx.Args[i], "COUNT"u8) && i + 1 < ctx.Args.Count)
            {
                if (!Numbers.TryParseInt64(ctx.Args[++i], out count))
                {
                    ctx.Writer.WriteError(RespErrors.NotInteger);
                    return;
                }
                if (count < 0) count = 0;
            }
            else
            {
                ctx.Writer.WriteError(RespErrors.Syntax);
                return;
            }
        }
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        var s = k.Get<StreamValue>(ValueKind.Stream, out bool wrongType);
        if (wrongType)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        if (s is null)
        {
            ctx.Writer.WriteArrayHeader(0);
            return;
        }
        if (count == 0)
        {
            ctx.Writer.WriteNullArray();
            return;
        }
        StreamReplies.WriteRange(ref ctx.Writer, s, start, end, count < 0 ? 0 : count, reverse);
    }

    /// <summary>An XRANGE bound: "-", "+", an ID (a missing sequence is <paramref name="missingSeq"/>), or "(" and an ID.</summary>
    private static bool TryParseIntervalId(ref CommandContext ctx, ReadOnlySpan<byte> text, ulong missingSeq, out StreamId id, out bool exclusive)
    {
        exclusive = text.Length > 1 && text[0] == (byte)'(';
        if (exclusive) text = text.Slice(1);
        if (StreamId.TryParse(text, missingSeq, allowSpecial: !exclusive, false, out id, out _)) return true;
        ctx.Writer.WriteError(StreamErrors.InvalidId);
        return false;
    }

    public static void XRead(ref CommandContext ctx) => Read(ref ctx, group: false);

    public static void XReadGroup(ref CommandContext ctx) => Read(ref ctx, group: true);

    private static void Read(ref CommandContext ctx, bool group)
    {
        long deadline = -1, count = 0;
        int streamsArg = 0, streamCount = 0, groupArg = 0;
        bool noAck = false;
        for (int i = 1; i < ctx.Args.Count; i++)
        {
            int more = ctx.Args.Count - i - 1;
            var o = ctx.Args[i];
            if (Ascii.EqualsIgnoreCase(o, "BLOCK"u8) && more > 0)
            {
                if (!TryParseBlock(ref ctx, ctx.Args[++i], out deadline)) return;
            }
            else if (Ascii.EqualsIgnoreCase(o, "COUNT"u8) && more > 0)
            {
                if (!Numbers.TryParseInt64(ctx.Args[++i], out count))
                {
                    ctx.Writer.WriteError(RespErrors.NotInteger);
                    return;
                }
                if (count < 0) count = 0;
            }
            else if (Ascii.EqualsIgnoreCase(o, "STREAMS"u8) && more > 0)
            {
                streamsArg = i + 1;
                streamCount = ctx.Args.Count - streamsArg;
                if ((streamCount & 1) != 0)
                {
                    ctx.Writer.WriteError(StreamErrors.Unbalanced(group));
                    return;
                }
                streamCount /= 2;
                break;
            }
            else if (Ascii.EqualsIgnoreCase(o, "GROUP"u8) && more >= 2)
            {
                if (!group)
                {
                    ctx.Writer.WriteError(StreamErrors.GroupOnlyXReadGroup);
                    return;
                }
                groupArg = i + 1;
                i += 2;
            }
            else if (Ascii.EqualsIgnoreCase(o, "NOACK"u8))
            {
                if (!group)
                {
                    ctx.Writer.WriteError(StreamErrors.NoAckOnlyXReadGroup);
                    return;
                }
                noAck = true;
            }
            else
            {
                ctx.Writer.WriteError(RespErrors.Syntax);
                return;
            }
        }
        if (streamsArg == 0)
        {
            ctx.Writer.WriteError(RespErrors.Syntax);
            return;
        }
        if (group && groupArg == 0)
        {
            ctx.Writer.WriteError(StreamErrors.MissingGroup);
            return;
        }
        var reader = new ReadRequest(streamsArg, streamCount, groupArg, count, noAck, deadline);
        var waiter = ReadOrQueue(ref ctx, in reader);
        if (waiter is not null) ctx.Session.Block(waiter);
    }

    private readonly record struct ReadRequest(int StreamsArg, int StreamCount, int GroupArg, long Count, bool NoAck, long Deadline)
    {
        public bool Group => GroupArg > 0;
    }

    /// <summary>BLOCK milliseconds: an integer, not negative; 0 waits forever. Returns the deadline (0 = none).</summary>
    private static bool TryParseBlock(ref CommandContext ctx, ReadOnlySpan<byte> text, out long deadline)
    {
        deadline = 0;
        if (!Numbers.TryParseInt64(text, out long ms))
        {
            ctx.Writer.WriteError(StreamErrors.TimeoutNotInteger);
            return false;
        }
        if (ms < 0)
        {
            ctx.Writer.WriteError(StreamErrors.TimeoutNegative);
            return false;
        }
        if (ms > 0)
        {
            if (ms > long.MaxValue - ctx.NowMs)
            {
                ctx.Writer.WriteError(StreamErrors.TimeoutOutOfRange);
                return false;
            }
            deadline = ctx.NowMs + ms;
        }
        return true;
    }

    private static StreamWaiter? ReadOrQueue(ref CommandContext ctx, in ReadRequest r)
    {
        var db = ctx.Db;
        Span<ulong> bits = stackalloc ulong[MultiShardLock.WordsFor(db)];
        using var locks = new MultiShardLock(db, bits);
        for (int i = 0; i < r.StreamCount; i++) locks.Add(KeyHasher.Hash(ctx.Args[r.StreamsArg + i]));
        locks.EnterAll();

        var ids = r.StreamCount <= 8 ? stackalloc StreamId[r.StreamCount] : new StreamId[r.StreamCount];
        var groupName = r.Group ? ctx.Args[r.GroupArg] : default;
        for (int i = 0; i < r.StreamCount; i++)
        {
            var key = ctx.Args[r.StreamsArg + i];
            var idArg = ctx.Args[r.StreamsArg + r.StreamCount + i];
            // Read lookups in both passes, as Redis's: a missing key is two keymiss events for XREAD.
            using var k = ctx.Open(key, Lookup.Read);
            var s = k.Get<StreamValue>(ValueKind.Stream, out bool wrongType);
            if (wrongType)
            {
                ctx.Writer.WriteError(RespErrors.WrongType);
                return null;
            }
            if (r.Group && (s is null || s.FindGroup(groupName) is null))
            {
                ctx.Writer.WriteError(StreamErrors.NoGroupRead(key, groupName));
                return null;
            }
            if (idArg.Length == 1 && idArg[0] == (byte)'$')
            {
                if (r.Group)
                {
                    ctx.Writer.WriteError(StreamErrors.DollarInXReadGroup);
                    return null;
                }
                ids[i] = s?.LastId ?? StreamId.Min;
            }
            else if (idArg.Length == 1 && idArg[0] == (byte)'>')
            {
                if (!r.Group)
                {
                    ctx.Writer.WriteError(StreamErrors.GreaterOnlyXReadGroup);
                    return null;
                }
                ids[i] = StreamId.Max;
            }
            else if (!StreamId.TryParse(idArg, 0, false, false, out ids[i], out _))
            {
                ctx.Writer.WriteError(StreamErrors.InvalidId);
                return null;
            }
        }

        // Served keys are rendered first: the reply's length (streams served) is known only at the end.
        var scratch = ReplyScratch.Take();
        var w = new RespWriter(scratch, ctx.Writer.Resp3);
        var sink = StreamRecordSink.ForCommand(ref ctx);
        int served = 0;
        for (int i = 0; i < r.StreamCount; i++)
        {
            var key = ctx.Args[r.StreamsArg + i];
            using var k = ctx.Open(key, Lookup.Read);
            var s = k.Get<StreamValue>(ValueKind.Stream, out _);
            if (s is null) continue;
            if (r.Group)
            {
                var g = s.FindGroup(groupName)!;
                bool history = ids[i] != StreamId.Max;
                if (!history && (s.Length == 0 || s.EdgeId(first: false, skipTombstones: true) <= g.LastId)) continue;
                var consumer = g.GetOrAddConsumer(ctx.Args[r.GroupArg + 1], ctx.NowMs, out bool created);
                consumer.SeenTime = ctx.NowMs;
                if (created) ctx.Notify(Ev.Stream, "xgroup-createconsumer"u8, key);
                if (history)
                {
                    ids[i].TryIncrement(out var start);
                    StreamReads.WriteGroupHistory(ref w, key, s, consumer, start, r.Count, ctx.NowMs);
                }
                else StreamReads.WriteGroupNew(ref w, key, s, g, consumer, r.Count, r.NoAck, ctx.NowMs, in sink);
            }
            else
            {
                if (s.Length == 0 || s.EdgeId(first: false, skipTombstones: true) <= ids[i]) continue;
                StreamReads.WriteAfter(ref w, key, s, ids[i], r.Count);
            }
            served++;
        }
        if (r.Group)
        {
            ctx.SkipPropagation();
            // No fixed key positions (first key 0), so the dispatcher cannot tell WATCH: a group read changes the stream.
            if (served > 0 && ctx.Server.Watches.Active)
            {
                for (int i = 0; i < r.StreamCount; i++) ctx.Server.Watches.Touch(ctx.Session.DbIndex, ctx.Args[r.StreamsArg + i]);
            }
        }
        if (served > 0)
        {
            w.Commit();
            if (ctx.Writer.Resp3) ctx.Writer.WriteMapHeader(served);
            else ctx.Writer.WriteArrayHeader(served);
            ctx.Writer.WriteRaw(scratch.Written);
            return null;
        }
        if (r.Deadline < 0 || ctx.Session.InExec)
        {
            ctx.Writer.WriteNullArray();
            return null;
        }
        var keys = new byte[r.StreamCount][];
        for (int i = 0; i < r.StreamCount; i++) keys[i] = ctx.Args[r.StreamsArg + i].ToArray();
        var waiters = StreamWaiters.For(db);
        var waiter = new StreamWaiter(waiters, keys, ids.ToArray(), r.Count > 0 ? r.Count : BlockedDefaultCount,
            r.Group ? groupName.ToArray() : null, r.Group ? ctx.Args[r.GroupArg + 1].ToArray() : null, r.NoAck, ctx.Writer.Resp3, r.Deadline);
        waiters.Enqueue(waiter);
        return waiter;
    }
}
