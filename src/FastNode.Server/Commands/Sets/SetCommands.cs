using FastNode.Protocol;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Sets;

namespace FastNode.Server.Commands.Sets;

/// <summary>
/// SADD and the other single-set commands, plus SMOVE (two keys). A set whose last member goes is deleted.
/// Intset members are formatted into a stack scratch buffer to be written, so no reply allocates.
/// </summary>
public static class SetCommands
{
    public static void SAdd(ref CommandContext ctx)
    {
        var key = ctx.Args[1];
        ulong hash = KeyHasher.Hash(key);
        var shard = ctx.Db.ShardFor(hash);
        long added = 0;
        lock (shard.Lock)
        {
            var set = SetLookup.Write(shard, hash, key, ctx.NowMs, out _, out bool wrongType);
            if (wrongType)
            {
                ctx.Writer.WriteError(RespErrors.WrongType);
                return;
            }
            if (set is null)
            {
                set = new SetValue();
                SetLookup.Create(shard, hash, key, set, ctx.NowMs);
            }
            for (int a = 2; a < ctx.Args.Count; a++)
            {
                if (set.Add(ctx.Args[a])) added++;
            }
        }
        ctx.Writer.WriteInteger(added);
    }

    public static void SRem(ref CommandContext ctx) => CollectionCommands.RemoveMembers<SetValue>(ref ctx, ValueKind.Set);

    /// <summary>SMEMBERS: a set reply ("~" in RESP3).</summary>
    public static void SMembers(ref CommandContext ctx)
    {
        var key = ctx.Args[1];
        ulong hash = KeyHasher.Hash(key);
        var shard = ctx.Db.ShardFor(hash);
        lock (shard.Lock)
        {
            var set = SetLookup.Read(shard, hash, key, ctx.NowMs, out bool wrongType);
            if (wrongType)
            {
                ctx.Writer.WriteError(RespErrors.WrongType);
                return;
            }
            if (set is null) ctx.Writer.WriteSetHeader(0);
            else WriteMembers(ref ctx.Writer, set);
        }
    }

    /// <summary>A set header and every member of <paramref name="set"/>, in its iteration order.</summary>
    internal static void WriteMembers(ref RespWriter writer, SetValue set)
    {
        writer.WriteSetHeader(set.Count);
        Span<byte> scratch = stackalloc byte[SetValue.ScratchLength];
        for (int pos = set.First(); pos >= 0; pos = set.Next(pos)) writer.WriteBulkString(set.MemberAt(pos, scratch));
    }

    public static void SIsMember(ref CommandContext ctx)
    {
        var key = ctx.Args[1];
        ulong hash = KeyHasher.Hash(key);
        var shard = ctx.Db.ShardFor(hash);
        bool found;
        lock (shard.Lock)
        {
            var set = SetLookup.Read(shard, hash, key, ctx.NowMs, out bool wrongType);
            if (wrongType)
            {
                ctx.Writer.WriteError(RespErrors.WrongType);
                return;
            }
            found = set is not null && set.Contains(ctx.Args[2]);
        }
        ctx.Writer.WriteRaw(found ? RespReplies.One : RespReplies.Zero);
    }

    /// <summary>SMISMEMBER: an array of 0/1 integers (integers in RESP3 too, as in Redis 7.0).</summary>
    public static void SMIsMember(ref CommandContext ctx)
    {
        var key = ctx.Args[1];
        ulong hash = KeyHasher.Hash(key);
        var shard = ctx.Db.ShardFor(hash);
        lock (shard.Lock)
        {
            var set = SetLookup.Read(shard, hash, key, ctx.NowMs, out bool wrongType);
            if (wrongType)
            {
                ctx.Writer.WriteError(RespErrors.WrongType);
                return;
            }
            ctx.Writer.WriteArrayHeader(ctx.Args.Count - 2);
            for (int a = 2; a < ctx.Args.Count; a++)
            {
                ctx.Writer.WriteRaw(set is not null && set.Contains(ctx.Args[a]) ? RespReplies.One : RespReplies.Zero);
            }
        }
    }

    public static void SCard(ref CommandContext ctx) => CollectionCommands.ReplyCount<SetValue>(ref ctx, ValueKind.Set);

    /// <summary>
    /// SMOVE source destination member, in Redis's order: a missing source answers 0 before the destination's type is
    /// looked at; then both types; then source == destination only checks membership.
    /// </summary>
    public static void SMove(ref CommandContext ctx)
    {
        var srcKey = ctx.Args[1];
        var dstKey = ctx.Args[2];
        var member = ctx.Args[3];
        ulong srcHash = KeyHasher.Hash(srcKey), dstHash = KeyHasher.Hash(dstKey);
        var db = ctx.Db;
        Span<ulong> bits = stackalloc ulong[MultiShardLock.WordsFor(db)];
        var locks = new MultiShardLock(db, bits);
        locks.Add(srcHash);
        locks.Add(dstHash);
        locks.EnterAll();
        bool moved;
        try
        {
            var srcShard = db.ShardFor(srcHash);
            var dstShard = db.ShardFor(dstHash);
            var src = SetLookup.Write(srcShard, srcHash, srcKey, ctx.NowMs, out int srcIndex, out bool srcWrongType);
            var dst = SetLookup.Write(dstShard, dstHash, dstKey, ctx.NowMs, out _, out bool dstWrongType);
            if (src is null && !srcWrongType)
            {
                ctx.Writer.WriteRaw(RespReplies.Zero);
                return;
            }
            if (srcWrongType || dstWrongType)
            {
                ctx.Writer.WriteError(RespErrors.WrongType);
                return;
            }
            if (ReferenceEquals(src, dst))
            {
                moved = src!.Contains(member);
            }
            else
            {
                moved = src!.Remove(member);
                if (moved)
                {
                    if (src.Count == 0) srcShard.Remove(srcIndex);
                    if (dst is null)
                    {
                        dst = new SetValue();
                        SetLookup.Create(dstShard, dstHash, dstKey, dst, ctx.NowMs);
                    }
                    dst.Add(member);
                }
            }
        }
        finally
        {
            locks.ExitAll();
        }
        ctx.Writer.WriteRaw(moved ? RespReplies.One : RespReplies.Zero);
    }
}
