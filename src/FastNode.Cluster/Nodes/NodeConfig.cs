namespace FastNode.Cluster.Nodes;

/// <summary>
/// What a node announces about itself: address, role, the slots it claims and the configEpoch of that claim.
/// Only the node itself changes its config; every change goes out with a higher membership incarnation, which is
/// what lets gossip relays tell a newer config from an older one.
/// </summary>
public sealed record NodeConfig
{
    public required NodeAddress Address { get; init; }

    public NodeRole Role { get; init; } = NodeRole.Primary;

    /// <summary>The primary a replica follows; <see cref="NodeId.None"/> for a primary.</summary>
    public NodeId PrimaryId { get; init; }

    /// <summary>
    /// A primary and its replicas share one shard id (Redis 7.2's shard-id); a promoted replica keeps it, so
    /// placement, which hashes the shard id, does not move slots on a failover.
    /// </summary>
    public NodeId ShardId { get; init; }

    /// <summary>The epoch of this node's slot claim; the higher epoch wins when two primaries claim a slot.</summary>
    public long ConfigEpoch { get; init; }

    /// <summary>cluster-replica-no-failover: this replica never starts an election.</summary>
    public bool NoFailover { get; init; }

    /// <summary>Slots this node claims to serve (empty for replicas).</summary>
    public SlotSet Slots { get; init; } = SlotSet.Empty;

    public bool IsPrimary => Role == NodeRole.Primary;

    public static NodeConfig NewPrimary(NodeAddress address, NodeId shardId) =>
        new() { Address = address, ShardId = shardId };
}
