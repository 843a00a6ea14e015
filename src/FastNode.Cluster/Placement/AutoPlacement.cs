using FastNode.Cluster.Nodes;
using FastNode.Cluster.State;

namespace FastNode.Cluster.Placement;

/// <summary>
/// The decisions of cluster-auto-placement, one step at a time, from the snapshot this node sees. The server's driver
/// carries each step out and asks again. What must stay true:
/// <list type="number">
/// <item>Only a slot's current owner moves it (live, through MIGRATING/IMPORTING, MIGRATE and SETSLOT NODE), so keys
/// are never left behind by a node that is not serving them; a slot whose owner is down is not touched.</item>
/// <item>Nothing happens until the member list has been the same, with no node suspected, failed or in handshake, for
/// <see cref="SettleMs"/>: a node that is still learning the cluster would otherwise place slots by a partial list, and
/// two nodes with different lists could hand a slot back and forth.</item>
/// <item>A migration that this node left open (MIGRATING) is finished before any other step.</item>
/// <item>Unassigned slots are claimed only by their rendezvous owner and only once this node knows another node, so a
/// node that starts alone does not claim everything.</item>
/// <item>A node failed (FAIL, not only suspected) for <see cref="DepartAfterMs"/> has departed: it no longer holds
/// placement up, unless it is a primary with a live replica (an election is due). A departed primary will never move
/// its slots, which is the one exception to the first rule: their rendezvous owners among the healthy primaries take
/// them over, empty (its keys are lost, as they would be in Redis, but the slots are served again).</item>
/// </list>
/// Single-threaded (the driver's thread); pure apart from the clock value passed in.
/// </summary>
public sealed class AutoPlacement(long settleMs, long departAfterMs)
{
    private const NodeFlags Unsettled = NodeFlags.PFail | NodeFlags.Fail | NodeFlags.Handshake | NodeFlags.NoAddr;

    // Hash of the member list (ids, roles, primaries) at the last call, and since when it has been unchanged.
    private long _membersHash;
    private long _stableSince = long.MinValue;

    // When each node now failed was first seen failed.
    private readonly Dictionary<NodeId, long> _failedSince = [];

    /// <summary>How long the member list must stay unchanged and healthy before placement acts.</summary>
    public long SettleMs { get; } = settleMs;

    /// <summary>How long a node must have been failed to count as departed (and a primary's slots to be taken over).</summary>
    public long DepartAfterMs { get; } = departAfterMs;

    public PlacementStep Next(ClusterSnapshot snapshot, long nowMs)
    {
        var departed = Departed(snapshot, nowMs);
        if (!Settled(snapshot, nowMs, departed)) return PlacementStep.None;
        var me = snapshot.Myself;
        if (!me.IsPrimary) return ReplicaStep(snapshot);
        foreach (var (slot, target) in snapshot.Migrations.Migrating)
        {
            if (snapshot.Slots.Owner(slot) == snapshot.MyId && IsHealthyPrimary(snapshot.Find(target)))
                return new PlacementStep(PlacementStepKind.Migrate, slot, target, null);
        }
        List<int>? claims = null, adopted = null;
        NodeId orphan = NodeId.None;
        PlacementStep migrate = PlacementStep.None;
        foreach (var move in PlacementPlanner.Plan(snapshot))
        {
            if (move.From.IsNone && move.To == snapshot.MyId) (claims ??= []).Add(move.Slot);
            else if (move.To == snapshot.MyId && departed.Contains(move.From) && (orphan.IsNone || orphan == move.From))
            {
                orphan = move.From;
                (adopted ??= []).Add(move.Slot);
            }
            else if (move.From == snapshot.MyId && migrate.Kind == PlacementStepKind.None)
                migrate = new PlacementStep(PlacementStepKind.Migrate, move.Slot, move.To, null);
        }
        // One orphan per step; the cluster is down until its slots are served again, so this goes first.
        if (adopted is not null) return new PlacementStep(PlacementStepKind.Adopt, 0, orphan, SlotSet.FromSlots(adopted));
        if (claims is not null && snapshot.Nodes.Count > 1)
            return new PlacementStep(PlacementStepKind.Claim, 0, NodeId.None, SlotSet.FromSlots(claims));
        // Migrations wait for cluster_state:ok: the target must be reachable and every slot served while keys move.
        return snapshot.Health == ClusterHealth.Ok ? migrate : PlacementStep.None;
    }

    /// <summary>
    /// A replica moves to the primary <see cref="ReplicaAssignment"/> gives it, which keeps valid assignments, so only
    /// a surplus replica moves, to a primary that has none. Hosts count only where announced (cluster-announce-hostname):
    /// nodes that announce none are taken to be on hosts of their own.
    /// </summary>
    private static PlacementStep ReplicaStep(ClusterSnapshot snapshot)
    {
        var primaries = new List<PlacementNode>();
        var replicas = new List<PlacementNode>();
        var current = new Dictionary<NodeId, NodeId>();
        foreach (var n in snapshot.Nodes)
        {
            var node = new PlacementNode(n.Id, n.Config.Address.Hostname.Length > 0 ? n.Config.Address.Hostname : n.Id.ToString());
            if (n.IsPrimary)
            {
                if (!n.OwnedSlots.IsEmpty) primaries.Add(node);
                continue;
            }
            replicas.Add(node);
            current[n.Id] = n.Config.PrimaryId;
        }
        var assignment = ReplicaAssignment.Assign(primaries, replicas, current);
        var mine = snapshot.Myself.Config.PrimaryId;
        return assignment.TryGetValue(snapshot.MyId, out var target) && target != mine
            ? new PlacementStep(PlacementStepKind.Replicate, 0, target, null)
            : PlacementStep.None;
    }

    /// <summary>
    /// Nodes failed for <see cref="DepartAfterMs"/>, except primaries with a replica that is not itself failed or
    /// suspected: that replica's election will take the slots over.
    /// </summary>
    private HashSet<NodeId> Departed(ClusterSnapshot snapshot, long nowMs)
    {
        var departed = new HashSet<NodeId>();
        var failedNow = new HashSet<NodeId>();
        foreach (var n in snapshot.Nodes)
        {
            if ((n.Flags & NodeFlags.Fail) == 0) continue;
            failedNow.Add(n.Id);
            if (!_failedSince.TryGetValue(n.Id, out long since)) _failedSince[n.Id] = since = nowMs;
            if (nowMs - since >= DepartAfterMs && !(n.IsPrimary && HasLiveReplica(snapshot, n.Id))) departed.Add(n.Id);
        }
        foreach (var id in _failedSince.Keys.ToList())
        {
            if (!failedNow.Contains(id)) _failedSince.Remove(id);
        }
        return departed;
    }

    private static bool HasLiveReplica(ClusterSnapshot snapshot, NodeId primary)
    {
        foreach (var n in snapshot.Nodes)
        {
            if (!n.IsPrimary && n.Config.PrimaryId == primary && (n.Flags & (NodeFlags.Fail | NodeFlags.PFail)) == 0) return true;
        }
        return false;
    }

    private bool Settled(ClusterSnapshot snapshot, long nowMs, HashSet<NodeId> departed)
    {
        long hash = snapshot.Nodes.Count;
        bool healthy = true;
        // A sum of per-node hashes: the same whatever order the snapshot lists the nodes in.
        foreach (var n in snapshot.Nodes)
        {
            hash += (long)HashCode.Combine(n.Id, n.IsPrimary, n.Config.PrimaryId) << 16;
            if ((n.Flags & Unsettled) != 0 && !departed.Contains(n.Id)) healthy = false;
        }
        if (!healthy || hash != _membersHash || _stableSince == long.MinValue)
        {
            _membersHash = healthy ? hash : 0;
            _stableSince = healthy ? nowMs : long.MinValue;
            return false;
        }
        return nowMs - _stableSince >= SettleMs;
    }

    private static bool IsHealthyPrimary(ClusterNodeView? node) => node is not null && node.IsPrimary && (node.Flags & Unsettled) == 0;
}
