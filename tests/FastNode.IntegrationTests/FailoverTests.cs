using static FastNode.IntegrationTests.Probe;

namespace FastNode.IntegrationTests;

/// <summary>
/// Standalone FAILOVER (Redis 7.0) with real processes: a primary hands its role to a replica with writes paused,
/// continues as that replica's replica with a partial resync, and loses no acknowledged write; a timeout without
/// FORCE aborts, with FORCE hands over anyway; FAILOVER ABORT; and interop with redis-server in both directions (the
/// old primary's PSYNC ... FAILOVER is understood by either side). Every process is killed by pid in TearDown.
/// </summary>
[NonParallelizable]
public sealed class FailoverTests : ProcessTestBase
{
    protected override string DirPrefix => "fastnode-failover-";

    private static void Linked(ServerProcesses.Running replica, ServerProcesses.Running primary) =>
        WaitUntil(() => Info(replica.Port) is var r && r["master_port"] == primary.Port.ToString() && r["master_link_status"] == "up"
            && Info(primary.Port)["slave0"].Contains("state=online"), $"{replica.Port} replicates {primary.Port}");

    /// <summary>
    /// A primary whose one replica is frozen (SIGSTOP) and has not acknowledged the primary's last write, so a FAILOVER
    /// waits for it. The caller resumes the replica in a finally block.
    /// </summary>
    private (ServerProcesses.Running Primary, ServerProcesses.Running Replica) PrimaryWithAFrozenReplicaBehind()
    {
        var primary = FastNode();
        var replica = FastNode($"--replicaof 127.0.0.1 {primary.Port}");
        Linked(replica, primary);
        replica.Pause();
        Call(primary.Port, "SET", "unacknowledged", "1");
        return (primary, replica);
    }

    [Test]
    public void FailoverHandsThePrimaryRoleToTheChosenReplicaWithAPartialResync()
    {
        var primary = FastNode();
        var target = FastNode($"--replicaof 127.0.0.1 {primary.Port}");
        var other = FastNode($"--replicaof 127.0.0.1 {primary.Port}");
        Linked(target, primary);
        Linked(other, primary);
        for (int i = 0; i < 200; i++) Call(primary.Port, "SET", $"k{i}", i.ToString());
        long fullSyncsOfTarget = long.Parse(Info(target.Port, "stats")["sync_full"]);

        Assert.That(Call(primary.Port, "FAILOVER", "TO", "127.0.0.1", target.Port.ToString()), Is.EqualTo("+OK\r\n"));
        WaitUntil(() => Info(target.Port)["role"] == "master", "the target became the primary");
        WaitUntil(() => Info(primary.Port) is var p && p["role"] == "slave" && p["master_port"] == target.Port.ToString()
            && p["master_link_status"] == "up" && p["master_failover_state"] == "no-failover", "the old primary follows the target");

        Assert.That(Info(target.Port, "stats")["sync_full"], Is.EqualTo(fullSyncsOfTarget.ToString()), "the old primary continued partially: no full sync");
        Assert.That(Info(target.Port, "stats")["sync_partial_ok"], Is.Not.EqualTo("0"));
        Assert.That(Info(target.Port)["master_replid2"], Is.EqualTo(Info(other.Port)["master_replid"]), "the old history is the target's second id");
        Assert.That(Call(target.Port, "GET", "k199"), Is.EqualTo("$3\r\n199\r\n"));
        Assert.That(Call(target.Port, "SET", "after", "1"), Is.EqualTo("+OK\r\n"));
        WaitUntil(() => Call(primary.Port, "GET", "after") == "$1\r\n1\r\n", "the old primary gets the new primary's writes");
        WaitUntil(() => Call(other.Port, "GET", "after") == "$1\r\n1\r\n", "the other replica gets them through the chain");
        Assert.That(Call(primary.Port, "SET", "x", "1"), Is.EqualTo("-READONLY You can't write against a read only replica.\r\n"));
    }

    [Test]
    public void WritesSentDuringTheFailoverWaitAndAreRefusedByTheDemotedPrimary()
    {
        var (primary, replica) = PrimaryWithAFrozenReplicaBehind();
        try
        {
            Assert.That(Call(primary.Port, "FAILOVER", "TIMEOUT", "60000"), Is.EqualTo("+OK\r\n"));
            Assert.That(Info(primary.Port)["master_failover_state"], Is.EqualTo("waiting-for-sync"));
            using var writer = RawClient.Connect(primary.Port);
            writer.Send(Resp.Command("SET", "during", "1"));
            Assert.That(Call(primary.Port, "GET", "during"), Is.EqualTo("$-1\r\n"), "reads go on; the write waits");
            Assert.That(Call(primary.Port, "FAILOVER"), Is.EqualTo("-ERR FAILOVER already in progress.\r\n"));
            Assert.That(Call(primary.Port, "REPLICAOF", "NO", "ONE"), Is.EqualTo("-ERR REPLICAOF not allowed while failing over.\r\n"));
            replica.Resume();
            // The replica catches up, takes over; the held write then meets a replica.
            Assert.That(writer.ReadReply(20_000), Is.EqualTo("-READONLY You can't write against a read only replica.\r\n"));
            WaitUntil(() => Info(replica.Port)["role"] == "master", "the replica took over");
        }
        finally
        {
            replica.Resume();
        }
    }

    [Test]
    public void ATimeoutWithoutForceAbortsAndWithForceHandsOverAnyway()
    {
        var (primary, replica) = PrimaryWithAFrozenReplicaBehind();
        try
        {
            Assert.That(Call(primary.Port, "FAILOVER", "TIMEOUT", "300"), Is.EqualTo("+OK\r\n"));
            using var writer = RawClient.Connect(primary.Port);
            Assert.That(writer.Call("SET", "k", "v"), Is.EqualTo("+OK\r\n"), "the write waited for the abort, then ran");
            Assert.That(Info(primary.Port) is var p && p["role"] == "master" && p["master_failover_state"] == "no-failover");

            Assert.That(Call(primary.Port, "FAILOVER", "TIMEOUT", "60000"), Is.EqualTo("+OK\r\n"));
            Assert.That(Call(primary.Port, "FAILOVER", "ABORT"), Is.EqualTo("+OK\r\n"));
            Assert.That(Call(primary.Port, "FAILOVER", "ABORT"), Is.EqualTo("-ERR No failover in progress.\r\n"));
            Assert.That(Call(primary.Port, "SET", "k", "w"), Is.EqualTo("+OK\r\n"), "writes resume after ABORT");

            Assert.That(Call(primary.Port, "FAILOVER", "TO", "127.0.0.1", replica.Port.ToString(), "TIMEOUT", "300", "FORCE"), Is.EqualTo("+OK\r\n"));
            WaitUntil(() => Info(primary.Port)["master_failover_state"] != "waiting-for-sync", "the timeout passed");
        }
        finally
        {
            replica.Resume();
        }
        WaitUntil(() => Info(replica.Port)["role"] == "master", "FORCE handed over to the replica that had not acknowledged");
        WaitUntil(() => Info(primary.Port)["master_link_status"] == "up", "the old primary follows it");
        Assert.That(Call(replica.Port, "GET", "k"), Is.EqualTo("$1\r\nw\r\n"));
    }

    [Test]
    public void RedisPrimaryFailsOverToAFastNodeReplica()
    {
        var primary = Redis();
        var replica = FastNode($"--replicaof 127.0.0.1 {primary.Port}");
        Linked(replica, primary);
        Call(primary.Port, "SET", "from", "redis");
        Assert.That(Call(primary.Port, "FAILOVER", "TO", "127.0.0.1", replica.Port.ToString()), Is.EqualTo("+OK\r\n"));
        WaitUntil(() => Info(replica.Port)["role"] == "master", "FastNode accepted redis-server's PSYNC FAILOVER");
        WaitUntil(() => Info(primary.Port) is var p && p["role"] == "slave" && p["master_link_status"] == "up", "redis-server follows FastNode");
        Assert.That(Info(replica.Port, "stats") is var stats && stats["sync_full"] == "0" && stats["sync_partial_ok"] == "1",
            "redis-server continued partially from FastNode");
        Call(replica.Port, "SET", "from", "fastnode");
        WaitUntil(() => Call(primary.Port, "GET", "from") == "$8\r\nfastnode\r\n", "redis-server applies FastNode's stream");
    }

    [Test]
    public void FastNodePrimaryFailsOverToARedisReplica()
    {
        var primary = FastNode();
        var replica = Redis($"--replicaof 127.0.0.1 {primary.Port}");
        Linked(replica, primary);
        Call(primary.Port, "SET", "from", "fastnode");
        Assert.That(Call(primary.Port, "FAILOVER"), Is.EqualTo("+OK\r\n"));
        WaitUntil(() => Info(replica.Port)["role"] == "master", "redis-server accepted FastNode's PSYNC FAILOVER");
        WaitUntil(() => Info(primary.Port) is var p && p["role"] == "slave" && p["master_link_status"] == "up", "FastNode follows redis-server");
        Assert.That(Info(replica.Port, "stats")["sync_partial_ok"], Is.Not.EqualTo("0"), "FastNode continued partially");
        Call(replica.Port, "SET", "from", "redis");
        WaitUntil(() => Call(primary.Port, "GET", "from") == "$5\r\nredis\r\n", "FastNode applies redis-server's stream");
    }
}
