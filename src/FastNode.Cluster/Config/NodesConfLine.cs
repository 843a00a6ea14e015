using FastNode.Cluster.Nodes;
using FastNode.Cluster.State;

namespace FastNode.Cluster.Config;

/// <summary>
/// One node line of nodes.conf, which is also one line of CLUSTER NODES:
/// <c>id ip:port@busport[,hostname[,shard-id=…]] flags primary ping-sent pong-recv config-epoch link-state slots…</c>.
/// </summary>
public sealed record NodesConfLine
{
    public required NodeId Id { get; init; }
    public required NodeAddress Address { get; init; }

    /// <summary>Redis 7.2's shard-id aux field; None when absent.</summary>
    public NodeId ShardId { get; init; }
    public NodeFlags Flags { get; init; }

    /// <summary>The primary of a replica; None prints as "-".</summary>
    public NodeId PrimaryId { get; init; }
    public long PingSentUnixMs { get; init; }
    public long PongReceivedUnixMs { get; init; }
    public long ConfigEpoch { get; init; }
    public bool LinkConnected { get; init; } = true;
    public SlotSet Slots { get; init; } = SlotSet.Empty;

    /// <summary>Slots this node is migrating to another node: <c>[slot-&gt;-target]</c>.</summary>
    public IReadOnlyList<(int Slot, NodeId Target)> Migrating { get; init; } = [];

    /// <summary>Slots this node is importing from another node: <c>[slot-&lt;-source]</c>.</summary>
    public IReadOnlyList<(int Slot, NodeId Source)> Importing { get; init; } = [];

    public bool IsMyself => (Flags & NodeFlags.Myself) != 0;
}
