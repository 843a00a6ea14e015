using FastNode.Cluster.Membership;
using FastNode.Cluster.Nodes;
using FastNode.Cluster.Routing;

namespace FastNode.Cluster.State;

/// <summary>
/// Resolves who owns each slot from what every primary claims (Redis's rule: the claim with the higher configEpoch
/// wins; equal epochs, which the collision rule soon removes, go to the larger node id so every node agrees).
/// Failed primaries keep their claims until a replica takes them over with a higher epoch; primaries that left do not.
/// </summary>
public static class SlotClaims
{
    public static SlotMap Resolve(IReadOnlyList<Member> members)
    {
        var owners = new NodeId[KeySlot.SlotCount];
        var epochs = new long[KeySlot.SlotCount];
        foreach (var member in members)
        {
            var config = member.Config;
            if (!config.IsPrimary || config.Slots.IsEmpty || member.State == MemberState.Left) continue;
            foreach (int slot in config.Slots.Slots())
            {
                var current = owners[slot];
                if (current.IsNone || config.ConfigEpoch > epochs[slot]
                    || (config.ConfigEpoch == epochs[slot] && member.Id > current))
                {
                    owners[slot] = member.Id;
                    epochs[slot] = config.ConfigEpoch;
                }
            }
        }
        return SlotMap.FromOwners(owners);
    }
}
