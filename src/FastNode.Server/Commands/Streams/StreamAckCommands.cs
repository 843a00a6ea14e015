using FastNode.Protocol;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Streams;
using Ev = FastNode.Server.PubSub.KeyspaceEventClass;

namespace FastNode.Server.Commands.Streams;

/// <summary>
/// XACK, XPENDING, XCLAIM and XAUTOCLAIM. XCLAIM and XAUTOCLAIM never propagate as called: each entry they claim (or
/// drop from the PEL because it was deleted) goes out as an idempotent XCLAIM ... FORCE JUSTID, as in Redis 7.0.
/// </summary>
public static class StreamAckCommands
{
    public static void XAck(ref CommandContext ctx)
    {
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        var s = k.Get<StreamValue>(ValueKind.Stream, out bool wrongType);
        if (wrongType)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        var g = s?.FindGroup(ctx.Args[2]);
        if (g is null)
        {
            ctx.SkipPropagation();
            ctx.Writer.WriteRaw(RespReplies.Zero);
            return;
        }
        for (int i = 3; i < ctx.Args.Count; i++)
        {
            if (!StreamId.TryParse(ctx.Args[i], 0, false, false, out _, out _))
            {
                ctx.Writer.WriteError(StreamErrors.InvalidId);
                return;
            }
        }
        long acked = 0;
        for (int i = 3; i < ctx.Args.Count; i++)
        {
            StreamId.TryParse(ctx.Args[i], 0, false, false, out var id, out _);
            if (g.Acknowledge(id)) acked++;
        }
        if (acked == 0) ctx.SkipPropagation();
        ctx.Writer.WriteInteger(acked);
    }

    public static void XPending(ref CommandContext ctx)
    {
        int argc = ctx.Args.Count;
        if (argc != 3 && (argc < 6 || argc > 9))
        {
            ctx.Writer.WriteError(RespErrors.Syntax);
            return;
        }
        long count = 0, minIdle = 0;
        StreamId start = default, end = default;
        int consumerArg = 0;
        if (argc >= 6)
        {
            int startIndex = 3;
            if (Ascii.EqualsIgnoreCase(ctx.Args[3], "IDLE"u8))
            {
                if (!Numbers.TryParseInt64(ctx.Args[4], out minIdle))
                {
                    ctx.Writer.WriteError(RespErrors.NotInteger);
                    return;
                }
                if (argc < 8)
                {
                    ctx.Writer.WriteError(RespErrors.Syntax);
                    return;
                }
                startIndex += 2;
            }
            if (!Numbers.TryParseInt64(ctx.Args[startIndex + 2], out count))
            {
                ctx.Writer.WriteError(RespErrors.NotInteger);
                return;
            }
            if (count < 0) count = 0;
            if (!TryParseInterval(ref ctx, ctx.Args[startIndex], ctx.Args[startIndex + 1], out start, out end)) return;
            if (startIndex + 3 < argc) consumerArg = startIndex + 3;
        }
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        var s = k.Get<StreamValue>(ValueKind.Stream, out bool wrongType);
        if (wrongType)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        var g = s?.FindGroup(ctx.Args[2]);
        if (g is null)
        {
            ctx.Writer.WriteError(StreamErrors.NoKeyOrGroup(ctx.Args[1], ctx.Args[2]));
            return;
        }
        if (argc == 3) WriteSummary(ref ctx.Writer, g);
        else WriteExtended(ref ctx, g, start, end, count, minIdle, consumerArg);
    }

    /// <summary>An XPENDING / XAUTOCLAIM bound pair, with "(" exclusive forms.</summary>
    internal static bool TryParseInterval(ref CommandContext ctx, ReadOnlySpan<byte> startText, ReadOnlySpan<byte> endText,
        out StreamId start, out StreamId end)
    {
        end = default;
        if (!TryParseBound(ref ctx, startText, 0, out start, out bool exclusive)) return false;
        if (exclusive && !start.TryIncrement(out start))
        {
            ctx.Writer.WriteError(StreamErrors.InvalidStart);
            return false;
        }
        if (endText.IsEmpty) return true;
        if (!TryParseBound(ref ctx, endText, ulong.MaxValue, out end, out exclusive)) return false;
        if (exclusive && !end.TryDecrement(out end))
        {
            ctx.Writer.WriteError(StreamErrors.InvalidEnd);
            return false;
        }
        return true;
    }

    private static bool TryParseBound(ref CommandContext ctx, ReadOnlySpan<byte> text, ulong missingSeq, out StreamId id, out bool exclusive)
    {
        exclusive = text.Length > 1 && text[0] == (byte)'(';
        if (exclusive) text = text.Slice(1);
        if (StreamId.TryParse(text, missingSeq, allowSpecial: !exclusive, false, out id, out _)) return true;
        ctx.Writer.WriteError(StreamErrors.InvalidId);
        return false;
    }

    private static void WriteSummary(ref RespWriter w, StreamGroup g)
    {
        w.WriteArrayHeader(4);
        w.WriteInteger(g.Pending.Count);
        if (g.Pending.Count == 0)
        {
            w.WriteNullBulk();
            w.WriteNullBulk();
            w.WriteNullArray();
            return;
        }
        StreamReplies.WriteId(ref w, g.Pending.Min!.Id);
        StreamReplies.WriteId(ref w, g.Pending.Max!.Id);
        int withPending = 0;
        foreach (var c in g.Consumers) if (c.Pending.Count > 0) withPending++;
        w.WriteArrayHeader(withPending);
        foreach (var c in g.Consumers)
        {
            if (c.Pending.Count == 0) continue;
            w.WriteArrayHeader(2);
            w.WriteBulkString(c.Name);
            w.WriteBulkInteger(c.Pending.Count);
        }
    }

    private static void WriteExtended(ref CommandContext ctx, StreamGroup g, StreamId start, StreamId end, long count, long minIdle, int consumerArg)
    {
        var pel = g.Pending;
        if (consumerArg > 0)
        {
            var consumer = g.FindConsumer(ctx.Args[consumerArg]);
            if (consumer is null)
            {
                ctx.Writer.WriteArrayHeader(0);
                return;
            }
            pel = consumer.Pending;
        }
        long now = ctx.NowMs;
        var from = StreamReads.PendingFrom(pel, start);
        int n = 0;
        if (from is not null && count > 0)
        {
            foreach (var e in from)
            {
                if (e.Id > end || n == count) break;
                if (minIdle != 0 && now - e.DeliveryTime < minIdle) continue;
                n++;
            }
        }
        ctx.Writer.WriteArrayHeader(n);
        if (n == 0) return;
        int written = 0;
        foreach (var e in from!)
        {
            if (written == n) break;
            if (minIdle != 0 && now - e.DeliveryTime < minIdle) continue;
            written++;
            ctx.Writer.WriteArrayHeader(4);
            StreamReplies.WriteId(ref ctx.Writer, e.Id);
            ctx.Writer.WriteBulkString(e.Consumer.Name);
            ctx.Writer.WriteInteger(Math.Max(0, now - e.DeliveryTime));
            ctx.Writer.WriteInteger(e.DeliveryCount);
        }
    }

    public static void XClaim(ref CommandContext ctx)
    {
        ctx.SkipPropagation();
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        var s = k.Get<StreamValue>(ValueKind.Stream, out bool wrongType);
        if (wrongType)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        var g = s?.FindGroup(ctx.Args[2]);
        if (g is null)
        {
            ctx.Writer.WriteError(StreamErrors.NoKeyOrGroup(ctx.Args[1], ctx.Args[2]));
            return;
        }
        if (!Numbers.TryParseInt64(ctx.Args[4], out long minIdle))
        {
            ctx.Writer.WriteError("ERR Invalid min-idle-time argument for XCLAIM"u8);
            return;
        }
        if (minIdle < 0) minIdle = 0;
        int j = 5;
        while (j < ctx.Args.Count && StreamId.TryParse(ctx.Args[j], 0, false, false, out _, out _)) j++;
        int lastIdArg = j - 1;
        long now = ctx.NowMs, retryCount = -1, deliveryTime = -1;
        bool force = false, justId = false;
        var lastId = StreamId.Min;
        for (; j < ctx.Args.Count; j++)
        {
            bool more = j + 1 < ctx.Args.Count;
            var opt = ctx.Args[j];
            if (Ascii.EqualsIgnoreCase(opt, "FORCE"u8)) force = true;
            else if (Ascii.EqualsIgnoreCase(opt, "JUSTID"u8)) justId = true;
            else if (more && Ascii.EqualsIgnoreCase(opt, "IDLE"u8))
            {
                if (!Numbers.TryParseInt64(ctx.Args[++j], out deliveryTime))
                {
                    ctx.Writer.WriteError("ERR Invalid IDLE option argument for XCLAIM"u8);
                    return;
                }
                deliveryTime = now - deliveryTime;
            }
            else if (more && Ascii.EqualsIgnoreCase(opt, "TIME"u8))
            {
                if (!Numbers.TryParseInt64(ctx.Args[++j], out deliveryTime))
                {
                    ctx.Writer.WriteError("ERR Invalid TIME option argument for XCLAIM"u8);
                    return;
                }
            }
            else if (more && Ascii.EqualsIgnoreCase(opt, "RETRYCOUNT"u8))
            {
                if (!Numbers.TryParseInt64(ctx.Args[++j], out retryCount))
                {
                    ctx.Writer.WriteError("ERR Invalid RETRYCOUNT option argument for XCLAIM"u8);
                    return;
                }
            }
            else if (more && Ascii.EqualsIgnoreCase(opt, "LASTID"u8))
            {
                if (!StreamId.TryParse(ctx.Args[++j], 0, false, false, out lastId, out _))
                {
                    ctx.Writer.WriteError(StreamErrors.InvalidId);
                    return;
                }
            }
            else
            {
                ctx.Writer.WriteError($"ERR Unrecognized XCLAIM option '{ErrorText.Text(opt)}'");
                return;
            }
        }
        bool propagateLastId = false;
        if (lastId > g.LastId)
        {
            g.LastId = lastId;
            propagateLastId = true;
        }
        if (deliveryTime == -1 || deliveryTime < 0 || deliveryTime > now) deliveryTime = now;

        var sink = StreamRecordSink.ForCommand(ref ctx);
        var scratch = ReplyScratch.Take();
        var w = new RespWriter(scratch, ctx.Writer.Resp3);
        StreamConsumer? consumer = null;
        int claimed = 0;
        for (int i = 5; i <= lastIdArg; i++)
        {
            StreamId.TryParse(ctx.Args[i], 0, false, false, out var id, out _);
            g.PendingIndex.TryGetValue(id, out var pending);
            var it = new StreamIterator(s!, id, id, reverse: false);
            if (!it.MoveNext())
            {
                // The entry was deleted: its PEL entry goes too.
                if (pending is not null)
                {
                    if (sink.Active) StreamReads.EmitClaim(in sink, ctx.Args[1], g, pending);
                    propagateLastId = false;
                    g.Acknowledge(id);
                }
                continue;
            }
            bool forced = false;
            if (force && pending is null)
            {
                consumer ??= Consumer(ref ctx, g, now);
                pending = g.AddPending(id, consumer, now, 1);
                forced = true;
            }
            if (pending is null) continue;
            if (!forced && minIdle != 0 && now - pending.DeliveryTime < minIdle) continue;
            consumer ??= Consumer(ref ctx, g, now);
            StreamGroup.Transfer(pending, consumer);
            pending.DeliveryTime = deliveryTime;
            if (retryCount >= 0) pending.DeliveryCount = retryCount;
            else if (!justId) pending.DeliveryCount++;
            if (justId) StreamReplies.WriteId(ref w, id);
            else StreamReplies.WriteEntry(ref w, ref it);
            claimed++;
            if (sink.Active) StreamReads.EmitClaim(in sink, ctx.Args[1], g, pending);
            propagateLastId = false;
        }
        if (propagateLastId && sink.Active) StreamReads.EmitSetId(in sink, ctx.Args[1], g);
        w.Commit();
        ctx.Writer.WriteArrayHeader(claimed);
        ctx.Writer.WriteRaw(scratch.Written);
    }

    private static StreamConsumer Consumer(ref CommandContext ctx, StreamGroup g, long now)
    {
        var consumer = g.GetOrAddConsumer(ctx.Args[3], now, out bool created);
        consumer.SeenTime = now;
        if (created) ctx.Notify(Ev.Stream, "xgroup-createconsumer"u8, ctx.Args[1]);
        return consumer;
    }

    public static void XAutoClaim(ref CommandContext ctx)
    {
        ctx.SkipPropagation();
        if (!Numbers.TryParseInt64(ctx.Args[4], out long minIdle))
        {
            ctx.Writer.WriteError("ERR Invalid min-idle-time argument for XAUTOCLAIM"u8);
            return;
        }
        if (minIdle < 0) minIdle = 0;
        if (!TryParseInterval(ref ctx, ctx.Args[5], default, out var start, out _)) return;
        long count = 100;
        bool justId = false;
        for (int j = 6; j < ctx.Args.Count; j++)
        {
            bool more = j + 1 < ctx.Args.Count;
            if (more && Ascii.EqualsIgnoreCase(ctx.Args[j], "COUNT"u8))
            {
                // Redis caps COUNT so that count × 10 attempts and the deleted-ID buffer cannot overflow.
                if (!Numbers.TryParseInt64(ctx.Args[++j], out count) || count < 1 || count > long.MaxValue / 16)
                {
                    ctx.Writer.WriteError(StreamErrors.CountNotPositive);
                    return;
                }
            }
            else if (Ascii.EqualsIgnoreCase(ctx.Args[j], "JUSTID"u8)) justId = true;
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
        var g = s?.FindGroup(ctx.Args[2]);
        if (g is null)
        {
            ctx.Writer.WriteError(StreamErrors.NoKeyOrGroup(ctx.Args[1], ctx.Args[2]));
            return;
        }
        long attempts = count * 10;
        // The candidates are taken out of the PEL first: claiming and dropping change it.
        var candidates = new List<PendingEntry>();
        var from = StreamReads.PendingFrom(g.Pending, start);
        StreamId cursor = StreamId.Min;
        if (from is not null)
        {
            foreach (var e in from)
            {
                if (candidates.Count == attempts || candidates.Count == count * 10)
                {
                    cursor = e.Id;
                    break;
                }
                candidates.Add(e);
            }
        }
        long now = ctx.NowMs;
        var sink = StreamRecordSink.ForCommand(ref ctx);
        var scratch = ReplyScratch.Take();
        var w = new RespWriter(scratch, ctx.Writer.Resp3);
        var deleted = new List<StreamId>();
        StreamConsumer? consumer = null;
        int claimed = 0, examined = 0;
        foreach (var e in candidates)
        {
            if (count == 0) break;
            examined++;
            var it = new StreamIterator(s!, e.Id, e.Id, reverse: false);
            if (!it.MoveNext())
            {
                if (sink.Active) StreamReads.EmitClaim(in sink, ctx.Args[1], g, e);
                g.Acknowledge(e.Id);
                deleted.Add(e.Id);
                count--;
                continue;
            }
            if (minIdle != 0 && now - e.DeliveryTime < minIdle) continue;
            consumer ??= Consumer(ref ctx, g, now);
            StreamGroup.Transfer(e, consumer);
            e.DeliveryTime = now;
            if (!justId) e.DeliveryCount++;
            if (justId) StreamReplies.WriteId(ref w, e.Id);
            else StreamReplies.WriteEntry(ref w, ref it);
            claimed++;
            count--;
            if (sink.Active) StreamReads.EmitClaim(in sink, ctx.Args[1], g, e);
        }
        // The cursor is the PEL entry after the last one examined (0-0 once the PEL is exhausted).
        if (examined < candidates.Count) cursor = candidates[examined].Id;
        w.Commit();
        ctx.Writer.WriteArrayHeader(3);
        StreamReplies.WriteId(ref ctx.Writer, cursor);
        ctx.Writer.WriteArrayHeader(claimed);
        ctx.Writer.WriteRaw(scratch.Written);
        ctx.Writer.WriteArrayHeader(deleted.Count);
        foreach (var id in deleted) StreamReplies.WriteId(ref ctx.Writer, id);
    }
}
