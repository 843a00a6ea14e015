using System.Buffers;
using FastNode.Protocol;
using FastNode.Server.Storage;
using Ev = FastNode.Server.PubSub.KeyspaceEventClass;

namespace FastNode.Server.Commands.HyperLogLog;

/// <summary>
/// PFADD, PFCOUNT and PFMERGE over HyperLogLog strings in Redis's format (<see cref="Hll"/>). A dense HLL is edited in
/// place; a sparse one in place too, with room reserved for an opcode split, and becomes dense when a register needs
/// a value above 32 or the sparse form would pass hll-sparse-max-bytes. A value that is a string but not an HLL gets
/// Redis's WRONGTYPE text; a corrupt sparse body gets INVALIDOBJ and is left as it was.
/// </summary>
public static class HllCommands
{
    public const string NotHll = "WRONGTYPE Key is not a valid HyperLogLog string value.";
    public const string Corrupt = "INVALIDOBJ Corrupted HLL object detected";

    /// <summary>PFADD key [element...]: 1 when a register changed (or the key was created).</summary>
    public static void PfAdd(ref CommandContext ctx)
    {
        long maxBytes = ctx.Server.Options.HllSparseMaxBytes;
        bool updated = false;
        var k = ctx.Open(ctx.Args[1], Lookup.Write);
        try
        {
            if (!k.Exists)
            {
                Span<byte> empty = stackalloc byte[Hll.EmptySize];
                Hll.WriteEmpty(empty);
                k.SetString(empty);
                updated = true;
            }
            else if (!IsHllOrReply(ref ctx, in k)) return;
            for (int i = 2; i < ctx.Args.Count; i++)
            {
                int count = Hll.PatternLength(ctx.Args[i], out int register);
                switch (Raise(ref k, register, count, maxBytes))
                {
                    case Hll.SetResult.Updated:
                        updated = true;
                        break;
                    case Hll.SetResult.Invalid:
                        ctx.Writer.WriteError(Corrupt);
                        return;
                }
            }
            if (updated)
            {
                Hll.InvalidateCache(k.ExtendString(k.StringLength));
                ctx.Notify(Ev.String, "pfadd"u8, ctx.Args[1]);
            }
            else ctx.SkipPropagation();
        }
        finally
        {
            k.Dispose();
        }
        ctx.Writer.WriteRaw(updated ? RespReplies.One : RespReplies.Zero);
    }

    /// <summary>
    /// Raises one register of the stored HLL (which has a valid header), in place; a sparse HLL that must become dense
    /// is rebuilt dense first.
    /// </summary>
    internal static Hll.SetResult Raise(ref KeyHandle k, int register, int count, long maxBytes)
    {
        int length = k.StringLength;
        if (k.String[4] == Hll.Dense)
            return Hll.DenseGet(k.String.Slice(Hll.HeaderSize), register) >= count ? Hll.SetResult.Unchanged
                : Hll.DenseRaise(k.ExtendString(length).Slice(Hll.HeaderSize), register, count) ? Hll.SetResult.Updated : Hll.SetResult.Unchanged;
        var result = Hll.SetResult.Promote;
        if (count <= Hll.SparseMaxValue)
        {
            // Room for the worst split (XZERO into XZERO-VAL-XZERO); the unused tail is cut off again.
            var bytes = k.ExtendString(length + 3);
            int used = length;
            result = Hll.SparseSet(bytes, ref used, register, count, maxBytes);
            k.TruncateString(used);
        }
        if (result != Hll.SetResult.Promote) return result;
        Span<byte> dense = stackalloc byte[Hll.DenseSize];
        if (!Hll.SparseToDense(k.String, dense)) return Hll.SetResult.Invalid;
        Hll.DenseRaise(dense.Slice(Hll.HeaderSize), register, count);
        k.SetString(dense);
        return Hll.SetResult.Updated;
    }

    /// <summary>
    /// PFCOUNT key: the cached estimate, or a fresh one stored in the cache. Storing it changes the value, so, as in
    /// Redis, WATCH sees it and the call is propagated (a replica's or the AOF's copy keeps the same bytes); that
    /// needs the write gate, taken only while something consumes the feed. PFCOUNT key key...: the estimate of the
    /// union, computed on a scratch register array.
    /// </summary>
    public static void PfCount(ref CommandContext ctx)
    {
        if (ctx.Args.Count > 2)
        {
            CountUnion(ref ctx);
            return;
        }
        bool propagating = ctx.Propagating;
        if (propagating) ctx.EnterWriteGate();
        long count;
        {
            using var k = ctx.Open(ctx.Args[1], Lookup.Read);
            if (!k.Exists)
            {
                ctx.Writer.WriteRaw(RespReplies.Zero);
                return;
            }
            if (!IsHllOrReply(ref ctx, in k)) return;
            if (Hll.CacheValid(k.String))
            {
                ctx.Writer.WriteInteger(Hll.CachedCount(k.String));
                return;
            }
            count = Hll.Count(k.String, out bool invalid);
            if (invalid)
            {
                ctx.Writer.WriteError(Corrupt);
                return;
            }
            Hll.SetCachedCount(k.ExtendString(k.StringLength), count);
        }
        if (ctx.Server.Watches.Active) ctx.Server.Watches.Touch(ctx.Session.DbIndex, ctx.Args[1]);
        if (propagating) ctx.Session.FeedOffset = ctx.Server.Feed.AppendCommand(ctx.Session.DbIndex, ctx.Args);
        ctx.Writer.WriteInteger(count);
    }

    private static void CountUnion(ref CommandContext ctx)
    {
        byte[] max = ArrayPool<byte>.Shared.Rent(Hll.Registers);
        try
        {
            var registers = max.AsSpan(0, Hll.Registers);
            registers.Clear();
            var db = ctx.Db;
            long now = ctx.NowMs;
            using var locks = new MultiShardLock(db, stackalloc ulong[MultiShardLock.WordsFor(db)]);
            for (int i = 1; i < ctx.Args.Count; i++) locks.Add(KeyHasher.Hash(ctx.Args[i]));
            locks.EnterAll();
            if (!MergeKeys(ref ctx, db, now, registers, out _)) return;
            ctx.Writer.WriteInteger(Hll.CountRaw(registers));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(max);
        }
    }

    /// <summary>
    /// PFMERGE dest [source...]: the destination (itself one of the inputs) gets every register's maximum, set in
    /// register order on its own encoding, dense when any input is dense, so the bytes match Redis's.
    /// </summary>
    public static void PfMerge(ref CommandContext ctx)
    {
        long maxBytes = ctx.Server.Options.HllSparseMaxBytes;
        byte[] max = ArrayPool<byte>.Shared.Rent(Hll.Registers);
        try
        {
            var registers = max.AsSpan(0, Hll.Registers);
            registers.Clear();
            var db = ctx.Db;
            long now = ctx.NowMs;
            using var locks = new MultiShardLock(db, stackalloc ulong[MultiShardLock.WordsFor(db)]);
            for (int i = 1; i < ctx.Args.Count; i++) locks.Add(KeyHasher.Hash(ctx.Args[i]));
            locks.EnterAll();
            if (!MergeKeys(ref ctx, db, now, registers, out bool useDense)) return;
            var dest = db.Open(ctx.Args[1], now, Lookup.Write);
            try
            {
                if (!dest.Exists)
                {
                    Span<byte> empty = stackalloc byte[Hll.EmptySize];
                    Hll.WriteEmpty(empty);
                    dest.SetString(empty);
                }
                if (useDense && dest.String[4] == Hll.Sparse && !ToDense(ref dest))
                {
                    ctx.Writer.WriteError(Corrupt);
                    return;
                }
                for (int j = 0; j < Hll.Registers; j++)
                {
                    if (registers[j] != 0) Raise(ref dest, j, registers[j], maxBytes);
                }
                Hll.InvalidateCache(dest.ExtendString(dest.StringLength));
            }
            finally
            {
                dest.Dispose();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(max);
        }
        // Redis raises pfadd for PFMERGE too: in effect it adds many elements.
        ctx.Notify(Ev.String, "pfadd"u8, ctx.Args[1]);
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    /// <summary>
    /// Raises <paramref name="registers"/> to each register's maximum over the HLLs at arguments 1 and on (missing keys
    /// skipped), under the caller's locks; <paramref name="anyDense"/> tells whether one of them is dense. False when
    /// it has answered an error: a key that is not an HLL, or a corrupt one.
    /// </summary>
    private static bool MergeKeys(ref CommandContext ctx, Database db, long now, Span<byte> registers, out bool anyDense)
    {
        anyDense = false;
        for (int i = 1; i < ctx.Args.Count; i++)
        {
            using var k = db.Open(ctx.Args[i], now, Lookup.Read);
            if (!k.Exists) continue;
            if (!IsHllOrReply(ref ctx, in k)) return false;
            if (k.String[4] == Hll.Dense) anyDense = true;
            if (!Hll.MergeInto(registers, k.String))
            {
                ctx.Writer.WriteError(Corrupt);
                return false;
            }
        }
        return true;
    }

    /// <summary>Rewrites a sparse HLL dense. False (and unchanged) when the sparse form is corrupt.</summary>
    internal static bool ToDense(ref KeyHandle k)
    {
        Span<byte> dense = stackalloc byte[Hll.DenseSize];
        if (!Hll.SparseToDense(k.String, dense)) return false;
        k.SetString(dense);
        return true;
    }

    /// <summary>True for a string with a valid HLL header; otherwise writes WRONGTYPE (plain, or Redis's HLL text).</summary>
    internal static bool IsHllOrReply(ref CommandContext ctx, in KeyHandle k)
    {
        if (!k.IsString)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return false;
        }
        if (Hll.HasValidHeader(k.String)) return true;
        ctx.Writer.WriteError(NotHll);
        return false;
    }
}
