using FastNode.Protocol;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Hashes;

using Ev = FastNode.Server.PubSub.KeyspaceEventClass;
namespace FastNode.Server.Commands.Hashes;

/// <summary>
/// HSET and friends: single-key commands on one <see cref="KeyHandle"/>. Replies that copy stored bytes are written
/// while the handle is open (the values may be rewritten in place right after). A hash whose last field goes is deleted.
/// </summary>
public static class HashCommands
{
    public static void HSet(ref CommandContext ctx)
    {
        if (SetPairs(ref ctx, out long added)) ctx.Writer.WriteInteger(added);
    }

    public static void HMSet(ref CommandContext ctx)
    {
        if (SetPairs(ref ctx, out _)) ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    /// <summary>Sets every field/value pair from argument 2 on; false when an error was written instead.</summary>
    private static bool SetPairs(ref CommandContext ctx, out long added)
    {
        added = 0;
        if ((ctx.Args.Count & 1) != 0)
        {
            // Redis checks the pairing in the command itself, with the arity error text.
            ctx.Writer.WriteError(ErrorText.WrongArity(ctx.Command.FullName));
            return false;
        }
        using var k = ctx.Open(ctx.Args[1], Lookup.Write);
        var h = k.GetOrAdd<HashValue>(ValueKind.Hash);
        if (h is null)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return false;
        }
        for (int a = 2; a < ctx.Args.Count; a += 2)
        {
            if (h.Set(ctx.Args[a], ctx.Args[a + 1])) added++;
        }
        ctx.Notify(Ev.Hash, "hset"u8, ctx.Args[1]);
        return true;
    }

    public static void HSetNx(ref CommandContext ctx)
    {
        using var k = ctx.Open(ctx.Args[1], Lookup.Write);
        var h = k.GetOrAdd<HashValue>(ValueKind.Hash);
        if (h is null) ctx.Writer.WriteError(RespErrors.WrongType);
        else if (h.Find(ctx.Args[2]) >= 0) ctx.Writer.WriteRaw(RespReplies.Zero);
        else
        {
            h.Set(ctx.Args[2], ctx.Args[3]);
            ctx.Notify(Ev.Hash, "hset"u8, ctx.Args[1]);
            ctx.Writer.WriteRaw(RespReplies.One);
        }
    }

    public static void HGet(ref CommandContext ctx)
    {
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        var h = k.Get<HashValue>(ValueKind.Hash, out bool wrongType);
        if (wrongType) ctx.Writer.WriteError(RespErrors.WrongType);
        else if (h is not null && h.TryGet(ctx.Args[2], out var value)) ctx.Writer.WriteBulkString(value);
        else ctx.Writer.WriteNullBulk();
    }

    public static void HMGet(ref CommandContext ctx)
    {
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        var h = k.Get<HashValue>(ValueKind.Hash, out bool wrongType);
        if (wrongType)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        ctx.Writer.WriteArrayHeader(ctx.Args.Count - 2);
        for (int a = 2; a < ctx.Args.Count; a++)
        {
            if (h is not null && h.TryGet(ctx.Args[a], out var value)) ctx.Writer.WriteBulkString(value);
            else ctx.Writer.WriteNullBulk();
        }
    }

    public static void HGetAll(ref CommandContext ctx) => WriteAll(ref ctx, fields: true, values: true);

    public static void HKeys(ref CommandContext ctx) => WriteAll(ref ctx, fields: true, values: false);

    public static void HVals(ref CommandContext ctx) => WriteAll(ref ctx, fields: false, values: true);

    /// <summary>HGETALL answers a map (RESP3) / flat array; HKEYS and HVALS an array.</summary>
    private static void WriteAll(ref CommandContext ctx, bool fields, bool values)
    {
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        var h = k.Get<HashValue>(ValueKind.Hash, out bool wrongType);
        if (wrongType)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        int count = h?.Count ?? 0;
        if (fields && values) ctx.Writer.WriteMapHeader(count);
        else ctx.Writer.WriteArrayHeader(count);
        if (h is null) return;
        for (int pos = h.First(); pos >= 0; pos = h.Next(pos))
        {
            if (fields) ctx.Writer.WriteBulkString(h.FieldAt(pos));
            if (values) ctx.Writer.WriteBulkString(h.ValueAt(pos));
        }
    }

    public static void HDel(ref CommandContext ctx) => CollectionCommands.RemoveMembers<HashValue>(ref ctx, ValueKind.Hash, Ev.Hash, "hdel"u8);

    public static void HExists(ref CommandContext ctx)
    {
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        var h = k.Get<HashValue>(ValueKind.Hash, out bool wrongType);
        if (wrongType) ctx.Writer.WriteError(RespErrors.WrongType);
        else ctx.Writer.WriteRaw(h is not null && h.Find(ctx.Args[2]) >= 0 ? RespReplies.One : RespReplies.Zero);
    }

    public static void HLen(ref CommandContext ctx) => CollectionCommands.ReplyCount<HashValue>(ref ctx, ValueKind.Hash);

    public static void HStrLen(ref CommandContext ctx)
    {
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        var h = k.Get<HashValue>(ValueKind.Hash, out bool wrongType);
        if (wrongType) ctx.Writer.WriteError(RespErrors.WrongType);
        else ctx.Writer.WriteInteger(h is not null && h.TryGet(ctx.Args[2], out var value) ? value.Length : 0);
    }
}
