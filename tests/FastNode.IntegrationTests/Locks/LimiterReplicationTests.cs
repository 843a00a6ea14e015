using static FastNode.IntegrationTests.Probe;

namespace FastNode.IntegrationTests.Locks;

/// <summary>
/// Rate limiters under lock-replication majority (issue 15 §2, docs/locks.md "Guarantees through failures"): an admitted
/// CL.THROTTLE, RL.* or RL.MULTI answers only once a replica holds the limiter's new state; with both replicas frozen the
/// admission times out with NOREPLICAS (its cost stays taken); with no replica connected nothing is decided; refusals
/// and async mode answer at once. Every process is killed by pid in TearDown.
/// </summary>
[NonParallelizable]
public sealed class LimiterReplicationTests : ProcessTestBase
{
    protected override string DirPrefix => "fastnode-limiterrepl-";

    private (ServerProcesses.Running Primary, ServerProcesses.Running A, ServerProcesses.Running B) PrimaryWithTwoReplicas(string extra = "")
    {
        var primary = FastNode(extra);
        var a = FastNode($"--replicaof 127.0.0.1 {primary.Port}");
        var b = FastNode($"--replicaof 127.0.0.1 {primary.Port}");
        foreach (var replica in new[] { a, b })
        {
            WaitUntil(() => Info(replica.Port) is var r && r["master_port"] == primary.Port.ToString() && r["master_link_status"] == "up",
                $"{replica.Port} replicates {primary.Port}");
        }
        WaitUntil(() => Info(primary.Port) is var p && p.TryGetValue("slave1", out var s) && s.Contains("state=online") && p["slave0"].Contains("state=online"),
            "2 replicas online");
        return (primary, a, b);
    }

    private static bool OnAReplica(ServerProcesses.Running a, ServerProcesses.Running b, string key) =>
        Call(a.Port, "EXISTS", key) == ":1\r\n" || Call(b.Port, "EXISTS", key) == ":1\r\n";

    [Test]
    public void AnAdmissionIsAnsweredOnlyOnceAReplicaHoldsTheLimitersState()
    {
        var (primary, a, b) = PrimaryWithTwoReplicas();
        long waitsBefore = long.Parse(Info(primary.Port, "locks")["lock_majority_waits"]);
        // Checked at once after each reply, without polling: the reply came only after a replica acknowledged.
        Assert.That(Call(primary.Port, "CL.THROTTLE", "cl", "0", "1", "60"), Does.StartWith("*5\r\n:0\r\n"));
        Assert.That(OnAReplica(a, b, "cl"), Is.True, "CL.THROTTLE");
        Assert.That(Call(primary.Port, "RL.GCRA", "gcra", "0", "1", "60000"), Does.StartWith("*5\r\n:1\r\n"));
        Assert.That(OnAReplica(a, b, "gcra"), Is.True, "RL.GCRA");
        Assert.That(Call(primary.Port, "RL.SLIDINGLOG", "log", "5", "60000"), Does.StartWith("*5\r\n:1\r\n:5\r\n:4\r\n"));
        Assert.That(OnAReplica(a, b, "log"), Is.True, "RL.SLIDINGLOG");
        string multi = Call(primary.Port, "RL.MULTI", "2", "GCRA", "{u}:a", "0", "1", "60000", "TOKENBUCKET", "{u}:b", "5", "1");
        Assert.That(multi, Does.StartWith("*3\r\n:1\r\n*5\r\n:1\r\n"));
        Assert.That(OnAReplica(a, b, "{u}:a") && OnAReplica(a, b, "{u}:b"), Is.True, "RL.MULTI");
        Assert.That(long.Parse(Info(primary.Port, "locks")["lock_majority_waits"]) - waitsBefore, Is.EqualTo(4));

        // A refusal changes nothing that a failover could lose: it answers at once, without a wait.
        Assert.That(Call(primary.Port, "RL.GCRA", "gcra", "0", "1", "60000"), Does.StartWith("*5\r\n:0\r\n"));
        Assert.That(long.Parse(Info(primary.Port, "locks")["lock_majority_waits"]) - waitsBefore, Is.EqualTo(4));
    }

    [Test]
    public void AnAdmissionNoReplicaAcknowledgesTimesOutAndKeepsItsCost()
    {
        var (primary, a, b) = PrimaryWithTwoReplicas("--lock-replication-timeout 300");
        a.Pause();
        b.Pause();
        try
        {
            Assert.That(Call(primary.Port, "RL.SLIDINGLOG", "log", "2", "60000"),
                Does.StartWith("-NOREPLICAS Rate limiter admission not acknowledged by a majority within lock-replication-timeout"));
            Assert.That(Info(primary.Port, "locks")["lock_majority_timeouts"], Is.EqualTo("1"));
        }
        finally
        {
            a.Resume();
            b.Resume();
        }
        // The cost stayed taken: one of the two left, acknowledged now that the replicas answer.
        Assert.That(Call(primary.Port, "RL.SLIDINGLOG", "log", "2", "60000"), Does.StartWith("*5\r\n:1\r\n:2\r\n:0\r\n"));
        Assert.That(Call(primary.Port, "RL.SLIDINGLOG", "log", "2", "60000"), Does.StartWith("*5\r\n:0\r\n"));
    }

    [Test]
    public void WithNoReplicaConnectedNothingIsDecidedAndAsyncModeAnswersAtOnce()
    {
        var primary = FastNode();
        var replica = FastNode($"--replicaof 127.0.0.1 {primary.Port}");
        WaitUntil(() => Info(primary.Port).TryGetValue("slave0", out var s) && s.Contains("state=online"), "replica online");
        Assert.That(Call(primary.Port, "RL.TOKENBUCKET", "tb", "3", "1", "PERIOD", "3600000"), Does.StartWith("*5\r\n:1\r\n:3\r\n:2\r\n"));
        replica.Kill9();
        WaitUntil(() => Info(primary.Port)["connected_slaves"] == "0", "the primary noticed the replica is gone");

        Assert.That(Call(primary.Port, "RL.TOKENBUCKET", "tb", "3", "1", "PERIOD", "3600000"), Does.StartWith("-NOREPLICAS Not enough replicas connected"));
        Assert.That(Call(primary.Port, "CL.THROTTLE", "cl", "0", "1", "60"), Does.StartWith("-NOREPLICAS"));
        Assert.That(Call(primary.Port, "EXISTS", "cl"), Is.EqualTo(":0\r\n"), "nothing was decided");

        Assert.That(Call(primary.Port, "CONFIG", "SET", "lock-replication", "async"), Is.EqualTo("+OK\r\n"));
        Assert.That(Call(primary.Port, "RL.TOKENBUCKET", "tb", "3", "1", "PERIOD", "3600000"), Does.StartWith("*5\r\n:1\r\n:3\r\n:1\r\n"), "the refused call took nothing");
    }
}
