using FastNode.Protocol;

namespace FastNode.Server.Commands.Server;

/// <summary>
/// SCRIPT FLUSH and FUNCTION FLUSH: FastNode runs no Lua, so there is never a script or library to delete and both
/// succeed, which is what tools that reset a server between tests expect.
/// </summary>
public static class ScriptCacheCommands
{
    public static void ScriptFlush(ref CommandContext ctx)
    {
        if (ctx.Args.Count == 3 && !IsFlushMode(ctx.Args[2]))
        {
            ctx.Writer.WriteError("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
            return;
        }
        if (ctx.Args.Count > 3)
        {
            ctx.Writer.WriteError("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
            return;
        }
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    public static void FunctionFlush(ref CommandContext ctx)
    {
        if (ctx.Args.Count > 3)
        {
            ctx.Writer.WriteError(ErrorText.SubcommandSyntax(ctx.Args[0], ctx.Args[1]));
            return;
        }
        if (ctx.Args.Count == 3 && !IsFlushMode(ctx.Args[2]))
        {
            ctx.Writer.WriteError("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
            return;
        }
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    private static bool IsFlushMode(ReadOnlySpan<byte> arg) =>
        Ascii.EqualsIgnoreCase(arg, "ASYNC"u8) || Ascii.EqualsIgnoreCase(arg, "SYNC"u8);

    public static void ScriptHelp(ref CommandContext ctx) => HelpText.Write(ref ctx, "SCRIPT",
    [
        "FLUSH [ASYNC|SYNC]", "    Empty the script cache (FastNode runs no scripts, so it is always empty).",
    ]);

    public static void FunctionHelp(ref CommandContext ctx) => HelpText.Write(ref ctx, "FUNCTION",
    [
        "FLUSH [ASYNC|SYNC]", "    Delete every library (FastNode runs no functions, so there are none).",
    ]);
}
