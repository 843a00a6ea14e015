using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using StackExchange.Redis;

namespace FastNode.IntegrationTests;

/// <summary>
/// Pub/sub over real sockets: exact bytes between raw connections in RESP2 and RESP3, StackExchange.Redis's
/// subscriber under both protocols, a subscriber that stops reading (closed at its output buffer limit, with the
/// server's memory bounded), CLIENT KILL TYPE pubsub, redis-cli's subscribe mode, and PUBLISH reaching a replica's
/// subscribers.
/// </summary>
public sealed class PubSubIntegrationTests
{
    private static string Bulk(string s) => $"${Encoding.UTF8.GetByteCount(s)}\r\n{s}\r\n";

    private static async Task EventuallyAsync(Func<bool> condition, string what, int timeoutMs = 10_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("timed out waiting: " + what);
            await Task.Delay(20);
        }
    }

    [TestCase("epoll")]
    [TestCase("sockets")]
    public async Task RawConnectionsResp2ExactBytes(string ioEngine)
    {
        // Both transports wake a subscriber's loop their own way (the epoll loop's queue, or a thread-pool item).
        await using var server = TestServer.Start(o => o.IoEngine = ioEngine);
        using var sub = server.ConnectRaw();
        using var pub = server.ConnectRaw();
        sub.Send(Resp.Command("SUBSCRIBE", "news", "sport"));
        Assert.That(sub.ReadReply(), Is.EqualTo("*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n"));
        Assert.That(sub.ReadReply(), Is.EqualTo("*3\r\n$9\r\nsubscribe\r\n$5\r\nsport\r\n:2\r\n"));
        Assert.That(sub.Call("PSUBSCRIBE", "n*"), Is.EqualTo("*3\r\n$10\r\npsubscribe\r\n$2\r\nn*\r\n:3\r\n"));
        Assert.That(pub.Call("PUBLISH", "news", "hello"), Is.EqualTo(":2\r\n"));
        Assert.That(sub.ReadReply(), Is.EqualTo("*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n"));
        Assert.That(sub.ReadReply(), Is.EqualTo("*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$5\r\nhello\r\n"));
        Assert.That(sub.Call("PING"), Is.EqualTo("*2\r\n$4\r\npong\r\n$0\r\n\r\n"));
        Assert.That(sub.Call("SET", "k", "v"),
            Is.EqualTo("-ERR Can't execute 'set': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n"));

        // A pipelined burst arrives whole and in order.
        var burst = new MemoryStream();
        for (int i = 0; i < 100; i++) burst.Write(Resp.Command("PUBLISH", "sport", "m" + i));
        pub.Send(burst.ToArray());
        for (int i = 0; i < 100; i++) Assert.That(pub.ReadReply(), Is.EqualTo(":1\r\n"));
        for (int i = 0; i < 100; i++) Assert.That(sub.ReadReply(), Is.EqualTo("*3\r\n$7\r\nmessage\r\n$5\r\nsport\r\n" + Bulk("m" + i)));

        Assert.That(sub.Call("RESET"), Is.EqualTo("+RESET\r\n"));
        Assert.That(pub.Call("PUBLISH", "news", "x"), Is.EqualTo(":0\r\n"));
        Assert.That(sub.Call("SET", "k", "v"), Is.EqualTo("+OK\r\n"));
    }

    [Test]
    public async Task RawConnectionsResp3PushesInterleaveWithReplies()
    {
        await using var server = TestServer.Start();
        using var sub = server.ConnectRaw();
        using var pub = server.ConnectRaw();
        Assert.That(sub.Call("HELLO", "3"), Does.StartWith("%7\r\n"));
        Assert.That(sub.Call("SUBSCRIBE", "news"), Is.EqualTo(">3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n"));
        Assert.That(sub.Call("SET", "k", "v"), Is.EqualTo("+OK\r\n"));
        Assert.That(pub.Call("PUBLISH", "news", "one"), Is.EqualTo(":1\r\n"));
        Assert.That(sub.ReadReply(), Is.EqualTo(">3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$3\r\none\r\n"));
        // A push published before a command's reply comes ahead of it.
        Assert.That(pub.Call("PUBLISH", "news", "two"), Is.EqualTo(":1\r\n"));
        Thread.Sleep(50);
        sub.Send(Resp.Command("GET", "k"));
        Assert.That(sub.ReadReply(), Is.EqualTo(">3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$3\r\ntwo\r\n"));
        Assert.That(sub.ReadReply(), Is.EqualTo("$1\r\nv\r\n"));
        Assert.That(sub.Call("PING"), Is.EqualTo("+PONG\r\n"));
        Assert.That(sub.Call("UNSUBSCRIBE"), Is.EqualTo(">3\r\n$11\r\nunsubscribe\r\n$4\r\nnews\r\n:0\r\n"));
    }

    [TestCase(RedisProtocol.Resp2)]
    [TestCase(RedisProtocol.Resp3)]
    public async Task StackExchangeRedisSubscriber(RedisProtocol protocol)
    {
        await using var server = TestServer.Start();
        var config = new ConfigurationOptions { AllowAdmin = true, ConnectTimeout = 5000, SyncTimeout = 5000, AbortOnConnectFail = true, Protocol = protocol };
        config.EndPoints.Add(server.EndPoint);
        using var mux = await ConnectionMultiplexer.ConnectAsync(config);
        var db = mux.GetDatabase();
        var subscriber = mux.GetSubscriber();

        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await subscriber.SubscribeAsync(RedisChannel.Literal("news"), (_, message) => received.TrySetResult(message!));
        var patterned = new TaskCompletionSource<(string, string)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await subscriber.SubscribeAsync(RedisChannel.Pattern("sport.*"), (channel, message) => patterned.TrySetResult((channel!, message!)));
        var queue = await subscriber.SubscribeAsync(RedisChannel.Literal("queue"));

        Assert.That(await db.PublishAsync(RedisChannel.Literal("news"), "hello"), Is.EqualTo(1));
        Assert.That(await received.Task.WaitAsync(TimeSpan.FromSeconds(10)), Is.EqualTo("hello"));
        Assert.That(await db.PublishAsync(RedisChannel.Literal("sport.tennis"), "ace"), Is.EqualTo(1));
        Assert.That(await patterned.Task.WaitAsync(TimeSpan.FromSeconds(10)), Is.EqualTo(("sport.tennis", "ace")));
        for (int i = 0; i < 50; i++) await subscriber.PublishAsync(RedisChannel.Literal("queue"), "m" + i);
        for (int i = 0; i < 50; i++)
        {
            var message = await queue.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.That((string?)message.Message, Is.EqualTo("m" + i));
        }

        // The ordinary commands keep working beside the subscriptions (on the same connection in RESP3).
        await db.StringSetAsync("k", "v");
        Assert.That((string?)await db.StringGetAsync("k"), Is.EqualTo("v"));
        Assert.That(await subscriber.PingAsync(), Is.GreaterThanOrEqualTo(TimeSpan.Zero));

        var admin = mux.GetServer(server.EndPoint);
        Assert.That(await admin.SubscriptionSubscriberCountAsync(RedisChannel.Literal("news")), Is.EqualTo(1));
        Assert.That(await admin.SubscriptionPatternCountAsync(), Is.EqualTo(1));
        var channels = await admin.SubscriptionChannelsAsync();
        // (StackExchange.Redis also subscribes to its own configuration channel, __Booksleeve_MasterChanged.)
        Assert.That(channels.Select(c => c.ToString()), Is.SupersetOf(new[] { "news", "queue" }));

        await subscriber.UnsubscribeAsync(RedisChannel.Literal("news"));
        await queue.UnsubscribeAsync();
        Assert.That(await db.PublishAsync(RedisChannel.Literal("news"), "gone"), Is.EqualTo(0));
        await subscriber.UnsubscribeAllAsync();
        await EventuallyAsync(() => admin.SubscriptionPatternCount() == 0, "the pattern subscription dropped");
    }

    [Test]
    public async Task ASubscriberThatStopsReadingIsDisconnectedAtTheLimit()
    {
        await using var server = TestServer.Start(o => o.OutputBufferLimits.Set("pubsub 1mb 0 0"));
        using var reader = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        reader.Connect(new IPEndPoint(IPAddress.Loopback, server.Port));
        reader.Send(Resp.Command("SUBSCRIBE", "flood"));
        var confirmation = new byte[64];
        int got = 0;
        while (got < 34) got += reader.Receive(confirmation, got, confirmation.Length - got, SocketFlags.None);
        // From here on the subscriber reads nothing.

        using var pub = server.ConnectRaw();
        var payload = new string('x', 100_000);
        int delivered = 0;
        for (int i = 0; i < 1000; i++)
        {
            string reply = pub.Call("PUBLISH", "flood", payload);
            if (reply == ":0\r\n") break;
            Assert.That(reply, Is.EqualTo(":1\r\n"));
            delivered++;
        }
        Assert.That(delivered, Is.LessThan(1000), "the subscriber was never disconnected");
        // What the server held for it stayed near the 1 MB limit: what the kernel's socket buffers took (a few MB
        // on loopback) plus at most the limit in the output pipe and the queue.
        Assert.That(delivered * 100_000L, Is.LessThan(12L * 1024 * 1024));
        Assert.That(pub.Call("PUBSUB", "NUMSUB", "flood"), Is.EqualTo("*2\r\n$5\r\nflood\r\n:0\r\n"));
        string info = "";
        // The close runs on the subscriber's own loop, a moment after the PUBLISH that passed the limit.
        await EventuallyAsync(() => (info = pub.Call("INFO", "clients")).Contains("connected_clients:1\r\n"), "the subscriber closed");
        long peak = long.Parse(Regex.Match(info, @"client_recent_max_output_buffer:(\d+)").Groups[1].Value);
        Assert.That(peak, Is.GreaterThanOrEqualTo(1024L * 1024 - 100_000), "INFO shows the megabyte that was pending");
        // The server closed the socket: draining what the kernel holds ends in EOF.
        reader.ReceiveTimeout = 10_000;
        var sink = new byte[64 * 1024];
        long drained = 0;
        int n;
        while ((n = reader.Receive(sink)) > 0) drained += n;
        Assert.That(drained, Is.LessThan(delivered * 100_200L));
    }

    [Test]
    public async Task ClientKillTypePubsubClosesOnlySubscribers()
    {
        await using var server = TestServer.Start();
        using var sub = server.ConnectRaw();
        using var normal = server.ConnectRaw();
        using var admin = server.ConnectRaw();
        sub.Call("PSUBSCRIBE", "*");
        normal.Call("PING");
        Assert.That(admin.Call("CLIENT", "LIST", "TYPE", "pubsub"), Does.Contain(" flags=P db=0 sub=0 psub=1 ssub=0 "));
        Assert.That(admin.Call("CLIENT", "KILL", "TYPE", "pubsub"), Is.EqualTo(":1\r\n"));
        Assert.That(sub.IsClosedByServer(), Is.True);
        Assert.That(normal.Call("PING"), Is.EqualTo("+PONG\r\n"));
        Assert.That(admin.Call("PUBSUB", "NUMPAT"), Is.EqualTo(":0\r\n"));
    }

    [Test]
    public async Task RedisCliSubscribeReceivesMessages()
    {
        if (!File.Exists("/usr/bin/redis-cli")) Assert.Ignore("redis-cli is not installed");
        await using var server = TestServer.Start();
        var info = new ProcessStartInfo("/usr/bin/redis-cli", $"-p {server.Port} subscribe news") { RedirectStandardOutput = true, UseShellExecute = false };
        var cli = Process.Start(info)!;
        try
        {
            var output = new StringBuilder();
            cli.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
            cli.BeginOutputReadLine();
            using var pub = server.ConnectRaw();
            await EventuallyAsync(() => pub.Call("PUBSUB", "NUMSUB", "news") == "*2\r\n$4\r\nnews\r\n:1\r\n", "redis-cli subscribed");
            Assert.That(pub.Call("PUBLISH", "news", "hello from FastNode"), Is.EqualTo(":1\r\n"));
            await EventuallyAsync(() => { lock (output) return output.ToString().Contains("hello from FastNode"); }, "redis-cli printed the message");
            lock (output) Assert.That(output.ToString(), Does.Contain("subscribe\nnews\n1\nmessage\nnews\nhello from FastNode\n"));
        }
        finally
        {
            if (!cli.HasExited) cli.Kill();
            cli.WaitForExit(5000);
            cli.Dispose();
        }
    }

    [Test]
    public async Task PublishOnAPrimaryReachesTheSubscribersOfItsReplica()
    {
        await using var primary = TestServer.Start();
        await using var replica = TestServer.Start();
        using var control = replica.ConnectRaw();
        Assert.That(control.Call("REPLICAOF", "127.0.0.1", primary.Port.ToString()), Is.EqualTo("+OK\r\n"));
        await EventuallyAsync(() => control.Call("INFO", "replication").Contains("master_link_status:up"), "the replica linked");
        using var sub = replica.ConnectRaw();
        sub.Call("SUBSCRIBE", "events");
        using var pub = primary.ConnectRaw();
        Assert.That(pub.Call("PUBLISH", "events", "from the primary"), Is.EqualTo(":0\r\n"), "no subscriber on the primary itself");
        Assert.That(sub.ReadReply(), Is.EqualTo("*3\r\n$7\r\nmessage\r\n$6\r\nevents\r\n$16\r\nfrom the primary\r\n"));
        // Both sides still agree on the stream (a PUBLISH is part of it).
        pub.Call("SET", "after", "1");
        await EventuallyAsync(() => control.Call("GET", "after") == "$1\r\n1\r\n", "the write after the PUBLISH replicated");
    }
}
