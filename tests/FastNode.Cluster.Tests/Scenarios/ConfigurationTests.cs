using FastNode.Cluster.Membership;
using FastNode.Cluster.Nodes;
using FastNode.Cluster.State;
using FastNode.Cluster.Tests.Simulation;
using FastNode.Cluster.Wire;

namespace FastNode.Cluster.Tests.Scenarios;

/// <summary>The configuration calls CLUSTER commands will make, and who may join.</summary>
public class ConfigurationTests
{
    [Test]
    public void MeetJoinsANewNodeAndEveryoneLearnsIt()
    {
        var sim = new SimCluster(new SimSetup { Primaries = 3, Seed = 21 });
        sim.RunFor(2_000);
        var newcomer = sim.AddNode();
        newcomer.Node.Meet(sim.Hosts[0].Endpoint);
        sim.RunUntil(sim.Converged, 20_000, sim.CheckSingleWriter);
        Assert.That(sim.Converged(), Is.True);
        Assert.That(sim.Hosts.All(h => h.Node.Membership.Find(newcomer.Id)?.State == MemberState.Alive), Is.True);
        Assert.That(newcomer.Node.Membership.Members, Has.Count.EqualTo(7));
        Assert.That(newcomer.Node.Snapshot.Nodes.Single(n => n.Id == newcomer.Id).Flags,
            Is.EqualTo(NodeFlags.Myself | NodeFlags.Primary));
    }

    [Test]
    public void NodeWithoutTheSharedSecretCannotJoinOrInjectState()
    {
        var secured = SimSetup.DefaultOptions with { Secret = "cluster-secret"u8.ToArray() };
        var sim = new SimCluster(new SimSetup { Primaries = 3, Seed = 22, Options = secured });
        sim.RunFor(2_000);
        var intruder = sim.AddNode(SimSetup.DefaultOptions with { Secret = "guessed"u8.ToArray() });
        intruder.Node.Meet(sim.Hosts[0].Endpoint);
        var open = sim.AddNode(SimSetup.DefaultOptions);
        open.Node.Meet(sim.Hosts[1].Endpoint);
        sim.RunFor(20_000, sim.CheckSingleWriter);
        var members = sim.Hosts.Take(6).ToList();
        Assert.That(members.All(h => h.Node.Membership.Find(intruder.Id) is null && h.Node.Membership.Find(open.Id) is null), Is.True);
        Assert.That(sim.Hosts[0].Node.Stats.Rejected(FrameRejection.BadMac), Is.GreaterThan(0));
        Assert.That(sim.Hosts[1].Node.Stats.Rejected(FrameRejection.MissingMac), Is.GreaterThan(0));
        Assert.That(members.All(h => h.Node.Health == ClusterHealth.Ok), Is.True);
        Assert.That(sim.Converged(), Is.False, "the two outsiders run alone; the members among themselves:");
        Assert.That(members.All(h => h.Node.ConfigDigest == members[0].Node.ConfigDigest), Is.True);
    }

    [Test]
    public void AddSlotsReachesEveryNodeAndCompletesCoverage()
    {
        var sim = new SimCluster(new SimSetup { Primaries = 3, Seed = 23 });
        var owner = sim.Hosts[0];
        owner.Node.RemoveSlots(SlotSet.Range(0, 99));
        sim.RunFor(5_000);
        Assert.That(sim.Hosts.All(h => h.Node.Health == ClusterHealth.Fail), Is.True, "slots 0-99 are not served");
        sim.Hosts[1].Node.AddSlots(SlotSet.Range(0, 99));
        sim.RunUntil(sim.Converged, 20_000);
        Assert.That(sim.Converged(), Is.True);
        Assert.That(sim.Hosts.All(h => h.Node.SlotMap.Owner(50) == sim.Hosts[1].Id), Is.True);
    }

    [Test]
    public void ReplicateMovesAReplicaToAnotherPrimary()
    {
        var sim = new SimCluster(new SimSetup { Primaries = 3, Seed = 24 });
        var replica = sim.Hosts[3];
        var target = sim.Hosts.First(h => h.Node.Config.IsPrimary && h.Id != replica.Node.Config.PrimaryId);
        Assert.That(replica.Node.TryReplicate(target.Id), Is.True);
        Assert.That(replica.Node.TryReplicate(replica.Id), Is.False);
        Assert.That(replica.Node.TryReplicate(NodeId.Parse("0123456789012345678901234567890123456789")), Is.False);
        sim.RunUntil(sim.Converged, 20_000);
        Assert.That(sim.Hosts.All(h => h.Node.Membership.Find(replica.Id)!.Config.PrimaryId == target.Id), Is.True);
        Assert.That(replica.Node.Config.ShardId, Is.EqualTo(target.Node.Config.ShardId));
    }

    [Test]
    public void BumpEpochTakesANewEpochUnlessAlreadyTheHighest()
    {
        var sim = new SimCluster(new SimSetup { Primaries = 3, Seed = 25 });
        sim.RunFor(1_000);
        var lowest = sim.Hosts[0];
        Assert.That(lowest.Node.BumpEpoch(), Is.True);
        Assert.That(lowest.Node.Config.ConfigEpoch, Is.EqualTo(4));
        Assert.That(lowest.Node.BumpEpoch(), Is.False, "already the highest");
        sim.RunFor(10_000);
        Assert.That(sim.Converged(), Is.True);
        Assert.That(sim.Hosts.All(h => h.Node.CurrentEpoch == 4), Is.True);
    }

    [Test]
    public void SnapshotShowsRedisFlags()
    {
        var sim = new SimCluster(new SimSetup { Primaries = 3, Seed = 26 });
        sim.RunFor(3_000);
        sim.Crash(sim.Hosts[4]);
        sim.RunFor(15_000);
        var view = sim.Hosts[0].Node.Snapshot;
        Assert.That(view.Myself.Flags, Is.EqualTo(NodeFlags.Myself | NodeFlags.Primary));
        Assert.That(view.Find(sim.Hosts[4].Id)!.Flags, Is.EqualTo(NodeFlags.Replica | NodeFlags.Fail));
        Assert.That(view.Find(sim.Hosts[4].Id)!.LinkConnected, Is.False);
        Assert.That(view.Size, Is.EqualTo(3));
        Assert.That(view.Health, Is.EqualTo(ClusterHealth.Ok));
        Assert.That(State.NodeFlagsText.Format(view.Find(sim.Hosts[4].Id)!.Flags), Is.EqualTo("slave,fail"));
    }
}
