using System.Text;
using StackExchange.Redis;

namespace FastNode.IntegrationTests.Tracking;

/// <summary>
/// CLIENT TRACKING over real sockets, exact bytes: two connections under RESP3 (the reader gets `invalidate` pushes)
/// and RESP2 with REDIRECT to a subscribed connection (messages on `__redis__:invalidate`), for writes, MULTI/EXEC,
/// scripts, expiry, eviction, FLUSHALL/FLUSHDB, BCAST prefixes, OPTIN/OPTOUT, NOLOOP, tracking-table-max-keys, a
/// redirect client that goes away, RESET, INFO and CLIENT LIST; StackExchange.Redis as the RESP2 subscriber.
/// What a client was sent is read up to the reply of a PING it sends last, so no test waits on a timer.
/// </summary>
[NonParallelizable]
public sealed class ClientTrackingTests
{
    private TestServer _server = null!;

    [OneTimeSetUp]
    public void Start() => _server = TestServer.Start();

    [OneTimeTearDown]
    public async Task Stop() => await _server.DisposeAsync();

    [SetUp]
    public void Flush()
    {
        Probe.Call(_server.Port, "CONFIG", "SET", "tracking-table-max-keys", "1000000");
        Probe.Call(_server.Port, "FLUSHALL");
    }

    private static string Bulk(string s) => $"${Encoding.UTF8.GetByteCount(s)}\r\n{s}\r\n";

    private static string Keys(params string[] keys) => $"*{keys.Length}\r\n" + string.Concat(keys.Select(Bulk));

    /// <summary>The RESP3 push a tracking client gets.</summary>
    internal static string Invalidate(params string[] keys) => ">2\r\n$10\r\ninvalidate\r\n" + Keys(keys);

    /// <summary>The message a RESP2 redirect client subscribed to anything gets.</summary>
    internal static string Message(string payload) => "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n" + payload;

    private RawClient Resp3()
    {
        var client = RawClient.Connect(_server.Port);
        Assert.That(client.Call("HELLO", "3"), Does.StartWith("%7"));
        return client;
    }

    /// <summary>Everything the client was sent before the reply to a PING (pushes, or messages in subscribed mode).</summary>
    internal static List<string> Pending(RawClient client)
    {
        client.Send(Resp.Command("PING"));
        var received = new List<string>();
        while (true)
        {
            var reply = client.ReadReply();
            if (reply is "+PONG\r\n" or "*2\r\n$4\r\npong\r\n$0\r\n\r\n") return received;
            received.Add(reply);
        }
    }

    private static long Id(RawClient client) => long.Parse(client.Call("CLIENT", "ID")[1..].TrimEnd());

    [Test]
    public void AWriteByAnotherClientInvalidatesAKeyTheReaderRead()
    {
        using var reader = Resp3();
        using var writer = RawClient.Connect(_server.Port);
        Assert.That(reader.Call("CLIENT", "TRACKING", "on"), Is.EqualTo("+OK\r\n"));
        reader.Call("GET", "k");
        reader.Call("HGET", "h", "f");
        writer.Call("SET", "k", "1");
        writer.Call("HSET", "h", "f", "v");
        writer.Call("SET", "unread", "1");
        Assert.That(Pending(reader), Is.EqualTo(new[] { Invalidate("k"), Invalidate("h") }));

        // Invalidated once: the key is forgotten until read again.
        writer.Call("SET", "k", "2");
        Assert.That(Pending(reader), Is.Empty);
        reader.Call("MGET", "k", "j");
        writer.Call("MSET", "k", "3", "j", "4");
        Assert.That(Pending(reader), Is.EqualTo(new[] { Invalidate("k"), Invalidate("j") }));
    }

    [Test]
    public void TheClientsOwnWriteIsInvalidatedAfterItsReplyUnlessNoLoop()
    {
        using var client = Resp3();
        client.Call("CLIENT", "TRACKING", "on");
        client.Call("GET", "k");
        client.Send(Resp.Command("SET", "k", "1"));
        Assert.That(client.ReadReply(), Is.EqualTo("+OK\r\n"));
        Assert.That(client.ReadReply(), Is.EqualTo(Invalidate("k")));

        client.Call("CLIENT", "TRACKING", "on", "NOLOOP");
        client.Call("GET", "k");
        Assert.That(client.Call("SET", "k", "2"), Is.EqualTo("+OK\r\n"));
        Assert.That(Pending(client), Is.Empty, "NOLOOP: no invalidation of one's own write");
        using var other = RawClient.Connect(_server.Port);
        client.Call("GET", "k");
        other.Call("SET", "k", "3");
        Assert.That(Pending(client), Is.EqualTo(new[] { Invalidate("k") }), "NOLOOP still hears about other clients' writes");
    }

    [Test]
    public void FailedWritesAndReadsInvalidateNothing()
    {
        using var reader = Resp3();
        using var writer = RawClient.Connect(_server.Port);
        writer.Call("LPUSH", "list", "a");
        reader.Call("CLIENT", "TRACKING", "on");
        reader.Call("GET", "list");
        Assert.That(writer.Call("INCR", "list"), Does.StartWith("-WRONGTYPE"));
        writer.Call("LRANGE", "list", "0", "-1");
        Assert.That(Pending(reader), Is.Empty);
        writer.Call("DEL", "list");
        Assert.That(Pending(reader), Is.EqualTo(new[] { Invalidate("list") }), "a read that failed still tracks its key, as Redis");
    }

    [Test]
    public void MultiExecAndScriptsInvalidateTheirKeys()
    {
        using var reader = Resp3();
        using var writer = RawClient.Connect(_server.Port);
        reader.Call("CLIENT", "TRACKING", "on");
        reader.Call("MGET", "a", "b", "s");
        writer.Call("MULTI");
        writer.Call("SET", "a", "1");
        Assert.That(Pending(reader), Is.Empty, "a queued command changed nothing yet");
        writer.Call("INCR", "b");
        Assert.That(writer.Call("EXEC"), Is.EqualTo("*2\r\n+OK\r\n:1\r\n"));
        writer.Call("EVAL", "return redis.call('set', KEYS[1], 'x')", "1", "s");
        Assert.That(Pending(reader), Is.EqualTo(new[] { Invalidate("a"), Invalidate("b"), Invalidate("s") }));

        // A read inside a script tracks the key for the script's caller.
        reader.Call("EVAL", "return redis.call('get', KEYS[1])", "1", "s");
        writer.Call("DEL", "s");
        Assert.That(Pending(reader), Is.EqualTo(new[] { Invalidate("s") }));

        // The client's own MULTI: its invalidations follow the EXEC reply.
        reader.Call("GET", "own");
        reader.Call("MULTI");
        reader.Call("SET", "own", "1");
        reader.Send(Resp.Command("EXEC"));
        Assert.That(reader.ReadReply(), Is.EqualTo("*1\r\n+OK\r\n"));
        Assert.That(reader.ReadReply(), Is.EqualTo(Invalidate("own")));
    }

    [Test]
    public void ExpiryAndEvictionInvalidate()
    {
        using var reader = Resp3();
        using var writer = RawClient.Connect(_server.Port);
        reader.Call("CLIENT", "TRACKING", "on");
        writer.Call("SET", "short", "v", "PX", "50");
        reader.Call("GET", "short");
        var pushes = new List<string>();
        Probe.WaitUntil(() =>
        {
            pushes.AddRange(Pending(reader));
            return pushes.Count > 0;
        }, "the active expiry cycle removes the key and invalidates it");
        Assert.That(pushes, Is.EqualTo(new[] { Invalidate("short") }));

        writer.Call("SET", "big", new string('x', 50_000));
        reader.Call("GET", "big");
        try
        {
            writer.Call("CONFIG", "SET", "maxmemory-policy", "allkeys-random");
            writer.Call("CONFIG", "SET", "maxmemory", "1");
            writer.Call("SET", "trigger", "1");
            Assert.That(Pending(reader), Does.Contain(Invalidate("big")), "eviction invalidates");
        }
        finally
        {
            writer.Call("CONFIG", "SET", "maxmemory", "0");
            writer.Call("CONFIG", "SET", "maxmemory-policy", "noeviction");
        }
    }

    [Test]
    public void FlushSendsANullInvalidationToEveryTrackingClient()
    {
        using var resp3 = Resp3();
        using var bcast = Resp3();
        using var writer = RawClient.Connect(_server.Port);
        resp3.Call("CLIENT", "TRACKING", "on");
        bcast.Call("CLIENT", "TRACKING", "on", "BCAST", "NOLOOP");
        resp3.Call("GET", "k");
        writer.Call("FLUSHDB");
        Assert.That(Pending(resp3), Is.EqualTo(new[] { ">2\r\n$10\r\ninvalidate\r\n_\r\n" }));
        Assert.That(Pending(bcast), Is.EqualTo(new[] { ">2\r\n$10\r\ninvalidate\r\n_\r\n" }));
        Assert.That(Probe.Info(_server.Port, "stats")["tracking_total_keys"], Is.EqualTo("0"));

        // Its own FLUSHALL: after the reply.
        resp3.Send(Resp.Command("FLUSHALL"));
        Assert.That(resp3.ReadReply(), Is.EqualTo("+OK\r\n"));
        Assert.That(resp3.ReadReply(), Is.EqualTo(">2\r\n$10\r\ninvalidate\r\n_\r\n"));
    }

    [Test]
    public void Resp2RedirectSendsMessagesOnTheInvalidateChannel()
    {
        using var subscriber = RawClient.Connect(_server.Port);
        long id = Id(subscriber);
        subscriber.Call("SUBSCRIBE", "__redis__:invalidate");
        using var reader = RawClient.Connect(_server.Port);
        using var writer = RawClient.Connect(_server.Port);
        Assert.That(reader.Call("CLIENT", "TRACKING", "on", "REDIRECT", id.ToString()), Is.EqualTo("+OK\r\n"));
        Assert.That(reader.Call("CLIENT", "GETREDIR"), Is.EqualTo($":{id}\r\n"));
        reader.Call("GET", "k");
        writer.Call("SET", "k", "1");
        writer.Call("FLUSHALL");
        Assert.That(Pending(subscriber), Is.EqualTo(new[] { Message(Keys("k")), Message("$-1\r\n") }));
        Assert.That(Pending(reader), Is.Empty, "the tracking client itself gets nothing");

        // A RESP2 redirect client that is not subscribed cannot take pushes: nothing is sent.
        using var plain = RawClient.Connect(_server.Port);
        reader.Call("CLIENT", "TRACKING", "on", "REDIRECT", Id(plain).ToString());
        reader.Call("GET", "k");
        writer.Call("SET", "k", "2");
        Assert.That(Pending(plain), Is.Empty);
    }

    [Test]
    public void ARedirectToAResp3ClientGetsPushes()
    {
        using var target = Resp3();
        using var reader = RawClient.Connect(_server.Port);
        using var writer = RawClient.Connect(_server.Port);
        reader.Call("CLIENT", "TRACKING", "on", "REDIRECT", Id(target).ToString());
        reader.Call("GET", "k");
        writer.Call("SET", "k", "1");
        Assert.That(Pending(target), Is.EqualTo(new[] { Invalidate("k") }));
    }

    [Test]
    public void ARedirectClientThatWentAwayBreaksTheRedirect()
    {
        using var reader = Resp3();
        using var writer = RawClient.Connect(_server.Port);
        long id;
        using (var target = RawClient.Connect(_server.Port))
        {
            id = Id(target);
            reader.Call("CLIENT", "TRACKING", "on", "REDIRECT", id.ToString());
        }
        Probe.WaitUntil(() => !Probe.Call(_server.Port, "CLIENT", "LIST").Contains($"id={id} "), "the redirect client is gone");
        reader.Call("GET", "k");
        writer.Call("SET", "k", "1");
        Assert.That(Pending(reader), Is.EqualTo(new[] { $">2\r\n$21\r\ntracking-redir-broken\r\n:{id}\r\n" }));
        Assert.That(reader.Call("CLIENT", "TRACKINGINFO"),
            Is.EqualTo($"%3\r\n$5\r\nflags\r\n~2\r\n$2\r\non\r\n$15\r\nbroken_redirect\r\n$8\r\nredirect\r\n:{id}\r\n$8\r\nprefixes\r\n*0\r\n"));
        Assert.That(Probe.Call(_server.Port, "CLIENT", "LIST"), Does.Contain("flags=tR ").And.Contain($"redir={id} "));
    }

    [Test]
    public void BroadcastSendsEveryChangeUnderItsPrefixesSortedPerPrefix()
    {
        using var reader = Resp3();
        using var writer = RawClient.Connect(_server.Port);
        Assert.That(reader.Call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user:", "PREFIX", "obj:"), Is.EqualTo("+OK\r\n"));
        writer.Call("MSET", "user:2", "1", "user:1", "2", "obj:1", "3", "other", "4", "user:1", "5");
        Assert.That(Pending(reader), Is.EqualTo(new[] { Invalidate("obj:1"), Invalidate("user:1", "user:2") }));
        reader.Call("SET", "user:9", "x");
        Assert.That(Pending(reader), Is.EqualTo(new[] { Invalidate("user:9") }), "without NOLOOP its own writes too");
        Assert.That(Probe.Info(_server.Port, "stats")["tracking_total_prefixes"], Is.EqualTo("2"));
        Assert.That(Probe.Call(_server.Port, "CLIENT", "LIST"), Does.Contain("flags=tB "));

        reader.Call("CLIENT", "TRACKING", "off");
        reader.Call("CLIENT", "TRACKING", "on", "BCAST", "NOLOOP");
        reader.Call("SET", "mine", "1");
        writer.Call("SET", "theirs", "1");
        Assert.That(Pending(reader), Is.EqualTo(new[] { Invalidate("theirs") }), "the empty prefix covers every key; NOLOOP skips its own");
        reader.Call("CLIENT", "TRACKING", "off");
        Assert.That(Probe.Info(_server.Port, "stats")["tracking_total_prefixes"], Is.EqualTo("0"));
    }

    [Test]
    public void OptInAndOptOutFollowClientCaching()
    {
        using var reader = Resp3();
        using var writer = RawClient.Connect(_server.Port);
        reader.Call("CLIENT", "TRACKING", "on", "OPTIN");
        reader.Call("GET", "k1");
        reader.Call("CLIENT", "CACHING", "yes");
        reader.Call("GET", "k2");
        reader.Call("GET", "k3");
        writer.Call("MSET", "k1", "1", "k2", "2", "k3", "3");
        Assert.That(Pending(reader), Is.EqualTo(new[] { Invalidate("k2") }), "OPTIN: only the read right after CACHING yes");

        // CACHING yes before MULTI covers every read of the transaction.
        reader.Call("CLIENT", "CACHING", "yes");
        reader.Call("MULTI");
        reader.Call("GET", "k1");
        reader.Call("GET", "k3");
        reader.Call("EXEC");
        reader.Call("GET", "k2");
        writer.Call("MSET", "k1", "1", "k2", "2", "k3", "3");
        Assert.That(Pending(reader), Is.EqualTo(new[] { Invalidate("k1"), Invalidate("k3") }));

        reader.Call("CLIENT", "TRACKING", "off");
        reader.Call("CLIENT", "TRACKING", "on", "OPTOUT");
        reader.Call("GET", "k1");
        reader.Call("CLIENT", "CACHING", "no");
        reader.Call("GET", "k2");
        reader.Call("GET", "k3");
        writer.Call("MSET", "k1", "1", "k2", "2", "k3", "3");
        Assert.That(Pending(reader), Is.EqualTo(new[] { Invalidate("k1"), Invalidate("k3") }), "OPTOUT: all but the read after CACHING no");
    }

    [Test]
    public void TheTableLimitInvalidatesKeysToGetBackUnderIt()
    {
        using var reader = Resp3();
        reader.Call("CLIENT", "TRACKING", "on");
        reader.Call("MGET", "m1", "m2", "m3");
        Assert.That(Probe.Info(_server.Port, "stats")["tracking_total_keys"], Is.EqualTo("3"));
        Assert.That(Probe.Info(_server.Port, "stats")["tracking_total_items"], Is.EqualTo("3"));
        Probe.Call(_server.Port, "CONFIG", "SET", "tracking-table-max-keys", "1");
        var pushes = new List<string>();
        Probe.WaitUntil(() =>
        {
            pushes.AddRange(Pending(reader));
            return pushes.Count >= 2;
        }, "two keys are invalidated");
        Assert.That(pushes, Has.Count.EqualTo(2));
        Assert.That(pushes, Is.SubsetOf(new[] { Invalidate("m1"), Invalidate("m2"), Invalidate("m3") }));
        Assert.That(Probe.Info(_server.Port, "stats")["tracking_total_keys"], Is.EqualTo("1"));
        Assert.That(Probe.Call(_server.Port, "CONFIG", "GET", "tracking-table-max-keys"), Does.Contain("\n1"));
    }

    [Test]
    public void InfoClientListResetAndDisconnectKeepTheCountsRight()
    {
        var before = int.Parse(Probe.Info(_server.Port, "clients")["tracking_clients"]);
        using (var a = RawClient.Connect(_server.Port))
        {
            using var b = RawClient.Connect(_server.Port);
            a.Call("CLIENT", "TRACKING", "on");
            b.Call("CLIENT", "TRACKING", "on");
            b.Call("CLIENT", "TRACKING", "on", "NOLOOP");
            Assert.That(Probe.Info(_server.Port, "clients")["tracking_clients"], Is.EqualTo((before + 2).ToString()));
            Assert.That(a.Call("CLIENT", "INFO"), Does.Contain(" flags=t ").And.Contain(" redir=0 "));
            Assert.That(b.Call("RESET"), Is.EqualTo("+RESET\r\n"));
            Assert.That(b.Call("CLIENT", "TRACKINGINFO"),
                Is.EqualTo("*6\r\n$5\r\nflags\r\n*1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n"));
            Assert.That(b.Call("CLIENT", "GETREDIR"), Is.EqualTo(":-1\r\n"));
            Assert.That(Probe.Info(_server.Port, "clients")["tracking_clients"], Is.EqualTo((before + 1).ToString()));
        }
        Probe.WaitUntil(() => Probe.Info(_server.Port, "clients")["tracking_clients"] == before.ToString(), "a closed client stops tracking");
    }

    [Test]
    public void StackExchangeRedisSubscriberReceivesInvalidations()
    {
        using var mux = _server.ConnectMultiplexer();
        var received = new System.Collections.Concurrent.ConcurrentQueue<string>();
        mux.GetSubscriber().Subscribe(RedisChannel.Literal("__redis__:invalidate"), (_, message) => received.Enqueue(message.ToString()));
        // The multiplexer's subscription connection is the client subscribed to one channel.
        string? line = null;
        Probe.WaitUntil(() => (line = Probe.Call(_server.Port, "CLIENT", "LIST").Split('\n').FirstOrDefault(l => l.Contains(" flags=P "))) is not null,
            "the multiplexer's subscription connection is subscribed");
        string id = line!.Split(' ')[0]["id=".Length..];
        using var reader = RawClient.Connect(_server.Port);
        reader.Call("CLIENT", "TRACKING", "on", "REDIRECT", id);
        reader.Call("GET", "se-key");
        mux.GetDatabase().StringSet("se-key", "v");
        Probe.WaitUntil(() => !received.IsEmpty, "StackExchange.Redis delivers the invalidation");
        Assert.That(received.TryDequeue(out var payload) ? payload : null, Does.Contain("se-key"));
    }
}
