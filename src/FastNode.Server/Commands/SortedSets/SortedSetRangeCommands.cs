using FastNode.Protocol;
using FastNode.Server.Storage;
using FastNode.Server.Storage.SortedSets;

using Ev = FastNode.Server.PubSub.KeyspaceEventClass;
namespace FastNode.Server.Commands.SortedSets;

/// <summary>
/// ZRANGE and its variants, ZRANGESTORE and the ZREMRANGEBY* commands. Every range is resolved to a start position
/// and a count in O(log n) (lex ranges: O(offset + count)), then walked.
/// </summary>
public static class SortedSetRangeCommands
{
    public static void ZRange(ref CommandContext ctx) => Range(ref ctx, ZRangeSpec.Kind.Auto, null);

    public static void ZRevRange(ref CommandContext ctx) => Range(ref ctx, ZRangeSpec.Kind.Rank, true);

    public static void ZRangeByScore(ref CommandContext ctx) => Range(ref ctx, ZRangeSpec.Kind.Score, false);

    public static void ZRevRangeByScore(ref CommandContext ctx) => Range(ref ctx, ZRangeSpec.Kind.Score, true);

    public static void ZRangeByLex(ref CommandContext ctx) => Range(ref ctx, ZRangeSpec.Kind.Lex, false);

    public static void ZRevRangeByLex(ref CommandContext ctx) => Range(ref ctx, ZRangeSpec.Kind.Lex, true);

    private static void Range(ref CommandContext ctx, ZRangeSpec.Kind type, bool? reverse)
    {
        var error = ZRangeSpec.Parse(ctx.Args, 1, type, reverse, store: false, out var spec);
        if (!error.IsEmpty)
        {
            ctx.Writer.WriteError(error);
            return;
        }
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        var z = k.Get<SortedSetValue>(ValueKind.SortedSet, out bool wrongType);
        if (wrongType)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        if (z is null)
        {
            ctx.Writer.WriteRaw(RespReplies.EmptyArray);
            return;
        }
        var start = spec.Resolve(z, out int count);
        SortedSetReplies.WriteHeader(ref ctx.Writer, count, spec.WithScores);
        SortedSetReplies.WriteRun(ref ctx.Writer, z, start, count, spec.Reverse, spec.WithScores);
    }

    /// <summary>ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]: an empty result deletes dst.</summary>
    public static void ZRangeStore(ref CommandContext ctx)
    {
        var error = ZRangeSpec.Parse(ctx.Args, 2, ZRangeSpec.Kind.Auto, null, store: true, out var spec);
        if (!error.IsEmpty)
        {
            ctx.Writer.WriteError(error);
            return;
        }
        var db = ctx.Db;
        Span<ulong> bits = stackalloc ulong[MultiShardLock.WordsFor(db)];
        using var locks = new MultiShardLock(db, bits);
        locks.Add(KeyHasher.Hash(ctx.Args[1]));
        locks.Add(KeyHasher.Hash(ctx.Args[2]));
        locks.EnterAll();
        SortedSetValue? result = null;
        int count = 0;
        {
            using var source = ctx.Open(ctx.Args[2], Lookup.Read);
            var z = source.Get<SortedSetValue>(ValueKind.SortedSet, out bool wrongType);
            if (wrongType)
            {
                ctx.Writer.WriteError(RespErrors.WrongType);
                return;
            }
            if (z is not null)
            {
                var position = spec.Resolve(z, out count);
                result = Copy(z, position, count, spec.Reverse);
            }
        }
        SortedSetDestination.Store(ref ctx, ctx.Args[1], result, "zrangestore"u8);
        ctx.Writer.WriteInteger(count);
    }

    /// <summary>A new set of <paramref name="count"/> members walked from <paramref name="position"/>, packed when small.</summary>
    private static SortedSetValue? Copy(SortedSetValue z, SortedSetPosition position, int count, bool reverse)
    {
        if (count == 0) return null;
        int maxLength = 0;
        var walk = position;
        for (int i = 0; i < count; i++)
        {
            maxLength = Math.Max(maxLength, z.MemberAt(walk).Length);
            walk = reverse ? z.Previous(walk) : z.Next(walk);
        }
        var result = SortedSetValue.Create(count, maxLength);
        for (int i = 0; i < count; i++)
        {
            result.Add(z.MemberAt(position), z.ScoreAt(position), ZAddFlags.None, out _);
            position = reverse ? z.Previous(position) : z.Next(position);
        }
        return result;
    }

    public static void ZRemRangeByRank(ref CommandContext ctx)
    {
        if (!Numbers.TryParseInt64(ctx.Args[2], out long start) || !Numbers.TryParseInt64(ctx.Args[3], out long end))
        {
            ctx.Writer.WriteError(RespErrors.NotInteger);
            return;
        }
        var spec = new ZRangeSpec { Type = ZRangeSpec.Kind.Rank, Start = start, End = end, Limit = -1 };
        RemoveRange(ref ctx, ref spec, "zremrangebyrank"u8);
    }

    public static void ZRemRangeByScore(ref CommandContext ctx)
    {
        if (!ScoreParser.TryParseRange(ctx.Args[2], ctx.Args[3], out var range))
        {
            ctx.Writer.WriteError(SortedSetErrors.MinMaxNotFloat);
            return;
        }
        var spec = new ZRangeSpec { Type = ZRangeSpec.Kind.Score, Scores = range, Limit = -1 };
        RemoveRange(ref ctx, ref spec, "zremrangebyscore"u8);
    }

    public static void ZRemRangeByLex(ref CommandContext ctx)
    {
        if (!LexRange.TryParse(ctx.Args[2], ctx.Args[3], out var range))
        {
            ctx.Writer.WriteError(SortedSetErrors.MinMaxNotString);
            return;
        }
        using var k = ctx.Open(ctx.Args[1], Lookup.Write);
        var z = k.Get<SortedSetValue>(ValueKind.SortedSet, out bool wrongType);
        if (wrongType)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        int removed = 0;
        if (z is not null)
        {
            removed = z.RemoveLexRange(range);
            NotifyRemoved(ref ctx, removed, k.DeleteIfEmpty(z), "zremrangebylex"u8);
        }
        ctx.Writer.WriteInteger(removed);
    }

    private static void RemoveRange(ref CommandContext ctx, ref ZRangeSpec spec, ReadOnlySpan<byte> eventName)
    {
        using var k = ctx.Open(ctx.Args[1], Lookup.Write);
        var z = k.Get<SortedSetValue>(ValueKind.SortedSet, out bool wrongType);
        if (wrongType)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        int removed = 0;
        if (z is not null)
        {
            var start = spec.Resolve(z, out int count);
            if (count > 0)
            {
                int first = RankOf(z, start);
                removed = z.RemoveRankRange(first, first + count - 1);
                NotifyRemoved(ref ctx, removed, k.DeleteIfEmpty(z), eventName);
            }
        }
        ctx.Writer.WriteInteger(removed);
    }

    private static void NotifyRemoved(ref CommandContext ctx, int removed, bool keyDeleted, ReadOnlySpan<byte> eventName)
    {
        if (removed > 0) ctx.Notify(Ev.SortedSet, eventName, ctx.Args[1]);
        if (keyDeleted) ctx.Notify(Ev.Generic, "del"u8, ctx.Args[1]);
    }

    private static int RankOf(SortedSetValue z, SortedSetPosition position) => z.RankOf(z.MemberAt(position), out _);
}
