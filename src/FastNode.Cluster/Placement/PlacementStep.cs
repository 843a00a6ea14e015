using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.Placement;

/// <summary>What automatic placement asks this node to do next (see <see cref="AutoPlacement"/>).</summary>
public enum PlacementStepKind
{
    /// <summary>Nothing: placement is done, or the cluster is not settled.</summary>
    None,

    /// <summary>Claim unassigned slots this node is the rendezvous owner of (CLUSTER ADDSLOTS).</summary>
    Claim,

    /// <summary>Move one slot this node owns to <see cref="PlacementStep.Target"/> (SETSLOT, MIGRATE, SETSLOT NODE).</summary>
    Migrate,

    /// <summary>
    /// Take over <see cref="PlacementStep.Slots"/> from <see cref="PlacementStep.Target"/>, a primary that failed with no
    /// replica left to promote (its keys are lost; the slots are served again, empty).
    /// </summary>
    Adopt,

    /// <summary>This replica should follow <see cref="PlacementStep.Target"/> instead (CLUSTER REPLICATE).</summary>
    Replicate,
}

/// <param name="Kind">What to do.</param>
/// <param name="Slot">The slot to migrate (Migrate only).</param>
/// <param name="Target">The node that gets the slot (Migrate), the primary to follow (Replicate), or the failed owner (Adopt).</param>
/// <param name="Slots">The slots to claim (Claim) or take over (Adopt).</param>
public readonly record struct PlacementStep(PlacementStepKind Kind, int Slot, NodeId Target, SlotSet? Slots)
{
    public static PlacementStep None => default;
}
