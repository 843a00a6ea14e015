using FastNode.Protocol;

namespace FastNode.Server.Commands.Connection;

/// <summary>PING, ECHO, QUIT: commands about the connection itself.</summary>
public static class ConnectionCommands
{
    public static void Ping(ref CommandContext ctx)
    {
        if (ctx.Args.Count == 1) ctx.Writer.WriteRaw(RespReplies.Pong);
        else if (ctx.Args.Count == 2) ctx.Writer.WriteBulkString(ctx.Args[1]);
        else ctx.Writer.WriteError(ErrorText.WrongArity("ping"));
    }

    public static void Echo(ref CommandContext ctx) => ctx.Writer.WriteBulkString(ctx.Args[1]);

    public static void Quit(ref CommandContext ctx)
    {
        ctx.Writer.WriteRaw(RespReplies.Ok);
        ctx.Session.CloseAfterReply = true;
    }
}
