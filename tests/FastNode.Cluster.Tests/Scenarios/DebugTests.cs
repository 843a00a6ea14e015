using FastNode.Cluster.Membership;
using FastNode.Cluster.Tests.Simulation;

namespace FastNode.Cluster.Tests.Scenarios;

public class DebugTests
{
    [Test, Explicit]
    public void Trace()
    {
        var sim = new SimCluster(new SimSetup { Primaries = 3, Seed = 2 });
        sim.RunFor(5_000);
        var victim = sim.Hosts[0];
        sim.Crash(victim);
        long crash = sim.Now;
        for (int i = 0; i < 30; i++)
        {
            sim.RunFor(1000);
            var line = string.Join(" | ", sim.Running.Select(h =>
                $"#{h.Index} {h.Node.Config.Role.ToString()[0]} v={h.Node.Membership.Find(victim.Id)!.State.ToString()[0]} {h.Node.Health} d={h.Node.ConfigDigest % 10000} e={h.Node.CurrentEpoch} syn={h.Node.Stats.StateSyncsStarted}"));
            TestContext.Out.WriteLine($"+{sim.Now - crash}: {line}");
        }
        foreach (var h in sim.Running)
        {
            TestContext.Out.WriteLine($"#{h.Index}: " + string.Join(", ", h.Node.Membership.Members.Select(m => $"{m} {m.Config.Role} ep={m.Config.ConfigEpoch} slots={m.Config.Slots.Count}")));
        }
    }
}
