using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.State;

/// <summary>
/// An immutable picture of the cluster as one node sees it, for CLUSTER NODES / SLOTS / SHARDS / INFO and for
/// redirects. The node publishes a new one after each change; readers on other threads just read the reference.
/// </summary>
public sealed class ClusterSnapshot
{
    private readonly Dictionary<NodeId, ClusterNodeView> _byId;

    public ClusterSnapshot(NodeId myId, long currentEpoch, long lastVoteEpoch, ClusterHealth health,
        IReadOnlyList<ClusterNodeView> nodes, SlotMap slots)
    {
        MyId = myId;
        CurrentEpoch = currentEpoch;
        LastVoteEpoch = lastVoteEpoch;
        Health = health;
        Nodes = nodes;
        Slots = slots;
        _byId = nodes.ToDictionary(n => n.Id);
    }

    public NodeId MyId { get; }

    public long CurrentEpoch { get; }

    public long LastVoteEpoch { get; }

    public ClusterHealth Health { get; }

    public IReadOnlyList<ClusterNodeView> Nodes { get; }

    public SlotMap Slots { get; }

    /// <summary>This node's MIGRATING / IMPORTING slots (CLUSTER SETSLOT).</summary>
    public SlotMigrations Migrations { get; init; } = SlotMigrations.None;

    public ClusterNodeView Myself => _byId[MyId];

    public ClusterNodeView? Find(NodeId id) => _byId.GetValueOrDefault(id);

    /// <summary>CLUSTER INFO cluster_size: primaries serving at least one slot.</summary>
    public int Size => Nodes.Count(n => n.IsPrimary && !n.OwnedSlots.IsEmpty);
}
