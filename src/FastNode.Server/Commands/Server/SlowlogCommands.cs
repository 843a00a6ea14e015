using FastNode.Protocol;

namespace FastNode.Server.Commands.Server;

/// <summary>SLOWLOG GET/LEN/RESET/HELP. FastNode does not record slow commands, so the log is always empty.</summary>
public static class SlowlogCommands
{
    public static void Get(ref CommandContext ctx)
    {
        if (ctx.Args.Count > 3)
        {
            ctx.Writer.WriteError(ErrorText.SubcommandSyntax(ctx.Args[0], ctx.Args[1]));
            return;
        }
        if (ctx.Args.Count == 3 && (!Numbers.TryParseInt64(ctx.Args[2], out long count) || count < -1))
        {
            ctx.Writer.WriteError("ERR count should be greater than or equal to -1");
            return;
        }
        ctx.Writer.WriteRaw(RespReplies.EmptyArray);
    }

    public static void Len(ref CommandContext ctx) => ctx.Writer.WriteRaw(RespReplies.Zero);

    public static void Reset(ref CommandContext ctx) => ctx.Writer.WriteRaw(RespReplies.Ok);

    public static void Help(ref CommandContext ctx) => HelpText.Write(ref ctx, "SLOWLOG",
    [
        "GET [<count>]", "    Return the most recent slow log entries (FastNode records none).",
        "LEN", "    Return the number of slow log entries.",
        "RESET", "    Empty the slow log.",
    ]);
}
