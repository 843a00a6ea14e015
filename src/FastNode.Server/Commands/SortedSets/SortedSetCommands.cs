using FastNode.Protocol;
using FastNode.Server.Blocking;
using FastNode.Server.Storage;
using FastNode.Server.Storage.SortedSets;

using Ev = FastNode.Server.PubSub.KeyspaceEventClass;
namespace FastNode.Server.Commands.SortedSets;

/// <summary>
/// ZADD, ZINCRBY, ZREM and the single-member reads: commands on one <see cref="KeyHandle"/>. Replies that copy stored
/// bytes are written while the handle is open. A set whose last member goes is deleted, as in Redis.
/// </summary>
public static class SortedSetCommands
{
    public static void ZAdd(ref CommandContext ctx)
    {
        var error = ZAddOptions.Parse(ctx.Args, out var options);
        if (!error.IsEmpty)
        {
            ctx.Writer.WriteError(error);
            return;
        }
        // Every score is checked before anything changes, so the command applies fully or not at all.
        int maxLength = 0, packedBytes = 0;
        for (int a = options.FirstScore; a < ctx.Args.Count; a += 2)
        {
            if (!ScoreParser.TryParseScore(ctx.Args[a], out double score))
            {
                ctx.Writer.WriteError(RespErrors.NotFloat);
                return;
            }
            var member = ctx.Args[a + 1];
            maxLength = Math.Max(maxLength, member.Length);
            packedBytes += SortedSetValue.PackedSize(member, score);
        }
        Apply(ref ctx, options, maxLength, packedBytes);
    }

    /// <summary>ZINCRBY key increment member: ZADD INCR with the increment at argument 2.</summary>
    public static void ZIncrBy(ref CommandContext ctx)
    {
        if (!ScoreParser.TryParseScore(ctx.Args[2], out double increment))
        {
            ctx.Writer.WriteError(RespErrors.NotFloat);
            return;
        }
        var options = new ZAddOptions { Flags = ZAddFlags.Incr, FirstScore = 2 };
        Apply(ref ctx, options, ctx.Args[3].Length, SortedSetValue.PackedSize(ctx.Args[3], increment));
    }

    private static void Apply(ref CommandContext ctx, ZAddOptions options, int maxLength, int packedBytes)
    {
        long added = 0, updated = 0, processed = 0;
        double lastScore = 0;
        using var k = ctx.Open(ctx.Args[1], Lookup.Write);
        var z = k.Get<SortedSetValue>(ValueKind.SortedSet, out bool wrongType);
        if (wrongType)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        bool created = false;
        if (z is null && (options.Flags & ZAddFlags.Xx) == 0)
        {
            z = k.Add(ValueKind.SortedSet, SortedSetValue.Create(options.Elements(ctx.Args), maxLength, packedBytes));
            created = true;
        }
        for (int a = options.FirstScore; z is not null && a < ctx.Args.Count; a += 2)
        {
            ScoreParser.TryParseScore(ctx.Args[a], out double score);
            var outcome = z.Add(ctx.Args[a + 1], score, options.Flags, out lastScore);
            if (outcome == ZAddOutcome.NaN)
            {
                ctx.Writer.WriteError(SortedSetErrors.ScoreNaN);
                return;
            }
            if (outcome == ZAddOutcome.Skipped) continue;
            processed++;
            if (outcome == ZAddOutcome.Added) added++;
            else if (outcome == ZAddOutcome.Updated) updated++;
        }
        if (added + updated > 0) ctx.Notify(Ev.SortedSet, options.Incr ? "zincr"u8 : "zadd"u8, ctx.Args[1]);
        if (created)
        {
            SortedSetWaiters.Wake(ctx.Db, in k, z!, ctx.NowMs, ctx.Session.InExec);
            k.DeleteIfEmpty(z!);
        }
        if (!options.Incr) ctx.Writer.WriteInteger(options.Changed ? added + updated : added);
        else if (processed > 0) ctx.Writer.WriteDouble(lastScore);
        else ctx.Writer.WriteNullBulk();
    }

    public static void ZRem(ref CommandContext ctx) => CollectionCommands.RemoveMembers<SortedSetValue>(ref ctx, ValueKind.SortedSet, Ev.SortedSet, "zrem"u8);

    public static void ZScore(ref CommandContext ctx)
    {
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        var z = k.Get<SortedSetValue>(ValueKind.SortedSet, out bool wrongType);
        if (wrongType) ctx.Writer.WriteError(RespErrors.WrongType);
        else if (z is not null && z.TryGetScore(ctx.Args[2], out double score)) ctx.Writer.WriteDouble(score);
        else ctx.Writer.WriteNullBulk();
    }

    public static void ZMScore(ref CommandContext ctx)
    {
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        var z = k.Get<SortedSetValue>(ValueKind.SortedSet, out bool wrongType);
        if (wrongType)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        ctx.Writer.WriteArrayHeader(ctx.Args.Count - 2);
        for (int a = 2; a < ctx.Args.Count; a++)
        {
            if (z is not null && z.TryGetScore(ctx.Args[a], out double score)) ctx.Writer.WriteDouble(score);
            else ctx.Writer.WriteNullBulk();
        }
    }

    public static void ZCard(ref CommandContext ctx) => CollectionCommands.ReplyCount<SortedSetValue>(ref ctx, ValueKind.SortedSet);

    public static void ZRank(ref CommandContext ctx) => Rank(ref ctx, reverse: false);

    public static void ZRevRank(ref CommandContext ctx) => Rank(ref ctx, reverse: true);

    /// <summary>ZRANK key member [WITHSCORE]: WITHSCORE is Redis 7.2's, accepted here too ([rank, score], or a nil array).</summary>
    private static void Rank(ref CommandContext ctx, bool reverse)
    {
        if (ctx.Args.Count > 4)
        {
            ctx.Writer.WriteError(ErrorText.WrongArity(ctx.Command.FullName));
            return;
        }
        bool withScore = ctx.Args.Count == 4;
        if (withScore && !Ascii.EqualsIgnoreCase(ctx.Args[3], "WITHSCORE"u8))
        {
            ctx.Writer.WriteError(RespErrors.Syntax);
            return;
        }
        int rank = -1;
        double score = 0;
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        var z = k.Get<SortedSetValue>(ValueKind.SortedSet, out bool wrongType);
        if (wrongType)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        if (z is not null)
        {
            rank = z.RankOf(ctx.Args[2], out score);
            if (rank >= 0 && reverse) rank = z.Count - 1 - rank;
        }
        if (rank < 0)
        {
            if (withScore) ctx.Writer.WriteNullArray();
            else ctx.Writer.WriteNullBulk();
            return;
        }
        if (withScore) ctx.Writer.WriteArrayHeader(2);
        ctx.Writer.WriteInteger(rank);
        if (withScore) ctx.Writer.WriteDouble(score);
    }

    public static void ZCount(ref CommandContext ctx)
    {
        if (!ScoreParser.TryParseRange(ctx.Args[2], ctx.Args[3], out var range))
        {
            ctx.Writer.WriteError(SortedSetErrors.MinMaxNotFloat);
            return;
        }
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        var z = k.Get<SortedSetValue>(ValueKind.SortedSet, out bool wrongType);
        if (wrongType) ctx.Writer.WriteError(RespErrors.WrongType);
        else ctx.Writer.WriteInteger(z is null || range.IsEmpty ? 0 : Math.Max(0, z.EndRank(range) - z.FirstRank(range)));
    }

    public static void ZLexCount(ref CommandContext ctx)
    {
        if (!LexRange.TryParse(ctx.Args[2], ctx.Args[3], out var range))
        {
            ctx.Writer.WriteError(SortedSetErrors.MinMaxNotString);
            return;
        }
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        var z = k.Get<SortedSetValue>(ValueKind.SortedSet, out bool wrongType);
        if (wrongType) ctx.Writer.WriteError(RespErrors.WrongType);
        else ctx.Writer.WriteInteger(z is null ? 0 : z.LexCount(range));
    }
}
