using FastNode.Cluster.Config;
using FastNode.Cluster.Failover;
using FastNode.Cluster.Nodes;
using FastNode.Cluster.State;
using FastNode.Protocol;
using FastNode.Server.Cluster;

namespace FastNode.Server.Commands.Cluster;

/// <summary>
/// CLUSTER REPLICAS / SLAVES, COUNT-FAILURE-REPORTS, BUMPEPOCH and FAILOVER with cluster-enabled yes, in Redis 7.0's reply
/// formats and error texts. Readers use the published view; what needs the node itself runs on the cluster thread.
/// </summary>
public static class ClusterReplicaCommands
{
    /// <summary>CLUSTER REPLICAS node-id: the CLUSTER NODES line (without its newline) of each replica of that primary.</summary>
    public static void Replicas(ref CommandContext ctx)
    {
        if (!TryCluster(ref ctx, out var cluster)) return;
        var snapshot = cluster.View.Snapshot;
        if (!TryFindNode(ref ctx, snapshot, out var node)) return;
        if (!node.IsPrimary)
        {
            ctx.Writer.WriteError("ERR The specified node is not a master");
            return;
        }
        var lines = new List<string>();
        foreach (var replica in snapshot.Nodes)
        {
            if (replica.IsPrimary || replica.Config.PrimaryId != node.Id) continue;
            lines.Add(NodesConfFile.FormatLine(NodesConfMapping.ToLine(replica) with { Slots = replica.OwnedSlots, ShardId = NodeId.None }));
        }
        ctx.Writer.WriteArrayHeader(lines.Count);
        foreach (var line in lines) ctx.Writer.WriteBulkString(line);
    }

    /// <summary>CLUSTER COUNT-FAILURE-REPORTS node-id: the failure reports about it that this node holds and that are still valid.</summary>
    public static void CountFailureReports(ref CommandContext ctx)
    {
        if (!TryCluster(ref ctx, out var cluster)) return;
        if (!TryFindNode(ref ctx, cluster.View.Snapshot, out var node)) return;
        var id = node.Id;
        ctx.Writer.WriteInteger(cluster.Invoke(n => n.CountFailureReports(id)));
    }

    /// <summary>CLUSTER BUMPEPOCH: "BUMPED epoch" when this node took a new configEpoch, "STILL epoch" when it already had the highest.</summary>
    public static void BumpEpoch(ref CommandContext ctx)
    {
        if (!TryCluster(ref ctx, out var cluster)) return;
        var (bumped, epoch) = cluster.Invoke(n => (n.BumpEpoch(), n.Config.ConfigEpoch));
        ctx.Writer.WriteSimpleString(System.Text.Encoding.ASCII.GetBytes((bumped ? "BUMPED " : "STILL ") + epoch));
    }

    /// <summary>
    /// CLUSTER FAILOVER [FORCE|TAKEOVER] on a replica: OK once started (the failover itself follows on the bus; see
    /// ClusterNode.ManualFailover). Redis 7.0's checks and texts.
    /// </summary>
    public static void Failover(ref CommandContext ctx)
    {
        if (!TryCluster(ref ctx, out var cluster)) return;
        var args = ctx.Args;
        if (args.Count > 3)
        {
            ctx.Writer.WriteError(ErrorText.SubcommandSyntax(args[0], args[1]));
            return;
        }
        var mode = ManualFailoverMode.Coordinated;
        if (args.Count == 3)
        {
            if (Ascii.EqualsIgnoreCase(args[2], "FORCE"u8)) mode = ManualFailoverMode.Force;
            else if (Ascii.EqualsIgnoreCase(args[2], "TAKEOVER"u8)) mode = ManualFailoverMode.Takeover;
            else
            {
                ctx.Writer.WriteError(RespErrors.Syntax);
                return;
            }
        }
        if (cluster.Invoke(node => node.StartManualFailover(mode)) is { } error) ctx.Writer.WriteError(error);
        else ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    internal static bool TryCluster(ref CommandContext ctx, out ClusterHost cluster)
    {
        cluster = ctx.Server.Cluster!;
        if (cluster is not null) return true;
        ctx.Writer.WriteError(RespErrors.ClusterDisabled);
        return false;
    }

    /// <summary>The node named by the third argument; otherwise "ERR Unknown node ..." is written.</summary>
    internal static bool TryFindNode(ref CommandContext ctx, ClusterSnapshot snapshot, out ClusterNodeView node)
    {
        string text = ErrorText.Text(ctx.Args[2]);
        if (NodeId.TryParse(text, out var id) && snapshot.Find(id) is { } found)
        {
            node = found;
            return true;
        }
        node = null!;
        ctx.Writer.WriteError($"ERR Unknown node {text}");
        return false;
    }
}
