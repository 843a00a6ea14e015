using FastNode.Protocol;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Sets;
using FastNode.Server.Storage.SortedSets;

namespace FastNode.Server.Commands.SortedSets;

/// <summary>
/// ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD (Redis zunionInterDiffGenericCommand): numkeys, then the
/// keys (looked up and type-checked before any option is read: sets count as sorted sets scoring 1), then WEIGHTS,
/// AGGREGATE SUM|MIN|MAX, WITHSCORES (not for STORE) or LIMIT (ZINTERCARD only). All the keys' shards (and the
/// destination's) stay locked for the whole command through a <see cref="MultiShardLock"/>. A weighted score that is
/// NaN (0 * inf) counts as 0, and so does a SUM that is NaN (inf + -inf), as in Redis.
/// </summary>
public static class SortedSetAlgebraCommands
{
    private enum Op : byte { Union, Inter, Diff, InterCard }

    private enum Aggregate : byte { Sum, Min, Max }

    public static void ZUnion(ref CommandContext ctx) => Run(ref ctx, Op.Union, store: false);
    public static void ZInter(ref CommandContext ctx) => Run(ref ctx, Op.Inter, store: false);
    public static void ZDiff(ref CommandContext ctx) => Run(ref ctx, Op.Diff, store: false);
    public static void ZUnionStore(ref CommandContext ctx) => Run(ref ctx, Op.Union, store: true);
    public static void ZInterStore(ref CommandContext ctx) => Run(ref ctx, Op.Inter, store: true);
    public static void ZDiffStore(ref CommandContext ctx) => Run(ref ctx, Op.Diff, store: true);
    public static void ZInterCard(ref CommandContext ctx) => Run(ref ctx, Op.InterCard, store: false);

    private static void Run(ref CommandContext ctx, Op op, bool store)
    {
        int numKeysIndex = store ? 2 : 1;
        if (!Numbers.TryParseInt64(ctx.Args[numKeysIndex], out long numKeys))
        {
            ctx.Writer.WriteError(RespErrors.NotInteger);
            return;
        }
        if (numKeys < 1)
        {
            ctx.Writer.WriteError(SortedSetErrors.AtLeastOneKey(ctx.Command.FullName));
            return;
        }
        if (numKeys > ctx.Args.Count - (numKeysIndex + 1))
        {
            ctx.Writer.WriteError(RespErrors.Syntax);
            return;
        }
        int firstKey = numKeysIndex + 1, keyCount = (int)numKeys;
        var db = ctx.Db;
        Span<ulong> bits = stackalloc ulong[MultiShardLock.WordsFor(db)];
        using var locks = new MultiShardLock(db, bits);
        for (int a = firstKey; a < firstKey + keyCount; a++) locks.Add(KeyHasher.Hash(ctx.Args[a]));
        if (store) locks.Add(KeyHasher.Hash(ctx.Args[1]));
        locks.EnterAll();
        var sources = new ZSource[keyCount];
        for (int i = 0; i < keyCount; i++)
        {
            if (!TryOpen(ref ctx, ctx.Args[firstKey + i], out sources[i]))
            {
                ctx.Writer.WriteError(RespErrors.WrongType);
                return;
            }
        }
        var error = ParseOptions(ctx.Args, firstKey + keyCount, op, store, sources, out var aggregate, out bool withScores, out long limit);
        if (!error.IsEmpty)
        {
            ctx.Writer.WriteError(error);
            return;
        }
        if (op == Op.InterCard)
        {
            ctx.Writer.WriteInteger(InterCard(sources, limit));
            return;
        }
        var scores = op switch
        {
            Op.Union => Union(sources, aggregate),
            Op.Inter => Inter(sources, aggregate),
            _ => Diff(sources),
        };
        var result = Build(scores, store);
        if (store)
        {
            int stored = result?.Count ?? 0;   // before waking: blocked clients may pop from the new set at once
            SortedSetDestination.Store(ref ctx, ctx.Args[1], result,
                op switch { Op.Union => "zunionstore"u8, Op.Inter => "zinterstore"u8, _ => "zdiffstore"u8 });
            ctx.Writer.WriteInteger(stored);
            return;
        }
        if (result is null)
        {
            ctx.Writer.WriteRaw(RespReplies.EmptyArray);
            return;
        }
        SortedSetReplies.WriteHeader(ref ctx.Writer, result.Count, withScores);
        SortedSetReplies.WriteRun(ref ctx.Writer, result, result.AtRank(0), result.Count, reverse: false, withScores);
    }

    /// <summary>
    /// Opens one input (a read: counts a hit or miss); false when the key holds neither a sorted set nor a set. The
    /// value stays valid after the handle closes because the command's <see cref="MultiShardLock"/> still holds it.
    /// </summary>
    private static bool TryOpen(ref CommandContext ctx, ReadOnlySpan<byte> key, out ZSource source)
    {
        source = new ZSource { Weight = 1.0 };
        using var k = ctx.Open(key, Lookup.Read);
        if (!k.Exists) return true;
        if (k.Kind == ValueKind.SortedSet) source.Zset = k.Get<SortedSetValue>(ValueKind.SortedSet, out _);
        else if (k.Kind == ValueKind.Set) source.Set = k.Get<SetValue>(ValueKind.Set, out _);
        else return false;
        return true;
    }

    private static ReadOnlySpan<byte> ParseOptions(CommandArgs args, int start, Op op, bool store, ZSource[] sources,
        out Aggregate aggregate, out bool withScores, out long limit)
    {
        aggregate = Aggregate.Sum;
        withScores = false;
        limit = 0;
        bool weighted = op is Op.Union or Op.Inter;
        for (int a = start; a < args.Count;)
        {
            int remaining = args.Count - a;
            var arg = args[a];
            if (weighted && remaining >= sources.Length + 1 && Ascii.EqualsIgnoreCase(arg, "WEIGHTS"u8))
            {
                a++;
                for (int i = 0; i < sources.Length; i++, a++)
                {
                    if (!ScoreParser.TryParseScore(args[a], out sources[i].Weight)) return SortedSetErrors.WeightNotFloat;
                }
            }
            else if (weighted && remaining >= 2 && Ascii.EqualsIgnoreCase(arg, "AGGREGATE"u8))
            {
                var kind = args[a + 1];
                if (Ascii.EqualsIgnoreCase(kind, "SUM"u8)) aggregate = Aggregate.Sum;
                else if (Ascii.EqualsIgnoreCase(kind, "MIN"u8)) aggregate = Aggregate.Min;
                else if (Ascii.EqualsIgnoreCase(kind, "MAX"u8)) aggregate = Aggregate.Max;
                else return RespErrors.Syntax;
                a += 2;
            }
            else if (!store && op != Op.InterCard && Ascii.EqualsIgnoreCase(arg, "WITHSCORES"u8))
            {
                withScores = true;
                a++;
            }
            else if (op == Op.InterCard && remaining >= 2 && Ascii.EqualsIgnoreCase(arg, "LIMIT"u8))
            {
                if (!Numbers.TryParseInt64(args[a + 1], out limit) || limit < 0) return RespErrors.LimitNegative;
                a += 2;
            }
            else
            {
                return RespErrors.Syntax;
            }
        }
        return default;
    }

    private static double Weighted(double weight, double score)
    {
        double value = weight * score;
        return double.IsNaN(value) ? 0 : value;
    }

    private static double Combine(Aggregate aggregate, double current, double value)
    {
        switch (aggregate)
        {
            case Aggregate.Min: return value < current ? value : current;
            case Aggregate.Max: return value > current ? value : current;
            default:
                double sum = current + value;
                return double.IsNaN(sum) ? 0 : sum;
        }
    }

    /// <summary>Smallest inputs first, as Redis orders them (it matters for the order of floating-point sums).</summary>
    private static void SortByCount(ZSource[] sources)
    {
        var keys = new int[sources.Length];
        for (int i = 0; i < keys.Length; i++) keys[i] = sources[i].Count;
        Array.Sort(keys, sources);
    }

    private static Dictionary<byte[], double> Union(ZSource[] sources, Aggregate aggregate)
    {
        SortByCount(sources);
        var scores = new Dictionary<byte[], double>(ByteKeyComparer.Instance);
        var lookup = scores.GetAlternateLookup<ReadOnlySpan<byte>>();
        Span<byte> scratch = stackalloc byte[SetValue.ScratchLength];
        foreach (var source in sources)
        {
            var cursor = new ZSourceCursor(source, scratch);
            while (cursor.MoveNext(out var member, out double score))
            {
                double value = Weighted(source.Weight, score);
                if (lookup.TryGetValue(member, out double current)) lookup[member] = Combine(aggregate, current, value);
                else lookup[member] = value;
            }
        }
        return scores;
    }

    private static Dictionary<byte[], double> Inter(ZSource[] sources, Aggregate aggregate)
    {
        SortByCount(sources);
        var scores = new Dictionary<byte[], double>(ByteKeyComparer.Instance);
        if (sources[0].Count == 0) return scores;
        Span<byte> scratch = stackalloc byte[SetValue.ScratchLength];
        var cursor = new ZSourceCursor(sources[0], scratch);
        while (cursor.MoveNext(out var member, out double score))
        {
            double value = Weighted(sources[0].Weight, score);
            int j = 1;
            for (; j < sources.Length; j++)
            {
                if (!sources[j].TryGetScore(member, out double other)) break;
                value = Combine(aggregate, value, Weighted(sources[j].Weight, other));
            }
            if (j == sources.Length) scores[member.ToArray()] = value;
        }
        return scores;
    }

    private static Dictionary<byte[], double> Diff(ZSource[] sources)
    {
        var scores = new Dictionary<byte[], double>(ByteKeyComparer.Instance);
        Span<byte> scratch = stackalloc byte[SetValue.ScratchLength];
        var cursor = new ZSourceCursor(sources[0], scratch);
        while (cursor.MoveNext(out var member, out double score))
        {
            int j = 1;
            while (j < sources.Length && !sources[j].TryGetScore(member, out _)) j++;
            if (j == sources.Length) scores[member.ToArray()] = score;
        }
        return scores;
    }

    private static long InterCard(ZSource[] sources, long limit)
    {
        SortByCount(sources);
        long count = 0;
        Span<byte> scratch = stackalloc byte[SetValue.ScratchLength];
        var cursor = new ZSourceCursor(sources[0], scratch);
        while ((limit == 0 || count < limit) && cursor.MoveNext(out var member, out _))
        {
            int j = 1;
            while (j < sources.Length && sources[j].TryGetScore(member, out _)) j++;
            if (j == sources.Length) count++;
        }
        return count;
    }

    /// <summary>
    /// The result as a sorted set, or null when empty. A stored result is packed when it fits (Redis's
    /// zsetConvertToListpackIfNeeded, which also turns -0 into 0); a reply is read from a skip list, as Redis does,
    /// so a -0 score shows as "-0".
    /// </summary>
    private static SortedSetValue? Build(Dictionary<byte[], double> scores, bool store)
    {
        if (scores.Count == 0) return null;
        int maxLength = 0;
        foreach (var member in scores.Keys) maxLength = Math.Max(maxLength, member.Length);
        var result = SortedSetValue.Create(store ? scores.Count : int.MaxValue, maxLength);
        foreach (var (member, score) in scores) result.Add(member, score, ZAddFlags.None, out _);
        return result;
    }
}
