using FastNode.Cluster.Nodes;
using FastNode.Cluster.Routing;
using FastNode.Protocol;
using FastNode.Server.Cluster;

namespace FastNode.Server.Commands.Cluster;

/// <summary>
/// CLUSTER SETSLOT, FORGET, RESET and FLUSHSLOTS in cluster mode, with Redis 7.0's checks, in its order, and its error
/// texts. The checks read the published view; the change runs on the cluster thread (<see cref="ClusterHost.Invoke{T}"/>).
/// See docs/cluster.md "Resharding" for how SETSLOT NODE works when a node only changes its own record.
/// </summary>
public static class ClusterSlotMigrationCommands
{
    /// <summary>CLUSTER SETSLOT slot IMPORTING node-id | MIGRATING node-id | STABLE | NODE node-id.</summary>
    public static void SetSlot(ref CommandContext ctx)
    {
        if (!Enabled(ref ctx, out var cluster)) return;
        var args = ctx.Args;
        var view = cluster.View;
        if (!view.Snapshot.Myself.IsPrimary)
        {
            ctx.Writer.WriteError("ERR Please use SETSLOT only with masters.");
            return;
        }
        if (!Numbers.TryParseInt64(args[2], out long parsed) || parsed is < 0 or >= KeySlot.SlotCount)
        {
            ctx.Writer.WriteError("ERR Invalid or out of range slot");
            return;
        }
        int slot = (int)parsed;
        var action = args[3];
        bool mine = view.Slots.Owner(slot) == view.MyId;
        if (args.Count == 4 && Ascii.EqualsIgnoreCase(action, "STABLE"u8))
        {
            cluster.Invoke(node =>
            {
                node.SetSlotStable(slot);
                return true;
            });
            ctx.Writer.WriteRaw(RespReplies.Ok);
            return;
        }
        if (args.Count != 5)
        {
            WriteInvalidAction(ref ctx);
            return;
        }
        string name = ErrorText.Text(args[4]);
        NodeId.TryParse(name, out var id);
        var target = id.IsNone ? null : view.Snapshot.Find(id);
        if (Ascii.EqualsIgnoreCase(action, "MIGRATING"u8) || Ascii.EqualsIgnoreCase(action, "IMPORTING"u8))
        {
            bool migrating = action[0] is (byte)'M' or (byte)'m';
            if (migrating && !mine) ctx.Writer.WriteError($"ERR I'm not the owner of hash slot {slot}");
            else if (!migrating && mine) ctx.Writer.WriteError($"ERR I'm already the owner of hash slot {slot}");
            else if (target is null) ctx.Writer.WriteError($"ERR I don't know about node {name}");
            else if (!target.IsPrimary) ctx.Writer.WriteError("ERR Target node is not a master");
            else
            {
                cluster.Invoke(node =>
                {
                    if (migrating) node.SetSlotMigrating(slot, id);
                    else node.SetSlotImporting(slot, id);
                    return true;
                });
                ctx.Writer.WriteRaw(RespReplies.Ok);
            }
            return;
        }
        if (!Ascii.EqualsIgnoreCase(action, "NODE"u8))
        {
            WriteInvalidAction(ref ctx);
            return;
        }
        if (target is null)
        {
            ctx.Writer.WriteError($"ERR Unknown node {name}");
            return;
        }
        if (!target.IsPrimary)
        {
            ctx.Writer.WriteError("ERR Target node is not a master");
            return;
        }
        int keys = ctx.Server.Database(0).SlotKeys!.Count(slot);
        if (mine && id != view.MyId && keys != 0)
        {
            ctx.Writer.WriteError($"ERR Can't assign hashslot {slot} to a different node while I still hold keys for this hash slot.");
            return;
        }
        cluster.Invoke(node =>
        {
            node.SetSlotNode(slot, id, slotIsEmpty: keys == 0);
            return true;
        });
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    /// <summary>CLUSTER FORGET node-id: drop the node here and keep it out for 60 s (gossip from others does not re-add it).</summary>
    public static void Forget(ref CommandContext ctx)
    {
        if (!Enabled(ref ctx, out var cluster)) return;
        string name = ErrorText.Text(ctx.Args[2]);
        var snapshot = cluster.View.Snapshot;
        if (!NodeId.TryParse(name, out var id) || snapshot.Find(id) is null)
        {
            ctx.Writer.WriteError($"ERR Unknown node {name}");
            return;
        }
        if (id == snapshot.MyId)
        {
            ctx.Writer.WriteError("ERR I tried hard but I can't forget myself...");
            return;
        }
        if (!snapshot.Myself.IsPrimary && snapshot.Myself.Config.PrimaryId == id)
        {
            ctx.Writer.WriteError("ERR Can't forget my master!");
            return;
        }
        if (!cluster.Invoke(node => node.Forget(id)))
        {
            ctx.Writer.WriteError($"ERR Unknown node {name}");
            return;
        }
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    /// <summary>
    /// CLUSTER RESET [HARD|SOFT]: forget every other node, drop slots and migration states, become a primary; HARD also
    /// takes a new node id and sets the epochs to 0. A primary holding keys is refused, as in Redis.
    /// </summary>
    public static void Reset(ref CommandContext ctx)
    {
        if (!Enabled(ref ctx, out var cluster)) return;
        var args = ctx.Args;
        if (args.Count > 3)
        {
            ctx.Writer.WriteError($"ERR unknown subcommand or wrong number of arguments for '{ErrorText.Text(args[1])}'. Try CLUSTER HELP.");
            return;
        }
        bool hard = false;
        if (args.Count == 3)
        {
            if (Ascii.EqualsIgnoreCase(args[2], "HARD"u8)) hard = true;
            else if (!Ascii.EqualsIgnoreCase(args[2], "SOFT"u8))
            {
                ctx.Writer.WriteError(RespErrors.Syntax);
                return;
            }
        }
        if (cluster.View.Snapshot.Myself.IsPrimary && ctx.Server.Database(0).Count() != 0)
        {
            ctx.Writer.WriteError("ERR CLUSTER RESET can't be called with master nodes containing keys");
            return;
        }
        cluster.Reset(hard);
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    /// <summary>CLUSTER FLUSHSLOTS: give up every slot this node claims; only with an empty database, as in Redis.</summary>
    public static void FlushSlots(ref CommandContext ctx)
    {
        if (!Enabled(ref ctx, out var cluster)) return;
        if (ctx.Server.Database(0).Count() != 0)
        {
            ctx.Writer.WriteError("ERR DB must be empty to perform CLUSTER FLUSHSLOTS.");
            return;
        }
        cluster.Invoke(node =>
        {
            node.FlushSlots();
            return true;
        });
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    private static void WriteInvalidAction(ref CommandContext ctx) =>
        ctx.Writer.WriteError("ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP");

    private static bool Enabled(ref CommandContext ctx, out ClusterHost cluster)
    {
        cluster = ctx.Server.Cluster!;
        if (cluster is not null) return true;
        ctx.Writer.WriteError(RespErrors.ClusterDisabled);
        return false;
    }
}
