using FastNode.Protocol;
using FastNode.Server.Scripting;

namespace FastNode.Server.Commands;

/// <summary>
/// redis.call's way in: the checks Redis's scriptCall makes (command exists, arity, not a noscript command, no write
/// from a read-only script, keys served here in cluster mode, no write to a read-only replica), in its words, then
/// the same execution as a client's command, so commandstats, keyspace hits, WATCH and the change feed (inside the
/// script's MULTI/EXEC wrapper) see it as one of theirs.
/// </summary>
public static partial class Dispatcher
{
    /// <summary>Runs one command for a script; returns the error when refused before the handler ran, else null.</summary>
    internal static string? ExecuteFromScript(ref CommandContext ctx, CommandArgs args, ScriptEngine script)
    {
        ctx.Args = args;
        var def = ctx.Server.Commands.Lookup.Find(args[0]);
        if (def is null) return "ERR Unknown Redis command called from script";
        if (def.SubcommandLookup is not null && args.Count >= 2)
        {
            def = def.SubcommandLookup.Find(args[1]);
            if (def is null) return "ERR Unknown Redis command called from script";
        }
        if (def.Arity > 0 ? args.Count != def.Arity : args.Count < -def.Arity) return "ERR Wrong number of args calling Redis command from script";
        if ((def.Flags & CommandFlags.NoScript) != 0) return "ERR This Redis command is not allowed from script";
        if (!ctx.Session.AclExempt && (ctx.Session.User ?? ctx.Server.Acl.Default).State is { Unrestricted: false }
            && ScriptAclRefusal(ref ctx, def, args) is { } aclError)
        {
            return aclError;
        }
        bool write = (def.Flags & CommandFlags.Write) != 0;
        if (write && script.ReadOnly) return "ERR Write commands are not allowed from read-only scripts.";
        if (ctx.Server.Cluster is { } cluster && ScriptSlots.Check(cluster, ctx.Session, def, args, script) is { } clusterError) return clusterError;
        if (write && !ctx.Session.IsMasterLink && ctx.Server.Replication.IsReplica && ctx.Server.Options.ReplicaReadOnly)
            return "READONLY You can't write against a read only replica.";

        ctx.Command = def;
        int errorsBefore = ctx.Writer.Errors;
        long started = ctx.BeginCommand(def);
        ctx.TouchedOwnKeys = false;
        // A script's reads are tracked for its caller, as Redis does.
        if (ctx.Session.Tracking is { } reader && (def.Flags & CommandFlags.ReadOnly) != 0) ctx.Server.Tracking.BeforeRead(def, args, ctx.Session, reader);
        if (def.ChangesData)
        {
            script.MarkWrite();
            if (script.Propagates) RunWrite(ref ctx, def, args);
            else
            {
                ctx.EnterWriteGate();
                def.Handler!(ref ctx);
            }
        }
        else def.Handler!(ref ctx);
        long took = ctx.EndCommand(def, started, ctx.Writer.Errors != errorsBefore);
        var monitoring = ctx.Server.Monitoring;
        if (took >= monitoring.SlowTicks) monitoring.CommandWasSlow(def, args, took, ctx.Session, true, ctx.Server.NowMs);
        if (monitoring.Monitors.Active) FeedMonitors(ref ctx, def, args, fromScript: true);
        if (write)
        {
            Interlocked.Increment(ref ctx.Server.Persistence.Dirty);
            if (ctx.Server.Watches.Active && !ctx.TouchedOwnKeys) TouchWatchedKeys(ref ctx, def, args);
            if (ctx.Server.Tracking.Active && ctx.Writer.Errors == errorsBefore) ctx.Server.Tracking.InvalidateKeys(def, args, ctx.Session);
        }
        return null;
    }

    /// <summary>Redis's scriptVerifyACL: refused calls are logged with the "lua" context and answered in its words.</summary>
    private static string? ScriptAclRefusal(ref CommandContext ctx, CommandDef def, CommandArgs args)
    {
        var acl = ctx.Server.Acl;
        var user = ctx.Session.User ?? acl.Default;
        var denial = FastNode.Server.Acl.UserDirectory.Evaluate(user.State, def, args, out int index);
        if (denial == FastNode.Server.Acl.AclDenial.None) return null;
        acl.LogDenial(ctx.Session, user, def, args, denial, index, "lua");
        return denial switch
        {
            FastNode.Server.Acl.AclDenial.Key => "ERR The user executing the script can't access at least one of the keys mentioned in the command arguments",
            FastNode.Server.Acl.AclDenial.Channel => "ERR The user executing the script can't publish to the channel mentioned in the command",
            _ => "ERR The user executing the script can't run this command or subcommand",
        };
    }
}
