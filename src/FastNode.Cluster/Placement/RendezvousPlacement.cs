using FastNode.Cluster.Nodes;
using FastNode.Cluster.Routing;

namespace FastNode.Cluster.Placement;

/// <summary>
/// Slot placement by rendezvous hashing: owner(slot) = the candidate with the highest xxHash64(slot, id). Every node
/// computes the same answer from the same candidate list, with no coordination; a join takes about 1/N of the slots
/// and a leave moves only the leaver's slots.
/// </summary>
public static class RendezvousPlacement
{
    public static NodeId Owner(int slot, IReadOnlyList<NodeId> candidates)
    {
        NodeId best = NodeId.None;
        ulong bestScore = 0;
        foreach (var candidate in candidates)
        {
            ulong score = RendezvousHash.Score(slot, candidate);
            if (best.IsNone || score > bestScore || (score == bestScore && candidate > best))
            {
                best = candidate;
                bestScore = score;
            }
        }
        return best;
    }

    /// <summary>The owner of every slot (None everywhere when there are no candidates).</summary>
    public static NodeId[] Assign(IReadOnlyList<NodeId> candidates)
    {
        var owners = new NodeId[KeySlot.SlotCount];
        for (int slot = 0; slot < owners.Length; slot++) owners[slot] = Owner(slot, candidates);
        return owners;
    }

    /// <summary>The moves that turn the current owners into the target owners, in slot order.</summary>
    public static List<SlotMove> Diff(ReadOnlySpan<NodeId> current, ReadOnlySpan<NodeId> target)
    {
        var moves = new List<SlotMove>();
        for (int slot = 0; slot < KeySlot.SlotCount; slot++)
        {
            if (current[slot] != target[slot] && !target[slot].IsNone) moves.Add(new SlotMove(slot, current[slot], target[slot]));
        }
        return moves;
    }
}
