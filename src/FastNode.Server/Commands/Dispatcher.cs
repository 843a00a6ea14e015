using System.Diagnostics;
using FastNode.Protocol;
using FastNode.Server.Commands.Transactions;
using FastNode.Server.Transactions;

namespace FastNode.Server.Commands;

/// <summary>
/// Runs one parsed command: finds it, then checks existence, arity and auth in Redis's order
/// (processCommand) before the handler runs, so handlers never re-check arity. Inside MULTI it queues instead,
/// and after a write it tells WATCHers that the command's keys changed.
/// </summary>
public static partial class Dispatcher
{
    private const string MisconfError = "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. "
        + "Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB "
        + "snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";

    public static void Execute(ref CommandContext ctx, CommandArgs args)
    {
        ctx.Args = args;
        var session = ctx.Session;
        var def = ctx.Server.Commands.Lookup.Find(args[0]);
        if (def is null)
        {
            Reject(ref ctx, ErrorText.UnknownCommand(args));
            return;
        }

        if (def.SubcommandLookup is not null && args.Count >= 2)
        {
            var sub = def.SubcommandLookup.Find(args[1]);
            if (sub is null)
            {
                Reject(ref ctx, ErrorText.UnknownSubcommand(args));
                return;
            }
            def = sub;
        }

        if (def.Arity > 0 ? args.Count != def.Arity : args.Count < -def.Arity)
        {
            Reject(ref ctx, ErrorText.WrongArity(def.FullName));
            return;
        }

        if (!session.Authenticated && (def.Flags & CommandFlags.NoAuth) == 0 && ctx.Server.Acl.AuthRequired)
        {
            Reject(ref ctx, "NOAUTH Authentication required.");
            return;
        }

        // ACL (docs/security.md): one flag test for a user allowed everything, as the default user is unless configured.
        if (!session.AclExempt && (session.User ?? ctx.Server.Acl.Default).State is { Unrestricted: false }
            && AclRefusal(ref ctx, def, args) is { } noPerm)
        {
            Reject(ref ctx, noPerm);
            return;
        }

        // Cluster mode (Redis's getNodeByQuery): CROSSSLOT, CLUSTERDOWN or MOVED before anything else refuses. One
        // predictable branch when cluster mode is off.
        if (ctx.Server.Cluster is { } cluster
            && FastNode.Server.Cluster.SlotRouting.Check(ctx.Server, cluster, session, def, args, ctx.Server.Options.ClusterAllowReadsWhenDown,
                ctx.Server.Options.ClusterAllowPubSubShardWhenDown) is { } clusterError)
        {
            Reject(ref ctx, clusterError);
            return;
        }

        // maxmemory (Redis's performEvictions in processCommand): evict before the command runs; when nothing more can
        // go, commands that may grow memory get OOM (inside MULTI every command but EXEC, DISCARD, QUIT and RESET).
        if (ctx.Server.Memory.OverLimit && !session.IsMasterLink && MemoryGate.RefusesForMemory(ref ctx, def))
        {
            Reject(ref ctx, MemoryGate.OomError);
            return;
        }

        // Redis's writeCommandsDeniedByDiskError: after a failed background save, writes (and PING) get MISCONF.
        if (!ctx.Server.Persistence.LastBgsaveOk && !session.IsMasterLink && ((def.Flags & CommandFlags.Write) != 0 || def.Name == "PING")
            && ctx.Server.Persistence.RefusesWrites(ctx.Server.Options))
        {
            Reject(ref ctx, MisconfError);
            return;
        }

        // As Redis: while the AOF cannot be written, writes are refused rather than acknowledged and lost.
        if ((def.Flags & CommandFlags.Write) != 0 && ctx.Server.Feed.Active && ctx.Server.Aof.Writer?.LastError is { } aofError)
        {
            Reject(ref ctx, "MISCONF Errors writing to the AOF file: " + aofError);
            return;
        }

        // As Redis's processCommand: a read-only replica refuses writes from its clients (its primary's stream is
        // exempt), and a primary with min-replicas-to-write refuses them while too few replicas keep up.
        if ((def.Flags & CommandFlags.Write) != 0 && !session.IsMasterLink)
        {
            var replication = ctx.Server.Replication;
            if (replication.IsReplica)
            {
                if (ctx.Server.Options.ReplicaReadOnly)
                {
                    Reject(ref ctx, "READONLY You can't write against a read only replica.");
                    return;
                }
            }
            else if (ctx.Server.Options.MinReplicasToWrite > 0 && replication.GoodReplicas() < ctx.Server.Options.MinReplicasToWrite)
            {
                Reject(ref ctx, "NOREPLICAS Not enough good replicas to write.");
                return;
            }
        }

        // RESP2 subscribed mode (Redis processCommand): only the pub/sub commands, PING, QUIT and RESET. RESP3 has no
        // such limit; EXEC runs what it queued regardless (the check is at call time, not inside EXEC).
        if (session.PubSub is { Active: true } && session.Protocol == 2 && !session.InExec && !AllowedWhileSubscribed(def))
        {
            Reject(ref ctx, $"ERR Can't execute '{def.FullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
            return;
        }

        // As Redis's processCommand: under CLIENT PAUSE (or a FAILOVER's pause of writes) a command it covers waits for
        // the pause to end instead of failing; the connection runs it then (even one that MULTI would queue).
        if (ctx.Server.Pause.TryHold(def, session, args)) return;

        // A script is running (docs/scripting.md): wait for it, or -BUSY once busy-reply-threshold has passed.
        if (ctx.Server.ScriptsIfStarted is { Running: true } scripts && (def.Flags & CommandFlags.AllowBusy) == 0
            && WaitForScript(ref ctx, scripts) is { } busy)
        {
            Reject(ref ctx, busy);
            return;
        }

        if (session.Multi is not null && !TransactionCommands.RunsInsideMulti(def))
        {
            if ((def.Flags & CommandFlags.NoMulti) != 0)
            {
                Reject(ref ctx, $"ERR Command not allowed inside a transaction");
                return;
            }
            session.Multi.Add(new QueuedCommand(args));
            session.LastCommand = def.FullName;   // CLIENT LIST cmd= names the command just queued, as in Redis
            ctx.Writer.WriteRaw(RespReplies.Queued);
            return;
        }

        ctx.Command = def;
        session.CommandsProcessed++;
        session.LastCommand = def.FullName;
        int errorsBefore = ctx.Writer.Errors;
        long writtenBefore = ctx.Writer.Written;
        long started = ctx.BeginCommand(def);
        ctx.TouchedOwnKeys = false;
        // CLIENT TRACKING: one null test for clients that do not track.
        if (session.Tracking is { } reader && (def.Flags & CommandFlags.ReadOnly) != 0) ctx.Server.Tracking.BeforeRead(def, args, session, reader);
        // As Redis: a script's EVAL line reaches monitors before the calls it makes (shown as [db lua]).
        if (ctx.Server.Monitoring.Monitors.Active && FeedsMonitorsBeforeRunning(def)) FeedMonitors(ref ctx, def, args, fromScript: false, force: true);
        if (def.ChangesData) RunWrite(ref ctx, def, args);
        else
        {
            // Commands that change no data never run inside the gate: some pause every writer (BGSAVE, CONFIG SET
            // appendonly), which must not wait for a gate this very batch still holds.
            ctx.LeaveWriteGate();
            def.Handler!(ref ctx);
        }
        Debug.Assert(ctx.Writer.Written > writtenBefore || session.ReplyMode != Sessions.ReplyMode.On
            || (def.Flags & CommandFlags.NoReply) != 0 || session.PendingBlock is not null, $"{def.FullName} wrote no reply");

        long took = ctx.EndCommand(def, started, ctx.Writer.Errors != errorsBefore);
        var monitoring = ctx.Server.Monitoring;
        if (took >= monitoring.SlowTicks) monitoring.CommandWasSlow(def, args, took, session, false, ctx.Server.NowMs);
        if (monitoring.Monitors.Active) FeedMonitors(ref ctx, def, args, fromScript: false);
        // Stand-in for rdb_changes_since_last_save until the change feed counts changes precisely.
        if ((def.Flags & CommandFlags.Write) != 0) Interlocked.Increment(ref ctx.Server.Persistence.Dirty);
        // A blocking command that only blocked changed nothing: its keys are touched by whoever serves it.
        if ((def.Flags & CommandFlags.Write) != 0 && session.PendingBlock is null)
        {
            if (ctx.Server.Watches.Active && !ctx.TouchedOwnKeys) TouchWatchedKeys(ref ctx, def, args);
            if (ctx.Server.Tracking.Active && ctx.Writer.Errors == errorsBefore) ctx.Server.Tracking.InvalidateKeys(def, args, session);
        }
        if (session.Tracking is { } tracking) FastNode.Server.Tracking.Tracker.AfterCommand(def, session, tracking);
    }

    /// <summary>
    /// Runs a command that may change data inside the write gate, then appends it to the change feed as it was called,
    /// unless the handler wrote its own records, changed nothing, failed, or only blocked. The gate, once entered, is
    /// held until the batch ends (<see cref="CommandContext.LeaveWriteGate"/>): one lock per batch, not per command.
    /// </summary>
    private static void RunWrite(ref CommandContext ctx, CommandDef def, CommandArgs args)
    {
        var feed = ctx.Server.Feed;
        ctx.EnterWriteGate();
        ctx.Propagated = false;
        int errorsBefore = ctx.Writer.Errors;
        def.Handler!(ref ctx);
        if (!feed.Active) return;
        if (!ctx.Propagated && ctx.Writer.Errors == errorsBefore && ctx.Session.PendingBlock is null)
        {
            ctx.Session.FeedOffset = def.RecordsState
                ? FastNode.Server.Persistence.StateRecords.Emit(ctx.Server, ctx.Db, args[def.FirstKey])
                : feed.AppendCommand(ctx.Session.DbIndex, args);
        }
        if (feed.HasAfterCommandRecords) ctx.Session.FeedOffset = Math.Max(ctx.Session.FeedOffset, feed.FlushAfterCommand());
    }

    /// <summary>
    /// The BUSY check's wait, done holding nothing a starting script waits for: neither this batch's write gate nor
    /// its place among the batches in flight. Returns the -BUSY text, or null once the script has ended.
    /// </summary>
    internal static string? WaitForScript(ref CommandContext ctx, FastNode.Server.Scripting.ScriptEngine scripts)
    {
        ctx.LeaveWriteGate();
        int depth = ctx.Server.CommandsInFlight.Suspend();
        try
        {
            return scripts.BusyError(ctx.Session);
        }
        finally
        {
            ctx.Server.CommandsInFlight.Resume(depth);
        }
    }

    /// <summary>MONITOR: cold, only while a client monitors.</summary>
    private static void FeedMonitors(ref CommandContext ctx, CommandDef def, CommandArgs args, bool fromScript, bool force = false)
    {
        long nowUs = (ctx.Server.Time.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        ctx.Server.Monitoring.Monitors.Feed(def, args, ctx.Session, fromScript, nowUs, ctx.Server.Options.OutputBufferLimits.Replica, force);
    }

    private static bool FeedsMonitorsBeforeRunning(CommandDef def) =>
        def.FullName is "eval" or "evalsha" or "eval_ro" or "evalsha_ro" or "fcall" or "fcall_ro";

    private static bool AllowedWhileSubscribed(CommandDef def) => def.FullName is "ping" or "subscribe" or "ssubscribe" or "psubscribe"
        or "unsubscribe" or "sunsubscribe" or "punsubscribe" or "quit" or "reset";

    /// <summary>The ACL check for a restricted user (cold); inside MULTI or EXEC the log names the "multi" context.</summary>
    private static string? AclRefusal(ref CommandContext ctx, CommandDef def, CommandArgs args)
    {
        var session = ctx.Session;
        return ctx.Server.Acl.Refuse(session, session.User ?? ctx.Server.Acl.Default, def, args,
            session.Multi is not null || session.InExec ? "multi" : "toplevel");
    }

    /// <summary>A command refused before it ran; inside MULTI this also dooms the transaction (EXECABORT).</summary>
    private static void Reject(ref CommandContext ctx, string error)
    {
        if (ctx.Session.Multi is not null) ctx.Session.MultiDirty = true;
        ctx.Writer.WriteError(error);
    }

    private static void TouchWatchedKeys(ref CommandContext ctx, CommandDef def, CommandArgs args)
    {
        if (def.FirstKey <= 0) return;
        int last = def.LastKey < 0 ? args.Count + def.LastKey : def.LastKey;
        int step = Math.Max(1, def.Step);
        for (int i = def.FirstKey; i <= last && i < args.Count; i += step)
            ctx.Server.Watches.Touch(ctx.Session.DbIndex, args[i]);
    }
}
