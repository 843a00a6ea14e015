using FastNode.Protocol;

namespace FastNode.Server.Commands.Server;

/// <summary>
/// MONITOR: from now on the client is sent every command the server runs (Monitoring/MonitorFeed.cs) until it
/// disconnects or sends RESET. As in Redis, MONITOR queued in MULTI fails when EXEC runs it (a transaction expects
/// one reply per command), and a second MONITOR is a no-op.
/// </summary>
public static class MonitorCommand
{
    public static void Monitor(ref CommandContext ctx)
    {
        if (ctx.Session.InExec)
        {
            ctx.Writer.WriteError("ERR MONITOR isn't allowed for DENY BLOCKING client");
            return;
        }
        var monitors = ctx.Server.Monitoring.Monitors;
        if (monitors.Contains(ctx.Session))
        {
            ctx.Writer.WriteRaw(RespReplies.Ok);
            return;
        }
        monitors.Add(ctx.Session);
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }
}
