namespace FastNode.IntegrationTests;

/// <summary>
/// A two-node cluster of FastNode or of redis-server, set up alike for side-by-side comparisons: node 0 announces the
/// hostname node0.example and owns slots 0-8000, node 1 announces none and owns 8001-16383; both see cluster_state:ok.
/// <see cref="Normalized"/> replaces node ids and ports by names (&lt;id0&gt;, &lt;port1&gt;, &lt;bus0&gt;...) so
/// the two kinds' replies can be compared. The processes belong to the test's <see cref="ServerProcesses"/>.
/// </summary>
internal sealed class ClusterPair
{
    public readonly List<ServerProcesses.Running> Nodes = [];
    public readonly List<(string From, string To)> Names = [];

    public bool IsRedis { get; private init; }

    public int Port(int node) => Nodes[node].Port;

    public string Call(int node, params string[] args)
    {
        using var client = RawClient.Connect(Nodes[node].Port);
        return client.Call(args);
    }

    public string Normalized(string reply)
    {
        foreach (var (from, to) in Names) reply = reply.Replace(from, to);
        return reply;
    }

    public static ClusterPair Start(ServerProcesses processes, string dir, bool redis)
    {
        if (redis && !ServerProcesses.RedisInstalled) Assert.Ignore("redis-server is not installed");
        var pair = new ClusterPair { IsRedis = redis };
        for (int i = 0; i < 2; i++)
        {
            int port = ServerProcesses.FreePort(), bus = ServerProcesses.FreePort();
            string nodeDir = Path.Combine(dir, $"{(redis ? "redis" : "fastnode")}{i}");
            Directory.CreateDirectory(nodeDir);
            string args = $"--dir {nodeDir} --cluster-enabled yes --cluster-port {bus} --cluster-node-timeout 5000"
                + (i == 0 ? " --cluster-announce-hostname node0.example" : "");
            pair.Nodes.Add((redis ? processes.Redis(port, args) : processes.FastNode(port, args)).Ready());
            pair.Names.Add((bus.ToString(), $"<bus{i}>"));
            pair.Names.Add((port.ToString(), $"<port{i}>"));
        }
        Assert.That(pair.Call(0, "CLUSTER", "ADDSLOTSRANGE", "0", "8000"), Is.EqualTo("+OK\r\n"));
        Assert.That(pair.Call(1, "CLUSTER", "ADDSLOTSRANGE", "8001", "16383"), Is.EqualTo("+OK\r\n"));
        Assert.That(pair.Call(0, "CLUSTER", "MEET", "127.0.0.1", pair.Port(1).ToString(), pair.Names[2].From), Is.EqualTo("+OK\r\n"));
        for (int i = 0; i < 2; i++)
        {
            int node = i;
            Probe.WaitUntil(() =>
            {
                string info = pair.Call(node, "CLUSTER", "INFO");
                return info.Contains("cluster_state:ok") && info.Contains("cluster_known_nodes:2\r\n");
            }, $"{(redis ? "redis" : "FastNode")} node {i} sees the cluster ok", 40);
        }
        for (int i = 0; i < 2; i++) pair.Names.Insert(0, (pair.Call(i, "CLUSTER", "MYID").Split("\r\n")[1], $"<id{i}>"));
        return pair;
    }
}
