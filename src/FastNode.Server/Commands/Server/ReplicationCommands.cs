using System.Text;
using FastNode.Protocol;
using FastNode.Server.Persistence.Replication;

namespace FastNode.Server.Commands.Server;

/// <summary>
/// The replication commands: REPLCONF and PSYNC/SYNC (a replica talking to this server), REPLICAOF/SLAVEOF (this
/// server following another). Semantics of Redis 7.0's replication.c; the state lives in <see cref="ReplicationState"/>.
/// </summary>
public static class ReplicationCommands
{
    /// <summary>REPLCONF option value ...: what a replica tells its primary before and after PSYNC.</summary>
    public static void ReplConf(ref CommandContext ctx)
    {
        var args = ctx.Args;
        if (args.Count % 2 == 0)
        {
            ctx.Writer.WriteError(RespErrors.Syntax);
            return;
        }
        var session = ctx.Session;
        for (int i = 1; i < args.Count; i += 2)
        {
            var option = args[i];
            var value = args[i + 1];
            if (Ascii.EqualsIgnoreCase(option, "ACK"u8))
            {
                // Redis never answers an ACK; from a connection that is not a replica it is ignored.
                if (session.Replica is { } replica && Numbers.TryParseInt64(value, out long offset))
                    ctx.Server.Replication.Acknowledged(replica, offset);
                return;
            }
            if (Ascii.EqualsIgnoreCase(option, "GETACK"u8))
            {
                // Only the link to our primary answers (it sends REPLCONF ACK itself); nobody else gets a reply.
                return;
            }
            var handshake = session.Handshake ??= new ReplicaHandshake();
            if (Ascii.EqualsIgnoreCase(option, "LISTENING-PORT"u8))
            {
                if (!Numbers.TryParseInt64(value, out long port) || port < 0 || port > 65535)
                {
                    ctx.Writer.WriteError(RespErrors.NotInteger);
                    return;
                }
                handshake.ListeningPort = (int)port;
            }
            else if (Ascii.EqualsIgnoreCase(option, "IP-ADDRESS"u8))
            {
                if (value.Length >= 46)
                {
                    ctx.Writer.WriteError("ERR REPLCONF ip-address provided by replica instance is too long: " + value.Length + " bytes");
                    return;
                }
                handshake.AnnouncedIp = Encoding.UTF8.GetString(value);
            }
            else if (Ascii.EqualsIgnoreCase(option, "CAPA"u8))
            {
                if (Ascii.EqualsIgnoreCase(value, "EOF"u8)) handshake.CapaEof = true;
                else if (Ascii.EqualsIgnoreCase(value, "PSYNC2"u8)) handshake.CapaPsync2 = true;
            }
            else if (Ascii.EqualsIgnoreCase(option, "RDB-ONLY"u8))
            {
                if (!Numbers.TryParseInt64(value, out long flag) || flag is not (0 or 1))
                {
                    ctx.Writer.WriteError(RespErrors.NotInteger);
                    return;
                }
                handshake.RdbOnly = flag == 1;
            }
            else
            {
                ctx.Writer.WriteError("ERR Unrecognized REPLCONF option: " + Encoding.UTF8.GetString(option));
                return;
            }
        }
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    /// <summary>
    /// PSYNC replid offset [FAILOVER]: continue from the backlog (+CONTINUE) or start over from a snapshot
    /// (+FULLRESYNC). With FAILOVER, our primary is handing its role over (its FAILOVER command): this server becomes
    /// the primary first, if the history named is ours, and the old primary then continues as its replica.
    /// </summary>
    public static void Psync(ref CommandContext ctx)
    {
        if (ctx.Session.Replica is not null) return;   // already a replica: ignored, as in Redis
        if (!Numbers.TryParseInt64(ctx.Args[2], out long from))
        {
            ctx.Writer.WriteError(RespErrors.NotInteger);
            return;
        }
        string replid = Encoding.ASCII.GetString(ctx.Args[1]);
        if (ctx.Args.Count > 3 && Ascii.EqualsIgnoreCase(ctx.Args[3], "FAILOVER"u8))
        {
            if (replid != ctx.Server.Replication.ReplId)
            {
                ctx.Writer.WriteError("ERR PSYNC FAILOVER replid must match my replid.");
                return;
            }
            ctx.Server.Replication.BecomePrimary($"failover request from {ctx.Session.RemoteAddress}");
        }
        if (!CanSync(ref ctx)) return;
        string? line = ctx.Server.Replication.Attach(ctx.Session, replid, from, out var replica);
        ctx.Writer.WriteRaw(Encoding.ASCII.GetBytes(line + "\r\n"));
        ctx.Session.Replica = replica;
    }

    /// <summary>SYNC (the protocol before PSYNC): the snapshot, then the stream, with no reply line before them.</summary>
    public static void Sync(ref CommandContext ctx)
    {
        if (!CanSync(ref ctx)) return;
        ctx.Server.Replication.Attach(ctx.Session, null, 0, out var replica);
        ctx.Session.Replica = replica;
    }

    private static bool CanSync(ref CommandContext ctx)
    {
        if (ctx.Session.Replica is not null) return false;   // already a replica: ignored, as in Redis
        if (ctx.Server.Replication.Failover.State != FailoverState.None)
        {
            ctx.Writer.WriteError("NOMASTERLINK Can't SYNC while failing over");
            return false;
        }
        if (ctx.Server.Replication.Link is { Up: false })
        {
            ctx.Writer.WriteError("NOMASTERLINK Can't SYNC while not connected with my master");
            return false;
        }
        return true;
    }

    /// <summary>REPLICAOF host port | NO ONE (SLAVEOF is the same command).</summary>
    public static void ReplicaOf(ref CommandContext ctx)
    {
        var replication = ctx.Server.Replication;
        if (ctx.Server.Cluster is not null)
        {
            ctx.Writer.WriteError("ERR REPLICAOF not allowed in cluster mode.");
            return;
        }
        if (replication.Failover.State != FailoverState.None)
        {
            ctx.Writer.WriteError("ERR REPLICAOF not allowed while failing over.");
            return;
        }
        if (Ascii.EqualsIgnoreCase(ctx.Args[1], "NO"u8) && Ascii.EqualsIgnoreCase(ctx.Args[2], "ONE"u8))
        {
            replication.BecomePrimary();
            ctx.Writer.WriteRaw(RespReplies.Ok);
            return;
        }
        if (ctx.Session.Replica is not null)
        {
            ctx.Writer.WriteError("ERR Command is not valid when client is a replica.");
            return;
        }
        if (!Numbers.TryParseInt64(ctx.Args[2], out long port) || port < 0 || port > 65535)
        {
            ctx.Writer.WriteError("ERR Invalid master port");
            return;
        }
        string host = Encoding.UTF8.GetString(ctx.Args[1]);
        if (replication.Link is { } link && string.Equals(link.Host, host, StringComparison.OrdinalIgnoreCase) && link.Port == port)
        {
            ctx.Writer.WriteSimpleString("OK Already connected to specified master"u8);
            return;
        }
        replication.BecomeReplica(host, (int)port);
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    /// <summary>
    /// FAILOVER [TO host port [FORCE]] [TIMEOUT ms] | FAILOVER ABORT: hand this primary's role to a replica without
    /// losing acknowledged writes (<see cref="CoordinatedFailover"/>). Replies OK once started; INFO replication's
    /// master_failover_state follows it. Checks in Redis 7.0's order.
    /// </summary>
    public static void Failover(ref CommandContext ctx)
    {
        if (ctx.Server.Cluster is not null)
        {
            ctx.Writer.WriteError("ERR FAILOVER not allowed in cluster mode.");
            return;
        }
        var args = ctx.Args;
        var failover = ctx.Server.Replication.Failover;
        if (args.Count == 2 && Ascii.EqualsIgnoreCase(args[1], "ABORT"u8))
        {
            if (failover.TryAbort()) ctx.Writer.WriteRaw(RespReplies.Ok);
            else ctx.Writer.WriteError("ERR No failover in progress.");
            return;
        }
        long timeoutMs = 0;
        long port = 0;
        string? host = null;
        bool force = false;
        for (int i = 1; i < args.Count; i++)
        {
            if (Ascii.EqualsIgnoreCase(args[i], "TIMEOUT"u8) && i + 1 < args.Count && timeoutMs == 0)
            {
                if (!Numbers.TryParseInt64(args[++i], out timeoutMs))
                {
                    ctx.Writer.WriteError(RespErrors.NotInteger);
                    return;
                }
                if (timeoutMs <= 0)
                {
                    ctx.Writer.WriteError("ERR FAILOVER timeout must be greater than 0");
                    return;
                }
            }
            else if (Ascii.EqualsIgnoreCase(args[i], "TO"u8) && i + 2 < args.Count && host is null)
            {
                if (!Numbers.TryParseInt64(args[i + 2], out port))
                {
                    ctx.Writer.WriteError(RespErrors.NotInteger);
                    return;
                }
                host = Encoding.UTF8.GetString(args[i + 1]);
                i += 2;
            }
            else if (Ascii.EqualsIgnoreCase(args[i], "FORCE"u8) && !force) force = true;
            else
            {
                ctx.Writer.WriteError(RespErrors.Syntax);
                return;
            }
        }
        if (failover.Start(host, (int)Math.Clamp(port, int.MinValue, int.MaxValue), timeoutMs, force) is { } error) ctx.Writer.WriteError(error);
        else ctx.Writer.WriteRaw(RespReplies.Ok);
    }
}
