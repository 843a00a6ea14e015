using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.State;

/// <summary>
/// This node's own slot migration states (CLUSTER SETSLOT MIGRATING / IMPORTING), as in Redis local to the node: they are
/// not gossiped, and are saved in nodes.conf as <c>[slot-&gt;-id]</c> / <c>[slot-&lt;-id]</c> on the myself line.
/// Immutable; a new one replaces it on every change.
/// </summary>
public sealed class SlotMigrations
{
    private readonly Dictionary<int, NodeId> _migrating;
    private readonly Dictionary<int, NodeId> _importing;

    public SlotMigrations(IReadOnlyDictionary<int, NodeId> migrating, IReadOnlyDictionary<int, NodeId> importing)
    {
        _migrating = new Dictionary<int, NodeId>(migrating);
        _importing = new Dictionary<int, NodeId>(importing);
        Migrating = [.. _migrating.OrderBy(p => p.Key).Select(p => (p.Key, p.Value))];
        Importing = [.. _importing.OrderBy(p => p.Key).Select(p => (p.Key, p.Value))];
    }

    public static SlotMigrations None { get; } = new(new Dictionary<int, NodeId>(), new Dictionary<int, NodeId>());

    public bool IsEmpty => _migrating.Count == 0 && _importing.Count == 0;

    /// <summary>Slots this node is handing over, in slot order, with the node receiving each.</summary>
    public IReadOnlyList<(int Slot, NodeId Target)> Migrating { get; }

    /// <summary>Slots this node is receiving, in slot order, with the node sending each.</summary>
    public IReadOnlyList<(int Slot, NodeId Source)> Importing { get; }

    /// <summary>The node a slot is migrating to, or None.</summary>
    public NodeId MigratingTo(int slot) => _migrating.GetValueOrDefault(slot);

    /// <summary>The node a slot is being imported from, or None.</summary>
    public NodeId ImportingFrom(int slot) => _importing.GetValueOrDefault(slot);
}
