using static FastNode.IntegrationTests.Probe;

namespace FastNode.IntegrationTests.Locks;

/// <summary>
/// Fencing tokens of a cluster primary that restarts without persistence (docs/locks.md "Token epochs"): it forgets
/// every lock and its token counter, but its nodes.conf survives, and the restart takes a new currentEpoch, so the
/// first token after it is still larger than every token before it. Every process is killed by pid in TearDown.
/// </summary>
[NonParallelizable]
public sealed class ClusterLockEpochTests : ProcessTestBase
{
    protected override string DirPrefix => "fastnode-clusterepoch-";

    private ServerProcesses.Running Start(int port, int bus) =>
        Processes.FastNode(port, $"--dir {Dir} --cluster-enabled yes --cluster-port {bus} --save \"\" --appendonly no").Ready();

    private static long Token(string reply)
    {
        Assert.That(reply, Does.Match(@"^:\d+\r\n$"), "expected a fencing token");
        return long.Parse(reply[1..^2]);
    }

    private static void WaitForOk(int port) =>
        WaitUntil(() => Call(port, "CLUSTER", "INFO").Contains("cluster_state:ok"), $"{port} cluster_state:ok");

    [Test]
    public void APrimaryRestartedWithoutItsDataStillIssuesLargerTokens()
    {
        int port = ServerProcesses.FreePort(), bus = ServerProcesses.FreePort();
        var node = Start(port, bus);
        Assert.That(Call(port, "CLUSTER", "ADDSLOTSRANGE", "0", "16383"), Is.EqualTo("+OK\r\n"));
        WaitForOk(port);
        long first = Token(Call(port, "LOCK.ACQUIRE", "job", "c1", "60000"));
        long second = Token(Call(port, "LOCK.ACQUIRE", "other", "c1", "60000"));
        node.Kill9();

        Start(port, bus);
        WaitForOk(port);
        Assert.That(Call(port, "LOCK.INFO", "job"), Is.EqualTo("*-1\r\n"), "no persistence: the lock is gone");
        long after = Token(Call(port, "LOCK.ACQUIRE", "job", "c2", "60000"));
        Assert.Multiple(() =>
        {
            Assert.That(after, Is.GreaterThan(second), "a token after the restart repeats one granted before it");
            Assert.That(after >> 48, Is.GreaterThan(first >> 48), "the restart began a new epoch");
            Assert.That(Call(port, "CLUSTER", "INFO"), Does.Contain($"cluster_current_epoch:{after >> 48}\r\n"));
        });
    }
}
