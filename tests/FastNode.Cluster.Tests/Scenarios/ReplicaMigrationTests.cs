using FastNode.Cluster.Nodes;
using FastNode.Cluster.Tests.Simulation;

namespace FastNode.Cluster.Tests.Scenarios;

/// <summary>
/// Replica migration as Redis 7.0 on the simulator: a primary left without working replicas gets one from a primary
/// that has more than cluster-migration-barrier; the barrier and cluster-allow-replica-migration no prevent it; a
/// primary that loses all its slots to a reshard stays an empty primary when migration is not allowed.
/// </summary>
public class ReplicaMigrationTests
{
    // Three primaries (hosts 0-2) with two replicas each: hosts 3-4 follow 0, 5-6 follow 1, 7-8 follow 2.
    private static SimCluster Start(int seed, int barrier = 1, bool allow = true)
    {
        var options = SimSetup.DefaultOptions with { };
        options.MigrationBarrier = barrier;
        options.AllowReplicaMigration = allow;
        var sim = new SimCluster(new SimSetup { Primaries = 3, ReplicasPerPrimary = 2, Seed = seed, Options = options });
        sim.RunFor(3_000);
        Assert.That(sim.Hosts[5].Node.Config.PrimaryId, Is.EqualTo(sim.Hosts[1].Id));
        return sim;
    }

    private static List<SimHost> ReplicasOf(SimCluster sim, SimHost primary) =>
        sim.Running.Where(h => h.Node.Config.Role == NodeRole.Replica && h.Node.Config.PrimaryId == primary.Id).ToList();

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void OrphanedPrimaryGetsTheSmallestIdReplicaOfTheBestServedPrimaries(int seed)
    {
        var sim = Start(seed);
        var orphan = sim.Hosts[1];
        // The candidates: replicas of the primaries that keep two working replicas.
        var expected = new[] { 3, 4, 7, 8 }.Select(i => sim.Hosts[i]).MinBy(h => h.Id)!;
        sim.Crash(sim.Hosts[5]);
        sim.Crash(sim.Hosts[6]);
        long orphanedAt = sim.Now;

        long took = sim.RunUntil(() => ReplicasOf(sim, orphan).Count == 1, 40_000, sim.CheckSingleWriter);
        TestContext.Out.WriteLine($"a replica moved {took} ms after the orphan's replicas crashed");
        Assert.That(took, Is.GreaterThanOrEqualTo(ClusterNode.ReplicaMigrationDelayMs), "too early, or never");
        Assert.That(ReplicasOf(sim, orphan).Single(), Is.SameAs(expected));
        Assert.That(expected.Node.Config.ShardId, Is.EqualTo(orphan.Node.Config.ShardId));
        Assert.That(expected.Node.ReplicaMigrations, Is.EqualTo(1));

        // Exactly one moves: the donor keeps one, the other primary keeps two, and it stays that way.
        sim.RunFor(15_000, sim.CheckSingleWriter);
        Assert.That(ReplicasOf(sim, orphan), Has.Count.EqualTo(1));
        Assert.That(ReplicasOf(sim, sim.Hosts[0]).Count + ReplicasOf(sim, sim.Hosts[2]).Count, Is.EqualTo(3));
        Assert.That(sim.Running.Sum(h => h.Node.ReplicaMigrations), Is.EqualTo(1));
        Assert.That(sim.Converged(), Is.True);
        Assert.That(sim.WriteConflicts, Is.Zero);
    }

    [Test]
    public void PrimaryPromotedFromAReplicaWithoutSiblingsIsJoinedByAReplica()
    {
        var sim = Start(4);
        // Primary 0 is left with replica 4 alone, then fails: replica 4 takes over and has no replica of its own.
        sim.Crash(sim.Hosts[3]);
        sim.RunFor(8_000);
        var heir = sim.Hosts[4];
        sim.Crash(sim.Hosts[0]);
        sim.RunUntil(() => heir.Node.Config.IsPrimary, 30_000, sim.CheckSingleWriter);
        Assert.That(heir.Node.Config.IsPrimary, Is.True, "the replica was not promoted");

        sim.RunUntil(() => ReplicasOf(sim, heir).Count == 1, 40_000, sim.CheckSingleWriter);
        var joined = ReplicasOf(sim, heir);
        Assert.That(joined, Has.Count.EqualTo(1));
        Assert.That(joined[0].Index, Is.AnyOf(5, 6, 7, 8));
        Assert.That(sim.WriteConflicts, Is.Zero);
    }

    [Test]
    public void MigrationBarrierKeepsReplicasHome()
    {
        // Barrier 2: a primary with two replicas would be left with one, fewer than it must keep.
        var sim = Start(5, barrier: 2);
        sim.Crash(sim.Hosts[5]);
        sim.Crash(sim.Hosts[6]);
        sim.RunFor(30_000, sim.CheckSingleWriter);
        Assert.That(ReplicasOf(sim, sim.Hosts[1]), Is.Empty);
        Assert.That(sim.Running.Sum(h => h.Node.ReplicaMigrations), Is.Zero);
        Assert.That(ReplicasOf(sim, sim.Hosts[0]), Has.Count.EqualTo(2));
    }

    [Test]
    public void NoMigrationWhenNotAllowed()
    {
        var sim = Start(6, allow: false);
        sim.Crash(sim.Hosts[5]);
        sim.Crash(sim.Hosts[6]);
        sim.RunFor(30_000, sim.CheckSingleWriter);
        Assert.That(ReplicasOf(sim, sim.Hosts[1]), Is.Empty);
        Assert.That(sim.Running.Sum(h => h.Node.ReplicaMigrations), Is.Zero);
    }

    [TestCase(true)]
    [TestCase(false)]
    public void PrimaryEmptiedByAReshardFollowsTheTakerOnlyWhenMigrationIsAllowed(bool allow)
    {
        var sim = Start(7, allow: allow);
        var emptied = sim.Hosts[1];
        var taker = sim.Hosts[2];
        // The taker (already at the highest configEpoch) claims all of the primary's slots, as SETSLOT NODE on every
        // slot ends up doing; its higher epoch wins them.
        Assert.That(taker.Node.Config.ConfigEpoch, Is.GreaterThan(emptied.Node.Config.ConfigEpoch));
        taker.Node.AddSlots(emptied.Node.Config.Slots);
        // (No single-writer check here: a bare claim hands slots over without the key migration and lease wait a
        // real reshard has; only the roles that follow are under test.)
        sim.RunUntil(() => emptied.Node.Config.Slots.IsEmpty && sim.Converged(), 30_000);
        Assert.That(emptied.Node.Config.Slots.IsEmpty, Is.True);
        sim.RunFor(3_000);

        if (allow)
        {
            // Redis: "Configuration change detected. Reconfiguring myself as a replica of" the taker; its replicas follow.
            Assert.That(emptied.Node.Config.Role, Is.EqualTo(NodeRole.Replica));
            Assert.That(emptied.Node.Config.PrimaryId, Is.EqualTo(taker.Id));
            Assert.That(sim.Hosts[5].Node.Config.PrimaryId, Is.EqualTo(taker.Id));
        }
        else
        {
            // An empty primary, still followed by its replicas.
            Assert.That(emptied.Node.Config.IsPrimary, Is.True);
            Assert.That(ReplicasOf(sim, emptied), Has.Count.EqualTo(2));
        }
    }

    [Test]
    public void FailoverStillMovesTheOldPrimaryUnderItsSuccessorWhenMigrationIsNotAllowed()
    {
        var sim = Start(8, allow: false);
        var victim = sim.Hosts[1];
        var saved = FastNode.Cluster.Config.NodesConfMapping.FromSnapshot(victim.Node.Snapshot);
        sim.Crash(victim);
        sim.RunUntil(() => sim.Running.Any(h => h.Node.Config.IsPrimary && h.Node.Config.ShardId == victim.Id), 30_000);
        var successor = sim.Running.Single(h => h.Node.Config.IsPrimary && h.Node.Config.ShardId == victim.Id);
        sim.Restart(victim, saved);
        sim.RunUntil(sim.Converged, 30_000, sim.CheckSingleWriter);
        Assert.That(victim.Node.Config.Role, Is.EqualTo(NodeRole.Replica));
        Assert.That(victim.Node.Config.PrimaryId, Is.EqualTo(successor.Id));
    }
}
