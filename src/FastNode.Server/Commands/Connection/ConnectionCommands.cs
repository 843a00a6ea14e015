using FastNode.Protocol;

namespace FastNode.Server.Commands.Connection;

/// <summary>PING, ECHO, QUIT, HELLO, AUTH, SELECT: commands about the connection itself.</summary>
public static class ConnectionCommands
{
    /// <summary>PING [message]. In RESP2 subscribed mode the reply takes the pub/sub shape: ["pong", message or ""].</summary>
    public static void Ping(ref CommandContext ctx)
    {
        if (ctx.Args.Count > 2)
        {
            ctx.Writer.WriteError(ErrorText.WrongArity("ping"));
            return;
        }
        if (ctx.Session.PubSub is { Active: true } && ctx.Session.Protocol == 2)
        {
            ctx.Writer.WriteArrayHeader(2);
            ctx.Writer.WriteBulkString("pong"u8);
            if (ctx.Args.Count == 2) ctx.Writer.WriteBulkString(ctx.Args[1]);
            else ctx.Writer.WriteRaw(RespReplies.EmptyBulk);
            return;
        }
        if (ctx.Args.Count == 1) ctx.Writer.WriteRaw(RespReplies.Pong);
        else ctx.Writer.WriteBulkString(ctx.Args[1]);
    }

    public static void Echo(ref CommandContext ctx) => ctx.Writer.WriteBulkString(ctx.Args[1]);

    public static void Quit(ref CommandContext ctx)
    {
        ctx.Writer.WriteRaw(RespReplies.Ok);
        ctx.Session.CloseAfterReply = true;
    }

    /// <summary>
    /// HELLO [protover [AUTH user pass] [SETNAME name]]. In Redis's order: the version, then the option syntax,
    /// then AUTH, then the NOAUTH check, then SETNAME; the protocol switches last, and the reply itself already uses it.
    /// </summary>
    public static void Hello(ref CommandContext ctx)
    {
        var args = ctx.Args;
        int version = 0;
        if (args.Count >= 2)
        {
            if (!Numbers.TryParseInt64(args[1], out long requested))
            {
                ctx.Writer.WriteError(RespErrors.ProtocolVersionNotInteger);
                return;
            }
            if (requested is < 2 or > 3)
            {
                ctx.Writer.WriteError(RespErrors.NoProto);
                return;
            }
            version = (int)requested;
        }

        int auth = 0, setName = 0;
        for (int i = 2; i < args.Count; i++)
        {
            int more = args.Count - 1 - i;
            if (Ascii.EqualsIgnoreCase(args[i], "AUTH"u8) && more >= 2)
            {
                auth = i + 1;
                i += 2;
            }
            else if (Ascii.EqualsIgnoreCase(args[i], "SETNAME"u8) && more >= 1)
            {
                setName = i + 1;
                i++;
            }
            else
            {
                ctx.Writer.WriteError(ErrorText.HelloSyntax(args[i]));
                return;
            }
        }

        if (auth > 0)
        {
            if (!Authenticator.TryAuthenticate(ref ctx, args[auth], args[auth + 1]))
            {
                ctx.Writer.WriteError(RespErrors.WrongPass);
                return;
            }
        }
        else if (!Authenticator.IsAuthenticated(ref ctx))
        {
            ctx.Writer.WriteError(RespErrors.HelloNoAuth);
            return;
        }

        if (setName > 0 && !ClientNames.TrySet(ref ctx, args[setName])) return;

        if (version != 0)
        {
            ctx.Session.Protocol = version;
            ctx.Writer.Resp3 = version == 3;
        }
        WriteHelloReply(ref ctx);
    }

    private static void WriteHelloReply(ref CommandContext ctx)
    {
        ref var w = ref ctx.Writer;
        w.WriteMapHeader(7);
        w.WriteBulkString("server"u8);
        w.WriteBulkString("redis"u8);
        w.WriteBulkString("version"u8);
        w.WriteBulkString(ServerInfo.RedisVersion);
        w.WriteBulkString("proto"u8);
        w.WriteInteger(ctx.Session.Protocol);
        w.WriteBulkString("id"u8);
        w.WriteInteger(ctx.Session.Id);
        w.WriteBulkString("mode"u8);
        w.WriteBulkString(ctx.Server.Cluster is null ? "standalone"u8 : "cluster"u8);
        w.WriteBulkString("role"u8);
        w.WriteBulkString("master"u8);
        w.WriteBulkString("modules"u8);
        w.WriteRaw(RespReplies.EmptyArray);
    }

    /// <summary>AUTH [username] password. A failed AUTH leaves an already authenticated client authenticated, as in Redis.</summary>
    public static void Auth(ref CommandContext ctx)
    {
        var args = ctx.Args;
        if (args.Count > 3)
        {
            ctx.Writer.WriteError(RespErrors.Syntax);
            return;
        }
        if (args.Count == 2 && ctx.Server.Acl.Default.State.NoPass)
        {
            ctx.Writer.WriteError(RespErrors.AuthNotConfigured);
            return;
        }
        var user = args.Count == 3 ? args[1] : Authenticator.DefaultUser;
        if (!Authenticator.TryAuthenticate(ref ctx, user, args[args.Count - 1]))
        {
            ctx.Writer.WriteError(RespErrors.WrongPass);
            return;
        }
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    /// <summary>
    /// RESET (Redis clearClientConnectionState): discards MULTI and WATCH, drops every subscription (without
    /// replies), turns CLIENT TRACKING off, clears READONLY and ASKING, selects database 0, goes back to RESP2, forgets the name, turns replies back on and ends the
    /// authentication (with requirepass set, the client must AUTH again). Primary and replica links are refused.
    /// </summary>
    public static void Reset(ref CommandContext ctx)
    {
        var session = ctx.Session;
        if (session.Replica is not null || session.IsMasterLink)
        {
            ctx.Writer.WriteError("ERR can only reset normal client connections");
            return;
        }
        session.Multi = null;
        session.MultiDirty = false;
        ctx.Server.Watches.UnwatchAll(session);
        session.WatchInvalidated = false;
        if (session.PubSub is { } subscriber) ctx.Server.PubSub.UnsubscribeAll(subscriber);
        ctx.Server.Tracking.Disable(session);
        session.ClusterReadOnly = false;
        session.Asking = false;
        session.DbIndex = 0;
        session.Protocol = 2;
        ctx.Writer.Resp3 = false;
        session.Authenticated = false;
        session.User = null;
        session.Name = null;
        session.ReplyMode = Sessions.ReplyMode.On;
        ctx.Writer.WriteRaw(RespReplies.Reset);
    }

    public static void Select(ref CommandContext ctx)
    {
        if (!Numbers.TryParseInt64(ctx.Args[1], out long index) || index is < int.MinValue or > int.MaxValue)
        {
            ctx.Writer.WriteError(RespErrors.NotInteger);
            return;
        }
        if (ctx.Server.Cluster is not null && index != 0)
        {
            ctx.Writer.WriteError("ERR SELECT is not allowed in cluster mode");
            return;
        }
        if (index < 0 || index >= ctx.Server.DatabaseCount)
        {
            ctx.Writer.WriteError(RespErrors.DbIndexOutOfRange);
            return;
        }
        ctx.Session.DbIndex = (int)index;
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }
}
