using FastNode.Protocol;
using FastNode.Server.Storage.Lists;

namespace FastNode.Server.Commands.Lists;

/// <summary>
/// BLPOP, BRPOP, BLMOVE, BRPOPLPUSH and BLMPOP. With an element available they answer at once like their
/// non-blocking forms; otherwise the client blocks (<see cref="ListWaiter"/>) until a push hands it an element, the
/// timeout passes (nil array) or it disconnects. Inside EXEC they never block: an empty source answers as a timeout
/// would (BLMOVE/BRPOPLPUSH: nil bulk, as Redis).
/// Argument errors come in Redis's order: BLPOP checks the timeout first, BLMOVE its directions then the timeout,
/// BLMPOP numkeys, keys, direction and COUNT before the timeout.
/// </summary>
public static class BlockingListCommands
{
    public static void BLPop(ref CommandContext ctx) => BlockingPop(ref ctx, ListEnd.Left);

    public static void BRPop(ref CommandContext ctx) => BlockingPop(ref ctx, ListEnd.Right);

    private static void BlockingPop(ref CommandContext ctx, ListEnd where)
    {
        int last = ctx.Args.Count - 1;
        if (!ListArgs.TryParseTimeout(ref ctx, ctx.Args[last], out long deadlineMs)) return;
        ListMoveCommands.MultiPop(ref ctx, 1, last - 1, where, 1, block: true, deadlineMs, single: true);
    }

    public static void BLMove(ref CommandContext ctx)
    {
        if (!ListArgs.TryParseEnd(ctx.Args[3], out var from) || !ListArgs.TryParseEnd(ctx.Args[4], out var to))
        {
            ctx.Writer.WriteError(RespErrors.Syntax);
            return;
        }
        if (!ListArgs.TryParseTimeout(ref ctx, ctx.Args[5], out long deadlineMs)) return;
        ListMoveCommands.Move(ref ctx, from, to, block: true, deadlineMs);
    }

    public static void BRPopLPush(ref CommandContext ctx)
    {
        if (!ListArgs.TryParseTimeout(ref ctx, ctx.Args[3], out long deadlineMs)) return;
        ListMoveCommands.Move(ref ctx, ListEnd.Right, ListEnd.Left, block: true, deadlineMs);
    }

    public static void BLMPop(ref CommandContext ctx)
    {
        if (!ListArgs.TryParseMultiPop(ref ctx, 2, out int keyCount, out var where, out long count)) return;
        if (!ListArgs.TryParseTimeout(ref ctx, ctx.Args[1], out long deadlineMs)) return;
        ListMoveCommands.MultiPop(ref ctx, 3, keyCount, where, count, block: true, deadlineMs);
    }
}
