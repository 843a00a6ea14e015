using FastNode.Protocol;
using FastNode.Server.Persistence.Rdb;
using Microsoft.Extensions.Logging;

namespace FastNode.Server.Commands.Server;

/// <summary>
/// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE], as Redis 7.0: save the RDB file (unless NOSAVE), empty every database
/// (unless NOFLUSH), and load the file back (MERGE: a key already present is replaced by the file's; without it a
/// duplicate is an error, answered where Redis stops the server). Writers of other connections wait while the data is
/// replaced (the write gate is paused); readers may see the databases part loaded meanwhile, where Redis's single
/// thread shows nobody anything.
/// </summary>
public static class DebugReload
{
    public static void Run(ref CommandContext ctx)
    {
        var args = ctx.Args;
        bool merge = false, flush = true, save = true;
        for (int i = 2; i < args.Count; i++)
        {
            if (Ascii.EqualsIgnoreCase(args[i], "MERGE"u8)) merge = true;
            else if (Ascii.EqualsIgnoreCase(args[i], "NOFLUSH"u8)) flush = false;
            else if (Ascii.EqualsIgnoreCase(args[i], "NOSAVE"u8)) save = false;
            else
            {
                ctx.Writer.WriteError("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
                return;
            }
        }
        var server = ctx.Server;
        // Redis answers a failed save with a bare "-ERR" (shared.err), and the reason is in the log.
        if (save && !RdbFile.Save(server, out _))
        {
            ctx.Writer.WriteError("ERR");
            return;
        }
        if (!TryLoad(server, flush, merge))
        {
            ctx.Writer.WriteError("ERR Error trying to load the RDB dump");
            return;
        }
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    /// <summary>
    /// Empties the databases (unless told not to) and loads the file, with writers paused. As in Redis, the databases
    /// are emptied first, so a missing or corrupt file leaves them empty (or part loaded).
    /// </summary>
    private static bool TryLoad(ServerState server, bool flush, bool merge)
    {
        var log = server.Loggers.CreateLogger("FastNode.Rdb");
        string path = server.Options.RdbPath;
        var state = server.Persistence;
        try
        {
            server.Feed.Gate.Pause(() =>
            {
                state.Loading = true;
                try
                {
                    if (flush) EmptyAll(server);
                    using var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
                    var result = RdbLoader.Load(input, server, new RdbLoadOptions { ReplaceExisting = merge, Logger = log });
                    state.LastLoadKeysLoaded = result.KeysLoaded;
                    state.LastLoadKeysExpired = result.KeysExpired;
                }
                finally
                {
                    state.Loading = false;
                }
            });
        }
        catch (Exception ex) when (ex is RdbFormatException or IOException or UnauthorizedAccessException)
        {
            // FileNotFoundException is an IOException. Redis stops the server on a duplicate key (NOFLUSH without
            // MERGE); FastNode answers the error instead.
            log.LogWarning("DEBUG RELOAD could not load {Path}: {Error}", path, ex.Message);
            return false;
        }
        log.LogWarning("DB reloaded by DEBUG RELOAD");
        return true;
    }

    /// <summary>What FLUSHALL does to the data: every database emptied, its WATCHers and tracking clients told.</summary>
    private static void EmptyAll(ServerState server)
    {
        for (int d = 0; d < server.DatabaseCount; d++)
        {
            server.Database(d).Flush();
            server.Watches.TouchDatabase(d);
        }
        server.Tracking.InvalidateAll();
    }
}
