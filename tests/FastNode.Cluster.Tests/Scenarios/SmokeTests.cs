using FastNode.Cluster.Membership;
using FastNode.Cluster.State;
using FastNode.Cluster.Tests.Simulation;

namespace FastNode.Cluster.Tests.Scenarios;

public class SmokeTests
{
    [Test]
    public void QuietClusterStaysHealthy()
    {
        var sim = new SimCluster(new SimSetup { Primaries = 3, ReplicasPerPrimary = 1, Seed = 1 });
        sim.RunFor(20_000, sim.CheckSingleWriter);
        foreach (var h in sim.Hosts)
        {
            TestContext.Out.WriteLine($"{h} health={h.Node.Health} digest={h.Node.ConfigDigest:x} lhm={h.Node.Membership.Health.Score} sent={h.FramesSent} lease={h.Node.Stats.LeasePings}");
        }
        Assert.Multiple(() =>
        {
            Assert.That(sim.WriteConflicts, Is.Zero);
            Assert.That(sim.Converged(), Is.True);
            Assert.That(sim.TotalDeathsDeclared, Is.Zero);
            Assert.That(sim.Hosts.Where(h => h.Node.Config.IsPrimary).All(h => h.Node.CanWrite(h.Node.Config.Slots.Slots().First())), Is.True);
        });
    }

    [Test]
    public void CrashedPrimaryIsReplacedByItsReplica()
    {
        var sim = new SimCluster(new SimSetup { Primaries = 3, ReplicasPerPrimary = 1, Seed = 2 });
        sim.RunFor(5_000);
        var victim = sim.Hosts[0];
        var slots = victim.Node.Config.Slots;
        sim.Crash(victim);
        long took = sim.RunUntil(() => sim.Running.All(h => h.Node.SlotMap.Owner(slots.Slots().First()) != victim.Id)
            && sim.Running.Any(h => h.Node.CanWrite(slots.Slots().First())), 30_000, sim.CheckSingleWriter);
        foreach (var h in sim.Hosts)
        {
            TestContext.Out.WriteLine($"{h} {h.Node.Config.Role} health={h.Node.Health} epoch={h.Node.CurrentEpoch} victim={h.Node.Membership.Find(victim.Id)?.State}");
        }
        TestContext.Out.WriteLine($"failover took {took} ms");
        Assert.That(took, Is.GreaterThan(0));
        Assert.That(sim.WriteConflicts, Is.Zero);
    }
}
