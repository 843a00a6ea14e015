using FastNode.Cluster.Nodes;
using FastNode.Cluster.Routing;
using FastNode.Protocol;
using FastNode.Server.Commands;
using FastNode.Server.Sessions;
using FastNode.Server.Storage;

namespace FastNode.Server.Cluster;

/// <summary>
/// The dispatcher's cluster check, Redis's getNodeByQuery for one command: every key must hash to one slot
/// (CROSSSLOT), the slot must be served (CLUSTERDOWN Hash slot not served), the cluster must be up (CLUSTERDOWN The
/// cluster is down, or only reads with cluster-allow-reads-when-down), and this node must own the slot (MOVED) or, for a
/// READONLY client's read, its primary must. During a slot migration (CLUSTER SETSLOT):
/// <list type="bullet">
/// <item>on the MIGRATING node, a command whose keys all exist runs; one with missing keys gets ASK to the target, or
/// TRYAGAIN when some of its keys exist and some do not (MIGRATE itself always runs);</item>
/// <item>on the IMPORTING node, a command runs only after ASKING (or as RESTORE-ASKING), and a multi-key one with
/// missing keys gets TRYAGAIN.</item>
/// </list>
/// ASKING lasts for one command, or until EXEC when given before or inside MULTI (as Redis resets it). Keys include
/// MOVABLE_KEYS positions (<see cref="CommandKeys"/>). One view read and one slot map read per command; 0 B unless it
/// refuses; the key lookups for missing keys happen only on a slot being migrated. A MULTI's queued commands are
/// checked one by one when queued and together at EXEC (<see cref="CheckTransaction"/>).
/// </summary>
public static class SlotRouting
{
    private const string CrossSlot = "CROSSSLOT Keys in request don't hash to the same slot";
    private const string Unserved = "CLUSTERDOWN Hash slot not served";
    private const string TryAgain = "TRYAGAIN Multiple keys request during rehashing of slot";

    /// <summary>Null when the command may run here; otherwise the error to reply.</summary>
    public static string? Check(ServerState server, ClusterHost cluster, ClientSession session, CommandDef def, CommandArgs args,
        bool allowReadsWhenDown, bool allowShardPubSubWhenDown = true)
    {
        bool asking = session.Asking;
        if (asking) ResetAsking(session, def);
        // The primary's stream is never redirected, and EXEC's queued commands were checked together at EXEC.
        if (session.IsMasterLink || session.InExec) return null;
        if (def.FirstKey <= 0 && (def.Flags & CommandFlags.MovableKeys) == 0 && def.Name != "SINTERCARD") return null;
        var keys = CommandKeys.Of(def, args);
        if (!keys.MoveNext(out int first)) return null;
        int slot = KeySlot.Of(args[first]);
        var view = cluster.View;
        // As Redis: an unserved first key is reported before a second key in another slot.
        if (view.Slots.Owner(slot).IsNone) return Unserved;
        var rest = keys;
        while (rest.MoveNext(out int i))
        {
            if (KeySlot.Of(args[i]) != slot) return CrossSlot;
        }
        // SSUBSCRIBE / SUNSUBSCRIBE / SPUBLISH (the pub/sub commands with channels as keys): a replica serves its
        // primary's slots without READONLY, and cluster-allow-pubsubshard-when-down decides when the cluster is down.
        if ((def.Flags & CommandFlags.PubSub) != 0) return RouteShardPubSub(cluster, view, slot, allowShardPubSubWhenDown);
        bool write = (def.Flags & CommandFlags.Write) != 0;
        if (view.Migrations is null) return Route(cluster, view, session, slot, write, allowReadsWhenDown);
        return RouteMigrating(server, cluster, view, session, def, args, slot, write, asking || def.Name == "RESTORE-ASKING", allowReadsWhenDown);
    }

    private static string? RouteShardPubSub(ClusterHost cluster, ClusterView view, int slot, bool allowWhenDown)
    {
        var owner = view.Slots.Owner(slot);
        if (!view.Ok && !allowWhenDown) return "CLUSTERDOWN The cluster is down";
        if (owner == view.MyId || owner == view.MyPrimary) return null;
        return Redirect("MOVED", cluster, view, owner, slot);
    }

    /// <summary>
    /// EXEC (Redis checks a transaction's keys together when it runs): every key of every queued command in one slot,
    /// and that slot served here. Null when it may run; otherwise the error (the caller discards the transaction).
    /// </summary>
    public static string? CheckTransaction(ServerState server, ClusterHost cluster, CommandTable commands, ClientSession session,
        List<Transactions.QueuedCommand> queued, bool allowReadsWhenDown)
    {
        bool asking = session.Asking;
        session.Asking = false;
        if (session.IsMasterLink) return null;
        int slot = -1;
        bool write = false;
        foreach (var command in queued)
        {
            var args = command.Args;
            var def = Find(commands, args);
            if (def is null) continue;
            var keys = CommandKeys.Of(def, args);
            if (keys.Any) write |= (def.Flags & CommandFlags.Write) != 0;
            while (keys.MoveNext(out int i))
            {
                int keySlot = KeySlot.Of(args[i]);
                if (slot < 0) slot = keySlot;
                else if (keySlot != slot) return CrossSlot;
            }
        }
        if (slot < 0) return null;
        var view = cluster.View;
        if (view.Slots.Owner(slot).IsNone) return Unserved;
        if (view.Migrations is null) return Route(cluster, view, session, slot, write, allowReadsWhenDown);
        var migration = MigrationState(view, slot);
        if (migration == SlotState.Stable) return Route(cluster, view, session, slot, write, allowReadsWhenDown);
        var (existing, missing, multiple) = (0, 0, false);
        byte[]? firstKey = null;
        foreach (var command in queued)
        {
            var def = Find(commands, command.Args);
            if (def is null) continue;
            Count(server, def, command.Args, ref existing, ref missing, ref multiple, ref firstKey);
        }
        return Decide(cluster, view, session, slot, write, asking, migration, existing, missing, multiple, isMigrate: false, allowReadsWhenDown);
    }

    private enum SlotState : byte { Stable, Migrating, Importing }

    private static CommandDef? Find(CommandTable commands, CommandArgs args)
    {
        var def = commands.Lookup.Find(args[0]);
        if (def?.SubcommandLookup is not null && args.Count >= 2) def = def.SubcommandLookup.Find(args[1]);
        return def;
    }

    /// <summary>
    /// Redis clears ASKING after every command except ASKING itself and commands inside a transaction, where it holds
    /// until EXEC (which <see cref="CheckTransaction"/> clears) or DISCARD.
    /// </summary>
    private static void ResetAsking(ClientSession session, CommandDef def)
    {
        if (session.Multi is null ? def.Name != "MULTI" : def.Name == "DISCARD" || (def.Name == "EXEC" && session.MultiDirty))
        {
            session.Asking = false;
        }
    }

    private static SlotState MigrationState(ClusterView view, int slot)
    {
        var migrations = view.Migrations!;
        if (view.Slots.Owner(slot) == view.MyId && !migrations.MigratingTo(slot).IsNone) return SlotState.Migrating;
        return migrations.ImportingFrom(slot).IsNone ? SlotState.Stable : SlotState.Importing;
    }

    private static string? RouteMigrating(ServerState server, ClusterHost cluster, ClusterView view, ClientSession session, CommandDef def, CommandArgs args,
        int slot, bool write, bool asking, bool allowReadsWhenDown)
    {
        var migration = MigrationState(view, slot);
        if (migration == SlotState.Stable) return Route(cluster, view, session, slot, write, allowReadsWhenDown);
        var (existing, missing, multiple) = (0, 0, false);
        byte[]? firstKey = null;
        Count(server, def, args, ref existing, ref missing, ref multiple, ref firstKey);
        return Decide(cluster, view, session, slot, write, asking, migration, existing, missing, multiple, def.Name == "MIGRATE", allowReadsWhenDown);
    }

    /// <summary>Counts a command's keys present and missing in database 0, and whether it names more than one distinct key.</summary>
    private static void Count(ServerState server, CommandDef def, CommandArgs args, ref int existing, ref int missing,
        ref bool multiple, ref byte[]? firstKey)
    {
        var db = server.Database(0);
        long now = server.NowMs;
        var keys = CommandKeys.Of(def, args);
        while (keys.MoveNext(out int i))
        {
            var key = args[i];
            if (firstKey is null) firstKey = key.ToArray();
            else if (!key.SequenceEqual(firstKey)) multiple = true;
            using var handle = db.Open(key, now, Lookup.IncludeExpired);
            if (handle.Exists && (handle.ExpireAt == 0 || handle.ExpireAt > now)) existing++;
            else missing++;
        }
    }

    private static string? Decide(ClusterHost cluster, ClusterView view, ClientSession session, int slot, bool write, bool asking, SlotState migration,
        int existing, int missing, bool multiple, bool isMigrate, bool allowReadsWhenDown)
    {
        if (!view.Ok)
        {
            if (!allowReadsWhenDown) return "CLUSTERDOWN The cluster is down";
            if (write) return "CLUSTERDOWN The cluster is down and only accepts read commands";
        }
        if (isMigrate) return null;
        if (migration == SlotState.Migrating && missing > 0)
        {
            if (existing > 0) return TryAgain;
            return Redirect("ASK", cluster, view, view.Migrations!.MigratingTo(slot), slot);
        }
        if (migration == SlotState.Importing && asking) return multiple && missing > 0 ? TryAgain : null;
        return Route(cluster, view, session, slot, write, allowReadsWhenDown);
    }

    private static string? Route(ClusterHost cluster, ClusterView view, ClientSession session, int slot, bool write, bool allowReadsWhenDown)
    {
        var owner = view.Slots.Owner(slot);
        if (!view.Ok)
        {
            if (!allowReadsWhenDown) return "CLUSTERDOWN The cluster is down";
            if (write) return "CLUSTERDOWN The cluster is down and only accepts read commands";
        }
        if (owner == view.MyId) return null;
        if (session.ClusterReadOnly && !write && owner == view.MyPrimary) return null;
        return Redirect("MOVED", cluster, view, owner, slot);
    }

    /// <summary>MOVED or ASK with the node's endpoint as cluster-preferred-endpoint-type asks.</summary>
    private static string Redirect(string kind, ClusterHost cluster, ClusterView view, NodeId node, int slot) =>
        ClusterEndpoints.Redirect(kind, slot, view.Snapshot.Find(node)?.Config.Address, cluster.PreferredEndpointType);
}
