using FastNode.Cluster.Membership;
using FastNode.Cluster.Nodes;
using FastNode.Cluster.Wire;

namespace FastNode.Cluster.Tests.Membership;

public class MembershipPartsTests
{
    private static readonly NodeId Self = NodeId.Parse("0000000000000000000000000000000000000001");
    private static readonly NodeId Other = NodeId.Parse("0000000000000000000000000000000000000002");
    private static readonly NodeId Third = NodeId.Parse("0000000000000000000000000000000000000003");
    private static readonly NodeConfig Config = NodeConfig.NewPrimary(new NodeAddress("10.0.0.1", 6379, 16379), Self);

    private static MemberTable Table()
    {
        var table = new MemberTable(new Member(Self, 0, MemberState.Alive, Config, 0));
        table.ApplyAlive(new AliveItem(Other, 1, Config), 0, out _, out _);
        return table;
    }

    [Test]
    public void AliveNeedsAHigherIncarnation()
    {
        var table = Table();
        Assert.That(table.ApplyAlive(new AliveItem(Other, 1, Config), 1, out _, out _), Is.EqualTo(MemberTable.Outcome.Ignored));
        Assert.That(table.ApplyAlive(new AliveItem(Other, 2, Config), 1, out _, out _), Is.EqualTo(MemberTable.Outcome.News));
    }

    [Test]
    public void SuspicionAtTheSameIncarnationIsAConfirmationAndAliveMustOutbidIt()
    {
        var table = Table();
        Assert.That(table.ApplySuspect(new SuspectItem(Other, 1, Self), 1, out var m), Is.EqualTo(MemberTable.Outcome.News));
        Assert.That(table.ApplySuspect(new SuspectItem(Other, 1, Third), 2, out _), Is.EqualTo(MemberTable.Outcome.Confirmation));
        Assert.That(table.ApplySuspect(new SuspectItem(Other, 1, Third), 3, out _), Is.EqualTo(MemberTable.Outcome.Ignored));
        Assert.That(m!.Suspicion!.Confirmations, Is.EqualTo(1));
        Assert.That(table.ApplyAlive(new AliveItem(Other, 1, Config), 4, out _, out _), Is.EqualTo(MemberTable.Outcome.Ignored));
        Assert.That(table.ApplyAlive(new AliveItem(Other, 2, Config), 4, out _, out _), Is.EqualTo(MemberTable.Outcome.News));
        Assert.That(m.State, Is.EqualTo(MemberState.Alive));
        Assert.That(m.Suspicion, Is.Null);
    }

    [Test]
    public void StaleSuspicionAndDeathAreIgnored()
    {
        var table = Table();
        table.ApplyAlive(new AliveItem(Other, 5, Config), 1, out _, out _);
        Assert.That(table.ApplySuspect(new SuspectItem(Other, 4, Self), 2, out _), Is.EqualTo(MemberTable.Outcome.Ignored));
        Assert.That(table.ApplyDead(new DeadItem(Other, 4, Self), 2, out _), Is.EqualTo(MemberTable.Outcome.Ignored));
        Assert.That(table.ApplyDead(new DeadItem(Other, 5, Self), 2, out var m), Is.EqualTo(MemberTable.Outcome.News));
        Assert.That(table.ApplySuspect(new SuspectItem(Other, 5, Self), 3, out _), Is.EqualTo(MemberTable.Outcome.Ignored));
        Assert.That(m!.State, Is.EqualTo(MemberState.Dead));
    }

    [Test]
    public void UnknownMembersAreOnlyLearnedFromAliveItems()
    {
        var table = Table();
        Assert.That(table.ApplySuspect(new SuspectItem(Third, 0, Self), 1, out _), Is.EqualTo(MemberTable.Outcome.Ignored));
        Assert.That(table.ApplyAlive(new AliveItem(Third, 0, Config), 1, out _, out bool joined), Is.EqualTo(MemberTable.Outcome.News));
        Assert.That(joined, Is.True);
    }

    [Test]
    public void BroadcastQueueSendsEachItemALimitedNumberOfTimesLeastSentFirst()
    {
        var queue = new BroadcastQueue();
        queue.Enqueue(new LeftItem(Other, 1));
        queue.Enqueue(new LeftItem(Third, 1));
        var first = queue.Take(1, 1000, transmitLimit: 2);
        var second = queue.Take(1, 1000, transmitLimit: 2);
        Assert.That(first[0].Subject, Is.Not.EqualTo(second[0].Subject), "the item not yet sent goes next");
        queue.Take(2, 1000, transmitLimit: 2);
        Assert.That(queue.Count, Is.Zero);
        Assert.That(queue.Take(8, 1000, 2), Is.Empty);
    }

    [Test]
    public void NewerItemAboutAMemberReplacesTheQueuedOne()
    {
        var queue = new BroadcastQueue();
        queue.Enqueue(new SuspectItem(Other, 1, Self));
        queue.Enqueue(new AliveItem(Other, 2, Config));
        var taken = queue.Take(8, 10_000, 3);
        Assert.That(taken, Has.Count.EqualTo(1));
        Assert.That(taken[0], Is.TypeOf<AliveItem>());
    }

    [Test]
    public void BroadcastQueueRespectsTheByteBudget()
    {
        var queue = new BroadcastQueue();
        queue.Enqueue(new AliveItem(Other, 1, Config));
        queue.Enqueue(new LeftItem(Third, 1));
        var taken = queue.Take(8, new LeftItem(Third, 1).Encoded.Length, 3);
        Assert.That(taken.Select(t => t.Subject), Is.EqualTo(new[] { Third }));
    }

    [TestCase(0, 10_000)]
    [TestCase(1, 6_000)]
    [TestCase(3, 2_000)]
    [TestCase(9, 2_000)]
    public void LifeguardTimeoutFallsLogarithmicallyWithConfirmations(int confirmations, long expected) =>
        Assert.That(Suspicion.Timeout(confirmations, 3, 2_000, 10_000), Is.EqualTo(expected).Within(1));

    [Test]
    public void LocalHealthScalesTimeoutsAndStaysInBounds()
    {
        var health = new LocalHealth(8);
        health.Apply(-3);
        Assert.That(health.Score, Is.Zero);
        health.Apply(20);
        Assert.That(health.Score, Is.EqualTo(8));
        Assert.That(health.Scale(500), Is.EqualTo(4500));
        Assert.That(health.IsDoubtful, Is.True);
    }

    [Test]
    public void TransmitLimitGrowsWithTheLogOfTheGroup()
    {
        Assert.That(BroadcastQueue.TransmitLimit(4, 9), Is.EqualTo(4));
        Assert.That(BroadcastQueue.TransmitLimit(4, 10), Is.EqualTo(8));
        Assert.That(BroadcastQueue.TransmitLimit(4, 1000), Is.EqualTo(16));
    }
}
