using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.State;

/// <summary>One row of CLUSTER NODES: a node's config, flags and link times, and the slots it owns in this node's map.</summary>
public sealed record ClusterNodeView(
    NodeId Id,
    NodeConfig Config,
    NodeFlags Flags,
    long PingSentUnixMs,
    long PongReceivedUnixMs,
    bool LinkConnected,
    SlotSet OwnedSlots)
{
    public bool IsPrimary => (Flags & NodeFlags.Primary) != 0;
}
