using System.Text.RegularExpressions;

namespace FastNode.IntegrationTests;

/// <summary>
/// CLUSTER LINKS and CLUSTER INFO's per-message-type counters beside redis-server's (a two-node cluster of each, see
/// <see cref="ClusterPair"/>): the same fields in the same order, links that name the known nodes, counters that add
/// up, and a killed node's links gone.
/// </summary>
[NonParallelizable]
public sealed class ClusterLinksTests : ProcessTestBase
{
    protected override string DirPrefix => "fastnode-cllinks-";

    // CLUSTER LINKS in RESP3 (maps), parsed into one (field, value) list per link.
    private static List<List<(string Field, string Value)>> Links(ClusterPair pair, int node)
    {
        using var client = RawClient.Connect(pair.Port(node));
        client.Call("HELLO", "3");
        string reply = client.Call("CLUSTER", "LINKS");
        var lines = reply.Split("\r\n");
        Assert.That(lines[0], Does.StartWith("*"), reply);
        var links = new List<List<(string, string)>>();
        int at = 1;
        for (int i = 0; i < int.Parse(lines[0][1..]); i++)
        {
            Assert.That(lines[at++], Is.EqualTo("%6"), reply);
            var fields = new List<(string, string)>();
            for (int f = 0; f < 6; f++)
            {
                string field = lines[at + 1];
                at += 2;
                string value = lines[at].StartsWith('$') ? lines[at + 1] : lines[at][1..];
                at += lines[at].StartsWith('$') ? 2 : 1;
                fields.Add((field, value));
            }
            links.Add(fields);
        }
        return links;
    }

    // The field names of CLUSTER INFO in order, with the per-type counters folded to one pattern each.
    private static List<string> InfoShape(ClusterPair pair, int node, out Dictionary<string, long> counters)
    {
        string reply = pair.Call(node, "CLUSTER", "INFO");
        counters = [];
        var shape = new List<string>();
        foreach (var line in reply.Split("\r\n").Skip(1))
        {
            int colon = line.IndexOf(':');
            if (colon < 0) continue;
            string name = line[..colon];
            if (name.StartsWith("cluster_stats_messages_") && long.TryParse(line[(colon + 1)..], out long value)) counters[name] = value;
            string folded = Regex.Replace(name, @"^cluster_stats_messages_[a-z-]+_(sent|received)$", "cluster_stats_messages_<type>_$1");
            if (shape.Count == 0 || shape[^1] != folded || !folded.Contains("<type>")) shape.Add(folded);
        }
        return shape;
    }

    [Test]
    public void ClusterInfoCountsMessagesPerTypeInRedisShape()
    {
        var fastNode = ClusterPair.Start(Processes, Dir, redis: false);
        var redis = ClusterPair.Start(Processes, Dir, redis: true);
        for (int node = 0; node < 2; node++)
        {
            var expected = InfoShape(redis, node, out _);
            Assert.That(InfoShape(fastNode, node, out var counters), Is.EqualTo(expected), $"node {node}");
            foreach (var direction in new[] { "sent", "received" })
            {
                long total = counters[$"cluster_stats_messages_{direction}"];
                long byType = counters.Where(c => c.Key.EndsWith("_" + direction) && c.Key != $"cluster_stats_messages_{direction}").Sum(c => c.Value);
                Assert.That(total, Is.GreaterThan(0), direction);
                // Read racily against the cluster thread: one frame may land between two counters.
                Assert.That(byType, Is.InRange(total - 2, total + 2), $"node {node}: the per-type {direction} counters add up");
            }
            Assert.That(counters.Keys, Has.Member("cluster_stats_messages_ping_sent").And.Member("cluster_stats_messages_pong_received"), $"node {node}");
        }
    }

    [Test]
    public void ClusterLinksNamesEachKnownNodeBothWaysAsRedisDoesAndDropsAKilledNodesLinks()
    {
        var fastNode = ClusterPair.Start(Processes, Dir, redis: false);
        var redis = ClusterPair.Start(Processes, Dir, redis: true);
        foreach (var pair in new[] { fastNode, redis })
        {
            long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            // FastNode's links come up with the first probes: wait for both directions on both nodes.
            Probe.WaitUntil(() => Links(pair, 0).Count == 2 && Links(pair, 1).Count == 2, $"{(pair.IsRedis ? "redis" : "FastNode")}: a link each way", 30);
            for (int node = 0; node < 2; node++)
            {
                var links = Links(pair, node);
                string other = pair.Names.First(n => n.To == $"<id{1 - node}>").From;
                Assert.That(links.Select(l => l[1].Value), Is.All.EqualTo(other), $"node {node} links name the other node");
                Assert.That(links.Select(l => l[0].Value).Order(), Is.EqualTo(new[] { "from", "to" }), $"node {node}");
                foreach (var link in links)
                {
                    Assert.That(link.Select(f => f.Field),
                        Is.EqualTo(new[] { "direction", "node", "create-time", "events", "send-buffer-allocated", "send-buffer-used" }));
                    Assert.That(long.Parse(link[2].Value), Is.InRange(now - 120_000, now + 60_000), "create-time is unix ms");
                    Assert.That(link[3].Value, Is.EqualTo("r").Or.EqualTo("rw"), "events");
                    Assert.That(long.Parse(link[4].Value), Is.GreaterThanOrEqualTo(long.Parse(link[5].Value)), "allocated >= used");
                }
            }
            Assert.That(pair.Call(0, "CLUSTER", "LINKS", "x"), Is.EqualTo("-ERR wrong number of arguments for 'cluster|links' command\r\n"));
        }
        // Node 1 dies: node 0 keeps no inbound link from it and no connected outbound one.
        fastNode.Nodes[1].Kill9();
        Probe.WaitUntil(() => Links(fastNode, 0).Count == 0, "node 0 drops its links to the killed node", 30);
    }
}
