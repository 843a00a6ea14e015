using System.Buffers;
using FastNode.Protocol;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Lists;

using Ev = FastNode.Server.PubSub.KeyspaceEventClass;
namespace FastNode.Server.Commands.Lists;

/// <summary>LINSERT, LREM, LTRIM and LPOS: the commands that search or edit the middle of one list.</summary>
public static class ListEditCommands
{
    public static void LInsert(ref CommandContext ctx)
    {
        bool after;
        if (Ascii.EqualsIgnoreCase(ctx.Args[2], "AFTER"u8)) after = true;
        else if (Ascii.EqualsIgnoreCase(ctx.Args[2], "BEFORE"u8)) after = false;
        else
        {
            ctx.Writer.WriteError(RespErrors.Syntax);
            return;
        }
        var pivot = ctx.Args[3];
        using var k = ctx.Open(ctx.Args[1], Lookup.Write);
        var list = k.Get<ListValue>(ValueKind.List, out bool wrongType);
        if (wrongType)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        long result;
        if (list is null) result = 0;
        else
        {
            int found = -1, position = 0;
            var walk = list.Walk(0, list.Count);
            while (walk.Next(out var element))
            {
                if (element.SequenceEqual(pivot))
                {
                    found = position;
                    break;
                }
                position++;
            }
            if (found < 0) result = -1;
            else
            {
                list.Insert(after ? found + 1 : found, ctx.Args[4]);
                result = list.Count;
                ctx.Notify(Ev.List, "linsert"u8, ctx.Args[1]);
            }
        }
        ctx.Writer.WriteInteger(result);
    }

    public static void LRem(ref CommandContext ctx)
    {
        if (!Numbers.TryParseInt64(ctx.Args[2], out long count))
        {
            ctx.Writer.WriteError(RespErrors.NotInteger);
            return;
        }
        using var k = ctx.Open(ctx.Args[1], Lookup.Write);
        var list = k.Get<ListValue>(ValueKind.List, out bool wrongType);
        if (wrongType)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        long removed = 0;
        if (list is not null)
        {
            removed = list.RemoveMatching(ctx.Args[3], count);
            if (removed > 0) ctx.Notify(Ev.List, "lrem"u8, ctx.Args[1]);
            if (k.DeleteIfEmpty(list)) ctx.Notify(Ev.Generic, "del"u8, ctx.Args[1]);
        }
        ctx.Writer.WriteInteger(removed);
    }

    public static void LTrim(ref CommandContext ctx)
    {
        if (!Numbers.TryParseInt64(ctx.Args[2], out long start) || !Numbers.TryParseInt64(ctx.Args[3], out long stop))
        {
            ctx.Writer.WriteError(RespErrors.NotInteger);
            return;
        }
        using var k = ctx.Open(ctx.Args[1], Lookup.Write);
        var list = k.Get<ListValue>(ValueKind.List, out bool wrongType);
        if (wrongType)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        if (list is not null)
        {
            bool kept = ListCommands.TryNormalizeRange(list.Count, ref start, ref stop);
            if (kept) list.Trim((int)start, (int)(stop - start + 1));
            ctx.Notify(Ev.List, "ltrim"u8, ctx.Args[1]);
            if (!kept)
            {
                k.Delete();
                ctx.Notify(Ev.Generic, "del"u8, ctx.Args[1]);
            }
        }
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    /// <summary>LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len].</summary>
    public static void LPos(ref CommandContext ctx)
    {
        long rank = 1, count = 0, maxLen = 0;
        bool withCount = false;
        for (int i = 3; i < ctx.Args.Count; i += 2)
        {
            var option = ctx.Args[i];
            bool hasValue = i + 1 < ctx.Args.Count;
            if (hasValue && Ascii.EqualsIgnoreCase(option, "RANK"u8))
            {
                if (!Numbers.TryParseInt64(ctx.Args[i + 1], out rank))
                {
                    ctx.Writer.WriteError(RespErrors.NotInteger);
                    return;
                }
                if (rank == 0)
                {
                    ctx.Writer.WriteError(ListErrors.RankZero);
                    return;
                }
            }
            else if (hasValue && Ascii.EqualsIgnoreCase(option, "COUNT"u8))
            {
                if (!Numbers.TryParseInt64(ctx.Args[i + 1], out count) || count < 0)
                {
                    ctx.Writer.WriteError(ListErrors.CountNegative);
                    return;
                }
                withCount = true;
            }
            else if (hasValue && Ascii.EqualsIgnoreCase(option, "MAXLEN"u8))
            {
                if (!Numbers.TryParseInt64(ctx.Args[i + 1], out maxLen) || maxLen < 0)
                {
                    ctx.Writer.WriteError(ListErrors.MaxLenNegative);
                    return;
                }
            }
            else
            {
                ctx.Writer.WriteError(RespErrors.Syntax);
                return;
            }
        }

        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        var list = k.Get<ListValue>(ValueKind.List, out bool wrongType);
        if (wrongType) ctx.Writer.WriteError(RespErrors.WrongType);
        else if (list is not null) WritePositions(ref ctx.Writer, list, ctx.Args[2], rank, withCount ? count : 1, withCount, maxLen);
        else if (withCount) ctx.Writer.WriteRaw(RespReplies.EmptyArray);
        else ctx.Writer.WriteNullBulk();
    }

    /// <summary>
    /// Finds matches from the head (rank &gt; 0) or the tail (rank &lt; 0), skipping the first |rank| - 1, looking at
    /// no more than <paramref name="maxLen"/> elements (0 = all), keeping <paramref name="count"/> (0 = all).
    /// </summary>
    private static void WritePositions(ref RespWriter writer, ListValue list, ReadOnlySpan<byte> element, long rank,
        long count, bool asArray, long maxLen)
    {
        bool backward = rank < 0;
        // Redis negates the rank as a long long: RANK -9223372036854775808 stays negative and so matches from the first one.
        ulong skip = rank == long.MinValue ? 0 : (ulong)Math.Abs(rank) - 1;
        int length = list.Count;
        int limit = maxLen == 0 || maxLen > length ? length : (int)maxLen;
        int capacity = count == 0 || count > length ? length : (int)count;
        int[]? rented = capacity > 64 ? ArrayPool<int>.Shared.Rent(capacity) : null;
        Span<int> found = rented ?? stackalloc int[64];
        int n = 0;
        var walk = backward ? list.Walk(length - 1, limit, backward: true) : list.Walk(0, limit);
        for (int i = 0; n < capacity && walk.Next(out var value); i++)
        {
            if (!value.SequenceEqual(element)) continue;
            if (skip > 0)
            {
                skip--;
                continue;
            }
            found[n++] = backward ? length - 1 - i : i;
        }
        if (asArray)
        {
            writer.WriteArrayHeader(n);
            for (int i = 0; i < n; i++) writer.WriteInteger(found[i]);
        }
        else if (n == 0) writer.WriteNullBulk();
        else writer.WriteInteger(found[0]);
        if (rented is not null) ArrayPool<int>.Shared.Return(rented);
    }
}
