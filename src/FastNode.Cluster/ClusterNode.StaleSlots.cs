using FastNode.Cluster.Nodes;

namespace FastNode.Cluster;

/// <summary>
/// Slots whose keys this node holds but no longer serves, as Redis's clusterUpdateSlotsConfigWith decides: a primary
/// that loses slots to a claim with a higher configEpoch (a failover or a migration it missed while cut off) deletes the
/// keys of those "dirty" slots, unless it becomes a replica of the node that took them (the full sync replaces the whole
/// dataset then) or it is moving the slot itself (MIGRATING / IMPORTING: the keys are in flight and MIGRATE owns them).
/// The node only decides; the server deletes the keys through its store, so replicas and the AOF get the DELs.
/// </summary>
public sealed partial class ClusterNode
{
    // Slots lost since the server last took them (TakeStaleSlots); only this node's thread touches it.
    private SlotSet _staleSlots = SlotSet.Empty;

    /// <summary>
    /// The slots whose keys the server should delete now (see the type's summary), and forgets them. Empty in the common
    /// case. The server re-checks each slot against its latest view before deleting, since a slot may come back.
    /// </summary>
    public SlotSet TakeStaleSlots()
    {
        var slots = _staleSlots;
        _staleSlots = SlotSet.Empty;
        return slots;
    }

    /// <summary>Called by <c>ReconcileSelf</c> with the slots this primary just lost while it stays a primary.</summary>
    private void NoteStaleSlots(SlotSet lost)
    {
        var stale = lost;
        foreach (int slot in lost.Slots())
        {
            if (_migratingTo.ContainsKey(slot) || _importingFrom.ContainsKey(slot)) stale = stale.Without(slot);
        }
        if (stale.IsEmpty) return;
        _staleSlots = _staleSlots.Union(stale);
        Note($"Lost {stale.Count} slot(s) to a higher configEpoch (first {stale.Slots().First()}): their keys are deleted here.");
    }
}
