using FastNode.Cluster.Membership;
using FastNode.Cluster.Wire;

namespace FastNode.Cluster.Tests.Membership;

public class SwimMembershipTests
{
    [Test]
    public void HealthyGroupRaisesNoSuspicion()
    {
        var swim = new SwimHarness(8);
        swim.RunFor(30_000);
        Assert.That(swim.Nodes.Sum(n => n.Counters.SuspicionsRaised), Is.Zero);
        Assert.That(swim.Nodes.All(n => n.Members.All(m => m.State == MemberState.Alive)), Is.True);
        Assert.That(swim.Nodes.All(n => n.Health.Score == 0), Is.True);
    }

    [Test]
    public void EveryMemberIsProbedWithinTwoRounds()
    {
        // Round-robin over a shuffled list: within 2 × (N - 1) periods each node has probed every other at least once.
        var swim = new SwimHarness(6);
        swim.RunFor(2 * 5 * 1000 + 1000);
        Assert.That(swim.Nodes.All(n => n.Members.All(m => m.LastHeardAt > 0 || m == n.Self)), Is.True);
        Assert.That(swim.Nodes.All(n => n.Counters.Probes >= 9), Is.True);
    }

    [Test]
    public void CrashedMemberIsSuspectedThenDeclaredDeadByEveryone()
    {
        var swim = new SwimHarness(8);
        swim.RunFor(3000);
        swim.Down.Add(3);
        swim.RunFor(60_000);
        Assert.That(swim.CountSeeing(3, MemberState.Dead), Is.EqualTo(7));
        Assert.That(swim.EventsOf[0].Log, Does.Contain($"suspect {swim.Nodes[3].Self.Id.Short}"));
    }

    [Test]
    public void IndirectProbeSavesAMemberBehindOneBrokenLink()
    {
        // 0 cannot reach 1 directly, but others can: ping-req finds 1 alive and no one suspects it.
        var swim = new SwimHarness(6) { Drop = (from, to) => (from, to) is (0, 1) or (1, 0) };
        swim.RunFor(40_000);
        Assert.That(swim.Nodes[0].Counters.FailedProbes, Is.Zero);
        Assert.That(swim.CountSeeing(1, MemberState.Alive), Is.EqualTo(5));
        Assert.That(swim.Sent.GetValueOrDefault(MessageType.PingRequest), Is.GreaterThan(0));
    }

    [Test]
    public void SuspectedMemberRefutesWithAHigherIncarnation()
    {
        var swim = new SwimHarness(6);
        swim.RunFor(2000);
        var target = swim.Nodes[2];
        long before = target.Self.Incarnation;
        // Cut 2 off for a moment: someone suspects it; then restore links so it hears and refutes.
        swim.Drop = (from, to) => from == 2 || to == 2;
        swim.RunFor(4000);
        Assert.That(swim.Nodes.Where((_, i) => i != 2).Any(n => n.Find(target.Self.Id)!.State == MemberState.Suspect), Is.True);
        swim.Drop = (_, _) => false;
        swim.RunFor(8000);
        Assert.That(target.Self.Incarnation, Is.GreaterThan(before));
        Assert.That(target.Counters.Refutations, Is.GreaterThan(0));
        Assert.That(swim.CountSeeing(2, MemberState.Alive), Is.EqualTo(5));
    }

    [Test]
    public void NodeThatCannotHearAnyAckDoubtsItself()
    {
        // Lifeguard: every Ack and Nack to node 0 is lost, so its own probes all fail and its score climbs,
        // stretching its probe period instead of letting it accuse everyone at full speed.
        var swim = new SwimHarness(6) { Drop = (from, to) => to == 0 && from != 0 };
        swim.RunFor(20_000);
        var lonely = swim.Nodes[0];
        Assert.That(lonely.Health.Score, Is.GreaterThanOrEqualTo(lonely.Health.Max / 2));
        Assert.That(lonely.Counters.Probes, Is.LessThan(20 / 2));
        Assert.That(swim.Nodes.Skip(1).All(n => n.Health.Score == 0), Is.True);
    }

    [Test]
    public void DeadMemberThatComesBackIsAliveAgain()
    {
        var swim = new SwimHarness(5);
        swim.RunFor(2000);
        swim.Down.Add(4);
        swim.RunFor(60_000);
        Assert.That(swim.CountSeeing(4, MemberState.Dead), Is.EqualTo(4));
        swim.Down.Remove(4);
        // Dead members are pinged every few periods with the verdict attached; the member refutes it.
        swim.RunFor(30_000);
        Assert.That(swim.CountSeeing(4, MemberState.Alive), Is.EqualTo(4));
    }

    [Test]
    public void ConfigChangeReachesEveryMember()
    {
        var swim = new SwimHarness(10);
        swim.RunFor(1000);
        var node = swim.Nodes[7];
        var changed = node.Self.Config with { ConfigEpoch = 99 };
        node.UpdateSelf(changed);
        swim.RunFor(15_000);
        Assert.That(swim.Nodes.All(n => n.Find(node.Self.Id)!.Config.ConfigEpoch == 99), Is.True);
    }
}
