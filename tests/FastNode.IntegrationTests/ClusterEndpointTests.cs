using System.Text;

namespace FastNode.IntegrationTests;

/// <summary>
/// cluster-announce-* and cluster-preferred-endpoint-type, checked against redis-server: two FastNodes and two
/// redis-servers in cluster mode, set up alike (node 0 announces a hostname and owns slots 0-8000, node 1 announces
/// none and owns 8001-16383), get the same commands, and their replies must be equal once node ids and ports are
/// replaced by names. Slots of the keys used: b = 3300 (node 0), foo = 12182 (node 1).
/// </summary>
[NonParallelizable]
public sealed class ClusterEndpointTests : ProcessTestBase
{
    protected override string DirPrefix => "fastnode-clendpoint-";

    private ClusterPair Start(bool redis) => ClusterPair.Start(Processes, Dir, redis);

    // The replies of both kinds to the same command, normalized; a top-level array's elements are sorted because Redis
    // lists CLUSTER SLOTS and SHARDS in its node table's order.
    private static void AssertSame(ClusterPair fastNode, ClusterPair redis, int node, params string[] command)
    {
        string expected = Sorted(redis.Call(node, command), redis);
        string actual = Sorted(fastNode.Call(node, command), fastNode);
        Assert.That(actual, Is.EqualTo(expected), $"{string.Join(' ', command)} on node {node}");
    }

    private static string Sorted(string reply, ClusterPair pair)
    {
        if (!reply.StartsWith('*')) return pair.Normalized(reply);
        int headerEnd = reply.IndexOf("\r\n", StringComparison.Ordinal) + 2;
        var elements = new List<string>();
        for (int at = headerEnd; at < reply.Length;)
        {
            int length = RespReplyScanner.CompleteLength(Encoding.UTF8.GetBytes(reply[at..]));
            elements.Add(pair.Normalized(reply.Substring(at, length)));
            at += length;
        }
        elements.Sort(StringComparer.Ordinal);
        return reply[..headerEnd] + string.Concat(elements);
    }

    // CLUSTER NODES, per node: id, address (ip:port@bus[,hostname]), flags, primary, link state and slots; the ping
    // times and epochs differ between any two runs.
    private static string NodesLines(ClusterPair pair, int node)
    {
        string reply = pair.Call(node, "CLUSTER", "NODES");
        string body = reply[(reply.IndexOf("\r\n", StringComparison.Ordinal) + 2)..^2];
        var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .Select(f => string.Join(' ', f[0], f[1], f[2], f[3], f[7], string.Join(' ', f.Skip(8))))
            .Select(pair.Normalized)
            .Order(StringComparer.Ordinal);
        return string.Join('\n', lines);
    }

    private static void SetOnBoth(ClusterPair pair, string name, string value)
    {
        for (int i = 0; i < 2; i++) Assert.That(pair.Call(i, "CONFIG", "SET", name, value), Is.EqualTo("+OK\r\n"), $"{name} {value} on node {i}");
    }

    [Test]
    public void RedirectsAndClusterSlotsShardsNodesNameNodesAsRedisDoesForEveryEndpointType()
    {
        var fastNode = Start(redis: false);
        var redis = Start(redis: true);
        foreach (var type in new[] { "ip", "hostname", "unknown-endpoint" })
        {
            SetOnBoth(fastNode, "cluster-preferred-endpoint-type", type);
            SetOnBoth(redis, "cluster-preferred-endpoint-type", type);
            for (int node = 0; node < 2; node++)
            {
                AssertSame(fastNode, redis, node, "GET", node == 0 ? "foo" : "b");
                AssertSame(fastNode, redis, node, "CLUSTER", "SLOTS");
                AssertSame(fastNode, redis, node, "CLUSTER", "SHARDS");
                AssertSame(fastNode, redis, node, "CONFIG", "GET", "cluster-preferred-endpoint-type");
                Assert.That(NodesLines(fastNode, node), Is.EqualTo(NodesLines(redis, node)), $"CLUSTER NODES on node {node} ({type})");
            }
        }
        // The literal texts, so a change on both sides cannot pass unnoticed.
        Assert.That(fastNode.Normalized(fastNode.Call(1, "GET", "b")), Is.EqualTo("-MOVED 3300 :<port0>\r\n"));
        SetOnBoth(fastNode, "cluster-preferred-endpoint-type", "hostname");
        Assert.That(fastNode.Normalized(fastNode.Call(1, "GET", "b")), Is.EqualTo("-MOVED 3300 node0.example:<port0>\r\n"));
        Assert.That(fastNode.Normalized(fastNode.Call(0, "GET", "foo")), Is.EqualTo("-MOVED 12182 ?:<port1>\r\n"));
    }

    [Test]
    public void AnnouncedHostnameAndPortChangedWithConfigSetReachTheOtherNodeAsInRedis()
    {
        var fastNode = Start(redis: false);
        var redis = Start(redis: true);
        foreach (var pair in new[] { fastNode, redis })
        {
            Assert.That(pair.Call(1, "CONFIG", "SET", "cluster-announce-hostname", "node1.example"), Is.EqualTo("+OK\r\n"));
            Assert.That(pair.Call(1, "CONFIG", "SET", "cluster-announce-port", "1234"), Is.EqualTo("+OK\r\n"));
            Assert.That(pair.Call(0, "CONFIG", "SET", "cluster-preferred-endpoint-type", "hostname"), Is.EqualTo("+OK\r\n"));
            Probe.WaitUntil(() => pair.Call(0, "CLUSTER", "NODES").Contains(":1234@"), "node 0 learns node 1's new address", 30);
            Probe.WaitUntil(() => pair.Call(0, "CLUSTER", "NODES").Contains(",node1.example "), "node 0 learns node 1's hostname", 30);
            // Redis drops its link to a node whose address changed and connects again.
            Probe.WaitUntil(() => !pair.Call(0, "CLUSTER", "NODES").Contains("disconnected"), "node 0's link to node 1 is up", 30);
        }
        for (int node = 0; node < 2; node++)
        {
            Assert.That(NodesLines(fastNode, node), Is.EqualTo(NodesLines(redis, node)), $"CLUSTER NODES on node {node}");
            AssertSame(fastNode, redis, node, "CLUSTER", "SLOTS");
            AssertSame(fastNode, redis, node, "CLUSTER", "SHARDS");
        }
        AssertSame(fastNode, redis, 0, "GET", "foo");
        Assert.That(fastNode.Call(0, "GET", "foo"), Is.EqualTo("-MOVED 12182 node1.example:1234\r\n"));
        // Back to the bound ports: 0 means "the port this node listens on".
        Assert.That(fastNode.Call(1, "CONFIG", "SET", "cluster-announce-port", "0"), Is.EqualTo("+OK\r\n"));
        Probe.WaitUntil(() => fastNode.Call(0, "GET", "foo") == $"-MOVED 12182 node1.example:{fastNode.Port(1)}\r\n", "node 0 learns the bound port again", 30);
        // nodes.conf keeps the announced hostname.
        Probe.WaitUntil(() => File.ReadAllText(Path.Combine(Dir, "fastnode1", "nodes.conf")).Contains(",node1.example"), "nodes.conf has the hostname", 10);
    }

    [Test]
    public void BadAnnounceSettingsGetRedisErrorTexts()
    {
        var fastNode = Start(redis: false);
        var redis = Start(redis: true);
        string[][] settings =
        [
            ["cluster-announce-hostname", "bad_host!"],
            ["cluster-announce-hostname", new string('a', 256)],
            ["cluster-announce-hostname", new string('a', 255)],
            ["cluster-announce-hostname", ""],
            ["cluster-announce-port", "65536"],
            ["cluster-announce-bus-port", "-1"],
            ["cluster-announce-tls-port", "x"],
            ["cluster-announce-tls-port", "7001"],
            ["cluster-preferred-endpoint-type", "dns"],
        ];
        foreach (var setting in settings)
        {
            Assert.That(fastNode.Call(0, ["CONFIG", "SET", .. setting]), Is.EqualTo(redis.Call(0, ["CONFIG", "SET", .. setting])), string.Join(' ', setting));
            Assert.That(fastNode.Call(0, "CONFIG", "GET", setting[0]), Is.EqualTo(redis.Call(0, "CONFIG", "GET", setting[0])), setting[0]);
        }
    }
}
