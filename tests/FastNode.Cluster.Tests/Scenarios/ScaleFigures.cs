using FastNode.Cluster.Membership;
using FastNode.Cluster.Placement;
using FastNode.Cluster.Routing;
using FastNode.Cluster.State;
using FastNode.Cluster.Tests.Simulation;

namespace FastNode.Cluster.Tests.Scenarios;

/// <summary>
/// The figures docs/cluster.md reports, for N nodes (N/2 primaries, one replica each). 10 and 100 nodes run by
/// default in a few seconds; 1000 nodes run on demand (category "Scale", a few minutes). Every run prints a table
/// row; the assertions hold the goals: no false FAIL, detection in a bounded number of periods, flat traffic.
/// </summary>
public class ScaleFigures
{
    private const int Period = 1000;

    private static ClusterOptions Options(bool lease) => SimSetup.DefaultOptions with { WriteLease = lease };

    private static SimCluster Cluster(int nodes, int seed, bool lease, double loss = 0) =>
        new(new SimSetup
        {
            Primaries = nodes / 2, ReplicasPerPrimary = 1, Seed = seed, Options = Options(lease),
            Network = new NetworkConditions(loss, 1, 10),
        });

    // ---- detection: periods until every member knows of a crash -----------------------------------------------

    [TestCase(10, true)]
    [TestCase(100, true)]
    [TestCase(100, false)]
    [TestCase(1000, false, Category = "Scale", Explicit = true)]
    public void PeriodsUntilEveryMemberKnowsOfACrash(int nodes, bool lease)
    {
        var sim = Cluster(nodes, seed: nodes, lease);
        sim.RunFor(10_000);
        var victim = sim.Hosts[nodes / 4];
        sim.Crash(victim);
        long crash = sim.Now;
        long firstSuspect = -1, allSuspect = -1, allFail = -1;
        int others = nodes - 1;
        sim.RunUntil(() =>
        {
            int knowing = sim.CountObservers(victim.Id, MemberState.Suspect, MemberState.Dead);
            if (firstSuspect < 0 && knowing > 0) firstSuspect = sim.Now - crash;
            if (allSuspect < 0 && knowing == others) allSuspect = sim.Now - crash;
            if (allFail < 0 && sim.CountObservers(victim.Id, MemberState.Dead) == others) allFail = sim.Now - crash;
            return allFail >= 0 && allSuspect >= 0;
        }, 120_000, checkEveryMs: 100);
        TestContext.Out.WriteLine($"| {nodes} | {(lease ? "on" : "off")} | {firstSuspect / (double)Period:F1} | " +
            $"{allSuspect / (double)Period:F1} | {allFail / (double)Period:F1} |");
        Assert.That(allSuspect, Is.GreaterThan(0), "every member learns of the crash");
        Assert.That(allFail, Is.GreaterThan(0), "every member marks it FAIL");
        // FAIL needs node-timeout of silence, then goes to every member at once.
        Assert.That(allFail, Is.LessThan(SimSetup.DefaultOptions.NodeTimeoutMs + 8 * Period));
    }

    // ---- false FAIL verdicts under loss ----------------------------------------------------------------------

    [TestCase(10, 0.01, true)]
    [TestCase(10, 0.05, true)]
    [TestCase(100, 0.01, true)]
    [TestCase(100, 0.05, true)]
    [TestCase(1000, 0.01, false, Category = "Scale", Explicit = true)]
    [TestCase(1000, 0.05, false, Category = "Scale", Explicit = true)]
    public void NoFalseFailUnderLoss(int nodes, double loss, bool lease)
    {
        long seconds = nodes >= 1000 ? 120 : 60;
        var sim = Cluster(nodes, seed: 7 + nodes, lease, loss);
        sim.RunFor(seconds * 1000, sim.CheckSingleWriter, 1000);
        long suspicions = sim.Hosts.Sum(h => h.Node.Membership.Counters.SuspicionsRaised);
        long refutations = sim.Hosts.Sum(h => h.Node.Membership.Counters.Refutations);
        long probes = sim.Hosts.Sum(h => h.Node.Membership.Counters.Probes);
        int healthy = sim.Hosts.Count(h => h.Node.Health == ClusterHealth.Ok);
        TestContext.Out.WriteLine($"| {nodes} | {loss:P0} | {seconds} s | {probes} | {suspicions} | {refutations} | " +
            $"{sim.TotalDeathsDeclared} | {healthy}/{nodes} |");
        Assert.That(sim.TotalDeathsDeclared, Is.Zero, "false FAIL verdicts");
        Assert.That(sim.WriteConflicts, Is.Zero);
    }

    // ---- messages per member per second ----------------------------------------------------------------------

    private static (double Frames, double Bytes, double LeaseShare) Traffic(int nodes, bool lease, int seconds)
    {
        var sim = Cluster(nodes, seed: 3 + nodes, lease);
        sim.RunFor(10_000);
        long frames = sim.TotalFramesSent;
        long bytes = sim.Hosts.Sum(h => h.Node.Stats.BytesSent);
        long leasePings = sim.Hosts.Sum(h => h.Node.Stats.LeasePings);
        sim.RunFor(seconds * 1000L);
        double perMember = (sim.TotalFramesSent - frames) / (double)nodes / seconds;
        double bytesPerMember = (sim.Hosts.Sum(h => h.Node.Stats.BytesSent) - bytes) / (double)nodes / seconds;
        // A lease ping is answered by one Ack, so lease upkeep is twice the pings.
        double leaseShare = 2.0 * (sim.Hosts.Sum(h => h.Node.Stats.LeasePings) - leasePings) / (sim.TotalFramesSent - frames);
        TestContext.Out.WriteLine($"| {nodes} | {(lease ? "on" : "off")} | {perMember:F2} | {bytesPerMember:F0} | {leaseShare:P0} |");
        return (perMember, bytesPerMember, leaseShare);
    }

    [Test]
    public void MembershipTrafficPerMemberIsFlatFrom10To100Nodes()
    {
        var small = Traffic(10, lease: false, seconds: 30);
        var large = Traffic(100, lease: false, seconds: 30);
        Assert.That(large.Frames, Is.LessThan(small.Frames * 1.25));
        Assert.That(large.Frames, Is.LessThan(4.0), "SWIM: one probe and its Ack per period, plus Acks to others' probes");
    }

    [Test]
    public void LeaseTrafficIsReported()
    {
        var small = Traffic(10, lease: true, seconds: 30);
        var large = Traffic(100, lease: true, seconds: 30);
        // Lease upkeep grows with the number of primaries (a majority must grant each primary every window).
        Assert.That(large.Frames, Is.GreaterThan(small.Frames));
    }

    [Test, Category("Scale"), Explicit("a few minutes")]
    public void MembershipTrafficAt1000Nodes()
    {
        var small = Traffic(10, lease: false, seconds: 30);
        var large = Traffic(1000, lease: false, seconds: 30);
        Assert.That(large.Frames, Is.LessThan(small.Frames * 1.25));
    }

    // ---- slots moved by a join or a leave --------------------------------------------------------------------

    [TestCase(10)]
    [TestCase(100)]
    [TestCase(1000)]
    public void SlotsMovedOnJoinAndLeave(int primaries)
    {
        var random = new Random(primaries);
        var ids = Enumerable.Range(0, primaries + 1).Select(_ => Nodes.NodeId.NewRandom(random)).ToList();
        var before = RendezvousPlacement.Assign(ids.Take(primaries).ToList());
        var joined = RendezvousPlacement.Assign(ids);
        var left = RendezvousPlacement.Assign(ids.Skip(1).Take(primaries - 1).ToList());
        double join = RendezvousPlacement.Diff(before, joined).Count / (double)KeySlot.SlotCount;
        double leave = RendezvousPlacement.Diff(before, left).Count / (double)KeySlot.SlotCount;
        TestContext.Out.WriteLine($"| {primaries} | {join:P2} | {1.0 / (primaries + 1):P2} | {leave:P2} | {1.0 / primaries:P2} |");
        Assert.That(join, Is.EqualTo(1.0 / (primaries + 1)).Within(0.5 / (primaries + 1) + 0.002));
        Assert.That(leave, Is.EqualTo(1.0 / primaries).Within(0.5 / primaries + 0.002));
    }
}
