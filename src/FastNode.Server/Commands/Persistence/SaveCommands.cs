using FastNode.Protocol;
using FastNode.Server.Persistence.Rdb;

namespace FastNode.Server.Commands.Persistence;

/// <summary>SAVE, BGSAVE [SCHEDULE] and LASTSAVE (Redis 7.0 replies; the file is `dir`/`dbfilename`).</summary>
public static class SaveCommands
{
    /// <summary>SAVE: writes the snapshot on this connection's thread, as Redis blocks its event loop.</summary>
    public static void Save(ref CommandContext ctx)
    {
        if (RdbFile.Save(ctx.Server, out bool busy))
        {
            ctx.Writer.WriteRaw(RespReplies.Ok);
            return;
        }
        // Redis answers a failed SAVE with a bare "-ERR".
        ctx.Writer.WriteError(busy ? "ERR Background save already in progress" : "ERR");
    }

    /// <summary>
    /// BGSAVE [SCHEDULE]. Inside MULTI/EXEC the save is scheduled (the cron starts it once the transaction is over),
    /// as Redis does; there is no other kind of child process to wait for.
    /// </summary>
    public static void BgSave(ref CommandContext ctx)
    {
        var args = ctx.Args;
        if (args.Count > 2 || (args.Count == 2 && !Ascii.EqualsIgnoreCase(args[1], "SCHEDULE"u8)))
        {
            ctx.Writer.WriteError(RespErrors.Syntax);
            return;
        }
        var state = ctx.Server.Persistence;
        if (state.BackgroundSaveInProgress || state.SaveInProgress)
        {
            ctx.Writer.WriteError("ERR Background save already in progress");
            return;
        }
        if (ctx.Session.InExec)
        {
            state.BackgroundSaveScheduled = true;
            ctx.Writer.WriteSimpleString("Background saving scheduled"u8);
            return;
        }
        if (RdbFile.StartBackground(ctx.Server) == BackgroundSaveStart.Started)
            ctx.Writer.WriteSimpleString("Background saving started"u8);
        else
            ctx.Writer.WriteError("ERR Background save already in progress");
    }

    /// <summary>LASTSAVE: Unix time of the last successful save (the start time before any).</summary>
    public static void LastSave(ref CommandContext ctx) => ctx.Writer.WriteInteger(ctx.Server.Persistence.LastSaveUnix);
}
