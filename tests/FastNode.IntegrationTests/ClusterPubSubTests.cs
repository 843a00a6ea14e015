using System.Collections.Concurrent;
using StackExchange.Redis;

namespace FastNode.IntegrationTests;

/// <summary>
/// Pub/sub across three FastNode primaries (and a replica): PUBLISH on any node reaches subscribers on every node
/// (raw RESP2 and RESP3 sockets, patterns, and StackExchange.Redis's cluster client; its 2.8 has no sharded channels), its reply counts this node's
/// receivers only; SSUBSCRIBE/SPUBLISH are routed by the channel's slot (MOVED, CROSSSLOT) and reach the shard's
/// replica; a node that stops serving a slot unsubscribes its shard subscribers with an sunsubscribe push. Slots of the
/// channels used: b = 3300 (node 0), c = 7365 (node 1), foo = 12182 (node 2).
/// </summary>
[NonParallelizable]
public sealed class ClusterPubSubTests : ProcessTestBase
{
    protected override string DirPrefix => "fastnode-clpubsub-";

    private LocalCluster _cluster = null!;

    [SetUp]
    public void NewCluster() => _cluster = new LocalCluster(Processes, Dir);

    [TearDown]
    public void PrintLogsOnFailure()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed) TestContext.Out.WriteLine(_cluster.Logs());
    }

    private RawClient Subscribe(int node, string command, string channel, bool resp3 = false)
    {
        var client = RawClient.Connect(_cluster.Nodes[node].Port);
        if (resp3) client.Call("HELLO", "3");
        string reply = client.Call(command, channel);
        string kind = command.ToLowerInvariant();
        Assert.That(reply, Is.EqualTo($"{(resp3 ? '>' : '*')}3\r\n${kind.Length}\r\n{kind}\r\n${channel.Length}\r\n{channel}\r\n:1\r\n"), $"node {node}");
        return client;
    }

    private static string Message(string channel, string payload, char prefix = '*', string kind = "message") =>
        $"{prefix}3\r\n${kind.Length}\r\n{kind}\r\n${channel.Length}\r\n{channel}\r\n${payload.Length}\r\n{payload}\r\n";

    [Test]
    public void PublishOnAnyNodeReachesSubscribersOnEveryNode()
    {
        _cluster.FormPrimaries();
        var resp2 = Enumerable.Range(0, 3).Select(i => Subscribe(i, "SUBSCRIBE", "news")).ToList();
        var resp3 = Enumerable.Range(0, 3).Select(i => Subscribe(i, "SUBSCRIBE", "news", resp3: true)).ToList();
        var patterns = Enumerable.Range(0, 3).Select(i => Subscribe(i, "PSUBSCRIBE", "ne*")).ToList();
        try
        {
            for (int from = 0; from < 3; from++)
            {
                string payload = $"hello from {from}";
                // Redis counts this node's receivers only: one channel subscriber per protocol plus one pattern.
                Assert.That(_cluster.Call(from, "PUBLISH", "news", payload), Is.EqualTo(":3\r\n"));
                for (int node = 0; node < 3; node++)
                {
                    Assert.That(resp2[node].ReadReply(), Is.EqualTo(Message("news", payload)), $"RESP2 on node {node}");
                    Assert.That(resp3[node].ReadReply(), Is.EqualTo(Message("news", payload, '>')), $"RESP3 on node {node}");
                    Assert.That(patterns[node].ReadReply(),
                        Is.EqualTo($"*4\r\n$8\r\npmessage\r\n$3\r\nne*\r\n$4\r\nnews\r\n${payload.Length}\r\n{payload}\r\n"), $"pattern on node {node}");
                }
            }
            // A node with no subscriber of the channel answers 0, and still passes it on.
            Assert.That(_cluster.Call(1, "PUBLISH", "other", "x"), Is.EqualTo(":0\r\n"));
        }
        finally
        {
            foreach (var c in resp2.Concat(resp3).Concat(patterns)) c.Dispose();
        }
    }

    [Test]
    public async Task StackExchangeRedisClusterClientGetsMessagesPublishedOnEveryNode()
    {
        _cluster.FormPrimaries();
        var config = new ConfigurationOptions { ConnectTimeout = 5000, SyncTimeout = 5000, AbortOnConnectFail = true };
        config.EndPoints.Add("127.0.0.1", _cluster.Nodes[0].Port);
        using var redis = await ConnectionMultiplexer.ConnectAsync(config);
        var received = new ConcurrentQueue<string>();
        var subscriber = redis.GetSubscriber();
        await subscriber.SubscribeAsync(RedisChannel.Literal("chat"), (_, message) => received.Enqueue(message!));
        for (int node = 0; node < 3; node++) _cluster.Call(node, "PUBLISH", "chat", $"m{node}");
        // And through the client, whichever node it picks for PUBLISH.
        await subscriber.PublishAsync(RedisChannel.Literal("chat"), "m-client");
        Probe.WaitUntil(() => received.Count >= 4, "messages reach the StackExchange.Redis subscriber", 20);
        Assert.That(received.OrderBy(m => m, StringComparer.Ordinal), Is.EqualTo(new[] { "m-client", "m0", "m1", "m2" }));
    }

    [Test]
    public void ShardChannelsAreRoutedBySlot()
    {
        _cluster.FormPrimaries();
        int port2 = _cluster.Nodes[2].Port;
        Assert.That(_cluster.Call(0, "SSUBSCRIBE", "foo"), Is.EqualTo($"-MOVED 12182 127.0.0.1:{port2}\r\n"));
        Assert.That(_cluster.Call(0, "SSUBSCRIBE", "b", "foo"), Is.EqualTo("-CROSSSLOT Keys in request don't hash to the same slot\r\n"));
        Assert.That(_cluster.Call(0, "SPUBLISH", "foo", "x"), Is.EqualTo($"-MOVED 12182 127.0.0.1:{port2}\r\n"));
        Assert.That(_cluster.Call(0, "SUNSUBSCRIBE", "foo"), Is.EqualTo($"-MOVED 12182 127.0.0.1:{port2}\r\n"));
        // Classic channels are not routed: PUBLISH of any channel runs anywhere.
        Assert.That(_cluster.Call(0, "PUBLISH", "foo", "x"), Is.EqualTo(":0\r\n"));

        using var owner = Subscribe(2, "SSUBSCRIBE", "foo");
        using var classic = Subscribe(0, "SUBSCRIBE", "foo");
        Assert.That(_cluster.Call(2, "SPUBLISH", "foo", "sharded"), Is.EqualTo(":1\r\n"));
        Assert.That(owner.ReadReply(), Is.EqualTo(Message("foo", "sharded", kind: "smessage")));
        // SPUBLISH never reaches a classic subscriber, on this node or another.
        Assert.That(_cluster.Call(0, "PUBLISH", "foo", "classic"), Is.EqualTo(":1\r\n"));
        Assert.That(classic.ReadReply(), Is.EqualTo(Message("foo", "classic")));
    }

    [Test]
    public void SPublishReachesTheShardsReplicaAndBack()
    {
        _cluster.FormPrimaries();
        int replica = _cluster.Start();
        Assert.That(_cluster.Meet(replica, 0), Is.EqualTo("+OK\r\n"));
        _cluster.WaitForOk(replica, knownNodes: 4);
        Assert.That(_cluster.Call(replica, "CLUSTER", "REPLICATE", _cluster.Id(2)), Is.EqualTo("+OK\r\n"));
        Probe.WaitUntil(() => _cluster.Call(2, "CLUSTER", "NODES").Contains($"slave {_cluster.Id(2)}"), "node 2 sees its replica");

        // Redis lets a replica's clients SSUBSCRIBE to its primary's slots without READONLY; other slots are MOVED.
        using var onReplica = Subscribe(replica, "SSUBSCRIBE", "foo");
        Assert.That(_cluster.Call(replica, "SSUBSCRIBE", "b"), Is.EqualTo($"-MOVED 3300 127.0.0.1:{_cluster.Nodes[0].Port}\r\n"));
        using var onPrimary = Subscribe(2, "SSUBSCRIBE", "foo", resp3: true);

        Assert.That(_cluster.Call(2, "SPUBLISH", "foo", "from primary"), Is.EqualTo(":1\r\n"));
        Assert.That(onReplica.ReadReply(), Is.EqualTo(Message("foo", "from primary", kind: "smessage")));
        Assert.That(onPrimary.ReadReply(), Is.EqualTo(Message("foo", "from primary", '>', "smessage")));

        Assert.That(_cluster.Call(replica, "SPUBLISH", "foo", "from replica"), Is.EqualTo(":1\r\n"));
        Assert.That(onReplica.ReadReply(), Is.EqualTo(Message("foo", "from replica", kind: "smessage")));
        Assert.That(onPrimary.ReadReply(), Is.EqualTo(Message("foo", "from replica", '>', "smessage")));
    }

    [Test]
    public void LosingASlotUnsubscribesItsShardSubscribers()
    {
        _cluster.FormPrimaries();
        using var kept = Subscribe(0, "SSUBSCRIBE", "b");
        using var lost = Subscribe(1, "SSUBSCRIBE", "c");
        using var lost3 = Subscribe(1, "SSUBSCRIBE", "c", resp3: true);
        Assert.That(_cluster.Call(1, "CLUSTER", "DELSLOTS", "7365"), Is.EqualTo("+OK\r\n"));
        // As Redis: one sunsubscribe per channel with the count left, and the connection leaves subscribed mode.
        Assert.That(lost.ReadReply(), Is.EqualTo("*3\r\n$12\r\nsunsubscribe\r\n$1\r\nc\r\n:0\r\n"));
        Assert.That(lost3.ReadReply(), Is.EqualTo(">3\r\n$12\r\nsunsubscribe\r\n$1\r\nc\r\n:0\r\n"));
        Assert.That(lost.Call("PING"), Is.EqualTo("+PONG\r\n"));
        Assert.That(_cluster.Call(1, "PUBSUB", "SHARDNUMSUB", "c"), Is.EqualTo("*2\r\n$1\r\nc\r\n:0\r\n"));
        Assert.That(_cluster.Call(0, "PUBSUB", "SHARDNUMSUB", "b"), Is.EqualTo("*2\r\n$1\r\nb\r\n:1\r\n"));
    }
}
