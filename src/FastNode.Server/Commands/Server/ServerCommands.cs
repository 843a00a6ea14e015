using FastNode.Protocol;
using Microsoft.Extensions.Logging;

namespace FastNode.Server.Commands.Server;

/// <summary>
/// Keyspace-wide and process-wide administration: DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, TIME, LASTSAVE, ROLE, WAIT,
/// SHUTDOWN, and the persistence commands. FastNode keeps everything in memory: SAVE, BGSAVE and BGREWRITEAOF answer
/// an error rather than pretend a file was written.
/// </summary>
public static class ServerCommands
{
    public static void DbSize(ref CommandContext ctx) => ctx.Writer.WriteInteger(ctx.Db.Count());

    /// <summary>FLUSHDB [ASYNC|SYNC]: both empty the database before replying (dropping the arrays is cheap).</summary>
    public static void FlushDb(ref CommandContext ctx)
    {
        if (!TryParseFlushMode(ref ctx)) return;
        ctx.Db.Flush();
        ctx.Server.Watches.TouchDatabase(ctx.Session.DbIndex);
        ctx.Server.Tracking.InvalidateAll();
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    public static void FlushAll(ref CommandContext ctx)
    {
        if (!TryParseFlushMode(ref ctx)) return;
        for (int i = 0; i < ctx.Server.DatabaseCount; i++)
        {
            ctx.Server.Database(i).Flush();
            ctx.Server.Watches.TouchDatabase(i);
        }
        ctx.Server.Tracking.InvalidateAll();
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    private static bool TryParseFlushMode(ref CommandContext ctx)
    {
        var args = ctx.Args;
        if (args.Count == 1 || (args.Count == 2 && (Ascii.EqualsIgnoreCase(args[1], "ASYNC"u8) || Ascii.EqualsIgnoreCase(args[1], "SYNC"u8))))
            return true;
        ctx.Writer.WriteError(RespErrors.Syntax);
        return false;
    }

    public static void SwapDb(ref CommandContext ctx)
    {
        if (!TryParseIndex(ctx.Args[1], out int a))
        {
            ctx.Writer.WriteError("ERR invalid first DB index");
            return;
        }
        if (!TryParseIndex(ctx.Args[2], out int b))
        {
            ctx.Writer.WriteError("ERR invalid second DB index");
            return;
        }
        int count = ctx.Server.DatabaseCount;
        if (a < 0 || a >= count || b < 0 || b >= count)
        {
            ctx.Writer.WriteError(RespErrors.DbIndexOutOfRange);
            return;
        }
        if (a != b)
        {
            ctx.Server.SwapDatabases(a, b);
            ctx.Server.Watches.TouchDatabase(a);
            ctx.Server.Watches.TouchDatabase(b);
        }
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    private static bool TryParseIndex(ReadOnlySpan<byte> text, out int index)
    {
        index = 0;
        if (!Numbers.TryParseInt64(text, out long value) || value is < int.MinValue or > int.MaxValue) return false;
        index = (int)value;
        return true;
    }

    /// <summary>TIME: [unix seconds, microseconds] as two bulk strings.</summary>
    public static void Time(ref CommandContext ctx)
    {
        long micros = (ctx.Server.Time.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        ctx.Writer.WriteArrayHeader(2);
        ctx.Writer.WriteBulkInteger(micros / 1_000_000);
        ctx.Writer.WriteBulkInteger(micros % 1_000_000);
    }

    /// <summary>BGREWRITEAOF: compacts the AOF in the background (or writes a first one when appendonly is off, as Redis does).</summary>
    public static void BgRewriteAof(ref CommandContext ctx)
    {
        string reply = ctx.Server.Aof.BackgroundRewrite();
        if (reply[0] == '-') ctx.Writer.WriteError(reply[1..]);
        else ctx.Writer.WriteSimpleString(System.Text.Encoding.ASCII.GetBytes(reply[1..]));
    }

    /// <summary>ROLE: "master", offset, [ip, port, acked offset] per replica; or "slave", host, port, link state, offset.</summary>
    public static void Role(ref CommandContext ctx)
    {
        var replication = ctx.Server.Replication;
        if (replication.Link is { } link)
        {
            ctx.Writer.WriteArrayHeader(5);
            ctx.Writer.WriteBulkString("slave"u8);
            ctx.Writer.WriteBulkString(link.Host);
            ctx.Writer.WriteInteger(link.Port);
            ctx.Writer.WriteBulkString(link.Up ? "connected" : link.SyncInProgress ? "sync" : "connect");
            ctx.Writer.WriteInteger(link.Up ? ctx.Server.Feed.Offset : -1);
            return;
        }
        var replicas = replication.Replicas;
        ctx.Writer.WriteArrayHeader(3);
        ctx.Writer.WriteBulkString("master"u8);
        ctx.Writer.WriteInteger(ctx.Server.Feed.Offset);
        int online = 0;
        foreach (var r in replicas) if (r.State == "online") online++;
        ctx.Writer.WriteArrayHeader(online);
        foreach (var r in replicas)
        {
            if (r.State != "online") continue;
            ctx.Writer.WriteArrayHeader(3);
            ctx.Writer.WriteBulkString(r.Ip);
            ctx.Writer.WriteBulkString(r.ListeningPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
            ctx.Writer.WriteBulkString(Interlocked.Read(ref r.AckOffset).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>
    /// WAIT numreplicas timeout: blocks until that many replicas acknowledged this client's last write (the primary
    /// asks them with REPLCONF GETACK) or the timeout (0 = forever), then answers how many did. Inside EXEC it cannot
    /// block and answers at once (Redis's CLIENT_DENY_BLOCKING).
    /// </summary>
    public static void Wait(ref CommandContext ctx)
    {
        var replication = ctx.Server.Replication;
        if (replication.IsReplica)
        {
            ctx.Writer.WriteError("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.");
            return;
        }
        if (!Numbers.TryParseInt64(ctx.Args[1], out long replicas))
        {
            ctx.Writer.WriteError(RespErrors.NotInteger);
            return;
        }
        if (!Numbers.TryParseInt64(ctx.Args[2], out long timeoutMs))
        {
            ctx.Writer.WriteError("ERR timeout is not an integer or out of range");
            return;
        }
        if (timeoutMs < 0)
        {
            ctx.Writer.WriteError(RespErrors.TimeoutNegative);
            return;
        }
        long offset = ctx.Session.FeedOffset;
        int acked = replication.CountAcked(offset);
        if (acked >= replicas || ctx.Session.InExec)
        {
            ctx.Writer.WriteInteger(acked);
            return;
        }
        var wait = new ReplicaWait(timeoutMs == 0 ? 0 : ctx.NowMs + timeoutMs, offset, (int)Math.Min(replicas, int.MaxValue), replication);
        ctx.Session.Block(wait);
        replication.AddWait(wait);
    }

    /// <summary>
    /// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. With SAVE, or with save rules and no NOSAVE, the dataset is saved
    /// first; a failed save refuses the shutdown unless FORCE (Redis 7.0's prepareForShutdown). On success there is no
    /// reply: the connection closes, then the server. NOW is accepted (there are no replicas to wait for).
    /// </summary>
    public static void Shutdown(ref CommandContext ctx)
    {
        var args = ctx.Args;
        var flags = FastNode.Server.Persistence.ShutdownFlags.None;
        bool abort = false;
        for (int i = 1; i < args.Count; i++)
        {
            if (Ascii.EqualsIgnoreCase(args[i], "NOSAVE"u8)) flags |= FastNode.Server.Persistence.ShutdownFlags.NoSave;
            else if (Ascii.EqualsIgnoreCase(args[i], "SAVE"u8)) flags |= FastNode.Server.Persistence.ShutdownFlags.Save;
            else if (Ascii.EqualsIgnoreCase(args[i], "NOW"u8)) flags |= FastNode.Server.Persistence.ShutdownFlags.Now;
            else if (Ascii.EqualsIgnoreCase(args[i], "FORCE"u8)) flags |= FastNode.Server.Persistence.ShutdownFlags.Force;
            else if (Ascii.EqualsIgnoreCase(args[i], "ABORT"u8)) abort = true;
            else
            {
                ctx.Writer.WriteError(RespErrors.Syntax);
                return;
            }
        }
        const FastNode.Server.Persistence.ShutdownFlags both = FastNode.Server.Persistence.ShutdownFlags.Save | FastNode.Server.Persistence.ShutdownFlags.NoSave;
        if ((flags & both) == both || (abort && args.Count > 2))
        {
            ctx.Writer.WriteError(RespErrors.Syntax);
            return;
        }
        if (abort)
        {
            ctx.Writer.WriteError("ERR No shutdown in progress.");
            return;
        }
        // A script past busy-reply-threshold: only SHUTDOWN NOSAVE goes through, and it stops the script (Redis exits).
        if (ctx.Server.ScriptsIfStarted is { Running: true } scripts)
        {
            if ((flags & FastNode.Server.Persistence.ShutdownFlags.NoSave) == 0)
            {
                ctx.Writer.WriteError(scripts.BusyText);
                return;
            }
            scripts.AbortForShutdown();
        }
        var log = ctx.Server.Loggers.CreateLogger("FastNode.Server");
        log.LogWarning("User requested shutdown (client {Id} {Address})", ctx.Session.Id, ctx.Session.RemoteAddress);
        if (!FastNode.Server.Persistence.ShutdownSave.Run(ctx.Server, flags))
        {
            ctx.Writer.WriteError("ERR Errors trying to SHUTDOWN. Check logs.");
            return;
        }
        ctx.Session.CloseAfterReply = true;
        if (ctx.Server.ShutdownHandler is { } stop) stop();
        else
        {
            foreach (var client in ctx.Server.Clients.All)
            {
                if (client != ctx.Session) client.Kill();
            }
        }
    }
}
