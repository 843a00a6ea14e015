using FastNode.Cluster.Nodes;

namespace FastNode.Cluster;

public sealed partial class ClusterNode
{
    /// <summary>
    /// CLUSTER SHARDS' replication-offset: this node's offset now, and each peer's as its last frame header carried
    /// it (as Redis reports the offset from the last ping). A copy the caller may keep.
    /// </summary>
    public Dictionary<NodeId, long> ReplicationOffsets()
    {
        var offsets = new Dictionary<NodeId, long>(_offsets) { [Id] = _replication.ReplicationOffset };
        return offsets;
    }
}
