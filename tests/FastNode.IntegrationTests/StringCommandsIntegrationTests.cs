using System.Net.Sockets;
using System.Text;
using StackExchange.Redis;

namespace FastNode.IntegrationTests;

/// <summary>The string family over a real socket: StackExchange.Redis's string API, large values and concurrent INCR.</summary>
public sealed class StringCommandsIntegrationTests
{
    [Test]
    public async Task StringSetWithExpiryAndConditions()
    {
        await using var server = TestServer.Start();
        using var mux = server.ConnectMultiplexer();
        var db = mux.GetDatabase();

        Assert.That(db.StringSet("k", "v1", TimeSpan.FromSeconds(100), When.NotExists), Is.True);
        Assert.That(db.StringSet("k", "v2", when: When.NotExists), Is.False);
        Assert.That((string?)db.StringGet("k"), Is.EqualTo("v1"));
        var ttl = db.KeyTimeToLive("k");
        Assert.That(ttl, Is.Not.Null.And.GreaterThan(TimeSpan.FromSeconds(90)).And.LessThanOrEqualTo(TimeSpan.FromSeconds(100)));

        Assert.That(db.StringSet("k", "v3", when: When.Exists, keepTtl: true), Is.True);
        Assert.That((string?)db.StringGet("k"), Is.EqualTo("v3"));
        Assert.That(db.KeyTimeToLive("k"), Is.Not.Null, "KEEPTTL kept the TTL");
        Assert.That(db.StringSet("missing", "x", when: When.Exists), Is.False);
        Assert.That(db.KeyExists("missing"), Is.False);

        Assert.That(db.StringSet("k", "v4", TimeSpan.FromMilliseconds(1500)), Is.True);
        Assert.That(db.KeyTimeToLive("k"), Is.Not.Null.And.LessThanOrEqualTo(TimeSpan.FromMilliseconds(1500)));
        Assert.That(db.StringSet("k", "v5"), Is.True);
        Assert.That(db.KeyTimeToLive("k"), Is.Null, "a plain SET clears the TTL");

        Assert.That((string?)db.StringSetAndGet("k", "v6"), Is.EqualTo("v5"));
        Assert.That((string?)db.StringGetSet("k", "v7"), Is.EqualTo("v6"));
        Assert.That((string?)db.StringGet("k"), Is.EqualTo("v7"));
        Assert.That(() => db.Execute("SET", "k", "v", "NX", "XX"),
            Throws.TypeOf<RedisServerException>().With.Message.EqualTo("ERR syntax error"));
        Assert.That(() => db.Execute("SET", "k", "v", "EX", "0"),
            Throws.TypeOf<RedisServerException>().With.Message.EqualTo("ERR invalid expire time in 'set' command"));
    }

    [Test]
    public async Task MultiKeyGetAndSet()
    {
        await using var server = TestServer.Start();
        using var mux = server.ConnectMultiplexer();
        var db = mux.GetDatabase();

        var pairs = new KeyValuePair<RedisKey, RedisValue>[20];
        for (int i = 0; i < pairs.Length; i++) pairs[i] = new($"key:{i}", $"value:{i}");
        Assert.That(db.StringSet(pairs), Is.True);
        var keys = new RedisKey[] { "key:0", "missing", "key:19", "key:7" };
        var values = db.StringGet(keys);
        Assert.That(values.Select(v => (string?)v), Is.EqualTo(new[] { "value:0", null, "value:19", "value:7" }));

        Assert.That(db.StringSet([new("key:0", "x"), new("fresh", "y")], When.NotExists), Is.False);
        Assert.That(db.KeyExists("fresh"), Is.False);
        Assert.That(db.StringSet([new("fresh", "y"), new("fresh2", "z")], When.NotExists), Is.True);
        Assert.That(db.StringGet(["fresh", "fresh2"]).Select(v => (string?)v), Is.EqualTo(new[] { "y", "z" }));
    }

    [Test]
    public async Task AppendLengthRangesAndCounters()
    {
        await using var server = TestServer.Start();
        using var mux = server.ConnectMultiplexer();
        var db = mux.GetDatabase();

        Assert.That(db.StringAppend("s", "Hello"), Is.EqualTo(5));
        Assert.That(db.StringAppend("s", " World"), Is.EqualTo(11));
        Assert.That(db.StringLength("s"), Is.EqualTo(11));
        Assert.That(db.StringLength("nothing"), Is.EqualTo(0));
        Assert.That((string?)db.StringGetRange("s", 0, 4), Is.EqualTo("Hello"));
        Assert.That((string?)db.StringGetRange("s", -5, -1), Is.EqualTo("World"));
        Assert.That((string?)db.StringSetRange("s", 6, "Redis"), Is.EqualTo("11"));
        Assert.That((string?)db.StringGet("s"), Is.EqualTo("Hello Redis"));
        Assert.That((long)db.StringSetRange("padded", 3, "x"), Is.EqualTo(4));
        Assert.That((string?)db.StringGet("padded"), Is.EqualTo("\0\0\0x"));

        Assert.That(db.StringIncrement("n"), Is.EqualTo(1));
        Assert.That(db.StringIncrement("n", 41), Is.EqualTo(42));
        Assert.That(db.StringDecrement("n", 2), Is.EqualTo(40));
        Assert.That(db.StringIncrement("f", 10.5), Is.EqualTo(10.5));
        Assert.That(db.StringIncrement("f", -0.25), Is.EqualTo(10.25));
        Assert.That((string?)db.StringGet("f"), Is.EqualTo("10.25"));
        // SE.Redis sends a double with 17 significant digits (0.1 goes out as "0.10000000000000001"), and Redis adds
        // that in long double, so the text result keeps the tail, exactly as redis-server 7.0 answers.
        Assert.That(db.StringIncrement("f", 0.35), Is.EqualTo(10.6));
        Assert.That((string?)db.StringGet("f"), Is.EqualTo("10.59999999999999998"));
        Assert.That((string?)db.Execute("INCRBYFLOAT", "g", "10.5"), Is.EqualTo("10.5"));
        Assert.That((string?)db.Execute("INCRBYFLOAT", "g", "0.1"), Is.EqualTo("10.6"));
        Assert.That(() => db.StringIncrement("s", 1),
            Throws.TypeOf<RedisServerException>().With.Message.EqualTo("ERR value is not an integer or out of range"));
        Assert.That(() => db.StringIncrement("s", 1.5),
            Throws.TypeOf<RedisServerException>().With.Message.EqualTo("ERR value is not a valid float"));
    }

    [Test]
    public async Task GetDeleteAndGetWithExpiry()
    {
        await using var server = TestServer.Start();
        using var mux = server.ConnectMultiplexer();
        var db = mux.GetDatabase();

        db.StringSet("k", "v");
        Assert.That((string?)db.StringGetSetExpiry("k", TimeSpan.FromSeconds(60)), Is.EqualTo("v"));
        Assert.That(db.KeyTimeToLive("k"), Is.Not.Null.And.GreaterThan(TimeSpan.FromSeconds(50)));
        Assert.That((string?)db.StringGetSetExpiry("k", null), Is.EqualTo("v"));
        Assert.That(db.KeyTimeToLive("k"), Is.Null, "a null expiry sends PERSIST");
        Assert.That((string?)db.StringGetSetExpiry("k", DateTime.UtcNow.AddHours(1)), Is.EqualTo("v"));
        Assert.That(db.KeyTimeToLive("k"), Is.Not.Null.And.GreaterThan(TimeSpan.FromMinutes(59)));
        Assert.That((string?)db.StringGetSetExpiry("missing", TimeSpan.FromSeconds(1)), Is.Null);

        Assert.That((string?)db.StringGetDelete("k"), Is.EqualTo("v"));
        Assert.That(db.KeyExists("k"), Is.False);
        Assert.That((string?)db.StringGetDelete("k"), Is.Null);
    }

    [Test]
    public async Task LongestCommonSubsequence()
    {
        await using var server = TestServer.Start();
        using var mux = server.ConnectMultiplexer();
        var db = mux.GetDatabase();

        db.StringSet([new("a", "ohmytext"), new("b", "mynewtext")]);
        Assert.That(db.StringLongestCommonSubsequence("a", "b"), Is.EqualTo("mytext"));
        Assert.That(db.StringLongestCommonSubsequenceLength("a", "b"), Is.EqualTo(6));
        var result = db.StringLongestCommonSubsequenceWithMatches("a", "b", minLength: 4);
        Assert.That(result.LongestMatchLength, Is.EqualTo(6));
        Assert.That(result.Matches, Has.Length.EqualTo(1));
        Assert.That(result.Matches[0].FirstStringIndex, Is.EqualTo(4));
        Assert.That(result.Matches[0].SecondStringIndex, Is.EqualTo(5));
        Assert.That(result.Matches[0].Length, Is.EqualTo(4));
    }

    [Test]
    public async Task OneMegabyteValueRoundTrips()
    {
        await using var server = TestServer.Start();
        using var mux = server.ConnectMultiplexer();
        var db = mux.GetDatabase();

        var value = new byte[1024 * 1024];
        new Random(42).NextBytes(value);
        Assert.That(db.StringSet("big", value), Is.True);
        Assert.That((byte[]?)db.StringGet("big"), Is.EqualTo(value));
        Assert.That(db.StringLength("big"), Is.EqualTo(value.Length));
        Assert.That((byte[]?)db.StringGetRange("big", 500_000, 500_099), Is.EqualTo(value.AsSpan(500_000, 100).ToArray()));

        Assert.That(db.StringAppend("big", new byte[] { 1, 2, 3 }), Is.EqualTo(value.Length + 3));
        var appended = value.Concat(new byte[] { 1, 2, 3 }).ToArray();
        Assert.That((byte[]?)db.StringGet("big"), Is.EqualTo(appended));

        using var raw = server.ConnectRaw();
        var reply = raw.Call("MGET", "big", "none");
        Assert.That(reply, Does.StartWith($"*2\r\n${appended.Length}\r\n"));
        Assert.That(reply, Does.EndWith("\r\n$-1\r\n"));
    }

    [Test]
    public async Task FiftyClientsIncrementingOneKeyLoseNoUpdate()
    {
        const int Clients = 50, PerClient = 1000, Batch = 50;
        await using var server = TestServer.Start();
        var request = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(Resp.CommandText("INCR", "counter"), Batch)));
        var clients = new RawClient[Clients];
        for (int i = 0; i < Clients; i++) clients[i] = server.ConnectRaw();
        try
        {
            // Each client pipelines its INCRs in batches; every reply is a distinct counter value.
            // Dedicated threads: the clients block on their sockets and must not starve the in-process server's pool.
            var workers = clients.Select(client => Task.Factory.StartNew(() =>
            {
                var seen = new List<long>(PerClient);
                for (int sent = 0; sent < PerClient; sent += Batch)
                {
                    client.Send(request);
                    for (int r = 0; r < Batch; r++)
                    {
                        var reply = client.ReadReply(timeoutMs: 30_000);
                        if (reply[0] != ':') throw new InvalidOperationException("unexpected reply " + reply);
                        seen.Add(long.Parse(reply.AsSpan(1, reply.Length - 3)));
                    }
                }
                return seen;
            }, TaskCreationOptions.LongRunning)).ToArray();
            var all = await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));

            using var check = server.ConnectRaw();
            Assert.That(check.Call("GET", "counter"), Is.EqualTo("$5\r\n50000\r\n"));
            var values = all.SelectMany(v => v).OrderBy(v => v).ToArray();
            Assert.That(values, Is.EqualTo(Enumerable.Range(1, Clients * PerClient).Select(v => (long)v).ToArray()));
            foreach (var perClient in all) Assert.That(perClient, Is.Ordered.Ascending);
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
    }

    [Test]
    public async Task ErrorRepliesAreExactOverTheWire()
    {
        await using var server = TestServer.Start();
        using var raw = server.ConnectRaw();
        Assert.That(raw.Call("SET", "k", "abc"), Is.EqualTo("+OK\r\n"));
        Assert.That(raw.Call("INCR", "k"), Is.EqualTo("-ERR value is not an integer or out of range\r\n"));
        Assert.That(raw.Call("INCRBYFLOAT", "k", "1"), Is.EqualTo("-ERR value is not a valid float\r\n"));
        Assert.That(raw.Call("SETRANGE", "k", "-1", "x"), Is.EqualTo("-ERR offset is out of range\r\n"));
        Assert.That(raw.Call("SETRANGE", "k", "536870912", "x"), Is.EqualTo("-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n"));
        Assert.That(raw.Call("MSET", "a", "1", "b"), Is.EqualTo("-ERR wrong number of arguments for 'mset' command\r\n"));
        Assert.That(raw.Call("GETEX", "k", "PERSIST", "EX", "1"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(raw.Call("SET", "k", "v", "EX", "abc"), Is.EqualTo("-ERR value is not an integer or out of range\r\n"));
        Assert.That(raw.Call("GET", "k"), Is.EqualTo("$3\r\nabc\r\n"));
    }
}
