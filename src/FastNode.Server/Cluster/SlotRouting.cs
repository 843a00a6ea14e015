using FastNode.Cluster.Routing;
using FastNode.Protocol;
using FastNode.Server.Commands;
using FastNode.Server.Sessions;

namespace FastNode.Server.Cluster;

/// <summary>
/// The dispatcher's cluster check, Redis's getNodeByQuery for one command: every key must hash to one slot
/// (CROSSSLOT), the slot must be served (CLUSTERDOWN Hash slot not served), the cluster must be up (CLUSTERDOWN The
/// cluster is down, or only reads with cluster-allow-reads-when-down), and this node must own the slot (MOVED) or, for a
/// READONLY client's read, its primary must. One view read and one slot map read per command; 0 B unless it refuses.
/// Not covered yet: keys of MOVABLE_KEYS commands beyond their fixed positions. A MULTI's queued commands are checked
/// one by one when queued and together at EXEC (<see cref="CheckTransaction"/>).
/// </summary>
public static class SlotRouting
{
    /// <summary>Null when the command may run here; otherwise the error to reply.</summary>
    public static string? Check(ClusterHost cluster, ClientSession session, CommandDef def, CommandArgs args, bool allowReadsWhenDown,
        bool allowShardPubSubWhenDown = true)
    {
        bool asking = session.Asking;
        session.Asking = false;
        if (def.FirstKey <= 0 || session.IsMasterLink || def.FirstKey >= args.Count) return null;
        int last = def.LastKey < 0 ? args.Count + def.LastKey : Math.Min(def.LastKey, args.Count - 1);
        int step = Math.Max(1, def.Step);
        int slot = KeySlot.Of(args[def.FirstKey]);
        var view = cluster.View;
        var owner = view.Slots.Owner(slot);
        // As Redis: an unserved first key is reported before a second key in another slot.
        if (owner.IsNone) return "CLUSTERDOWN Hash slot not served";
        for (int i = def.FirstKey + step; i <= last; i += step)
        {
            if (KeySlot.Of(args[i]) != slot) return "CROSSSLOT Keys in request don't hash to the same slot";
        }
        _ = asking; // ASKING matters only for a slot being imported; slot migration is not wired yet.
        // SSUBSCRIBE / SUNSUBSCRIBE / SPUBLISH (the pub/sub commands with channels as keys): a replica serves its
        // primary's slots without READONLY, and cluster-allow-pubsubshard-when-down decides when the cluster is down.
        if ((def.Flags & CommandFlags.PubSub) != 0) return RouteShardPubSub(cluster, view, slot, allowShardPubSubWhenDown);
        return Route(cluster, view, session, slot, (def.Flags & CommandFlags.Write) != 0, allowReadsWhenDown);
    }

    private static string? RouteShardPubSub(ClusterHost cluster, ClusterView view, int slot, bool allowWhenDown)
    {
        var owner = view.Slots.Owner(slot);
        if (!view.Ok && !allowWhenDown) return "CLUSTERDOWN The cluster is down";
        if (owner == view.MyId || owner == view.MyPrimary) return null;
        return Moved(cluster, view, owner, slot);
    }

    /// <summary>
    /// EXEC (Redis checks a transaction's keys together when it runs): every key of every queued command in one slot,
    /// and that slot served here. Null when it may run; otherwise the error (the caller discards the transaction).
    /// </summary>
    public static string? CheckTransaction(ClusterHost cluster, CommandTable commands, ClientSession session,
        List<Transactions.QueuedCommand> queued, bool allowReadsWhenDown)
    {
        if (session.IsMasterLink) return null;
        int slot = -1;
        bool write = false;
        foreach (var command in queued)
        {
            var args = command.Args;
            var def = commands.Lookup.Find(args[0]);
            if (def?.SubcommandLookup is not null && args.Count >= 2) def = def.SubcommandLookup.Find(args[1]);
            if (def is null || def.FirstKey <= 0 || def.FirstKey >= args.Count) continue;
            write |= (def.Flags & CommandFlags.Write) != 0;
            int last = def.LastKey < 0 ? args.Count + def.LastKey : Math.Min(def.LastKey, args.Count - 1);
            int step = Math.Max(1, def.Step);
            for (int i = def.FirstKey; i <= last; i += step)
            {
                int keySlot = KeySlot.Of(args[i]);
                if (slot < 0) slot = keySlot;
                else if (keySlot != slot) return "CROSSSLOT Keys in request don't hash to the same slot";
            }
        }
        if (slot < 0) return null;
        var view = cluster.View;
        if (view.Slots.Owner(slot).IsNone) return "CLUSTERDOWN Hash slot not served";
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
        return Moved(cluster, view, owner, slot);
    }

    private static string Moved(ClusterHost cluster, ClusterView view, FastNode.Cluster.Nodes.NodeId owner, int slot) =>
        ClusterEndpoints.Redirect("MOVED", slot, view.Snapshot.Find(owner)?.Config.Address, cluster.PreferredEndpointType);
}
