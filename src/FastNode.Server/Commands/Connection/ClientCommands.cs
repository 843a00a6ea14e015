using System.Text;
using FastNode.Protocol;
using FastNode.Server.Commands.Server;
using FastNode.Server.Sessions;

namespace FastNode.Server.Commands.Connection;

/// <summary>
/// CLIENT subcommands (PAUSE/UNPAUSE are in <see cref="ClientPauseCommands"/>, TRACKING, CACHING, GETREDIR and
/// TRACKINGINFO in <see cref="ClientTrackingCommands"/>).
/// </summary>
public static class ClientCommands
{
    public static void Id(ref CommandContext ctx) => ctx.Writer.WriteInteger(ctx.Session.Id);

    public static void SetName(ref CommandContext ctx)
    {
        if (ClientNames.TrySet(ref ctx, ctx.Args[2])) ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    public static void GetName(ref CommandContext ctx)
    {
        if (ctx.Session.Name is { } name) ctx.Writer.WriteBulkString(name);
        else ctx.Writer.WriteNullBulk();
    }

    /// <summary>CLIENT SETINFO LIB-NAME|LIB-VER value (Redis 7.2; StackExchange.Redis sends it at connect).</summary>
    public static void SetInfo(ref CommandContext ctx)
    {
        var attribute = ctx.Args[2];
        bool libName = Ascii.EqualsIgnoreCase(attribute, "LIB-NAME"u8);
        if (!libName && !Ascii.EqualsIgnoreCase(attribute, "LIB-VER"u8))
        {
            ctx.Writer.WriteError($"ERR Unrecognized option '{ErrorText.Text(attribute)}'");
            return;
        }
        var value = ctx.Args[3];
        if (!ClientNames.IsValid(value))
        {
            ctx.Writer.WriteError($"ERR {ErrorText.Text(attribute)} cannot contain spaces, newlines or special characters.");
            return;
        }
        string? text = value.IsEmpty ? null : Encoding.ASCII.GetString(value);
        if (libName) ctx.Session.LibraryName = text;
        else ctx.Session.LibraryVersion = text;
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    public static void Info(ref CommandContext ctx)
    {
        var sb = new StringBuilder(256);
        ClientInfoFormatter.Append(sb, ctx.Session, ref ctx);
        ctx.Writer.WriteVerbatim("txt"u8, Encoding.UTF8.GetBytes(sb.ToString()));
    }

    /// <summary>CLIENT LIST [TYPE type] | [ID id ...]: one line per client, oldest first.</summary>
    public static void List(ref CommandContext ctx)
    {
        var args = ctx.Args;
        ClientType? type = null;
        List<long>? ids = null;
        if (args.Count == 4 && Ascii.EqualsIgnoreCase(args[2], "TYPE"u8))
        {
            if (!ClientTypes.TryParse(args[3], out var parsed))
            {
                ctx.Writer.WriteError(ErrorText.UnknownClientType(args[3]));
                return;
            }
            type = parsed;
        }
        else if (args.Count > 3 && Ascii.EqualsIgnoreCase(args[2], "ID"u8))
        {
            ids = [];
            for (int i = 3; i < args.Count; i++)
            {
                if (!Numbers.TryParseInt64(args[i], out long id) || id < 1)
                {
                    ctx.Writer.WriteError(RespErrors.InvalidClientId);
                    return;
                }
                ids.Add(id);
            }
        }
        else if (args.Count != 2)
        {
            ctx.Writer.WriteError(RespErrors.Syntax);
            return;
        }

        var sb = new StringBuilder();
        if (ids is not null)
        {
            foreach (long id in ids)
            {
                if (ctx.Server.Clients.TryGet(id, out var client)) ClientInfoFormatter.Append(sb, client, ref ctx);
            }
        }
        else
        {
            foreach (var client in SortedClients(ctx.Server))
            {
                if (type is null || ClientTypes.Of(client) == type) ClientInfoFormatter.Append(sb, client, ref ctx);
            }
        }
        ctx.Writer.WriteVerbatim("txt"u8, Encoding.UTF8.GetBytes(sb.ToString()));
    }

    private static List<ClientSession> SortedClients(ServerState server)
    {
        var clients = new List<ClientSession>(server.Clients.All);
        clients.Sort((a, b) => a.Id.CompareTo(b.Id));
        return clients;
    }

    /// <summary>CLIENT KILL ip:port (replies OK) or CLIENT KILL filter value... (replies the number killed).</summary>
    public static void Kill(ref CommandContext ctx)
    {
        var args = ctx.Args;
        ClientKillFilter filter;
        if (args.Count == 3)
        {
            filter = new ClientKillFilter { Address = Encoding.UTF8.GetString(args[2]), SkipMe = false };
        }
        else if (!ClientKillFilter.TryParse(args, out filter, out string? error))
        {
            ctx.Writer.WriteError(error!);
            return;
        }

        int killed = 0;
        bool killSelf = false;
        foreach (var client in ctx.Server.Clients.All)
        {
            if (!filter.Matches(client)) continue;
            if (client == ctx.Session)
            {
                if (filter.SkipMe) continue;
                killSelf = true;
            }
            else
            {
                client.Kill();
            }
            killed++;
        }

        if (args.Count == 3)
        {
            if (killed == 0)
            {
                ctx.Writer.WriteError(RespErrors.NoSuchClient);
                return;
            }
            ctx.Writer.WriteRaw(RespReplies.Ok);
        }
        else
        {
            ctx.Writer.WriteInteger(killed);
        }
        // Killing oneself closes the connection once this reply is out (Redis CLIENT_CLOSE_AFTER_REPLY).
        if (killSelf) ctx.Session.CloseAfterReply = true;
    }

    public static void NoEvict(ref CommandContext ctx)
    {
        if (!TryParseOnOff(ctx.Args[2], out bool on))
        {
            ctx.Writer.WriteError(RespErrors.Syntax);
            return;
        }
        ctx.Session.NoEvict = on;
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    /// <summary>
    /// CLIENT REPLY ON|OFF|SKIP. OFF and SKIP reply nothing (the command is flagged NoReply). ON writes its OK: when
    /// replies were off, that OK goes to the discarding writer and the CommandProcessor sends the one real OK.
    /// </summary>
    public static void Reply(ref CommandContext ctx)
    {
        var mode = ctx.Args[2];
        if (Ascii.EqualsIgnoreCase(mode, "ON"u8))
        {
            ctx.Session.ReplyMode = ReplyMode.On;
            ctx.Writer.WriteRaw(RespReplies.Ok);
        }
        else if (Ascii.EqualsIgnoreCase(mode, "OFF"u8)) ctx.Session.ReplyMode = ReplyMode.Off;
        else if (Ascii.EqualsIgnoreCase(mode, "SKIP"u8)) ctx.Session.ReplyMode = ReplyMode.SkipNext;
        else ctx.Writer.WriteError(RespErrors.Syntax);
    }

    /// <summary>CLIENT UNBLOCK id [TIMEOUT|ERROR]: ends another client's blocking command as if it had timed out.</summary>
    public static void Unblock(ref CommandContext ctx)
    {
        var args = ctx.Args;
        if (!Numbers.TryParseInt64(args[2], out long id))
        {
            ctx.Writer.WriteError(RespErrors.NotInteger);
            return;
        }
        if (args.Count > 4 || (args.Count == 4 && !Ascii.EqualsIgnoreCase(args[3], "TIMEOUT"u8) && !Ascii.EqualsIgnoreCase(args[3], "ERROR"u8)))
        {
            ctx.Writer.WriteError("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
            return;
        }
        if (args.Count == 4 && Ascii.EqualsIgnoreCase(args[3], "ERROR"u8))
        {
            // The blocking framework can only end a wait as a timeout; refusing beats answering the wrong reply.
            ctx.Writer.WriteError("ERR CLIENT UNBLOCK ERROR is not supported, use TIMEOUT");
            return;
        }
        bool unblocked = ctx.Server.Clients.TryGet(id, out var client) && client.PendingBlock is { } blocked && blocked.TryCancel();
        ctx.Writer.WriteRaw(unblocked ? RespReplies.One : RespReplies.Zero);
    }

    public static void Help(ref CommandContext ctx) => HelpText.Write(ref ctx, "CLIENT",
    [
        "CACHING (YES|NO)", "    OPTIN: remember the keys the next command reads (YES); OPTOUT: do not (NO).",
        "GETNAME", "    Return the name of this connection.",
        "GETREDIR", "    Return the id invalidations go to (0: this connection, -1: tracking off).",
        "ID", "    Return the id of this connection.",
        "INFO", "    Return the CLIENT LIST line of this connection.",
        "KILL <ip:port>", "    Close the connection from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]", "    Close the connections matching every filter:",
        "    * ID <client-id>", "    * ADDR <ip:port>", "    * LADDR <ip:port>",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)", "    * USER <username>",
        "    * SKIPME (YES|NO)", "      Spare this connection (default: YES).",
        "LIST [TYPE (NORMAL|MASTER|REPLICA|PUBSUB)] [ID <client-id> ...]", "    Describe the connections, one per line.",
        "NO-EVICT (ON|OFF)", "    Mark this connection as exempt from client eviction.",
        "PAUSE <timeout> [WRITE|ALL]", "    Hold back the commands of normal clients for <timeout> ms (default ALL; WRITE: only those that may write).",
        "REPLY (ON|OFF|SKIP)", "    Turn the replies to this connection on or off, or skip the next one.",
        "SETINFO (LIB-NAME|LIB-VER) <value>", "    Record the client library name or version.",
        "SETNAME <name>", "    Name this connection.",
        "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]] [OPTIN] [OPTOUT] [NOLOOP]",
        "    Turn client-side caching invalidations on or off for this connection.",
        "TRACKINGINFO", "    Return the tracking flags, redirect id and BCAST prefixes of this connection.",
        "UNBLOCK <clientid> [TIMEOUT]", "    End the blocking command of another connection as a timeout.",
        "UNPAUSE", "    End a pause started with CLIENT PAUSE.",
    ]);

    private static bool TryParseOnOff(ReadOnlySpan<byte> arg, out bool on)
    {
        on = Ascii.EqualsIgnoreCase(arg, "ON"u8);
        return on || Ascii.EqualsIgnoreCase(arg, "OFF"u8);
    }
}
