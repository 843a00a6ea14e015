using StackExchange.Redis;

namespace FastNode.IntegrationTests;

/// <summary>
/// Three FastNode processes in cluster mode on free loopback ports, joined with CLUSTER MEET and given slots with
/// ADDSLOTSRANGE; then the cluster clients: redis-cli -c follows MOVED, and StackExchange.Redis spreads keys over all
/// three primaries and reads them back. Every process is killed by pid in TearDown.
/// </summary>
[NonParallelizable]
public sealed class ClusterProcessTests : ProcessTestBase
{
    protected override string DirPrefix => "fastnode-cluster-";

    private readonly List<(int Port, int Bus)> _nodes = [];
    private readonly List<ServerProcesses.Running> _running = [];

    [SetUp]
    public void ForgetPreviousNodes()
    {
        // NUnit reuses the fixture instance: each test starts its own nodes.
        _nodes.Clear();
        _running.Clear();
    }

    [TearDown]
    public void PrintLogsOnFailure()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status != NUnit.Framework.Interfaces.TestStatus.Failed) return;
        foreach (var node in _running) TestContext.Out.WriteLine($"--- node {node.Port} (exited: {node.Process.HasExited})\n{node.Log}");
    }

    private void StartNodes(int count)
    {
        for (int i = 0; i < count; i++)
        {
            int port = ServerProcesses.FreePort(), bus = ServerProcesses.FreePort();
            string dir = Path.Combine(Dir, $"node{i}");
            Directory.CreateDirectory(dir);
            _running.Add(Processes.FastNode(port, $"--dir {dir} --cluster-enabled yes --cluster-port {bus} --cluster-node-timeout 5000").Ready());
            _nodes.Add((port, bus));
        }
    }

    private void FormCluster()
    {
        StartNodes(3);
        using (var first = RawClient.Connect(_nodes[0].Port))
        {
            foreach (var (port, bus) in _nodes.Skip(1))
                Assert.That(first.Call("CLUSTER", "MEET", "127.0.0.1", port.ToString(), bus.ToString()), Is.EqualTo("+OK\r\n"));
        }
        string[][] ranges = [["0", "5460"], ["5461", "10922"], ["10923", "16383"]];
        for (int i = 0; i < 3; i++)
        {
            using var client = RawClient.Connect(_nodes[i].Port);
            Assert.That(client.Call("CLUSTER", "ADDSLOTSRANGE", ranges[i][0], ranges[i][1]), Is.EqualTo("+OK\r\n"));
        }
        foreach (var (port, _) in _nodes)
        {
            using var client = RawClient.Connect(port);
            var deadline = DateTime.UtcNow.AddSeconds(40);
            string info = "";
            while (DateTime.UtcNow < deadline)
            {
                info = client.Call("CLUSTER", "INFO");
                if (info.Contains("cluster_state:ok") && info.Contains("cluster_known_nodes:3") && info.Contains("cluster_size:3")) break;
                Thread.Sleep(100);
            }
            Assert.That(info, Does.Contain("cluster_state:ok").And.Contain("cluster_known_nodes:3"), $"node {port}");
        }
    }

    [Test]
    public void ThreeNodesJoinAndRedirect()
    {
        FormCluster();
        using var first = RawClient.Connect(_nodes[0].Port);
        // foo is slot 12182, served by the third node.
        Assert.That(first.Call("GET", "foo"), Is.EqualTo($"-MOVED 12182 127.0.0.1:{_nodes[2].Port}\r\n"));
        Assert.That(first.Call("CLUSTER", "NODES").Split('\n').Count(l => l.Contains("master")), Is.EqualTo(3));

        if (File.Exists("/usr/bin/redis-cli"))
        {
            var set = ServerProcesses.Run("/usr/bin/redis-cli", $"-c -p {_nodes[0].Port} SET foo bar");
            Assert.That(set.Output.Trim(), Is.EqualTo("OK"), set.Output);
            var get = ServerProcesses.Run("/usr/bin/redis-cli", $"-c -p {_nodes[1].Port} GET foo");
            Assert.That(get.Output.Trim(), Is.EqualTo("bar"), get.Output);
        }
    }

    [Test]
    public void StackExchangeRedisSpreadsKeysOverEveryPrimary()
    {
        FormCluster();
        var config = new ConfigurationOptions { ConnectTimeout = 5000, SyncTimeout = 5000, AbortOnConnectFail = true };
        config.EndPoints.Add("127.0.0.1", _nodes[0].Port);
        using var redis = ConnectionMultiplexer.Connect(config);
        var db = redis.GetDatabase();
        for (int i = 0; i < 300; i++) Assert.That(db.StringSet($"key:{i}", $"value:{i}"), Is.True);
        for (int i = 0; i < 300; i++) Assert.That((string?)db.StringGet($"key:{i}"), Is.EqualTo($"value:{i}"));
        foreach (var (port, _) in _nodes)
        {
            using var client = RawClient.Connect(port);
            long keys = long.Parse(client.Call("DBSIZE").Trim(':', '\r', '\n'));
            Assert.That(keys, Is.InRange(50, 200), $"node {port} holds {keys} of 300 keys");
        }
    }
    [Test]
    public void RedisCliClusterCreateBuildsTheCluster()
    {
        if (!File.Exists("/usr/bin/redis-cli")) Assert.Ignore("redis-cli is not installed");
        StartNodes(3);
        string nodes = string.Join(' ', _nodes.Select(n => $"127.0.0.1:{n.Port}"));
        var create = ServerProcesses.Run("/usr/bin/redis-cli", $"--cluster create {nodes} --cluster-yes");
        Assert.That(create.ExitCode, Is.Zero, create.Output);
        Assert.That(create.Output, Does.Contain("[OK] All 16384 slots covered."));
        var check = ServerProcesses.Run("/usr/bin/redis-cli", $"--cluster check 127.0.0.1:{_nodes[1].Port}");
        Assert.That(check.Output, Does.Contain("[OK] All nodes agree about slots configuration."), check.Output);
        var set = ServerProcesses.Run("/usr/bin/redis-cli", $"-c -p {_nodes[0].Port} SET foo bar");
        Assert.That(set.Output.Trim(), Is.EqualTo("OK"), set.Output);
    }

    [Test]
    public void ACorruptNodesConfStopsStartUpNamingTheFile()
    {
        string path = Path.Combine(Dir, "nodes.conf");
        File.WriteAllText(path, "this is not a nodes.conf line\n");
        int port = ServerProcesses.FreePort();
        var node = Processes.FastNode(port, $"--dir {Dir} --cluster-enabled yes --cluster-port {ServerProcesses.FreePort()}");
        Assert.That(node.WaitForExit(), Is.EqualTo(1));
        var lines = node.Log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.That(lines, Has.Exactly(1).Contains(path), node.Log);
    }
}
