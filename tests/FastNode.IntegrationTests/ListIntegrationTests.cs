using System.Collections.Concurrent;
using StackExchange.Redis;

namespace FastNode.IntegrationTests;

/// <summary>
/// The list family over a real socket: StackExchange.Redis's list API, raw blocking commands, and many blocked
/// consumers racing one producer (every element must be delivered exactly once).
/// </summary>
public sealed class ListIntegrationTests
{
    private static string[] Strings(RedisValue[] values)
    {
        var result = new string[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = values[i]!;
        return result;
    }

    [Test]
    public async Task PushRangePopAndLength()
    {
        await using var server = TestServer.Start();
        using var mux = server.ConnectMultiplexer();
        var db = mux.GetDatabase();
        Assert.That(db.ListLeftPush("l", "b"), Is.EqualTo(1));
        Assert.That(db.ListLeftPush("l", ["a", "z"]), Is.EqualTo(3));
        Assert.That(db.ListRightPush("l", ["c", "d"]), Is.EqualTo(5));
        Assert.That(db.ListLeftPush("nx", "a", When.Exists), Is.EqualTo(0));
        Assert.That(Strings(db.ListRange("l")), Is.EqualTo(new[] { "z", "a", "b", "c", "d" }));
        Assert.That(Strings(db.ListRange("l", 1, -2)), Is.EqualTo(new[] { "a", "b", "c" }));
        Assert.That(db.ListLength("l"), Is.EqualTo(5));
        Assert.That((string?)db.ListLeftPop("l"), Is.EqualTo("z"));
        Assert.That((string?)db.ListRightPop("l"), Is.EqualTo("d"));
        Assert.That(Strings(db.ListLeftPop("l", 2)), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(Strings(db.ListRightPop("l", 5)), Is.EqualTo(new[] { "c" }));
        Assert.That(db.KeyExists("l"), Is.False);
        Assert.That(db.ListLeftPop("l").IsNull, Is.True);
        Assert.That(db.ListLeftPop("l", 3), Is.Null);
        Assert.That(await db.ListLengthAsync("l"), Is.EqualTo(0));
        Assert.That(db.KeyType("nx"), Is.EqualTo(RedisType.None));
    }

    [Test]
    public async Task IndexInsertRemoveTrimAndPosition()
    {
        await using var server = TestServer.Start();
        using var mux = server.ConnectMultiplexer();
        var db = mux.GetDatabase();
        db.ListRightPush("l", ["a", "b", "c", "a", "b", "c", "a"]);
        Assert.That((string?)db.ListGetByIndex("l", -1), Is.EqualTo("a"));
        Assert.That(db.ListGetByIndex("l", 99).IsNull, Is.True);
        db.ListSetByIndex("l", 1, "B");
        Assert.That(() => db.ListSetByIndex("l", 99, "x"), Throws.TypeOf<RedisServerException>().With.Message.EqualTo("ERR index out of range"));
        Assert.That(() => db.ListSetByIndex("missing", 0, "x"), Throws.TypeOf<RedisServerException>().With.Message.EqualTo("ERR no such key"));
        Assert.That(db.ListPosition("l", "a"), Is.EqualTo(0));
        Assert.That(db.ListPosition("l", "a", rank: -1), Is.EqualTo(6));
        Assert.That(db.ListPosition("l", "zz"), Is.EqualTo(-1));
        Assert.That(db.ListPositions("l", "a", 0), Is.EqualTo(new long[] { 0, 3, 6 }));
        Assert.That(db.ListPositions("l", "a", 2, rank: -1), Is.EqualTo(new long[] { 6, 3 }));
        Assert.That(db.ListPositions("l", "c", 0, maxLength: 3), Is.EqualTo(new long[] { 2 }));
        Assert.That(db.ListInsertBefore("l", "B", "x"), Is.EqualTo(8));
        Assert.That(db.ListInsertAfter("l", "nope", "y"), Is.EqualTo(-1));
        Assert.That(db.ListRemove("l", "a", -2), Is.EqualTo(2));
        Assert.That(Strings(db.ListRange("l")), Is.EqualTo(new[] { "a", "x", "B", "c", "b", "c" }));
        db.ListTrim("l", 1, 3);
        Assert.That(Strings(db.ListRange("l")), Is.EqualTo(new[] { "x", "B", "c" }));
        db.ListTrim("l", 5, 10);
        Assert.That(db.KeyExists("l"), Is.False);
    }

    [Test]
    public async Task MoveAndMultiPop()
    {
        await using var server = TestServer.Start();
        using var mux = server.ConnectMultiplexer();
        var db = mux.GetDatabase();
        db.ListRightPush("src", ["1", "2", "3"]);
        Assert.That((string?)db.ListMove("src", "dst", ListSide.Left, ListSide.Right), Is.EqualTo("1"));
        Assert.That((string?)db.ListRightPopLeftPush("src", "dst"), Is.EqualTo("3"));
        Assert.That(Strings(db.ListRange("dst")), Is.EqualTo(new[] { "3", "1" }));
        Assert.That(db.ListMove("missing", "dst", ListSide.Left, ListSide.Left).IsNull, Is.True);
        var popped = db.ListLeftPop(["missing", "dst"], 5);
        Assert.That(popped.IsNull, Is.False);
        Assert.That((string?)popped.Key, Is.EqualTo("dst"));
        Assert.That(Strings(popped.Values), Is.EqualTo(new[] { "3", "1" }));
        Assert.That(db.ListRightPop(["missing", "dst"], 1).IsNull, Is.True);
        db.StringSet("s", "v");
        Assert.That(() => db.ListLeftPush("s", "x"), Throws.TypeOf<RedisServerException>().With.Message.StartsWith("WRONGTYPE"));
        Assert.That(() => db.ListMove("src", "s", ListSide.Left, ListSide.Left), Throws.TypeOf<RedisServerException>().With.Message.StartsWith("WRONGTYPE"));
        Assert.That(Strings(db.ListRange("src")), Is.EqualTo(new[] { "2" }));
    }

    [Test]
    public async Task BlockingPopOverRawSockets()
    {
        await using var server = TestServer.Start();
        using var waiter = server.ConnectRaw();
        using var pusher = server.ConnectRaw();
        Assert.That(waiter.Call("BLPOP", "k", "0.05"), Is.EqualTo("*-1\r\n"));
        waiter.Send(Resp.Command("BRPOP", "a", "k", "0"));
        await WaitForBlockedClientsAsync(pusher, 1);
        Assert.That(pusher.Call("RPUSH", "k", "x", "y"), Is.EqualTo(":2\r\n"));
        Assert.That(waiter.ReadReply(), Is.EqualTo("*2\r\n$1\r\nk\r\n$1\r\ny\r\n"));
        waiter.Send(Resp.Command("BLMOVE", "k", "d", "LEFT", "LEFT", "0"));
        Assert.That(waiter.ReadReply(), Is.EqualTo("$1\r\nx\r\n"));
        Assert.That(pusher.Call("LRANGE", "d", "0", "-1"), Is.EqualTo("*1\r\n$1\r\nx\r\n"));
    }

    [Test]
    public async Task TenBlockedConsumersReceiveEveryElementExactlyOnce()
    {
        const int consumers = 10, elements = 1000;
        await using var server = TestServer.Start();
        var received = new ConcurrentDictionary<string, int>();
        var clients = new List<RawClient>();
        for (int i = 0; i < consumers; i++) clients.Add(server.ConnectRaw());
        using var producer = server.ConnectRaw();
        try
        {
            var tasks = new List<Task>();
            foreach (var client in clients)
            {
                tasks.Add(Task.Run(() =>
                {
                    while (true)
                    {
                        // Alternate the ends and forms; a consumer stops at the first "stop" it pops.
                        string reply = client.Call("BLPOP", "other", "queue", "20");
                        Assert.That(reply, Does.StartWith("*2\r\n$5\r\nqueue\r\n"), "no timeout while elements keep coming");
                        string value = reply.Substring(reply.LastIndexOf("\r\n", reply.Length - 3, StringComparison.Ordinal) + 2).TrimEnd('\r', '\n');
                        if (value == "stop") return;
                        received.AddOrUpdate(value, 1, static (_, n) => n + 1);
                    }
                }));
            }
            await WaitForBlockedClientsAsync(producer, consumers);
            var random = new Random(7);
            int next = 0;
            while (next < elements)
            {
                int batch = Math.Min(random.Next(1, 6), elements - next);
                var command = new List<string> { random.Next(2) == 0 ? "RPUSH" : "LPUSH", "queue" };
                for (int i = 0; i < batch; i++) command.Add($"e{next++}");
                Assert.That(producer.Call(command.ToArray()), Does.StartWith(":"));
            }
            // One stop per consumer, after every element: FIFO per key means each consumer sees its stop last.
            for (int i = 0; i < consumers; i++) producer.Call("RPUSH", "queue", "stop");
            await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60));
            Assert.That(received, Has.Count.EqualTo(elements));
            foreach (var (value, count) in received) Assert.That(count, Is.EqualTo(1), value);
            Assert.That(producer.Call("EXISTS", "queue"), Is.EqualTo(":0\r\n"));
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
    }

    [Test]
    public async Task ConcurrentBlockingMovesLoseAndDuplicateNothing()
    {
        const int movers = 6, elements = 600;
        await using var server = TestServer.Start();
        var clients = new List<RawClient>();
        for (int i = 0; i < movers; i++) clients.Add(server.ConnectRaw());
        using var producer = server.ConnectRaw();
        try
        {
            var tasks = new List<Task<int>>();
            for (int m = 0; m < movers; m++)
            {
                var client = clients[m];
                string destination = $"done{m}";
                tasks.Add(Task.Run(() =>
                {
                    int moved = 0;
                    while (true)
                    {
                        string reply = client.Call("BLMOVE", "jobs", destination, "LEFT", "RIGHT", "20");
                        Assert.That(reply, Does.StartWith("$"), "no timeout while elements keep coming");
                        if (reply.EndsWith("\r\nstop\r\n", StringComparison.Ordinal)) return moved;
                        moved++;
                    }
                }));
            }
            await WaitForBlockedClientsAsync(producer, movers);
            for (int i = 0; i < elements; i++) producer.Call("RPUSH", "jobs", $"j{i}");
            for (int i = 0; i < movers; i++) producer.Call("RPUSH", "jobs", "stop");
            var counts = await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60));
            int total = 0;
            foreach (int n in counts) total += n;
            Assert.That(total, Is.EqualTo(elements));

            using var mux = server.ConnectMultiplexer();
            var db = mux.GetDatabase();
            var all = new HashSet<string>();
            for (int m = 0; m < movers; m++)
            {
                foreach (var value in db.ListRange($"done{m}"))
                {
                    if (value != "stop") Assert.That(all.Add(value!), Is.True, $"{value} moved twice");
                }
            }
            Assert.That(all, Has.Count.EqualTo(elements));
            Assert.That(db.KeyExists("jobs"), Is.False);
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
    }

    /// <summary>Waits (bounded) until INFO reports <paramref name="count"/> blocked clients.</summary>
    private static async Task WaitForBlockedClientsAsync(RawClient admin, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!admin.Call("INFO", "clients").Contains($"blocked_clients:{count}\r\n", StringComparison.Ordinal))
        {
            await Task.Delay(5, timeout.Token);
        }
    }
}
