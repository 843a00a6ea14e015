using static FastNode.IntegrationTests.Probe;

namespace FastNode.IntegrationTests.Locks;

/// <summary>
/// Rate limiters across a failover with real processes (docs/rate-limiting.md "Replication and failover"): the
/// limiter's state reaches the replica through the change feed, and after kill -9 of the primary and promotion of the
/// replica the limiter continues from it instead of starting full. Every process is killed by pid in TearDown.
/// </summary>
[NonParallelizable]
public sealed class RateLimitReplicationTests : ProcessTestBase
{
    protected override string DirPrefix => "fastnode-rlrepl-";

    [Test]
    public void ALimiterContinuesFromTheReplicatedStateAfterAFailover()
    {
        var primary = FastNode();
        var replica = FastNode($"--replicaof 127.0.0.1 {primary.Port}");
        WaitUntil(() => Info(replica.Port)["master_link_status"] == "up" && Info(primary.Port)["slave0"].Contains("state=online"), "the replica is online");

        // A bucket of 5 that refills one token a day: each admitted call takes one for good.
        for (int i = 0; i < 3; i++)
            Assert.That(Call(primary.Port, "RL.TOKENBUCKET", "api:alice", "5", "1", "PERIOD", "86400000"), Does.StartWith("*5\r\n:1\r\n"));
        Assert.That(Call(primary.Port, "RL.MULTI", "2", "TOKENBUCKET", "{u}:a", "2", "1", "PERIOD", "86400000",
            "TOKENBUCKET", "{u}:b", "2", "1", "PERIOD", "86400000"), Does.StartWith("*3\r\n:1\r\n"));
        // WAIT: every admission above is on the replica (async mode's bound is what a WAIT has not covered).
        Assert.That(Call(primary.Port, "WAIT", "1", "5000"), Is.EqualTo(":1\r\n"));

        primary.Kill9();
        Assert.That(Call(replica.Port, "REPLICAOF", "NO", "ONE"), Is.EqualTo("+OK\r\n"));
        Assert.That(Call(replica.Port, "TYPE", "api:alice"), Is.EqualTo("+ratelimiter\r\n"));
        // lock-replication majority: the promoted replica still lists its old primary as a copy and has no replica to
        // acknowledge, so it decides nothing yet (as for locks); async mode answers from the replicated state.
        Assert.That(Call(replica.Port, "RL.TOKENBUCKET", "api:alice", "5", "1", "PERIOD", "86400000"), Does.StartWith("-NOREPLICAS Not enough replicas"));
        Assert.That(Call(replica.Port, "CONFIG", "SET", "lock-replication", "async"), Is.EqualTo("+OK\r\n"));
        Assert.That(Call(replica.Port, "RL.TOKENBUCKET", "api:alice", "5", "1", "PERIOD", "86400000"), Does.StartWith("*5\r\n:1\r\n:5\r\n:1\r\n"),
            "the fourth call is admitted with 1 left: the promoted replica continued from 2 left");
        Assert.That(Call(replica.Port, "RL.TOKENBUCKET", "api:alice", "5", "1", "PERIOD", "86400000"), Does.StartWith("*5\r\n:1\r\n:5\r\n:0\r\n"));
        Assert.That(Call(replica.Port, "RL.TOKENBUCKET", "api:alice", "5", "1", "PERIOD", "86400000"), Does.StartWith("*5\r\n:0\r\n"),
            "the sixth call is refused: no over-admission after the failover");
        Assert.That(Call(replica.Port, "RL.MULTI", "2", "TOKENBUCKET", "{u}:a", "2", "1", "PERIOD", "86400000",
            "TOKENBUCKET", "{u}:b", "2", "1", "PERIOD", "86400000"), Does.StartWith("*3\r\n:1\r\n"));
        Assert.That(Call(replica.Port, "RL.MULTI", "2", "TOKENBUCKET", "{u}:a", "2", "1", "PERIOD", "86400000",
            "TOKENBUCKET", "{u}:b", "2", "1", "PERIOD", "86400000"), Does.StartWith("*3\r\n:0\r\n"), "both limits of RL.MULTI were replicated");
    }
}
