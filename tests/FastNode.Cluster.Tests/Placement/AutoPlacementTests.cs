using FastNode.Cluster.Nodes;
using FastNode.Cluster.Placement;
using FastNode.Cluster.Routing;
using FastNode.Cluster.State;

namespace FastNode.Cluster.Tests.Placement;

/// <summary>
/// cluster-auto-placement's decisions on hand-built snapshots: the plan on a join and a leave against the ideal 1/N,
/// who drives each move, and when placement waits.
/// </summary>
public class AutoPlacementTests
{
    private const long Settle = 3000;
    private const long Depart = 10_000;

    [TestCase(3)]
    [TestCase(9)]
    public void AJoinMovesAboutOneNthOfTheSlotsAllToTheJoiner(int primaries)
    {
        var ids = Ids(primaries + 1, primaries);
        var (old, joiner) = (ids[..primaries], ids[primaries]);
        var snapshot = Snapshot(ids[0], ids, RendezvousPlacement.Assign(old));

        var moves = PlacementPlanner.Plan(snapshot);
        double ideal = KeySlot.SlotCount / (double)(primaries + 1);
        TestContext.Out.WriteLine($"{primaries} -> {primaries + 1}: {moves.Count} slots moved, ideal {ideal:F0}");
        Assert.That(moves, Has.All.Matches<SlotMove>(m => m.To == joiner && old.Contains(m.From)));
        Assert.That(moves.Count, Is.InRange(ideal * 0.85, ideal * 1.15));
        // Every old primary gives some away: each one's share shrinks by about the same fraction.
        foreach (var id in old) Assert.That(moves.Count(m => m.From == id), Is.GreaterThan(0));
    }

    [TestCase(4)]
    [TestCase(10)]
    public void ALeaveSpreadsOnlyTheLeaversSlotsOverTheOthers(int primaries)
    {
        var ids = Ids(primaries, primaries + 100);
        var owners = RendezvousPlacement.Assign(ids);
        var leaver = ids[^1];
        int leaverSlots = owners.Count(o => o == leaver);
        var snapshot = Snapshot(ids[0], ids, owners, failed: leaver);

        var moves = PlacementPlanner.Plan(snapshot);
        Assert.That(moves, Has.All.Matches<SlotMove>(m => m.From == leaver && m.To != leaver));
        Assert.That(moves, Has.Count.EqualTo(leaverSlots), "exactly the leaver's slots move");
        Assert.That(moves.Count, Is.InRange(KeySlot.SlotCount / (double)primaries * 0.85, KeySlot.SlotCount / (double)primaries * 1.15));
        var receivers = moves.GroupBy(m => m.To).ToList();
        Assert.That(receivers, Has.Count.EqualTo(primaries - 1), "spread over every remaining primary");
        // ...but nobody drives them: only an owner moves its slots, this one is down, and placement waits while a node is failed.
        var placement = Settled(snapshot);
        Assert.That(placement.Next(snapshot, 2 * Settle).Kind, Is.EqualTo(PlacementStepKind.None));
    }

    [Test]
    public void ADeadPrimaryWithoutReplicasHasItsSlotsTakenOverByTheirHeirsAfterItDeparts()
    {
        var ids = Ids(4, 20);
        var owners = RendezvousPlacement.Assign(ids);
        var dead = ids[3];
        var deadSlots = Enumerable.Range(0, KeySlot.SlotCount).Where(s => owners[s] == dead).ToHashSet();
        var heirs = RendezvousPlacement.Assign(ids[..3]);
        var taken = new HashSet<int>();
        foreach (var me in ids[..3])
        {
            var snapshot = Snapshot(me, ids, owners, failed: dead, health: ClusterHealth.Fail);
            var placement = new AutoPlacement(Settle, Depart);
            Assert.That(placement.Next(snapshot, 0).Kind, Is.EqualTo(PlacementStepKind.None), "failed, not yet departed");
            Assert.That(placement.Next(snapshot, Depart - 1).Kind, Is.EqualTo(PlacementStepKind.None));
            Assert.That(placement.Next(snapshot, Depart).Kind, Is.EqualTo(PlacementStepKind.None), "departed: the settle clock starts");
            var step = placement.Next(snapshot, Depart + Settle);
            Assert.That(step.Kind, Is.EqualTo(PlacementStepKind.Adopt));
            Assert.That(step.Target, Is.EqualTo(dead));
            Assert.That(step.Slots!.Slots(), Is.All.Matches<int>(s => deadSlots.Contains(s) && heirs[s] == me), "only the dead node's slots this node is heir to");
            taken.UnionWith(step.Slots.Slots());
        }
        Assert.That(taken, Is.EquivalentTo(deadSlots), "the heirs take every slot of the dead primary between them");
    }

    [Test]
    public void ADeadPrimaryWithALiveReplicaIsLeftToItsElection()
    {
        var ids = Ids(5, 21);
        var owners = RendezvousPlacement.Assign(ids[..4]);
        var replicas = new Dictionary<NodeId, NodeId> { [ids[4]] = ids[3] };
        var snapshot = Snapshot(ids[0], ids, owners, failed: ids[3], replicas: replicas, health: ClusterHealth.Fail);
        var placement = new AutoPlacement(Settle, Depart);
        placement.Next(snapshot, 0);
        Assert.That(placement.Next(snapshot, 10 * Depart).Kind, Is.EqualTo(PlacementStepKind.None));
    }

    [Test]
    public void ADepartedReplicaNoLongerHoldsPlacementUp()
    {
        var ids = Ids(5, 22);
        var owners = RendezvousPlacement.Assign(ids[..3]);   // ids[3] is a primary that joined and owns nothing yet
        var replicas = new Dictionary<NodeId, NodeId> { [ids[4]] = ids[0] };
        var snapshot = Snapshot(ids[0], ids, owners, failed: ids[4], replicas: replicas);
        var placement = new AutoPlacement(Settle, Depart);
        Assert.That(placement.Next(snapshot, 0).Kind, Is.EqualTo(PlacementStepKind.None));
        Assert.That(placement.Next(snapshot, Depart).Kind, Is.EqualTo(PlacementStepKind.None));
        var step = placement.Next(snapshot, Depart + Settle);
        Assert.That(step.Kind, Is.EqualTo(PlacementStepKind.Migrate), "the join goes on without the dead replica");
        Assert.That(step.Target, Is.EqualTo(ids[3]));
    }

    [Test]
    public void ANodeThatRecoversStartsItsDepartureClockOver()
    {
        var ids = Ids(4, 23);
        var owners = RendezvousPlacement.Assign(ids);
        var failed = Snapshot(ids[0], ids, owners, failed: ids[3], health: ClusterHealth.Fail);
        var healthy = Snapshot(ids[0], ids, owners);
        var placement = new AutoPlacement(Settle, Depart);
        placement.Next(failed, 0);
        placement.Next(healthy, Depart - 1);
        Assert.That(placement.Next(failed, Depart).Kind, Is.EqualTo(PlacementStepKind.None));
        Assert.That(placement.Next(failed, 2 * Depart - 1).Kind, Is.EqualTo(PlacementStepKind.None), "failed again for less than Depart");
        Assert.That(placement.Next(failed, 2 * Depart).Kind, Is.EqualTo(PlacementStepKind.None), "departed: the settle clock starts");
        Assert.That(placement.Next(failed, 2 * Depart + Settle).Kind, Is.EqualTo(PlacementStepKind.Adopt));
    }

    [Test]
    public void OnAJoinEachOwnerDrivesItsOwnSlotsOneAtATime()
    {
        var ids = Ids(4, 7);
        var owners = RendezvousPlacement.Assign(ids[..3]);
        foreach (var me in ids[..3])
        {
            var snapshot = Snapshot(me, ids, owners);
            var placement = new AutoPlacement(Settle, Depart);
            Assert.That(placement.Next(snapshot, 0).Kind, Is.EqualTo(PlacementStepKind.None), "the first look only starts the settle clock");
            Assert.That(placement.Next(snapshot, Settle - 1).Kind, Is.EqualTo(PlacementStepKind.None));
            var step = placement.Next(snapshot, Settle);
            Assert.That(step.Kind, Is.EqualTo(PlacementStepKind.Migrate));
            Assert.That(step.Target, Is.EqualTo(ids[3]));
            Assert.That(owners[step.Slot], Is.EqualTo(me));
        }
        // The joiner owns nothing, so it has nothing to drive.
        var joinerView = Snapshot(ids[3], ids, owners);
        Assert.That(Settled(joinerView).Next(joinerView, 2 * Settle).Kind, Is.EqualTo(PlacementStepKind.None));
    }

    [Test]
    public void PlacementWaitsWhileANodeIsSuspectedAndRestartsTheSettleClock()
    {
        var ids = Ids(4, 8);
        var owners = RendezvousPlacement.Assign(ids[..3]);
        var healthy = Snapshot(ids[0], ids, owners);
        var suspect = Snapshot(ids[0], ids, owners, suspected: ids[2]);
        var placement = Settled(healthy);
        Assert.That(placement.Next(suspect, Settle * 2).Kind, Is.EqualTo(PlacementStepKind.None));
        Assert.That(placement.Next(healthy, Settle * 2 + 1).Kind, Is.EqualTo(PlacementStepKind.None), "settle starts over");
        Assert.That(placement.Next(healthy, Settle * 3 + 1).Kind, Is.EqualTo(PlacementStepKind.Migrate));
    }

    [Test]
    public void AnOpenMigrationIsFinishedFirst()
    {
        var ids = Ids(3, 9);
        var owners = RendezvousPlacement.Assign(ids);
        // Already at rendezvous placement, except a slot this node left half-moved toward another node.
        int slot = Array.IndexOf(owners, ids[0]);
        var migrating = new Dictionary<int, NodeId> { [slot] = ids[1] };
        var snapshot = Snapshot(ids[0], ids, owners, migrations: new SlotMigrations(migrating, new Dictionary<int, NodeId>()));
        var step = Settled(snapshot).Next(snapshot, 2 * Settle);
        Assert.That(step, Is.EqualTo(new PlacementStep(PlacementStepKind.Migrate, slot, ids[1], null)));
    }

    [Test]
    public void UnassignedSlotsAreClaimedByTheirRendezvousOwnerOnceANodeIsKnown()
    {
        var ids = Ids(3, 10);
        var empty = new NodeId[KeySlot.SlotCount];
        var target = RendezvousPlacement.Assign(ids);
        var alone = Snapshot(ids[0], ids[..1], empty, health: ClusterHealth.Fail);
        Assert.That(Settled(alone).Next(alone, 2 * Settle).Kind, Is.EqualTo(PlacementStepKind.None), "a node on its own claims nothing");

        int total = 0;
        foreach (var me in ids)
        {
            var snapshot = Snapshot(me, ids, empty, health: ClusterHealth.Fail);
            var step = Settled(snapshot).Next(snapshot, 2 * Settle);
            Assert.That(step.Kind, Is.EqualTo(PlacementStepKind.Claim));
            Assert.That(step.Slots!.Slots().All(s => target[s] == me), "only its own rendezvous slots");
            total += step.Slots.Count;
        }
        Assert.That(total, Is.EqualTo(KeySlot.SlotCount), "the claims cover every slot exactly once");
    }

    [Test]
    public void ASurplusReplicaMovesToAPrimaryWithoutOne()
    {
        var ids = Ids(5, 11);
        var primaries = ids[..3];
        var owners = RendezvousPlacement.Assign(primaries);
        // Both replicas follow the first primary; one of them should serve another primary.
        var replicas = new Dictionary<NodeId, NodeId> { [ids[3]] = ids[0], [ids[4]] = ids[0] };
        var moved = new List<NodeId>();
        foreach (var replica in replicas.Keys)
        {
            var snapshot = Snapshot(replica, ids, owners, replicas: replicas);
            var step = Settled(snapshot).Next(snapshot, 2 * Settle);
            if (step.Kind == PlacementStepKind.Replicate)
            {
                Assert.That(step.Target, Is.Not.EqualTo(ids[0]));
                moved.Add(replica);
            }
        }
        Assert.That(moved, Has.Count.EqualTo(1), "one replica stays, the other moves");
    }

    [Test]
    public void AReplicaNeverMovesOntoItsPrimarysAnnouncedHost()
    {
        var ids = Ids(3, 12);
        var owners = RendezvousPlacement.Assign(ids[..2]);
        var replicas = new Dictionary<NodeId, NodeId> { [ids[2]] = ids[0] };
        // The replica shares a host with the second primary, which has no replica: it stays where it is.
        var hosts = new Dictionary<NodeId, string> { [ids[0]] = "a", [ids[1]] = "b", [ids[2]] = "b" };
        var snapshot = Snapshot(ids[2], ids, owners, replicas: replicas, hosts: hosts);
        Assert.That(Settled(snapshot).Next(snapshot, 2 * Settle).Kind, Is.EqualTo(PlacementStepKind.None));
    }

    private static AutoPlacement Settled(ClusterSnapshot snapshot)
    {
        var placement = new AutoPlacement(Settle, Depart);
        placement.Next(snapshot, Settle / 2);
        return placement;
    }

    private static List<NodeId> Ids(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => NodeId.NewRandom(random)).ToList();
    }

    private static ClusterSnapshot Snapshot(NodeId me, IReadOnlyList<NodeId> ids, NodeId[] owners, NodeId failed = default,
        NodeId suspected = default, SlotMigrations? migrations = null, ClusterHealth health = ClusterHealth.Ok,
        Dictionary<NodeId, NodeId>? replicas = null, Dictionary<NodeId, string>? hosts = null)
    {
        var map = SlotMap.FromOwners(owners);
        var views = new List<ClusterNodeView>();
        int port = 7000;
        foreach (var id in ids)
        {
            bool replica = replicas?.ContainsKey(id) == true;
            var config = new NodeConfig
            {
                Address = new NodeAddress("127.0.0.1", port, port + 10000, hosts?.GetValueOrDefault(id) ?? ""),
                Role = replica ? NodeRole.Replica : NodeRole.Primary,
                PrimaryId = replica ? replicas![id] : NodeId.None,
                ShardId = replica ? replicas![id] : id,
            };
            port++;
            var flags = replica ? NodeFlags.Replica : NodeFlags.Primary;
            if (id == me) flags |= NodeFlags.Myself;
            if (id == failed) flags |= NodeFlags.Fail;
            if (id == suspected) flags |= NodeFlags.PFail;
            views.Add(new ClusterNodeView(id, config, flags, 0, 0, true, map.SlotsOf(id)));
        }
        return new ClusterSnapshot(me, 1, 0, health, views, map) { Migrations = migrations ?? SlotMigrations.None };
    }
}
