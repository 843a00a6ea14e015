using System.Buffers;
using FastNode.Protocol;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Sets;

using Ev = FastNode.Server.PubSub.KeyspaceEventClass;
namespace FastNode.Server.Commands.Sets;

/// <summary>
/// SINTER, SUNION, SDIFF, their STORE forms and SINTERCARD. Every key involved (sources and destination) is locked
/// at once with <see cref="MultiShardLock"/>, so the result is a consistent snapshot. As in Redis 7.0 every source is
/// type-checked before anything is computed (a missing key is an empty set), and a STORE destination of any type is
/// overwritten (its TTL dropped), or deleted when the result is empty.
/// </summary>
public static class SetAlgebraCommands
{
    private enum Op : byte { Inter, Union, Diff }

    /// <summary>Numbers of keys handled with stack buffers; more rent from the pool.</summary>
    private const int StackKeys = 16;

    public static void SInter(ref CommandContext ctx) => Run(ref ctx, Op.Inter, firstSource: 1, sourceCount: ctx.Args.Count - 1, store: false, limit: -1);

    public static void SUnion(ref CommandContext ctx) => Run(ref ctx, Op.Union, 1, ctx.Args.Count - 1, store: false, limit: -1);

    public static void SDiff(ref CommandContext ctx) => Run(ref ctx, Op.Diff, 1, ctx.Args.Count - 1, store: false, limit: -1);

    public static void SInterStore(ref CommandContext ctx) => Run(ref ctx, Op.Inter, 2, ctx.Args.Count - 2, store: true, limit: -1);

    public static void SUnionStore(ref CommandContext ctx) => Run(ref ctx, Op.Union, 2, ctx.Args.Count - 2, store: true, limit: -1);

    public static void SDiffStore(ref CommandContext ctx) => Run(ref ctx, Op.Diff, 2, ctx.Args.Count - 2, store: true, limit: -1);

    /// <summary>SINTERCARD numkeys key [key ...] [LIMIT limit]: the intersection's size, stopping at limit (0 = no limit).</summary>
    public static void SInterCard(ref CommandContext ctx)
    {
        if (!Numbers.TryParseInt64(ctx.Args[1], out long numKeys) || numKeys < 1)
        {
            ctx.Writer.WriteError(RespErrors.NumKeysNotPositive);
            return;
        }
        if (numKeys > ctx.Args.Count - 2)
        {
            ctx.Writer.WriteError(RespErrors.NumKeysExceedArgs);
            return;
        }
        long limit = 0;
        for (int a = 2 + (int)numKeys; a < ctx.Args.Count; a += 2)
        {
            if (a + 1 < ctx.Args.Count && Ascii.EqualsIgnoreCase(ctx.Args[a], "LIMIT"u8))
            {
                if (!Numbers.TryParseInt64(ctx.Args[a + 1], out limit) || limit < 0)
                {
                    ctx.Writer.WriteError(RespErrors.LimitNegative);
                    return;
                }
            }
            else
            {
                ctx.Writer.WriteError(RespErrors.Syntax);
                return;
            }
        }
        Run(ref ctx, Op.Inter, 2, (int)numKeys, store: false, limit);
    }

    /// <summary>
    /// The shared body. <paramref name="limit"/> &gt;= 0 means SINTERCARD (reply the cardinality, 0 = unlimited);
    /// with <paramref name="store"/> the destination is argument 1.
    /// </summary>
    private static void Run(ref CommandContext ctx, Op op, int firstSource, int sourceCount, bool store, long limit)
    {
        var db = ctx.Db;
        ulong[]? rentedHashes = null;
        Span<ulong> hashes = sourceCount <= StackKeys ? stackalloc ulong[StackKeys] : (rentedHashes = ArrayPool<ulong>.Shared.Rent(sourceCount));
        var sets = ArrayPool<SetValue?>.Shared.Rent(sourceCount);
        Span<ulong> bits = stackalloc ulong[MultiShardLock.WordsFor(db)];
        using var locks = new MultiShardLock(db, bits);
        for (int i = 0; i < sourceCount; i++)
        {
            hashes[i] = KeyHasher.Hash(ctx.Args[firstSource + i]);
            locks.Add(hashes[i]);
        }
        ulong dstHash = store ? KeyHasher.Hash(ctx.Args[1]) : 0;
        if (store) locks.Add(dstHash);
        locks.EnterAll();
        try
        {
            bool anyMissing = false;
            for (int i = 0; i < sourceCount; i++)
            {
                // The handle only looks the key up: the value stays valid under the locks held above.
                using var k = db.Open(hashes[i], ctx.Args[firstSource + i], ctx.NowMs, Lookup.Read);
                sets[i] = k.Get<SetValue>(ValueKind.Set, out bool wrongType);
                if (wrongType)
                {
                    ctx.Writer.WriteError(RespErrors.WrongType);
                    return;
                }
                anyMissing |= sets[i] is null;
            }
            var sources = sets.AsSpan(0, sourceCount);
            if (op == Op.Inter && !store)
            {
                if (limit >= 0) ctx.Writer.WriteInteger(anyMissing ? 0 : Intersect(sources, limit, ref ctx.Writer, write: false));
                else if (anyMissing) ctx.Writer.WriteSetHeader(0);
                else WriteIntersection(ref ctx.Writer, sources);
                return;
            }
            var result = op switch
            {
                Op.Inter => anyMissing ? new SetValue() : BuildIntersection(sources),
                Op.Union => BuildUnion(sources),
                _ => BuildDifference(sources),
            };
            if (store)
            {
                using var destination = db.Open(dstHash, ctx.Args[1], ctx.NowMs, Lookup.Write);
                if (result.Count > 0)
                {
                    destination.Replace(ValueKind.Set, result);
                    ctx.Notify(Ev.Set, op switch { Op.Inter => "sinterstore"u8, Op.Union => "sunionstore"u8, _ => "sdiffstore"u8 }, ctx.Args[1]);
                }
                else if (destination.Delete())
                {
                    ctx.Notify(Ev.Generic, "del"u8, ctx.Args[1]);
                }
                ctx.Writer.WriteInteger(result.Count);
            }
            else
            {
                SetCommands.WriteMembers(ref ctx.Writer, result);
            }
        }
        finally
        {
            sets.AsSpan(0, sourceCount).Clear();
            ArrayPool<SetValue?>.Shared.Return(sets);
            if (rentedHashes is not null) ArrayPool<ulong>.Shared.Return(rentedHashes);
        }
    }

    /// <summary>Index of the smallest set (the intersection walks it and probes the others).</summary>
    private static int Smallest(ReadOnlySpan<SetValue?> sets)
    {
        int best = 0;
        for (int i = 1; i < sets.Length; i++)
        {
            if (sets[i]!.Count < sets[best]!.Count) best = i;
        }
        return best;
    }

    private static bool InAllOthers(ReadOnlySpan<SetValue?> sets, int skip, ReadOnlySpan<byte> member)
    {
        for (int i = 0; i < sets.Length; i++)
        {
            if (i != skip && !sets[i]!.Contains(member)) return false;
        }
        return true;
    }

    /// <summary>Counts (and, with <paramref name="write"/>, writes) the intersection, stopping once <paramref name="limit"/> is reached (0 = no limit).</summary>
    private static long Intersect(ReadOnlySpan<SetValue?> sets, long limit, ref RespWriter writer, bool write)
    {
        int smallest = Smallest(sets);
        var first = sets[smallest]!;
        Span<byte> scratch = stackalloc byte[SetValue.ScratchLength];
        long count = 0;
        for (int pos = first.First(); pos >= 0; pos = first.Next(pos))
        {
            var member = first.MemberAt(pos, scratch);
            if (!InAllOthers(sets, smallest, member)) continue;
            if (write) writer.WriteBulkString(member);
            if (++count == limit) break;
        }
        return count;
    }

    /// <summary>SINTER without a destination: one pass to count, one to write, so nothing is copied.</summary>
    private static void WriteIntersection(ref RespWriter writer, ReadOnlySpan<SetValue?> sets)
    {
        long count = Intersect(sets, 0, ref writer, write: false);
        writer.WriteSetHeader((int)count);
        Intersect(sets, 0, ref writer, write: true);
    }

    private static SetValue BuildIntersection(ReadOnlySpan<SetValue?> sets)
    {
        var result = new SetValue();
        int smallest = Smallest(sets);
        var first = sets[smallest]!;
        Span<byte> scratch = stackalloc byte[SetValue.ScratchLength];
        for (int pos = first.First(); pos >= 0; pos = first.Next(pos))
        {
            var member = first.MemberAt(pos, scratch);
            if (InAllOthers(sets, smallest, member)) result.Add(member);
        }
        return result;
    }

    private static SetValue BuildUnion(ReadOnlySpan<SetValue?> sets)
    {
        var result = new SetValue();
        Span<byte> scratch = stackalloc byte[SetValue.ScratchLength];
        foreach (var set in sets)
        {
            if (set is null) continue;
            for (int pos = set.First(); pos >= 0; pos = set.Next(pos)) result.Add(set.MemberAt(pos, scratch));
        }
        return result;
    }

    /// <summary>Members of the first set that are in none of the others (missing sets are empty).</summary>
    private static SetValue BuildDifference(ReadOnlySpan<SetValue?> sets)
    {
        var result = new SetValue();
        var first = sets[0];
        if (first is null) return result;
        Span<byte> scratch = stackalloc byte[SetValue.ScratchLength];
        for (int pos = first.First(); pos >= 0; pos = first.Next(pos))
        {
            var member = first.MemberAt(pos, scratch);
            bool elsewhere = false;
            for (int i = 1; i < sets.Length && !elsewhere; i++) elsewhere = sets[i] is not null && sets[i]!.Contains(member);
            if (!elsewhere) result.Add(member);
        }
        return result;
    }
}
