using FastNode.Cluster.Nodes;
using FastNode.Cluster.State;

namespace FastNode.Cluster.Placement;

/// <summary>
/// Automatic placement (cluster-auto-placement): where slots should be, given the healthy primaries of a snapshot,
/// and the moves to get there. Primaries are hashed by shard id, which a promoted replica keeps, so a failover
/// moves nothing; a join or leave moves about 1/N of the slots.
/// </summary>
public static class PlacementPlanner
{
    public static List<SlotMove> Plan(ClusterSnapshot snapshot)
    {
        var healthy = snapshot.Nodes
            .Where(n => n.IsPrimary && (n.Flags & (NodeFlags.Fail | NodeFlags.PFail)) == 0)
            .ToList();
        // One candidate per shard; the shard's current primary carries it out.
        var primaryOfShard = new Dictionary<NodeId, NodeId>();
        foreach (var n in healthy.OrderBy(n => n.Id)) primaryOfShard.TryAdd(ShardKey(n), n.Id);
        var shards = primaryOfShard.Keys.ToList();
        var targetShards = RendezvousPlacement.Assign(shards);
        var target = new NodeId[targetShards.Length];
        for (int slot = 0; slot < target.Length; slot++)
        {
            target[slot] = targetShards[slot].IsNone ? NodeId.None : primaryOfShard[targetShards[slot]];
        }
        return RendezvousPlacement.Diff(snapshot.Slots.ToOwnerArray(), target);
    }

    private static NodeId ShardKey(ClusterNodeView node) => node.Config.ShardId.IsNone ? node.Id : node.Config.ShardId;
}
