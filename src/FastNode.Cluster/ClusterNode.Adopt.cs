using FastNode.Cluster.Membership;
using FastNode.Cluster.Nodes;

namespace FastNode.Cluster;

public sealed partial class ClusterNode
{
    /// <summary>
    /// cluster-auto-placement's takeover of the slots of a primary that failed with no replica left to promote (see
    /// AutoPlacement): a new configEpoch taken without a vote, as after an import by hand, so the claim wins everywhere,
    /// and only for slots <paramref name="failedOwner"/> still owns while it is still failed. Returns how many slots
    /// were taken: none without a majority, so a node cut off on the minority side takes nothing.
    /// </summary>
    public int AdoptSlots(NodeId failedOwner, SlotSet slots)
    {
        var owner = _membership.Find(failedOwner);
        if (!Config.IsPrimary || !_majorityOk || owner is null || owner.State != MemberState.Dead) return 0;
        var taken = new List<int>();
        foreach (int slot in slots.Slots())
        {
            if (_map.Owner(slot) == failedOwner) taken.Add(slot);
        }
        if (taken.Count == 0) return 0;
        _currentEpoch++;
        Stats.SlotsAdopted += taken.Count;
        ChangeSelf(Config with { ConfigEpoch = _currentEpoch, Slots = Config.Slots.Union(SlotSet.FromSlots(taken)) });
        AnnounceSelf();
        return taken.Count;
    }
}
