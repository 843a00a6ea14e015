using FastNode.Protocol;
using FastNode.Server.Sessions;

namespace FastNode.Server.Commands.Connection;

/// <summary>CLIENT PAUSE timeout [WRITE|ALL] and CLIENT UNPAUSE, as in Redis 7.0 (see <see cref="ClientPause"/>).</summary>
public static class ClientPauseCommands
{
    public static void Pause(ref CommandContext ctx)
    {
        var args = ctx.Args;
        if (args.Count > 4)
        {
            ctx.Writer.WriteError("ERR unknown subcommand or wrong number of arguments for '" + ErrorText.Text(args[1]) + "'. Try CLIENT HELP.");
            return;
        }
        if (!Numbers.TryParseInt64(args[2], out long timeoutMs))
        {
            ctx.Writer.WriteError("ERR timeout is not an integer or out of range");
            return;
        }
        if (timeoutMs < 0)
        {
            ctx.Writer.WriteError("ERR timeout is negative");
            return;
        }
        var kind = PauseKind.All;
        if (args.Count == 4)
        {
            if (Ascii.EqualsIgnoreCase(args[3], "WRITE"u8)) kind = PauseKind.Write;
            else if (!Ascii.EqualsIgnoreCase(args[3], "ALL"u8))
            {
                ctx.Writer.WriteError("ERR CLIENT PAUSE mode must be WRITE or ALL");
                return;
            }
        }
        long now = ctx.NowMs;
        long end = timeoutMs > long.MaxValue - now ? long.MaxValue : now + timeoutMs;
        ctx.Server.Pause.Pause(PausePurpose.ClientCommand, kind, end);
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    public static void Unpause(ref CommandContext ctx)
    {
        ctx.Server.Pause.Unpause(PausePurpose.ClientCommand);
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }
}
