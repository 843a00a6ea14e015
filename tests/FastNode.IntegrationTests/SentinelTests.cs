using StackExchange.Redis;
using static FastNode.IntegrationTests.Probe;

namespace FastNode.IntegrationTests;

/// <summary>
/// FastNode under redis-sentinel 7.0, the failover engine operators already run for standalone primary/replica sets:
/// three sentinels monitor a FastNode primary with two FastNode replicas. Sentinels find the replicas through INFO and
/// each other through the <c>__sentinel__:hello</c> channel; after a kill -9 of the primary they agree it is down,
/// promote a replica (MULTI, REPLICAOF NO ONE, CONFIG REWRITE, CLIENT KILL, EXEC) and point the other one at it.
/// Every process is killed by pid in TearDown.
/// </summary>
[NonParallelizable]
public sealed class SentinelTests : ProcessTestBase
{
    private const string Name = "mymaster";

    private readonly List<ServerProcesses.Running> _started = [];

    protected override string DirPrefix => "fastnode-sentinel-";

    [SetUp]
    public void RequireSentinel()
    {
        if (!ServerProcesses.SentinelInstalled) Assert.Ignore("redis-sentinel is not installed (apt-get install redis-sentinel)");
    }

    /// <summary>Runs before the base class kills the processes: a failed run shows what each of them logged.</summary>
    [TearDown]
    public void ShowLogsOfAFailedRun()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            foreach (var running in _started) TestContext.Out.WriteLine($"---- log of the process on port {running.Port}:\n{running.Log}");
        }
        _started.Clear();
    }

    [Test]
    public void Sentinels_promote_a_FastNode_replica_when_the_primary_is_killed_and_clients_follow()
    {
        var primary = Started(Processes.FastNode(ServerProcesses.FreePort(), $"--dir {Dir}").Ready());
        var replicas = new[] { ReplicaOf(primary), ReplicaOf(primary) };
        foreach (var replica in replicas) WaitUntil(() => Info(replica.Port)["master_link_status"] == "up", $"replica {replica.Port} linked");
        for (int i = 0; i < 100; i++) Call(primary.Port, "SET", $"before:{i}", i.ToString());
        string offset = Info(primary.Port)["master_repl_offset"];
        foreach (var replica in replicas) WaitUntil(() => Info(replica.Port)["master_repl_offset"] == offset, $"replica {replica.Port} caught up");

        var sentinels = Enumerable.Range(0, 3).Select(i => StartSentinel(i, primary.Port)).ToArray();
        foreach (var sentinel in sentinels)
        {
            WaitUntil(() => CountEntries(Call(sentinel.Port, "SENTINEL", "REPLICAS", Name)) == 2, $"sentinel {sentinel.Port} sees both replicas");
            WaitUntil(() => CountEntries(Call(sentinel.Port, "SENTINEL", "SENTINELS", Name)) == 2, $"sentinel {sentinel.Port} discovered the other two");
        }

        primary.Kill9();

        int newPrimary = 0;
        WaitUntil(() =>
        {
            var ports = sentinels.Select(s => PrimaryPort(s.Port)).Distinct().ToArray();
            newPrimary = ports[0];
            return ports.Length == 1 && newPrimary != primary.Port;
        }, "every sentinel names a promoted replica", seconds: 60);
        Assert.That(replicas.Select(r => r.Port), Does.Contain(newPrimary));
        var other = replicas.Single(r => r.Port != newPrimary);

        WaitUntil(() => Info(newPrimary)["role"] == "master", "the promoted replica reports role:master");
        WaitUntil(() => Info(other.Port) is var info && info["role"] == "slave" && info["master_port"] == newPrimary.ToString()
            && info["master_link_status"] == "up", "the other replica follows the new primary", seconds: 60);
        Assert.That(Call(newPrimary, "GET", "before:99"), Is.EqualTo("$2\r\n99\r\n"), "data written before the kill is on the new primary");

        // A Sentinel-aware client asks the sentinels for the primary and reaches the new one.
        var options = new ConfigurationOptions { ServiceName = Name, AbortOnConnectFail = true, ConnectTimeout = 5000 };
        foreach (var sentinel in sentinels) options.EndPoints.Add("127.0.0.1", sentinel.Port);
        using var viaSentinel = ConnectionMultiplexer.Connect(options);
        var db = viaSentinel.GetDatabase();
        db.StringSet("after", "failover");
        Assert.That(Call(newPrimary, "GET", "after"), Is.EqualTo("$8\r\nfailover\r\n"));
        WaitUntil(() => Call(other.Port, "GET", "after") == "$8\r\nfailover\r\n", "the write reaches the other replica");
    }

    private ServerProcesses.Running Started(ServerProcesses.Running running)
    {
        _started.Add(running);
        return running;
    }

    private ServerProcesses.Running ReplicaOf(ServerProcesses.Running primary) =>
        Started(Processes.FastNode(ServerProcesses.FreePort(), $"--dir {Dir} --replicaof 127.0.0.1 {primary.Port}").Ready());

    /// <summary>A sentinel with a quorum of 2 and a one-second down-after, its config in a file of its own.</summary>
    private ServerProcesses.Running StartSentinel(int index, int primaryPort)
    {
        int port = ServerProcesses.FreePort();
        string config = Path.Combine(Dir, $"sentinel-{index}.conf");
        File.WriteAllText(config, $"""
            port {port}
            bind 127.0.0.1
            dir {Dir}
            sentinel monitor {Name} 127.0.0.1 {primaryPort} 2
            sentinel down-after-milliseconds {Name} 1000
            sentinel failover-timeout {Name} 10000
            sentinel parallel-syncs {Name} 1

            """);
        return Started(Processes.Sentinel(port, config).Ready());
    }

    /// <summary>The port in SENTINEL GET-MASTER-ADDR-BY-NAME's reply (*2 $ip $port).</summary>
    private static int PrimaryPort(int sentinelPort)
    {
        var lines = Call(sentinelPort, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", Name).Split("\r\n");
        return int.Parse(lines[4]);
    }

    /// <summary>How many entries a SENTINEL REPLICAS / SENTINELS reply lists (its top-level array length).</summary>
    private static int CountEntries(string reply) => int.Parse(reply.AsSpan(1, reply.IndexOf('\r') - 1));
}
