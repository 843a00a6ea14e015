using FastNode.Cluster.Routing;
using FastNode.Protocol;
using FastNode.Server.Cluster;
using FastNode.Server.Scripting;
using FastNode.Server.Sessions;

namespace FastNode.Server.Commands;

/// <summary>
/// Cluster mode rules for scripts, as Redis 7.0's: before the script runs, its declared keys must share one slot
/// (unless allow-cross-slot-keys) that this node serves, else CROSSSLOT/CLUSTERDOWN/MOVED as for any command; inside,
/// each command's keys must be served here ("non local key") and, without allow-cross-slot-keys, be in the slot of the
/// declared keys, or of the first key touched when none was declared. Undeclared keys of that slot are allowed.
/// </summary>
internal static class ScriptSlots
{
    /// <summary>The check before the run; remembers the declared slot for the per-command checks.</summary>
    public static string? CheckDeclared(ClusterHost cluster, ClientSession session, CommandArgs keys, ScriptFlags flags, bool write,
        bool allowReadsWhenDown, out int declaredSlot)
    {
        declaredSlot = -1;
        if (keys.Count == 0 || session.IsMasterLink) return null;
        int slot = KeySlot.Of(keys[0]);
        if ((flags & ScriptFlags.AllowCrossSlotKeys) == 0)
        {
            for (int i = 1; i < keys.Count; i++)
            {
                if (KeySlot.Of(keys[i]) != slot) return "CROSSSLOT Keys in request don't hash to the same slot";
            }
        }
        var view = cluster.View;
        var owner = view.Slots.Owner(slot);
        if (owner.IsNone) return "CLUSTERDOWN Hash slot not served";
        if (!view.Ok)
        {
            if (!allowReadsWhenDown) return "CLUSTERDOWN The cluster is down";
            if (write) return "CLUSTERDOWN The cluster is down and only accepts read commands";
        }
        if (owner != view.MyId && !(session.ClusterReadOnly && !write && owner == view.MyPrimary))
        {
            var address = view.Snapshot.Find(owner)?.Config.Address;
            return $"MOVED {slot} {address?.Ip}:{address?.Port}";
        }
        declaredSlot = slot;
        return null;
    }

    /// <summary>The check of one command a script calls.</summary>
    public static string? Check(ClusterHost cluster, ClientSession session, CommandDef def, CommandArgs args, ScriptEngine script)
    {
        if (def.FirstKey <= 0 || def.FirstKey >= args.Count || session.IsMasterLink) return null;
        int last = def.LastKey < 0 ? args.Count + def.LastKey : Math.Min(def.LastKey, args.Count - 1);
        int step = Math.Max(1, def.Step);
        var view = cluster.View;
        bool write = (def.Flags & CommandFlags.Write) != 0;
        for (int i = def.FirstKey; i <= last; i += step)
        {
            int slot = KeySlot.Of(args[i]);
            var owner = view.Slots.Owner(slot);
            bool local = owner == view.MyId || (session.ClusterReadOnly && !write && !owner.IsNone && owner == view.MyPrimary);
            if (!local) return "ERR Script attempted to access a non local key in a cluster node";
            if (script.AllowsCrossSlot) continue;
            if (script.ClusterSlot < 0) script.ClusterSlot = slot;
            else if (slot != script.ClusterSlot) return "ERR Script attempted to access keys that do not hash to the same slot";
        }
        return null;
    }
}
