using FastNode.Protocol;
using FastNode.Server.Blocking;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Lists;

using Ev = FastNode.Server.PubSub.KeyspaceEventClass;
namespace FastNode.Server.Commands.Lists;

/// <summary>
/// The single-list commands at the ends and by index: LPUSH, RPUSH, LPUSHX, RPUSHX, LPOP, RPOP, LLEN, LRANGE, LINDEX,
/// LSET. A list whose last element goes is deleted. Pushes wake blocked clients (see <see cref="ListBlocking"/>).
/// Replies are copied out of the list while its key is open (spans into it are valid only until the handle is disposed).
/// </summary>
public static class ListCommands
{
    public static void LPush(ref CommandContext ctx) => Push(ref ctx, ListEnd.Left, onlyIfExists: false);

    public static void RPush(ref CommandContext ctx) => Push(ref ctx, ListEnd.Right, onlyIfExists: false);

    public static void LPushX(ref CommandContext ctx) => Push(ref ctx, ListEnd.Left, onlyIfExists: true);

    public static void RPushX(ref CommandContext ctx) => Push(ref ctx, ListEnd.Right, onlyIfExists: true);

    public static void LPop(ref CommandContext ctx) => Pop(ref ctx, ListEnd.Left);

    public static void RPop(ref CommandContext ctx) => Pop(ref ctx, ListEnd.Right);

    private static void Push(ref CommandContext ctx, ListEnd where, bool onlyIfExists)
    {
        long length = 0;
        {
            // A block of its own: the key must be closed before the second ServeReady.
            using var k = ctx.Open(ctx.Args[1], Lookup.Write);
            var list = k.Get<ListValue>(ValueKind.List, out bool wrongType);
            if (wrongType)
            {
                ctx.Writer.WriteError(RespErrors.WrongType);
                return;
            }
            if (list is null && !onlyIfExists) list = k.Add(ValueKind.List, new ListValue());
            if (list is not null)
            {
                int pushed = ctx.Args.Count - 2;
                if (pushed > 1)
                {
                    long bytes = 0;
                    for (int a = 2; a < ctx.Args.Count; a++) bytes += ListValue.PackedSize(ctx.Args[a].Length);
                    list.Reserve(where, pushed, bytes);
                }
                for (int a = 2; a < ctx.Args.Count; a++) list.Push(where, ctx.Args[a]);
                length = list.Count;
                ctx.Notify(Ev.List, where == ListEnd.Left ? "lpush"u8 : "rpush"u8, ctx.Args[1]);
                ListBlocking.SignalReady(ctx.Server, ctx.Db, ctx.Session.DbIndex, k.Hash, k.Key);
                if (!ctx.Session.InExec) ListBlocking.ServeReady(lockHeld: true);
            }
        }
        if (!ctx.Session.InExec) ListBlocking.ServeReady(lockHeld: false);
        ctx.Writer.WriteInteger(length);
    }

    /// <summary>LPOP/RPOP key [count]: one element (nil bulk when missing), or with a count an array (nil array when missing).</summary>
    private static void Pop(ref CommandContext ctx, ListEnd where)
    {
        if (ctx.Args.Count > 3)
        {
            ctx.Writer.WriteError(ErrorText.WrongArity(ctx.Command.FullName));
            return;
        }
        bool withCount = ctx.Args.Count == 3;
        long count = 1;
        if (withCount && (!Numbers.TryParseInt64(ctx.Args[2], out count) || count < 0))
        {
            ctx.Writer.WriteError(RespErrors.CountNotPositive);
            return;
        }
        using var k = ctx.Open(ctx.Args[1], Lookup.Write);
        var list = k.Get<ListValue>(ValueKind.List, out bool wrongType);
        if (wrongType)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        if (list is null)
        {
            if (withCount) ctx.Writer.WriteNullArray();
            else ctx.Writer.WriteNullBulk();
            return;
        }
        if (!withCount)
        {
            ctx.Writer.WriteBulkString(list.Peek(where));
            list.Remove(where);
        }
        else
        {
            int n = (int)Math.Min(count, list.Count);
            ctx.Writer.WriteArrayHeader(n);
            if (n == 0) return;
            for (int i = 0; i < n; i++)
            {
                ctx.Writer.WriteBulkString(list.Peek(where));
                list.Remove(where);
            }
        }
        ctx.Notify(Ev.List, where == ListEnd.Left ? "lpop"u8 : "rpop"u8, ctx.Args[1]);
        if (k.DeleteIfEmpty(list)) ctx.Notify(Ev.Generic, "del"u8, ctx.Args[1]);
    }

    public static void LLen(ref CommandContext ctx) => CollectionCommands.ReplyCount<ListValue>(ref ctx, ValueKind.List);

    public static void LRange(ref CommandContext ctx)
    {
        if (!Numbers.TryParseInt64(ctx.Args[2], out long start) || !Numbers.TryParseInt64(ctx.Args[3], out long stop))
        {
            ctx.Writer.WriteError(RespErrors.NotInteger);
            return;
        }
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        var list = k.Get<ListValue>(ValueKind.List, out bool wrongType);
        if (wrongType)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        if (list is null || !TryNormalizeRange(list.Count, ref start, ref stop))
        {
            ctx.Writer.WriteRaw(RespReplies.EmptyArray);
            return;
        }
        int n = (int)(stop - start + 1);
        ctx.Writer.WriteArrayHeader(n);
        var walk = list.Walk((int)start, n);
        while (walk.Next(out var element)) ctx.Writer.WriteBulkString(element);
    }

    /// <summary>
    /// Redis's range rules (LRANGE, LTRIM): negative indexes count from the end, then the range is clipped to the list.
    /// False when nothing is left.
    /// </summary>
    internal static bool TryNormalizeRange(int length, ref long start, ref long stop)
    {
        if (start < 0) start += length;
        if (stop < 0) stop += length;
        if (start < 0) start = 0;
        if (start > stop || start >= length) return false;
        if (stop >= length) stop = length - 1;
        return true;
    }

    public static void LIndex(ref CommandContext ctx)
    {
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        var list = k.Get<ListValue>(ValueKind.List, out bool wrongType);
        if (wrongType)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        if (list is null)
        {
            ctx.Writer.WriteNullBulk();
            return;
        }
        if (!Numbers.TryParseInt64(ctx.Args[2], out long index))
        {
            ctx.Writer.WriteError(RespErrors.NotInteger);
            return;
        }
        if (index < 0) index += list.Count;
        if (index < 0 || index >= list.Count) ctx.Writer.WriteNullBulk();
        else ctx.Writer.WriteBulkString(list.Get((int)index));
    }

    public static void LSet(ref CommandContext ctx)
    {
        using var k = ctx.Open(ctx.Args[1], Lookup.Write);
        var list = k.Get<ListValue>(ValueKind.List, out bool wrongType);
        if (wrongType)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        if (list is null)
        {
            ctx.Writer.WriteError(RespErrors.NoSuchKey);
            return;
        }
        if (!Numbers.TryParseInt64(ctx.Args[2], out long index))
        {
            ctx.Writer.WriteError(RespErrors.NotInteger);
            return;
        }
        if (index < 0) index += list.Count;
        if (index < 0 || index >= list.Count)
        {
            ctx.Writer.WriteError(ListErrors.IndexOutOfRange);
            return;
        }
        list.Set((int)index, ctx.Args[3]);
        ctx.Notify(Ev.List, "lset"u8, ctx.Args[1]);
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }
}
