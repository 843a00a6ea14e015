using FastNode.Cluster.Nodes;
using FastNode.Cluster.State;
using FastNode.Cluster.Tests.Simulation;

namespace FastNode.Cluster.Tests.Scenarios;

/// <summary>
/// Partitions, pauses and one-way cuts, checked every 50 ms of simulated time: no slot is ever writable on two
/// nodes at once, and after healing every node converges to one configuration.
/// </summary>
public class PartitionTests
{
    private static int LeaseWindow => SimSetup.DefaultOptions.EffectiveLeaseWindowMs;

    private static SimCluster Start(int seed, int primaries = 5, int replicas = 1)
    {
        var sim = new SimCluster(new SimSetup { Primaries = primaries, ReplicasPerPrimary = replicas, Seed = seed });
        sim.RunFor(3_000, sim.CheckSingleWriter, 50);
        return sim;
    }

    private static void HealAndConverge(SimCluster sim)
    {
        sim.Network.Heal();
        long took = sim.RunUntil(sim.Converged, 60_000, sim.CheckSingleWriter, 50);
        TestContext.Out.WriteLine($"converged {took} ms after healing");
        if (took < 0) Describe(sim);
        Assert.That(took, Is.GreaterThanOrEqualTo(0), "no convergence within 60 s of healing");
    }

    /// <summary>Each node's view, for a scenario that did not converge.</summary>
    private static void Describe(SimCluster sim)
    {
        foreach (var x in sim.Hosts)
        {
            var n = x.Node;
            TestContext.Out.WriteLine($"{x} {n.Config.Role} of {n.Config.PrimaryId.Short} ep={n.Config.ConfigEpoch} slots={n.Config.Slots.Count} " +
                $"{n.Health} digest={n.ConfigDigest % 100000} cur={n.CurrentEpoch} lhm={n.Membership.Health.Score} syncs={n.Stats.StateSyncsStarted}");
            TestContext.Out.WriteLine("    " + string.Join(" ", n.Membership.Members.Select(m =>
                $"{m.Id.Short[..4]}:{m.State.ToString()[0]}{m.Incarnation}{(m.Config.IsPrimary ? "P" + m.Config.ConfigEpoch + "/" + m.Config.Slots.Count : "R")}")));
        }
    }

    private static void NoConflicts(SimCluster sim) =>
        Assert.That(sim.WriteConflicts, Is.Zero, string.Join("; ", sim.ConflictLog));

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void IsolatedPrimaryStopsWritingAndItsReplicaTakesOver(int seed)
    {
        var sim = Start(seed);
        var isolated = sim.Hosts[0];
        int slot = isolated.Node.Config.Slots.Slots().First();
        sim.Network.Partition([isolated], sim.Hosts.Skip(1));
        long cut = sim.Now;

        long stopped = sim.RunUntil(() => !isolated.Node.CanWrite(slot), 10_000, sim.CheckSingleWriter, 50);
        Assert.That(stopped, Is.InRange(0, LeaseWindow + 200), "the cut-off primary must stop within one lease window");
        long takenOver = sim.RunUntil(() => sim.Running.Any(h => h != isolated && h.Node.CanWrite(slot)), 30_000,
            sim.CheckSingleWriter, 50);
        Assert.That(takenOver, Is.GreaterThan(0));
        TestContext.Out.WriteLine($"old primary stopped +{stopped} ms, new one writable +{sim.Now - cut} ms");
        Assert.That(isolated.Node.Health, Is.EqualTo(ClusterHealth.Fail));

        HealAndConverge(sim);
        Assert.That(isolated.Node.Config.Role, Is.EqualTo(NodeRole.Replica), "the old primary follows its successor");
        NoConflicts(sim);
    }

    [TestCase(1)]
    [TestCase(2)]
    public void MinorityWithTwoPrimariesCannotElectAndMajorityReplacesThem(int seed)
    {
        // Primaries 0,1 and the replicas of 2,3 on one side; primaries 2,3,4 and the replicas of 0,1,4 on the other.
        var sim = Start(seed);
        var h = sim.Hosts;
        SimHost ReplicaOf(int p) => h.Single(x => x.Node.Config.PrimaryId == h[p].Id);
        var minority = new[] { h[0], h[1], ReplicaOf(2), ReplicaOf(3) };
        sim.Network.Partition(minority, h.Except(minority));
        sim.RunFor(30_000, sim.CheckSingleWriter, 50);
        foreach (var x in h)
        {
            TestContext.Out.WriteLine($"{x} {(minority.Contains(x) ? "min" : "maj")} {x.Node.Config.Role} {x.Node.Health} " +
                string.Join(",", x.Node.Membership.Members.Select(m => m.State.ToString()[0])));
        }

        Assert.That(minority.All(m => m.Node.Health == ClusterHealth.Fail), Is.True, "minority side is down");
        Assert.That(minority.Where(m => m.Node.Config.Role == NodeRole.Replica).All(m => m.Node.Stats.ElectionsWon == 0), Is.True);
        var majority = h.Except(minority).ToList();
        Assert.That(majority.All(m => m.Node.Health == ClusterHealth.Ok), Is.True, "majority side healed itself");
        HealAndConverge(sim);
        NoConflicts(sim);
    }

    [TestCase(1)]
    [TestCase(2)]
    public void PrimaryPausedLongerThanNodeTimeoutWakesUpWithoutWriting(int seed)
    {
        var sim = Start(seed);
        var paused = sim.Hosts[1];
        sim.Pause(paused);
        sim.RunFor(3 * SimSetup.DefaultOptions.NodeTimeoutMs, sim.CheckSingleWriter, 50);
        sim.Resume(paused);
        // The first check after waking must already see its lease expired, before any frame could renew it.
        sim.CheckSingleWriter();
        Assert.That(paused.Node.Config.Slots.Slots().Any(s => paused.Node.CanWrite(s)), Is.False);
        HealAndConverge(sim);
        Assert.That(paused.Node.Config.Role, Is.EqualTo(NodeRole.Replica));
        NoConflicts(sim);
    }

    [Test]
    public void ShortPauseBelowNodeTimeoutChangesNothing()
    {
        var sim = Start(4);
        var paused = sim.Hosts[1];
        long epoch = sim.Hosts[0].Node.CurrentEpoch;
        sim.Pause(paused);
        sim.RunFor(SimSetup.DefaultOptions.NodeTimeoutMs / 2, sim.CheckSingleWriter, 50);
        sim.Resume(paused);
        sim.RunFor(10_000, sim.CheckSingleWriter, 50);
        Assert.That(paused.Node.Config.Role, Is.EqualTo(NodeRole.Primary));
        Assert.That(sim.Hosts.All(x => x.Node.CurrentEpoch == epoch), Is.True, "no election happened");
        Assert.That(sim.Converged(), Is.True);
        NoConflicts(sim);
    }

    [TestCase(1)]
    [TestCase(2)]
    public void PrimaryThatCanSendButNotReceive(int seed)
    {
        // Its pings go out but nothing comes back: others still hear it (no FAIL), it hears no grants (no lease).
        var sim = Start(seed);
        var deaf = sim.Hosts[2];
        foreach (var other in sim.Hosts.Where(x => x != deaf)) sim.Network.CutOneWay(other, deaf);
        sim.RunFor(30_000, sim.CheckSingleWriter, 50);
        Assert.That(deaf.Node.Config.Slots.Slots().Any(s => deaf.Node.CanWrite(s)), Is.False);
        HealAndConverge(sim);
        NoConflicts(sim);
    }

    [TestCase(1)]
    [TestCase(2)]
    public void PrimaryThatCanReceiveButNotSend(int seed)
    {
        var sim = Start(seed);
        var mute = sim.Hosts[3];
        foreach (var other in sim.Hosts.Where(x => x != mute)) sim.Network.CutOneWay(mute, other);
        sim.RunFor(30_000, sim.CheckSingleWriter, 50);
        Assert.That(sim.Running.Count(x => x.Node.Config.IsPrimary && x.Node.Config.ShardId == mute.Id && x != mute), Is.EqualTo(1));
        HealAndConverge(sim);
        NoConflicts(sim);
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void RandomPartitionsNeverGiveTwoWriters(int seed) => RandomPartitions(seed, rounds: 6);

    [Test, Explicit("about a minute; run for the docs' figures")]
    public void RandomPartitionsManySeeds([Range(100, 149)] int seed) => RandomPartitions(seed, rounds: 10);

    /// <summary>Rounds of random two-way splits (sometimes with loss), each lasting up to 3 node timeouts, then heal.</summary>
    private static void RandomPartitions(int seed, int rounds)
    {
        var sim = Start(seed, primaries: 5, replicas: 1);
        var random = new Random(seed);
        for (int round = 0; round < rounds; round++)
        {
            var side = sim.Hosts.Where(_ => random.Next(2) == 0).ToList();
            sim.Network.Partition(side, sim.Hosts.Except(side));
            sim.Network.Conditions = random.Next(3) == 0 ? new NetworkConditions(0.05, 1, 20) : NetworkConditions.Perfect;
            sim.RunFor(random.Next(1_000, 3 * SimSetup.DefaultOptions.NodeTimeoutMs), sim.CheckSingleWriter, 50);
            sim.Network.Heal();
            sim.RunFor(random.Next(0, 10_000), sim.CheckSingleWriter, 50);
        }
        sim.Network.Conditions = NetworkConditions.Perfect;
        HealAndConverge(sim);
        NoConflicts(sim);
        // Every shard still has exactly one primary, and all slots are served.
        Assert.That(sim.Hosts[0].Node.SlotMap.AssignedCount, Is.EqualTo(16384));
    }
}
