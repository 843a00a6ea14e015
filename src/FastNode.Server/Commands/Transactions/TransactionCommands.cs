using FastNode.Protocol;
using FastNode.Server.Storage;

namespace FastNode.Server.Commands.Transactions;

/// <summary>
/// MULTI / EXEC / DISCARD / WATCH / UNWATCH. EXEC runs the queued commands while holding every shard lock of the
/// client's database (ascending order, re-entrant), so no other client's command interleaves with them, as in
/// single-threaded Redis; commands inside take their own locks re-entrantly.
/// </summary>
public static class TransactionCommands
{
    /// <summary>Commands executed immediately even between MULTI and EXEC (as in Redis processCommand).</summary>
    public static bool RunsInsideMulti(CommandDef def) =>
        def.Name is "EXEC" or "DISCARD" or "MULTI" or "WATCH" or "QUIT" or "RESET";

    public static void Multi(ref CommandContext ctx)
    {
        if (ctx.Session.Multi is not null)
        {
            ctx.Writer.WriteError("ERR MULTI calls can not be nested");
            return;
        }
        ctx.Session.Multi = [];
        ctx.Session.MultiDirty = false;
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    public static void Discard(ref CommandContext ctx)
    {
        if (ctx.Session.Multi is null)
        {
            ctx.Writer.WriteError("ERR DISCARD without MULTI");
            return;
        }
        EndTransaction(ref ctx);
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    public static void Watch(ref CommandContext ctx)
    {
        if (ctx.Session.Multi is not null)
        {
            ctx.Writer.WriteError("ERR WATCH inside MULTI is not allowed");
            return;
        }
        var db = ctx.Db;
        for (int i = 1; i < ctx.Args.Count; i++)
        {
            var key = ctx.Args[i];
            ctx.Server.Watches.Watch(ctx.Session, ctx.Session.DbIndex, key, Exists(db, key, ctx.NowMs));
        }
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    public static void Unwatch(ref CommandContext ctx)
    {
        ctx.Server.Watches.UnwatchAll(ctx.Session);
        ctx.Session.WatchInvalidated = false;
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    public static void Exec(ref CommandContext ctx)
    {
        var session = ctx.Session;
        var queued = session.Multi;
        if (queued is null)
        {
            ctx.Writer.WriteError("ERR EXEC without MULTI");
            return;
        }
        if (session.MultiDirty)
        {
            EndTransaction(ref ctx);
            ctx.Writer.WriteError("EXECABORT Transaction discarded because of previous errors.");
            return;
        }
        // Cluster mode, as Redis: the keys of all the queued commands together must hash to one slot served here;
        // otherwise the transaction is discarded with the error.
        if (ctx.Server.Cluster is { } cluster && FastNode.Server.Cluster.SlotRouting.CheckTransaction(ctx.Server, cluster, ctx.Server.Commands,
            session, queued, ctx.Server.Options.ClusterAllowReadsWhenDown) is { } clusterError)
        {
            EndTransaction(ref ctx);
            ctx.Writer.WriteError(clusterError);
            return;
        }

        var db = ctx.Db;
        bool feedTransaction = false;
        Span<ulong> bits = stackalloc ulong[MultiShardLock.WordsFor(db)];
        var locks = new MultiShardLock(db, bits);
        locks.AddAll();
        locks.EnterAll();
        try
        {
            if (WatchedKeysChanged(ref ctx))
            {
                EndTransaction(ref ctx);
                ctx.Writer.WriteNullArray();
                return;
            }
            EndTransaction(ref ctx);
            session.InExec = true;
            // The writes reach the feed wrapped in MULTI/EXEC (written only if there are any), so they apply as one.
            feedTransaction = true;
            ctx.Server.Feed.BeginTransaction();
            ctx.Writer.WriteArrayHeader(queued.Count);
            foreach (var command in queued) Dispatcher.Execute(ref ctx, command.Args);
            // Like Redis, clients blocked on lists that the transaction filled are served after all of it ran.
            Blocking.ListBlocking.ServeReady(lockHeld: true);
        }
        finally
        {
            if (feedTransaction) session.FeedOffset = Math.Max(session.FeedOffset, ctx.Server.Feed.EndTransaction());
            ctx.SkipPropagation();
            session.InExec = false;
            locks.ExitAll();
        }
        Blocking.ListBlocking.ServeReady(lockHeld: false);
    }

    /// <summary>True if a watched key was written, flushed, or expired since WATCH.</summary>
    private static bool WatchedKeysChanged(ref CommandContext ctx)
    {
        var session = ctx.Session;
        if (session.WatchInvalidated) return true;
        foreach (var watched in session.WatchedKeys)
        {
            if (watched.ExistedWhenWatched && !Exists(ctx.Server.Database(watched.Db), watched.Key, ctx.NowMs)) return true;
        }
        return false;
    }

    private static bool Exists(Database db, ReadOnlySpan<byte> key, long nowMs)
    {
        using var k = db.Open(key, nowMs, Lookup.Peek);
        return k.Exists;
    }

    private static void EndTransaction(ref CommandContext ctx)
    {
        ctx.Session.Multi = null;
        ctx.Session.MultiDirty = false;
        ctx.Server.Watches.UnwatchAll(ctx.Session);
        ctx.Session.WatchInvalidated = false;
    }
}
