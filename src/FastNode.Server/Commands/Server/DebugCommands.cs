using System.Net;
using FastNode.Protocol;

namespace FastNode.Server.Commands.Server;

/// <summary>
/// DEBUG, gated by enable-debug-command exactly as in Redis 7.0 ("no" by default; "local" allows loopback clients).
/// Only SLEEP, SET-ACTIVE-EXPIRE and HELP are implemented; other subcommands answer Redis's unknown-subcommand error.
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
                "SLEEP <seconds>", "    Stop this connection for <seconds> (may be fractional).",
                "SET-ACTIVE-EXPIRE <0|1>", "    Setting it to 0 disables expiring keys in background when they are not accessed.",
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
        else
        {
            ctx.Writer.WriteError(ErrorText.SubcommandSyntax(args[0], sub));
        }
    }

    private static bool IsAllowed(ref CommandContext ctx)
    {
        string mode = ctx.Server.Config.TryGet("enable-debug-command", out var setting) ? setting.Get() : "no";
        if (mode == "yes") return true;
        if (mode != "local") return false;
        return IPEndPoint.TryParse(ctx.Session.RemoteAddress, out var endPoint) && IPAddress.IsLoopback(endPoint.Address);
    }
}
