using FastNode.Cluster.Config;
using FastNode.Cluster.Membership;
using FastNode.Cluster.Nodes;
using FastNode.Cluster.State;
using FastNode.Cluster.Tests.Simulation;

namespace FastNode.Cluster.Tests.Scenarios;

/// <summary>Redis failover rules on the simulator: FAIL, elections, epochs, rejoining.</summary>
public class FailoverTests
{
    private static int NodeTimeout => SimSetup.DefaultOptions.NodeTimeoutMs;
    private static int LeaseWindow => SimSetup.DefaultOptions.EffectiveLeaseWindowMs;

    [Test]
    public void QuietClusterStaysHealthyAndWritable()
    {
        var sim = new SimCluster(new SimSetup { Primaries = 3, Seed = 1 });
        sim.RunFor(30_000, sim.CheckSingleWriter);
        Assert.Multiple(() =>
        {
            Assert.That(sim.WriteConflicts, Is.Zero);
            Assert.That(sim.Converged(), Is.True);
            Assert.That(sim.TotalDeathsDeclared, Is.Zero);
            foreach (var p in sim.Primaries) Assert.That(p.Node.CanWrite(p.Node.Config.Slots.Slots().First()), Is.True, p.ToString());
        });
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void CrashedPrimaryIsReplacedWithinNodeTimeoutPlusLeaseWindow(int seed)
    {
        var sim = new SimCluster(new SimSetup { Primaries = 3, Seed = seed });
        sim.RunFor(5_000);
        var victim = sim.Hosts[0];
        int slot = victim.Node.Config.Slots.Slots().First();
        sim.Crash(victim);

        long allFail = -1, promoted = -1;
        long took = sim.RunUntil(() =>
        {
            if (allFail < 0 && sim.CountObservers(victim.Id, MemberState.Dead) == sim.Running.Count()) allFail = sim.Now;
            if (promoted < 0 && sim.Running.Any(h => h.Node.Config.IsPrimary && h.Node.Config.Slots.Contains(slot))) promoted = sim.Now;
            return sim.Running.Any(h => h.Node.CanWrite(slot));
        }, 30_000, sim.CheckSingleWriter);
        long crashAt = sim.Now - took;
        TestContext.Out.WriteLine($"all FAIL +{allFail - crashAt} ms, promoted +{promoted - crashAt} ms, writable +{took} ms");
        Assert.That(took, Is.InRange(NodeTimeout, NodeTimeout + LeaseWindow + 3_000));
        Assert.That(sim.WriteConflicts, Is.Zero);
        sim.RunUntil(sim.Converged, 20_000);
        Assert.That(sim.Converged(), Is.True);
    }

    [Test]
    public void ReplicaWithTheHighestOffsetWins()
    {
        // One primary with three replicas; the replica with the best offset ranks 0 and stands first.
        var offsets = new Dictionary<int, long> { [1] = 100, [2] = 300, [3] = 200 };
        for (int seed = 1; seed <= 5; seed++)
        {
            var sim = new SimCluster(new SimSetup
            {
                Primaries = 3, ReplicasPerPrimary = 3, Seed = seed,
                Replication = i => new FixedReplication(i switch { 3 => 100, 4 => 300, 5 => 200, _ => 0 }),
            });
            sim.RunFor(3_000);
            var victim = sim.Hosts[0];
            sim.Crash(victim);
            sim.RunUntil(() => sim.Running.Any(h => h.Node.Config.IsPrimary && h.Node.Config.ShardId == victim.Id), 30_000);
            var winner = sim.Running.Single(h => h.Node.Config.IsPrimary && h.Node.Config.ShardId == victim.Id);
            Assert.That(winner.Index, Is.EqualTo(4), $"seed {seed}");
            Assert.That(winner.Node.Stats.ElectionsWon, Is.EqualTo(1));
        }
    }

    [Test]
    public void OldPrimaryRestartedFromItsNodesConfRejoinsAsAReplica()
    {
        var sim = new SimCluster(new SimSetup { Primaries = 3, Seed = 4 });
        sim.RunFor(3_000);
        var victim = sim.Hosts[0];
        var saved = NodesConfMapping.FromSnapshot(victim.Node.Snapshot);
        // Also check the file itself survives a write/parse cycle, as a restart reads it.
        Assert.That(NodesConfFile.TryParse(NodesConfFile.Write(saved), out var reread, out string error), Is.True, error);
        sim.Crash(victim);
        sim.RunUntil(() => sim.Running.Any(h => h.Node.Config.IsPrimary && h.Node.Config.ShardId == victim.Id), 30_000);
        var successor = sim.Running.Single(h => h.Node.Config.IsPrimary && h.Node.Config.ShardId == victim.Id);

        sim.Restart(victim, reread!);
        sim.RunUntil(sim.Converged, 30_000, sim.CheckSingleWriter);
        Assert.That(sim.Converged(), Is.True);
        Assert.That(victim.Node.Config.Role, Is.EqualTo(NodeRole.Replica));
        Assert.That(victim.Node.Config.PrimaryId, Is.EqualTo(successor.Id));
        Assert.That(sim.WriteConflicts, Is.Zero);
    }

    [Test]
    public void NoFailoverReplicaNeverStandsAndTheClusterGoesDown()
    {
        var sim = new SimCluster(new SimSetup { Primaries = 3, Seed = 5 });
        var replica = sim.Hosts.Single(h => h.Node.Config.PrimaryId == sim.Hosts[0].Id);
        replica.Node.SetNoFailover(true);
        sim.RunFor(3_000);
        sim.Crash(sim.Hosts[0]);
        sim.RunFor(30_000);
        Assert.That(replica.Node.Config.Role, Is.EqualTo(NodeRole.Replica));
        Assert.That(replica.Node.Stats.ElectionsStarted, Is.Zero);
        // Full coverage is required by default: a FAIL owner means cluster_state fail everywhere.
        Assert.That(sim.Running.All(h => h.Node.Health == ClusterHealth.Fail), Is.True);
    }

    [Test]
    public void CrashedReplicaIsMarkedFailAndNothingMoves()
    {
        var sim = new SimCluster(new SimSetup { Primaries = 3, Seed = 6 });
        sim.RunFor(3_000);
        var replica = sim.Hosts[4];
        long epoch = sim.Hosts[1].Node.CurrentEpoch;
        sim.Crash(replica);
        sim.RunFor(20_000, sim.CheckSingleWriter);
        foreach (var h in sim.Running) TestContext.Out.WriteLine($"{h} sees {h.Node.Membership.Find(replica.Id)}");
        Assert.That(sim.CountObservers(replica.Id, MemberState.Dead), Is.EqualTo(5));
        Assert.That(sim.Running.All(h => h.Node.CurrentEpoch == epoch), Is.True);
        Assert.That(sim.Running.All(h => h.Node.Health == ClusterHealth.Ok), Is.True);
    }

    [Test]
    public void EqualConfigEpochsAreMadeDistinct()
    {
        var sim = new SimCluster(new SimSetup { Primaries = 4, ReplicasPerPrimary = 0, Seed = 7 });
        foreach (var p in sim.Hosts) p.Node.SetConfigEpoch(1);
        sim.RunUntil(() => sim.Converged() && sim.Hosts.Select(h => h.Node.Config.ConfigEpoch).Distinct().Count() == 4, 30_000);
        Assert.That(sim.Hosts.Select(h => h.Node.Config.ConfigEpoch).Distinct().Count(), Is.EqualTo(4));
        Assert.That(sim.Converged(), Is.True);
    }

    [Test]
    public void TwoReplicasOfOneFailedPrimaryNeverBothWin()
    {
        // Equal offsets, so both replicas have rank 0 and may stand in the same round; one vote per epoch decides.
        for (int seed = 10; seed < 15; seed++)
        {
            var sim = new SimCluster(new SimSetup { Primaries = 5, ReplicasPerPrimary = 2, Seed = seed });
            sim.RunFor(3_000);
            var victim = sim.Hosts[0];
            sim.Crash(victim);
            sim.RunFor(40_000, sim.CheckSingleWriter);
            Assert.That(sim.Running.Count(h => h.Node.Config.IsPrimary && h.Node.Config.ShardId == victim.Id), Is.EqualTo(1), $"seed {seed}");
            Assert.That(sim.WriteConflicts, Is.Zero, $"seed {seed}");
            Assert.That(sim.Converged(), Is.True, $"seed {seed}");
        }
    }
}
