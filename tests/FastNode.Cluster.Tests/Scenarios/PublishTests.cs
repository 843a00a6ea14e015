using FastNode.Cluster.Nodes;
using FastNode.Cluster.Tests.Simulation;
using FastNode.Cluster.Wire;

namespace FastNode.Cluster.Tests.Scenarios;

/// <summary>PUBLISH and SPUBLISH over the bus: SendToAll reaches every other node, SendToShard only the sender's shard.</summary>
public class PublishTests
{
    private static Dictionary<NodeId, List<PublishMessage>> Listen(SimCluster sim)
    {
        var received = new Dictionary<NodeId, List<PublishMessage>>();
        foreach (var host in sim.Hosts)
        {
            var list = received[host.Id] = [];
            host.Node.PublishReceived = list.Add;
        }
        return received;
    }

    [Test]
    public void SendToAllReachesEveryOtherNodeOnce()
    {
        var sim = new SimCluster(new SimSetup { Primaries = 3, Seed = 31 });
        sim.RunFor(2_000);
        var received = Listen(sim);
        var sender = sim.Hosts[4];
        int sent = sender.Node.SendToAll(new PublishMessage(false, "room"u8.ToArray(), "hi"u8.ToArray()));
        sim.RunFor(500);
        Assert.That(sent, Is.EqualTo(5));
        foreach (var host in sim.Hosts)
        {
            Assert.That(received[host.Id], Has.Count.EqualTo(host == sender ? 0 : 1), host.ToString());
        }
        Assert.That(received[sim.Hosts[0].Id][0].Message, Is.EqualTo("hi"u8.ToArray()));
        Assert.That(sender.Node.Stats.SentOf(MessageType.Publish), Is.EqualTo(5));
        Assert.That(sim.Hosts[0].Node.Stats.ReceivedOf(MessageType.Publish), Is.EqualTo(1));
    }

    [Test]
    public void SendToShardReachesThePrimaryAndItsReplicasOnly()
    {
        var sim = new SimCluster(new SimSetup { Primaries = 3, ReplicasPerPrimary = 2, Seed = 32 });
        sim.RunFor(2_000);
        var received = Listen(sim);
        var replica = sim.Hosts.First(h => !h.Node.Config.IsPrimary);
        var primary = replica.Node.Config.PrimaryId;
        var shard = sim.Hosts.Where(h => h.Id == primary || h.Node.Config.PrimaryId == primary).Select(h => h.Id).ToHashSet();
        int sent = replica.Node.SendToShard(new PublishMessage(true, "{u1}"u8.ToArray(), "x"u8.ToArray()));
        sim.RunFor(500);
        Assert.That(sent, Is.EqualTo(2));
        foreach (var host in sim.Hosts)
        {
            bool expected = shard.Contains(host.Id) && host != replica;
            Assert.That(received[host.Id], Has.Count.EqualTo(expected ? 1 : 0), host.ToString());
        }
    }

    [Test]
    public void APublishFromANodeNobodyKnowsIsIgnored()
    {
        var sim = new SimCluster(new SimSetup { Primaries = 3, Seed = 33 });
        sim.RunFor(1_000);
        var received = Listen(sim);
        var stranger = sim.AddNode();
        // It knows the cluster (so it sends), but the cluster does not know it.
        stranger.Node.Seed([.. sim.Hosts[0].Node.Membership.Members.Select(m => m.ToRecord())]);
        Assert.That(stranger.Node.SendToAll(new PublishMessage(false, "c"u8.ToArray(), "m"u8.ToArray())), Is.GreaterThan(0));
        sim.RunFor(50);
        Assert.That(sim.Hosts.Take(6).All(h => received[h.Id].Count == 0), Is.True);
    }
}
