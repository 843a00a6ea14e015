using System.Net;
using System.Text;
using FastNode.Protocol;
using Microsoft.Extensions.Logging;

namespace FastNode.Server.Commands.Server;

/// <summary>
/// DEBUG, gated by enable-debug-command exactly as in Redis 7.0 ("no" by default; "local" allows loopback clients).
/// Implemented: SLEEP, SET-ACTIVE-EXPIRE, OBJECT, RELOAD, LOG, ERROR and HELP. The other subcommands Redis 7.0 has
/// (crash helpers, allocator and encoding internals) answer that FastNode does not support them; a name Redis does
/// not know either (JMAP, ...) gets Redis's unknown-subcommand error.
/// </summary>
public static class DebugCommands
{
    public static void Debug(ref CommandContext ctx)
    {
        if (!IsAllowed(ref ctx))
        {
            ctx.Writer.WriteError("ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.");
            return;
        }
        var args = ctx.Args;
        var sub = args[1];
        if (Ascii.EqualsIgnoreCase(sub, "HELP"u8) && args.Count == 2)
        {
            HelpText.Write(ref ctx, "DEBUG",
            [
                "ERROR <string>", "    Return a Redis protocol error with <string> as message.",
                "LOG <message>", "    Write <message> to the server log.",
                "OBJECT <key>", "    Show low level info about `key` and associated value.",
                "RELOAD [option ...]", "    Save the RDB on disk and reload it back to memory. Options:",
                "    * MERGE: keys in the file replace those already loaded.",
                "    * NOFLUSH: keep the current data; without MERGE a key in both is an error.",
                "    * NOSAVE: load the existing RDB file without saving first.",
                "SET-ACTIVE-EXPIRE <0|1>", "    Setting it to 0 disables expiring keys in background when they are not accessed.",
                "SLEEP <seconds>", "    Stop this connection for <seconds> (may be fractional).",
            ]);
        }
        else if (Ascii.EqualsIgnoreCase(sub, "SET-ACTIVE-EXPIRE"u8) && args.Count == 3)
        {
            // Redis's atoi: anything but a number is 0 (off).
            ctx.Server.ActiveExpireEnabled = Numbers.TryParseInt64(args[2], out long on) && on != 0;
            ctx.Writer.WriteRaw(RespReplies.Ok);
        }
        else if (Ascii.EqualsIgnoreCase(sub, "SLEEP"u8) && args.Count == 3)
        {
            // Like Redis's atof: anything unparsable sleeps 0. Only this connection waits (Redis stops the server).
            if (Numbers.TryParseDouble(args[2], out double seconds) && seconds > 0) Thread.Sleep(TimeSpan.FromSeconds(Math.Min(seconds, int.MaxValue / 1000.0)));
            ctx.Writer.WriteRaw(RespReplies.Ok);
        }
        else if (Ascii.EqualsIgnoreCase(sub, "OBJECT"u8) && args.Count == 3)
        {
            DebugObject.Run(ref ctx, args[2]);
        }
        else if (Ascii.EqualsIgnoreCase(sub, "RELOAD"u8))
        {
            DebugReload.Run(ref ctx);
        }
        else if (Ascii.EqualsIgnoreCase(sub, "LOG"u8) && args.Count == 3)
        {
            ctx.Server.Loggers.CreateLogger("FastNode.Debug").LogWarning("DEBUG LOG: {Message}", Encoding.UTF8.GetString(args[2]));
            ctx.Writer.WriteRaw(RespReplies.Ok);
        }
        else if (Ascii.EqualsIgnoreCase(sub, "ERROR"u8) && args.Count == 3)
        {
            // Redis sends the string as the error line itself (CR and LF become spaces so it stays one line).
            var text = args[2].ToArray();
            for (int i = 0; i < text.Length; i++) if (text[i] is (byte)'\r' or (byte)'\n') text[i] = (byte)' ';
            ctx.Writer.WriteError(text);
        }
        else if (IsRedisSubcommand(sub))
        {
            ctx.Writer.WriteError($"ERR DEBUG {Encoding.UTF8.GetString(sub).ToUpperInvariant()} is not supported by FastNode. Try DEBUG HELP.");
        }
        else
        {
            ctx.Writer.WriteError(ErrorText.SubcommandSyntax(args[0], sub));
        }
    }

    /// <summary>The DEBUG subcommands Redis 7.0 has that FastNode leaves out (crash and allocator helpers, encoding internals).</summary>
    private static readonly string[] RedisOnly =
    [
        "AOF-FLUSH-SLEEP", "ASSERT", "CHANGE-REPL-ID", "CONFIG-REWRITE-FORCE-ALL", "CRASH-AND-RECOVER", "DIGEST",
        "DIGEST-VALUE", "LEAK", "HTSTATS", "HTSTATS-KEY", "LOADAOF", "REPLICATE", "MALLCTL", "MALLCTL-STR",
        "DROP-CLUSTER-PACKET-FILTER", "OOM", "PANIC", "POPULATE", "PROTOCOL", "RESTART", "SDSLEN", "SEGFAULT",
        "QUICKLIST-PACKED-THRESHOLD", "SET-SKIP-CHECKSUM-VALIDATION", "STRINGMATCH-TEST", "STRUCTSIZE", "LISTPACK",
        "QUICKLIST", "CLIENT-EVICTION", "PAUSE-CRON", "REPLYBUFFER", "CLUSTERLINK", "SET-DISABLE-DENY-SCRIPTS",
    ];

    private static bool IsRedisSubcommand(ReadOnlySpan<byte> sub)
    {
        foreach (var name in RedisOnly)
        {
            if (sub.Length == name.Length && Ascii.EqualsIgnoreCase(sub, Encoding.ASCII.GetBytes(name))) return true;
        }
        return false;
    }

    private static bool IsAllowed(ref CommandContext ctx)
    {
        string mode = ctx.Server.Config.TryGet("enable-debug-command", out var setting) ? setting.Get() : "no";
        if (mode == "yes") return true;
        if (mode != "local") return false;
        return IPEndPoint.TryParse(ctx.Session.RemoteAddress, out var endPoint) && IPAddress.IsLoopback(endPoint.Address);
    }
}
