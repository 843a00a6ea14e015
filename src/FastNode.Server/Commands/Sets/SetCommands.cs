using FastNode.Protocol;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Sets;

using Ev = FastNode.Server.PubSub.KeyspaceEventClass;
namespace FastNode.Server.Commands.Sets;

/// <summary>
/// SADD and the other single-set commands, plus SMOVE (two keys). A set whose last member goes is deleted.
/// Intset members are formatted into a stack scratch buffer to be written, so no reply allocates.
/// </summary>
public static class SetCommands
{
    public static void SAdd(ref CommandContext ctx)
    {
        using var k = ctx.Open(ctx.Args[1], Lookup.Write);
        var set = k.GetOrAdd<SetValue>(ValueKind.Set);
        if (set is null)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        long added = 0;
        for (int a = 2; a < ctx.Args.Count; a++)
        {
            if (set.Add(ctx.Args[a])) added++;
        }
        if (added > 0) ctx.Notify(Ev.Set, "sadd"u8, ctx.Args[1]);
        ctx.Writer.WriteInteger(added);
    }

    public static void SRem(ref CommandContext ctx) => CollectionCommands.RemoveMembers<SetValue>(ref ctx, ValueKind.Set, Ev.Set, "srem"u8);

    /// <summary>SMEMBERS: a set reply ("~" in RESP3).</summary>
    public static void SMembers(ref CommandContext ctx)
    {
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        var set = k.Get<SetValue>(ValueKind.Set, out bool wrongType);
        if (wrongType) ctx.Writer.WriteError(RespErrors.WrongType);
        else if (set is null) ctx.Writer.WriteSetHeader(0);
        else WriteMembers(ref ctx.Writer, set);
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
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        var set = k.Get<SetValue>(ValueKind.Set, out bool wrongType);
        if (wrongType) ctx.Writer.WriteError(RespErrors.WrongType);
        else ctx.Writer.WriteRaw(set is not null && set.Contains(ctx.Args[2]) ? RespReplies.One : RespReplies.Zero);
    }

    /// <summary>SMISMEMBER: an array of 0/1 integers (integers in RESP3 too, as in Redis 7.0).</summary>
    public static void SMIsMember(ref CommandContext ctx)
    {
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        var set = k.Get<SetValue>(ValueKind.Set, out bool wrongType);
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

    public static void SCard(ref CommandContext ctx) => CollectionCommands.ReplyCount<SetValue>(ref ctx, ValueKind.Set);

    /// <summary>
    /// SMOVE source destination member, in Redis's order: a missing source answers 0 before the destination's type is
    /// looked at; then both types; then source == destination only checks membership.
    /// </summary>
    public static void SMove(ref CommandContext ctx)
    {
        var member = ctx.Args[3];
        var db = ctx.Db;
        Span<ulong> bits = stackalloc ulong[MultiShardLock.WordsFor(db)];
        using var locks = new MultiShardLock(db, bits);
        locks.Add(KeyHasher.Hash(ctx.Args[1]));
        locks.Add(KeyHasher.Hash(ctx.Args[2]));
        locks.EnterAll();
        // Both handles stay open together (the same entry when source == destination); only the source's deletes.
        using var source = ctx.Open(ctx.Args[1], Lookup.Write);
        using var destination = ctx.Open(ctx.Args[2], Lookup.Write);
        var src = source.Get<SetValue>(ValueKind.Set, out bool srcWrongType);
        var dst = destination.Get<SetValue>(ValueKind.Set, out bool dstWrongType);
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
        bool moved;
        if (ReferenceEquals(src, dst))
        {
            moved = src!.Contains(member);
        }
        else
        {
            moved = src!.Remove(member);
            if (moved)
            {
                ctx.Notify(Ev.Set, "srem"u8, ctx.Args[1]);
                if (source.DeleteIfEmpty(src)) ctx.Notify(Ev.Generic, "del"u8, ctx.Args[1]);
                if ((dst ?? destination.Add(ValueKind.Set, new SetValue())).Add(member)) ctx.Notify(Ev.Set, "sadd"u8, ctx.Args[2]);
            }
        }
        ctx.Writer.WriteRaw(moved ? RespReplies.One : RespReplies.Zero);
    }
}
