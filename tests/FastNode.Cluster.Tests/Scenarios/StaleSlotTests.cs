using FastNode.Cluster.Nodes;
using FastNode.Cluster.Tests.Simulation;

namespace FastNode.Cluster.Tests.Scenarios;

/// <summary>
/// Which slots' keys a primary must delete when it learns that another node owns them with a higher configEpoch
/// (<see cref="ClusterNode.TakeStaleSlots"/>, Redis's dirty slots): the slots it lost while cut off, but not the slots
/// it was migrating itself, and nothing when it turns into a replica of the winner (its full sync replaces the data).
/// </summary>
public class StaleSlotTests
{
    private static SimCluster Start(int seed, int replicas)
    {
        var sim = new SimCluster(new SimSetup { Primaries = 3, ReplicasPerPrimary = replicas, Seed = seed });
        sim.RunFor(3_000, sim.CheckSingleWriter, 50);
        return sim;
    }

    /// <summary>Node <paramref name="taker"/> claims the slot with a new epoch, as the importing side of SETSLOT does.</summary>
    private static void TakeSlot(SimHost taker, SimHost from, int slot)
    {
        taker.Node.SetSlotImporting(slot, from.Id);
        taker.Node.SetSlotNode(slot, taker.Id, slotIsEmpty: true);
    }

    [TestCase(1)]
    [TestCase(2)]
    public void APrimaryThatMissedTheChangeReportsTheSlotsItLostOnceItHearsOfIt(int seed)
    {
        var sim = Start(seed, replicas: 0);
        var old = sim.Hosts[0];
        var taker = sim.Hosts[1];
        int lostSlot = old.Node.Config.Slots.Slots().First();
        int keptSlot = old.Node.Config.Slots.Slots().Last();
        sim.Network.Partition([old], sim.Hosts.Skip(1));
        // Taking a slot by hand from a primary that may still write it would make two writers: wait for its lease to end.
        Assert.That(sim.RunUntil(() => !old.Node.CanWrite(lostSlot), 10_000, sim.CheckSingleWriter, 50), Is.GreaterThanOrEqualTo(0));
        TakeSlot(taker, old, lostSlot);
        sim.RunFor(2_000, sim.CheckSingleWriter, 50);
        Assert.That(old.Node.TakeStaleSlots().IsEmpty, Is.True, "the cut-off primary cannot know yet");
        Assert.That(old.Node.Config.Slots.Contains(lostSlot), Is.True);

        sim.Network.Heal();
        var stale = SlotSet.Empty;
        long took = sim.RunUntil(() =>
        {
            stale = stale.Union(old.Node.TakeStaleSlots());
            return !old.Node.Config.Slots.Contains(lostSlot);
        }, 30_000, sim.CheckSingleWriter, 50);
        Assert.That(took, Is.GreaterThanOrEqualTo(0), "the old primary never learned the higher claim");
        stale = stale.Union(old.Node.TakeStaleSlots());
        Assert.Multiple(() =>
        {
            Assert.That(stale.Slots(), Is.EqualTo(new[] { lostSlot }));
            Assert.That(old.Node.Config.IsPrimary, Is.True);
            Assert.That(old.Node.Config.Slots.Contains(keptSlot), Is.True);
            Assert.That(old.Node.TakeStaleSlots().IsEmpty, Is.True, "taken once");
        });
        sim.RunFor(5_000, sim.CheckSingleWriter, 50);
        Assert.That(old.Node.TakeStaleSlots().IsEmpty, Is.True, "reported once, not on every rebuild");
        Assert.That(sim.WriteConflicts, Is.Zero, string.Join("; ", sim.ConflictLog));
    }

    [Test]
    public void ASlotThePrimaryIsMigratingItselfIsNotReported()
    {
        var sim = Start(3, replicas: 0);
        var source = sim.Hosts[0];
        var target = sim.Hosts[1];
        int slot = source.Node.Config.Slots.Slots().First();
        source.Node.SetSlotMigrating(slot, target.Id);
        TakeSlot(target, source, slot);
        long took = sim.RunUntil(() => !source.Node.Config.Slots.Contains(slot), 10_000, sim.CheckSingleWriter, 50);
        Assert.That(took, Is.GreaterThanOrEqualTo(0));
        Assert.That(source.Node.TakeStaleSlots().IsEmpty, Is.True, "MIGRATE still owns the keys of a migrating slot");
    }

    [Test]
    public void AnOldPrimaryThatBecomesAReplicaOfTheWinnerReportsNothing()
    {
        var sim = Start(4, replicas: 1);
        var old = sim.Hosts[0];
        sim.Network.Partition([old], sim.Hosts.Skip(1));
        var stale = SlotSet.Empty;
        long promoted = sim.RunUntil(() => sim.Hosts.Skip(1).Any(h => h.Node.Config.IsPrimary && h.Node.Config.ShardId == old.Node.Config.ShardId),
            30_000, sim.CheckSingleWriter, 50);
        Assert.That(promoted, Is.GreaterThanOrEqualTo(0), "the replica was not promoted");
        sim.Network.Heal();
        long demoted = sim.RunUntil(() =>
        {
            stale = stale.Union(old.Node.TakeStaleSlots());
            return old.Node.Config.Role == NodeRole.Replica;
        }, 30_000, sim.CheckSingleWriter, 50);
        Assert.That(demoted, Is.GreaterThanOrEqualTo(0), "the old primary did not turn replica");
        sim.RunFor(1_000);
        Assert.That(stale.Union(old.Node.TakeStaleSlots()).IsEmpty, Is.True);
    }
}
