using FastNode.Protocol;
using FastNode.Server.Blocking;
using FastNode.Server.Persistence;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Streams;
using Ev = FastNode.Server.PubSub.KeyspaceEventClass;

namespace FastNode.Server.Commands.Streams;

/// <summary>
/// XADD, XTRIM, XDEL, XLEN and XSETID. XADD and approximate trims propagate their effect (the ID generated, the trim
/// rewritten as an exact one), as Redis 7.0 does, so an AOF replay or a replica builds the same stream.
/// </summary>
public static class StreamWriteCommands
{
    public static void XAdd(ref CommandContext ctx)
    {
        if (!StreamTrimArgs.TryParse(ref ctx, xadd: true, StreamSettings.NodeMaxEntries, out var a)) return;
        int fieldPos = a.IdIndex + 1;
        int pairArgs = ctx.Args.Count - fieldPos;
        if (pairArgs < 2 || (pairArgs & 1) == 1)
        {
            ctx.Writer.WriteError(ErrorText.WrongArity(ctx.Command.FullName));
            return;
        }
        if (a.IdGiven && a.SeqGiven && a.Id.IsZero)
        {
            ctx.Writer.WriteError(StreamErrors.IdZero);
            return;
        }
        using var k = ctx.Open(ctx.Args[1], Lookup.Write);
        var s = k.Get<StreamValue>(ValueKind.Stream, out bool wrongType);
        if (wrongType)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        if (s is null && a.NoMkStream)
        {
            ctx.SkipPropagation();
            ctx.Writer.WriteNullBulk();
            return;
        }
        var last = s?.LastId ?? StreamId.Min;
        if (last == StreamId.Max)
        {
            ctx.Writer.WriteError(StreamErrors.Exhausted);
            return;
        }
        if (!TryNextId(ref ctx, in a, last, out var id)) return;
        long elementBytes = 0;
        for (int i = fieldPos; i < ctx.Args.Count; i++) elementBytes += ctx.Args[i].Length;
        if (elementBytes > StreamValue.MaxNodeBytes)
        {
            ctx.Writer.WriteError(StreamErrors.TooLarge);
            return;
        }
        s ??= k.Add(ValueKind.Stream, new StreamValue());
        s.Append(id, ctx.Args.Skip(fieldPos), StreamSettings.NodeMaxBytes, StreamSettings.NodeMaxEntries);
        StreamReplies.WriteId(ref ctx.Writer, id);
        ctx.Notify(Ev.Stream, "xadd"u8, ctx.Args[1]);
        if (a.Trims && s.Trim(a.ByMinId, a.MaxLength, a.MinId, a.Approximate, a.Limit) > 0) ctx.Notify(Ev.Stream, "xtrim"u8, ctx.Args[1]);
        if (ctx.Propagating && (!a.IdGiven || !a.SeqGiven || a.Approximate)) EmitRewritten(ref ctx, in a, s, id);
        StreamWaiters.Wake(ctx.Db, in k, s, ctx.NowMs, ctx.Session.InExec);
    }

    /// <summary>The ID of the new entry: generated from the clock, completed ("ms-*"), or as given (it must be larger).</summary>
    private static bool TryNextId(ref CommandContext ctx, scoped in StreamTrimArgs a, StreamId last, out StreamId id)
    {
        if (!a.IdGiven)
        {
            ulong now = (ulong)ctx.NowMs;
            if (now > last.Ms) id = new StreamId(now, 0);
            else if (!last.TryIncrement(out id))
            {
                ctx.Writer.WriteError(StreamErrors.Exhausted);
                return false;
            }
            return true;
        }
        id = a.Id;
        if (!a.SeqGiven && last.Ms == a.Id.Ms)
        {
            if (last.Seq == ulong.MaxValue)
            {
                ctx.Writer.WriteError(StreamErrors.IdNotGreater);
                return false;
            }
            id = new StreamId(last.Ms, last.Seq + 1);
        }
        if (id <= last)
        {
            ctx.Writer.WriteError(StreamErrors.IdNotGreater);
            return false;
        }
        return true;
    }

    /// <summary>
    /// The XADD / XTRIM as it must replay: the generated ID in place of "*" or "ms-*", and an approximate trim made
    /// exact at what it left (MAXLEN = length, MINID = first ID), without its LIMIT.
    /// </summary>
    private static void EmitRewritten(ref CommandContext ctx, scoped in StreamTrimArgs a, StreamValue s, StreamId id)
    {
        int limitIndex = -1;
        if (a.Approximate)
        {
            for (int i = 2; i < (a.IdIndex > 0 && ctx.Command.Name == "XADD" ? a.IdIndex : ctx.Args.Count) - 1; i++)
            {
                if (i != a.StrategyValueIndex && Ascii.EqualsIgnoreCase(ctx.Args[i], "LIMIT"u8)) limitIndex = i;
            }
        }
        var record = new ChangeRecord(ctx.Args.Count - (limitIndex >= 0 ? 2 : 0));
        Span<byte> text = stackalloc byte[StreamId.MaxTextLength];
        for (int i = 0; i < ctx.Args.Count; i++)
        {
            if (i == limitIndex)
            {
                i++;
                continue;
            }
            if (a.Approximate && i == a.StrategyValueIndex - 1) record.Add("="u8);
            else if (a.Approximate && i == a.StrategyValueIndex)
            {
                if (a.ByMinId) record.Add(text.Slice(0, s.EdgeId(first: true, skipTombstones: false).Format(text)));
                else record.Add(s.Length);
            }
            else if (i == a.IdIndex && ctx.Command.Name == "XADD" && (!a.IdGiven || !a.SeqGiven)) record.Add(text.Slice(0, id.Format(text)));
            else record.Add(ctx.Args[i]);
        }
        ctx.Emit(ref record);
    }

    public static void XTrim(ref CommandContext ctx)
    {
        if (!StreamTrimArgs.TryParse(ref ctx, xadd: false, StreamSettings.NodeMaxEntries, out var a)) return;
        using var k = ctx.Open(ctx.Args[1], Lookup.Write);
        var s = k.Get<StreamValue>(ValueKind.Stream, out bool wrongType);
        if (wrongType)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        long removed = s is null ? 0 : s.Trim(a.ByMinId, a.MaxLength, a.MinId, a.Approximate, a.Limit);
        if (removed == 0) ctx.SkipPropagation();
        else
        {
            if (a.Approximate && ctx.Propagating) EmitRewritten(ref ctx, in a, s!, default);
            ctx.Notify(Ev.Stream, "xtrim"u8, ctx.Args[1]);
        }
        ctx.Writer.WriteInteger(removed);
    }

    public static void XDel(ref CommandContext ctx)
    {
        using var k = ctx.Open(ctx.Args[1], Lookup.Write);
        var s = k.Get<StreamValue>(ValueKind.Stream, out bool wrongType);
        if (wrongType)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        if (s is null)
        {
            ctx.SkipPropagation();
            ctx.Writer.WriteRaw(RespReplies.Zero);
            return;
        }
        // Every ID is checked before any is deleted, so a bad one leaves the stream as it was.
        for (int i = 2; i < ctx.Args.Count; i++)
        {
            if (!StreamId.TryParse(ctx.Args[i], 0, false, false, out _, out _))
            {
                ctx.Writer.WriteError(StreamErrors.InvalidId);
                return;
            }
        }
        long deleted = 0;
        bool first = false;
        for (int i = 2; i < ctx.Args.Count; i++)
        {
            StreamId.TryParse(ctx.Args[i], 0, false, false, out var id, out _);
            if (!s.Delete(id)) continue;
            if (id == s.FirstId) first = true;
            if (id > s.MaxDeletedId) s.MaxDeletedId = id;
            deleted++;
        }
        if (deleted > 0)
        {
            if (s.Length == 0) s.FirstId = StreamId.Min;
            else if (first) s.FirstId = s.EdgeId(first: true, skipTombstones: true);
            ctx.Notify(Ev.Stream, "xdel"u8, ctx.Args[1]);
        }
        else ctx.SkipPropagation();
        ctx.Writer.WriteInteger(deleted);
    }

    public static void XLen(ref CommandContext ctx)
    {
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        var s = k.Get<StreamValue>(ValueKind.Stream, out bool wrongType);
        if (wrongType) ctx.Writer.WriteError(RespErrors.WrongType);
        else ctx.Writer.WriteInteger(s?.Length ?? 0);
    }

    public static void XSetId(ref CommandContext ctx)
    {
        if (!StreamId.TryParse(ctx.Args[2], 0, false, false, out var id, out _))
        {
            ctx.Writer.WriteError(StreamErrors.InvalidId);
            return;
        }
        long entriesAdded = -1;
        var maxDeleted = StreamId.Min;
        for (int i = 3; i < ctx.Args.Count; i += 2)
        {
            bool more = i + 1 < ctx.Args.Count;
            if (more && Ascii.EqualsIgnoreCase(ctx.Args[i], "ENTRIESADDED"u8))
            {
                if (!Numbers.TryParseInt64(ctx.Args[i + 1], out entriesAdded))
                {
                    ctx.Writer.WriteError(RespErrors.NotInteger);
                    return;
                }
                if (entriesAdded < 0)
                {
                    ctx.Writer.WriteError(StreamErrors.EntriesAddedNegative);
                    return;
                }
            }
            else if (more && Ascii.EqualsIgnoreCase(ctx.Args[i], "MAXDELETEDID"u8))
            {
                if (!StreamId.TryParse(ctx.Args[i + 1], 0, false, false, out maxDeleted, out _))
                {
                    ctx.Writer.WriteError(StreamErrors.InvalidId);
                    return;
                }
                if (id < maxDeleted)
                {
                    ctx.Writer.WriteError(StreamErrors.SetIdMaxDeletedLarger);
                    return;
                }
            }
            else
            {
                ctx.Writer.WriteError(RespErrors.Syntax);
                return;
            }
        }
        using var k = ctx.Open(ctx.Args[1], Lookup.Write);
        var s = k.Get<StreamValue>(ValueKind.Stream, out bool wrongType);
        if (wrongType || s is null)
        {
            ctx.Writer.WriteError(wrongType ? RespErrors.WrongType : StreamErrors.NoSuchKey);
            return;
        }
        if (s.Length > 0)
        {
            if (id < s.EdgeId(first: false, skipTombstones: true))
            {
                ctx.Writer.WriteError(StreamErrors.SetIdSmaller);
                return;
            }
            if (entriesAdded != -1 && s.Length > entriesAdded)
            {
                ctx.Writer.WriteError(StreamErrors.SetIdEntriesAddedSmaller);
                return;
            }
        }
        s.LastId = id;
        if (entriesAdded != -1) s.EntriesAdded = entriesAdded;
        if (!maxDeleted.IsZero) s.MaxDeletedId = maxDeleted;
        ctx.Writer.WriteRaw(RespReplies.Ok);
        ctx.Notify(Ev.Stream, "xsetid"u8, ctx.Args[1]);
    }
}
