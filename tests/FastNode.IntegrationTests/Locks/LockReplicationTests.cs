using static FastNode.IntegrationTests.Probe;

namespace FastNode.IntegrationTests.Locks;

/// <summary>
/// lock-replication majority and fencing-token epochs with real processes (docs/locks.md "Replication and fencing"):
/// a primary and two replicas, where a grant's reply waits until a replica holds it; both replicas frozen (SIGSTOP) so
/// a grant times out and is undone everywhere; kill -9 of the primary and promotion of a replica that keeps every
/// acknowledged lock and issues larger tokens; and the standalone epoch rising with every restart. Every process is
/// killed by pid in TearDown.
/// </summary>
[NonParallelizable]
public sealed class LockReplicationTests : ProcessTestBase
{
    protected override string DirPrefix => "fastnode-lockrepl-";

    private static void Linked(ServerProcesses.Running replica, ServerProcesses.Running primary) =>
        WaitUntil(() => Info(replica.Port) is var r && r["master_port"] == primary.Port.ToString() && r["master_link_status"] == "up",
            $"{replica.Port} replicates {primary.Port}");

    private static void Online(ServerProcesses.Running primary, int replicas) =>
        WaitUntil(() => Info(primary.Port) is var p && Enumerable.Range(0, replicas).All(i => p.TryGetValue($"slave{i}", out var s) && s.Contains("state=online")),
            $"{replicas} replicas online at {primary.Port}");

    private static long Token(string reply)
    {
        Assert.That(reply, Does.Match(@"^:\d+\r\n$"), "expected a fencing token");
        return long.Parse(reply[1..^2]);
    }

    private static bool Holds(ServerProcesses.Running server, string key, string owner) =>
        Call(server.Port, "LOCK.INFO", key).Contains($"\r\n{owner}\r\n");

    private (ServerProcesses.Running Primary, ServerProcesses.Running A, ServerProcesses.Running B) PrimaryWithTwoReplicas(string extra = "")
    {
        var primary = FastNode(extra);
        var a = FastNode($"--replicaof 127.0.0.1 {primary.Port}");
        var b = FastNode($"--replicaof 127.0.0.1 {primary.Port}");
        Linked(a, primary);
        Linked(b, primary);
        Online(primary, 2);
        return (primary, a, b);
    }

    [Test]
    public void AMajorityGrantIsHeldByAReplicaWhenItIsAnsweredAndSurvivesThePromotionWithLargerTokens()
    {
        var (primary, a, b) = PrimaryWithTwoReplicas();
        var locks = Info(primary.Port, "locks");
        Assert.That(locks["lock_replication"], Is.EqualTo("majority"));
        Assert.That(locks["lock_listed_replicas"], Is.EqualTo("2"));
        Assert.That(locks["lock_acks_needed"], Is.EqualTo("1"), "a majority of 3 copies is the primary and one replica");

        long token = Token(Call(primary.Port, "LOCK.ACQUIRE", "job", "c1", "60000"));
        // Checked at once, without polling: the reply came only after a replica acknowledged the grant.
        bool onA = Holds(a, "job", "c1"), onB = Holds(b, "job", "c1");
        Assert.That(onA || onB, Is.True, "a replica holds the acknowledged grant when the client gets its token");
        Assert.That(long.Parse(Info(primary.Port, "locks")["lock_majority_waits"]), Is.GreaterThanOrEqualTo(1));

        primary.Kill9();
        var (promoted, other) = onA ? (a, b) : (b, a);
        Assert.That(Call(promoted.Port, "REPLICAOF", "NO", "ONE"), Is.EqualTo("+OK\r\n"));
        Assert.That(Holds(promoted, "job", "c1"), Is.True, "the promoted replica knows the acknowledged lock");
        Assert.That(Call(promoted.Port, "LOCK.INFO", "job"), Does.Contain($"\r\n:{token}\r\n"));
        // The old primary stays listed (it may come back as a replica): without another replica no majority exists yet.
        Assert.That(Call(promoted.Port, "LOCK.ACQUIRE", "next", "c2", "60000"), Does.StartWith("-NOREPLICAS"));

        Assert.That(Call(other.Port, "REPLICAOF", "127.0.0.1", promoted.Port.ToString()), Does.StartWith("+OK"));
        Linked(other, promoted);
        Online(promoted, 1);
        long next = Token(Call(promoted.Port, "LOCK.ACQUIRE", "next", "c2", "60000"));
        Assert.That(next, Is.GreaterThan(token), "the new primary's tokens exceed the old primary's");
        Assert.That(next >> 48, Is.GreaterThan(token >> 48), "the promotion started a new epoch");
        Assert.That(Holds(other, "next", "c2"), Is.True, "acknowledged by the one replica left");
    }

    [Test]
    public void AGrantThatNoReplicaAcknowledgesTimesOutAndIsNotHeldAnywhere()
    {
        var (primary, a, b) = PrimaryWithTwoReplicas("--lock-replication-timeout 300");
        a.Pause();
        b.Pause();
        try
        {
            Assert.That(Call(primary.Port, "LOCK.ACQUIRE", "job", "c1", "60000"),
                Does.StartWith("-NOREPLICAS Lock change not acknowledged by a majority within lock-replication-timeout"));
            Assert.That(Call(primary.Port, "LOCK.INFO", "job"), Is.EqualTo("*-1\r\n"), "the grant was undone on the primary");
            Assert.That(Info(primary.Port, "locks")["lock_majority_timeouts"], Is.EqualTo("1"));
        }
        finally
        {
            a.Resume();
            b.Resume();
        }
        // The replicas get the grant and then its undo.
        WaitUntil(() => Call(a.Port, "LOCK.INFO", "job") == "*-1\r\n" && Call(b.Port, "LOCK.INFO", "job") == "*-1\r\n"
            && Info(a.Port)["master_repl_offset"] == Info(primary.Port)["master_repl_offset"], "the replicas dropped the undone grant");
        Assert.That(Token(Call(primary.Port, "LOCK.ACQUIRE", "job", "c2", "60000")), Is.GreaterThan(0), "granted once the replicas answer");
    }

    [Test]
    public void WithNoReplicaConnectedAGrantIsRefusedAndAsyncModeGrantsAtOnce()
    {
        var primary = FastNode();
        var replica = FastNode($"--replicaof 127.0.0.1 {primary.Port}");
        Linked(replica, primary);
        Online(primary, 1);
        Assert.That(Token(Call(primary.Port, "LOCK.ACQUIRE", "a", "c1", "60000")), Is.GreaterThan(0));
        replica.Kill9();
        WaitUntil(() => Info(primary.Port)["connected_slaves"] == "0", "the primary noticed the replica is gone");

        Assert.That(Call(primary.Port, "LOCK.ACQUIRE", "b", "c1", "60000"), Does.StartWith("-NOREPLICAS Not enough replicas connected"));
        Assert.That(Call(primary.Port, "LOCK.INFO", "b"), Is.EqualTo("*-1\r\n"), "not granted");
        Assert.That(Call(primary.Port, "LOCK.RELEASE", "a", "c1"), Does.StartWith("-NOREPLICAS"), "nor released");
        Assert.That(Info(primary.Port, "locks")["lock_listed_replicas"], Is.EqualTo("1"), "a disconnected replica still counts");

        Assert.That(Call(primary.Port, "CONFIG", "SET", "lock-replication", "async"), Is.EqualTo("+OK\r\n"));
        Assert.That(Token(Call(primary.Port, "LOCK.ACQUIRE", "b", "c1", "60000")), Is.GreaterThan(0));
        Assert.That(Call(primary.Port, "LOCK.RELEASE", "a", "c1"), Is.EqualTo(":1\r\n"));
    }

    [Test]
    public void AQueuedAcquirerGrantedByAReleaseIsAnsweredOnceAReplicaHoldsItsGrant()
    {
        var (primary, a, b) = PrimaryWithTwoReplicas();
        Token(Call(primary.Port, "LOCK.ACQUIRE", "job", "first", "60000"));
        using var waiter = RawClient.Connect(primary.Port);
        waiter.Send("*6\r\n$12\r\nLOCK.ACQUIRE\r\n$3\r\njob\r\n$6\r\nsecond\r\n$5\r\n60000\r\n$4\r\nWAIT\r\n$5\r\n20000\r\n");
        WaitUntil(() => Call(primary.Port, "LOCK.INFO", "job").Contains("waiters\r\n:1\r\n"), "the second client queued");
        Assert.That(Call(primary.Port, "LOCK.RELEASE", "job", "first"), Is.EqualTo(":1\r\n"));
        long token = Token(waiter.ReadReply());
        Assert.That(Holds(a, "job", "second") || Holds(b, "job", "second"), Is.True, "a replica holds the hand-off when it is answered");
        Assert.That(Call(primary.Port, "LOCK.INFO", "job"), Does.Contain($"\r\n:{token}\r\n"));
    }

    [Test]
    public void EveryStandaloneRestartStartsAHigherEpochKeptInTheAof()
    {
        string args = "--appendonly yes --appendfsync always";
        var server = FastNode(args);
        Assert.That(Info(server.Port, "locks")["lock_epoch"], Is.EqualTo("1"), "the first start is epoch 1");
        long first = Token(Call(server.Port, "LOCK.ACQUIRE", "job", "c1", "60000"));
        Assert.That(first >> 48, Is.EqualTo(1));
        server.Kill9();

        server = Processes.FastNode(server.Port, $"--dir {Dir} {args}").Ready();
        Assert.That(Info(server.Port, "locks")["lock_epoch"], Is.EqualTo("2"));
        server.Kill9();

        // Without any grant in between: the epoch itself is in the AOF (LOCK.EPOCH records).
        server = Processes.FastNode(server.Port, $"--dir {Dir} {args}").Ready();
        Assert.That(Info(server.Port, "locks")["lock_epoch"], Is.EqualTo("3"));
        long next = Token(Call(server.Port, "LOCK.ACQUIRE", "other", "c2", "60000"));
        Assert.That(next >> 48, Is.EqualTo(3));
        Assert.That(next, Is.GreaterThan(first));
    }
}
