using FastNode.Server.Persistence.Replication;

namespace FastNode.Server.Tests.Replication;

public sealed class PsyncDecisionTests
{
    private const string Current = "1111111111111111111111111111111111111111";
    private const string Previous = "2222222222222222222222222222222222222222";
    private const string Other = "3333333333333333333333333333333333333333";

    // Backlog holding offsets 101..300 (first byte 101, 200 bytes).
    private static bool Decide(string replid, long from, long secondOffset = 151, bool backlog = true) =>
        PsyncDecision.CanContinue(replid, from, Current, Previous, secondOffset, backlog, 101, 200);

    [TestCase(101, true)]
    [TestCase(200, true)]
    [TestCase(301, true)]    // everything already received: continue with nothing to send
    [TestCase(100, false)]   // no longer in the backlog
    [TestCase(302, false)]   // beyond what was ever sent
    public void CurrentHistoryContinuesWhenTheBacklogHoldsTheGap(long from, bool expected) =>
        Assert.That(Decide(Current, from), Is.EqualTo(expected));

    [TestCase(151, true)]    // up to where the previous history ended (second_repl_offset)
    [TestCase(120, true)]
    [TestCase(152, false)]   // the previous history never had that byte
    public void PreviousHistoryContinuesUpToItsEnd(long from, bool expected) =>
        Assert.That(Decide(Previous, from), Is.EqualTo(expected));

    [Test]
    public void UnknownHistoryOrFullSyncRequestGetsAFullResync()
    {
        Assert.That(Decide(Other, 200), Is.False);
        Assert.That(Decide("?", -1), Is.False);
    }

    [Test]
    public void NoBacklogMeansFullResync() => Assert.That(Decide(Current, 101, backlog: false), Is.False);
}
