namespace FastNode.IntegrationTests.LockHistory;

/// <summary>
/// The history checker on synthetic histories, one that violates each property and one that comes close without
/// violating it: a checker that cannot fail would pass the fault-injection tests vacuously.
/// </summary>
public sealed class LockHistoryCheckerTests
{
    private const long Ms = 1_000_000;

    private readonly List<Operation> _ops = [];
    private readonly List<AcceptedWrite> _writes = [];

    [SetUp]
    public void Clear()
    {
        _ops.Clear();
        _writes.Clear();
    }

    private void Op(OpKind kind, string owner, EventType outcome, long value, double invokeMs, double completeMs, long ttl = 0, string key = "L", int process = 0) =>
        _ops.Add(new Operation(process, kind, key, owner, outcome, value, ttl, (long)(invokeMs * Ms), completeMs == double.MaxValue ? long.MaxValue : (long)(completeMs * Ms), ""));

    private void Grant(string owner, long token, double invokeMs, double completeMs, long ttlMs = 1000, string key = "L") =>
        Op(OpKind.Acquire, owner, EventType.Ok, token, invokeMs, completeMs, ttlMs, key);

    private void Write(string owner, long token, double startMs, double endMs, string key = "L")
    {
        _writes.Add(new AcceptedWrite(key, owner, 0, token, (long)(startMs * Ms), (long)(endMs * Ms)));
        Op(OpKind.Write, owner, EventType.Ok, token, startMs - 0.1, endMs + 0.1, key: key);
    }

    private CheckReport Check(IReadOnlyDictionary<string, IAdmissionBound>? limiters = null) => LockHistoryChecker.Check(_ops, _writes, limiters);

    /// <summary>Two holders one after the other, each writing, renewing and releasing; a read in between.</summary>
    [Test]
    public void ACleanHistoryHasNoViolations()
    {
        Grant("a", 1, 0, 1);
        Write("a", 1, 2, 3);
        Op(OpKind.Renew, "a", EventType.Ok, 1, 4, 5, ttl: 1000);
        Write("a", 1, 6, 7);
        Op(OpKind.Read, "a", EventType.Ok, 1, 7, 8);
        Op(OpKind.Release, "a", EventType.Ok, 1, 8, 9);
        Grant("b", 2, 10, 11);
        Write("b", 2, 12, 13);
        Op(OpKind.Release, "b", EventType.Ok, 1, 14, 15);
        Op(OpKind.Read, "", EventType.Ok, 0, 16, 17);
        var report = Check();
        Assert.That(report.Violations, Is.Empty);
        Assert.That(report.Grants, Is.EqualTo(2));
        Assert.That(report.AcceptedWrites, Is.EqualTo(3));
        Assert.That(report.LeaseOverlaps, Is.Zero);
    }

    [Test]
    public void WritesOfTwoHoldersInterleavedAreOverlappingWriters()
    {
        // Two owners with the same token (an asynchronous failover re-issued it): the resource accepts both.
        Write("a", 5, 0, 1);
        Write("b", 5, 2, 3);
        Write("a", 5, 4, 5);
        var report = Check();
        Assert.That(report.Count(Property.OverlappingWriters), Is.EqualTo(1), report.Summary());
        Assert.That(report.Violations[0].Description, Does.Contain("a (token 5, 2 writes) and b (token 5, 1 writes)"));
    }

    [Test]
    public void WritesOfTwoHoldersOneAfterTheOtherDoNotOverlap()
    {
        Write("a", 5, 0, 1);
        Write("a", 5, 2, 3);
        Write("b", 6, 3, 4);
        Write("a", 5, 5, 6, key: "other");
        Assert.That(Check().Count(Property.OverlappingWriters), Is.Zero);
    }

    [Test]
    public void TheFencedResourceRejectsAStaleTokenSoAPausedHolderCannotInterleave()
    {
        var resource = new FencedResource(new HistoryRecorder());
        Assert.That(resource.Write("L", "a", 1, 5), Is.True);
        Assert.That(resource.Write("L", "b", 2, 6), Is.True);
        Assert.That(resource.Write("L", "a", 1, 5), Is.False, "a's token is lower than b's");
        Assert.That(resource.Write("L", "b", 2, 6), Is.True);
        Assert.That(resource.Write("M", "a", 1, 5), Is.True, "each lock has its own highest token");
        Assert.That(resource.Rejected, Is.EqualTo(1));
        Assert.That(LockHistoryChecker.Check([], resource.Accepted).Count(Property.OverlappingWriters), Is.Zero);

        // The same token given to two holders defeats fencing, and the checker sees it.
        Assert.That(resource.Write("L", "c", 3, 7), Is.True);
        Assert.That(resource.Write("L", "d", 4, 7), Is.True);
        Assert.That(resource.Write("L", "c", 3, 7), Is.True);
        Assert.That(LockHistoryChecker.Check([], resource.Accepted).Count(Property.OverlappingWriters), Is.EqualTo(1));
    }

    [Test]
    public void ALowerTokenAfterAFinishedGrantBreaksTokenOrder()
    {
        Grant("a", (3L << 48) | 10, 0, 1, ttlMs: 5);
        Grant("b", (3L << 48) | 9, 20, 21, ttlMs: 5);
        var report = Check();
        Assert.That(report.Count(Property.TokenOrder), Is.EqualTo(1), report.Summary());
        Assert.That(report.Violations.Single().Description, Is.EqualTo("b got token 3:9 after a had been granted 3:10"));
    }

    [Test]
    public void AHigherEpochWithALowerCounterKeepsTokenOrder()
    {
        Grant("a", (3L << 48) | 10, 0, 1, ttlMs: 5);
        Grant("b", (4L << 48) | 1, 20, 21, ttlMs: 5);
        // Concurrent grants (neither finished before the other began) are not ordered by real time.
        Grant("c", 100, 30, 40, ttlMs: 1, key: "M");
        Grant("d", 99, 35, 45, ttlMs: 1, key: "M");
        Assert.That(Check().Count(Property.TokenOrder), Is.Zero);
    }

    [Test]
    public void OneTokenForTwoOwnersBreaksTokenOrderEvenWhenConcurrent()
    {
        Grant("a", 7, 0, 10, ttlMs: 1);
        Grant("b", 7, 5, 15, ttlMs: 1);
        Assert.That(Check().Count(Property.TokenOrder), Is.EqualTo(1));
    }

    [Test]
    public void AnotherGrantWithinAnAcknowledgedLeaseIsALostGrant()
    {
        Grant("a", 1, 0, 1, ttlMs: 1000);
        Grant("b", 2, 500, 501, ttlMs: 1000);
        var report = Check();
        Assert.That(report.Count(Property.LostAcknowledgement), Is.EqualTo(1), report.Summary());
        Assert.That(report.Violations.Single(v => v.Property == Property.LostAcknowledgement).Description, Does.StartWith("b was granted token 2 while a's"));
    }

    [Test]
    public void ARenewalExtendsTheLeaseThatMustNotBeLost()
    {
        Grant("a", 1, 0, 1, ttlMs: 1000);
        Op(OpKind.Renew, "a", EventType.Ok, 1, 900, 901, ttl: 1000);
        Grant("b", 2, 1500, 1501);
        Assert.That(Check().Count(Property.LostAcknowledgement), Is.EqualTo(1), "the renewal ran the lease to 1900 ms");
    }

    [Test]
    public void AGrantAfterTheLeaseRanOutIsNotALoss()
    {
        // The GC-pause case: a stops for longer than its lease; b's grant after the lease is legitimate.
        Grant("a", 1, 0, 1, ttlMs: 1000);
        Grant("b", 2, 1100, 1101);
        Op(OpKind.Renew, "a", EventType.Fail, 0, 1200, 1201, ttl: 1000);
        // And a grant after a's release was sent, even one whose outcome is unknown, is not one either.
        Grant("c", 1, 0, 1, ttlMs: 1000, key: "M");
        Op(OpKind.Release, "c", EventType.Info, 0, 100, double.MaxValue, key: "M");
        Grant("d", 2, 200, 201, key: "M");
        Assert.That(Check().Violations, Is.Empty);
    }

    [Test]
    public void ARenewalRefusedWithinTheLeaseIsALostGrant()
    {
        Grant("a", 1, 0, 1, ttlMs: 1000);
        Op(OpKind.Renew, "a", EventType.Fail, 0, 300, 301, ttl: 1000);
        Assert.That(Check().Count(Property.LostAcknowledgement), Is.EqualTo(1));
    }

    [Test]
    public void LockInfoShowingSomeoneElseWithinTheLeaseIsALostGrant()
    {
        Grant("a", 1, 0, 1, ttlMs: 1000);
        Op(OpKind.Read, "", EventType.Ok, 0, 300, 301);
        Assert.That(Check().Count(Property.LostAcknowledgement), Is.EqualTo(1));
    }

    [Test]
    public void LockInfoShowingTheOwnerAfterItsAcknowledgedReleaseIsALostRelease()
    {
        Grant("a", 1, 0, 1, ttlMs: 1000);
        Op(OpKind.Release, "a", EventType.Ok, 1, 10, 11);
        Op(OpKind.Read, "a", EventType.Ok, 1, 20, 21);
        var report = Check();
        Assert.That(report.Count(Property.LostAcknowledgement), Is.EqualTo(1), report.Summary());
        Assert.That(report.Violations.Single().Description, Does.Contain("after its release was acknowledged"));
    }

    [Test]
    public void ASlidingLogAdmittingMoreThanItsLimitWithinAWindowIsOverAdmission()
    {
        var limiters = new Dictionary<string, IAdmissionBound> { ["R"] = new SlidingLogBound(3, 1000) };
        for (int i = 0; i < 4; i++) Op(OpKind.Admit, "", EventType.Ok, 1, i * 100, i * 100 + 1, key: "R");
        var report = Check(limiters);
        Assert.That(report.Count(Property.OverAdmission), Is.EqualTo(1), report.Summary());
        Assert.That(report.Violations.Single().Description, Does.StartWith("4 requests admitted within 301.0 ms"));
    }

    [Test]
    public void ASlidingLogAtItsLimitOrWithUncertainInstantsIsNotOverAdmission()
    {
        var limiters = new Dictionary<string, IAdmissionBound> { ["R"] = new SlidingLogBound(3, 1000), ["S"] = new SlidingLogBound(3, 1000) };
        // Four admissions, but the fourth a full window after the first.
        for (int i = 0; i < 4; i++) Op(OpKind.Admit, "", EventType.Ok, 1, i * 340, i * 340 + 1, key: "R");
        // Four admissions whose replies were slow: their server instants may be more than a window apart.
        for (int i = 0; i < 4; i++) Op(OpKind.Admit, "", EventType.Ok, 1, i, 1100 + i, key: "S");
        // Refused and unknown requests are not admissions.
        for (int i = 0; i < 5; i++) Op(OpKind.Admit, "", i % 2 == 0 ? EventType.Fail : EventType.Info, 0, 10 + i, i % 2 == 0 ? 11 + i : double.MaxValue, key: "R");
        Assert.That(Check(limiters).Violations, Is.Empty);
    }

    [Test]
    public void AsyncModeAllowsOneLimitMoreForEachFailoverInTheWindow()
    {
        var exact = new SlidingLogBound(3, 1000);
        var withFailover = new FailoverSlackBound(exact, 3, (from, to) => from <= 400 * Ms && to >= 300 * Ms ? 1 : 0);
        for (int i = 0; i < 6; i++) Op(OpKind.Admit, "", EventType.Ok, 1, 300 + i * 20, 301 + i * 20, key: "R");
        Assert.That(Check(new Dictionary<string, IAdmissionBound> { ["R"] = exact }).Count(Property.OverAdmission), Is.EqualTo(1));
        Assert.That(Check(new Dictionary<string, IAdmissionBound> { ["R"] = withFailover }).Violations, Is.Empty, "6 <= 3 + 3");
        Op(OpKind.Admit, "", EventType.Ok, 1, 450, 451, key: "R");
        Assert.That(Check(new Dictionary<string, IAdmissionBound> { ["R"] = withFailover }).Count(Property.OverAdmission), Is.EqualTo(1), "7 > 3 + 3");
        // The same six far from any failover are over the bound.
        for (int i = 0; i < 6; i++) Op(OpKind.Admit, "", EventType.Ok, 1, 5000 + i * 20, 5001 + i * 20, key: "S");
        Assert.That(Check(new Dictionary<string, IAdmissionBound> { ["S"] = withFailover }).Count(Property.OverAdmission), Is.EqualTo(1));
    }

    [Test]
    public void GcraAdmitsItsBurstAndThenOnePerEmissionInterval()
    {
        // max_burst 1 (2 at once), 10 per second: one more every 100 ms.
        var limiters = new Dictionary<string, IAdmissionBound> { ["G"] = new GcraBound(1, 10, 1000), ["H"] = new GcraBound(1, 10, 1000) };
        foreach (double at in new[] { 0.0, 1, 100, 200, 300 }) Op(OpKind.Admit, "", EventType.Ok, 1, at, at + 0.5, key: "G");
        Assert.That(Check(limiters).Violations, Is.Empty);
        foreach (double at in new[] { 0.0, 1, 2 }) Op(OpKind.Admit, "", EventType.Ok, 1, at, at + 0.5, key: "H");
        var report = Check(limiters);
        Assert.That(report.Count(Property.OverAdmission), Is.EqualTo(1), report.Summary());
        Assert.That(report.Violations.Single().Key, Is.EqualTo("H"));
    }

    [Test]
    public void HoldersWhoseBeliefsOverlapAreCountedAsLeaseOverlaps()
    {
        // a is paused after its grant; b takes the lock after a's lease; a wakes and tries to write.
        Grant("a", 1, 0, 1, ttlMs: 100);
        Grant("b", 2, 150, 151, ttlMs: 100);
        Write("b", 2, 160, 161);
        Op(OpKind.Write, "a", EventType.Fail, 1, 200, 201);
        var report = Check();
        Assert.That(report.LeaseOverlaps, Is.EqualTo(1));
        Assert.That(report.RejectedWrites, Is.EqualTo(1));
        Assert.That(report.Violations, Is.Empty, "fencing rejected the stale write");
    }

    [Test]
    public void PairingMatchesEachCompletionToItsProcesssInvocation()
    {
        var recorder = new HistoryRecorder();
        recorder.Add(1, EventType.Invoke, OpKind.Acquire, "L", "a", 500);
        recorder.Add(2, EventType.Invoke, OpKind.Acquire, "L", "b", 500);
        recorder.Add(1, EventType.Ok, OpKind.Acquire, "L", "a", 42);
        recorder.Add(2, EventType.Info, OpKind.Acquire, "L", "b", 0, "timeout");
        recorder.Add(3, EventType.Invoke, OpKind.Release, "L", "a", 0);
        var ops = HistoryRecorder.Pair(recorder.Events);
        Assert.That(ops, Has.Count.EqualTo(3));
        var granted = ops.Single(o => o.Owner == "a" && o.Kind == OpKind.Acquire);
        Assert.That((granted.Value, granted.Ttl, granted.Outcome), Is.EqualTo((42L, 500L, EventType.Ok)));
        Assert.That(granted.CompleteNs, Is.GreaterThanOrEqualTo(granted.InvokeNs));
        Assert.That(ops.Single(o => o.Owner == "b").CompleteNs, Is.EqualTo(long.MaxValue), "unknown outcome: may take effect at any time");
        Assert.That(ops.Single(o => o.Kind == OpKind.Release).Detail, Is.EqualTo("never completed"));

        recorder.Add(1, EventType.Ok, OpKind.Acquire, "L", "a", 43);
        Assert.That(() => HistoryRecorder.Pair(recorder.Events), Throws.InvalidOperationException, "a completion without an invocation");
    }
}
