using StackExchange.Redis;

namespace FastNode.IntegrationTests;

/// <summary>Hash and set commands over a real socket, through StackExchange.Redis and raw RESP.</summary>
public sealed class HashSetIntegrationTests
{
    [Test]
    public async Task HashBasics()
    {
        await using var server = TestServer.Start();
        using var mux = server.ConnectMultiplexer();
        var db = mux.GetDatabase();
        Assert.That(db.HashSet("h", "a", "1"), Is.True);
        Assert.That(db.HashSet("h", "a", "one"), Is.False);
        db.HashSet("h", [new HashEntry("b", "2"), new HashEntry("c", "3")]);
        Assert.That(db.HashSet("h", "c", "x", When.NotExists), Is.False);
        Assert.That((string?)db.HashGet("h", "a"), Is.EqualTo("one"));
        Assert.That(db.HashGet("h", "missing").IsNull, Is.True);
        Assert.That(db.HashGet("h", ["a", "zz", "c"]).Select(v => (string?)v), Is.EqualTo(new[] { "one", null, "3" }));
        Assert.That(db.HashGetAll("h").ToDictionary(e => (string)e.Name!, e => (string)e.Value!),
            Is.EqualTo(new Dictionary<string, string> { ["a"] = "one", ["b"] = "2", ["c"] = "3" }));
        Assert.That(db.HashLength("h"), Is.EqualTo(3));
        Assert.That(db.HashExists("h", "b"), Is.True);
        Assert.That(db.HashKeys("h").Select(k => (string)k!), Is.EqualTo(new[] { "a", "b", "c" }));
        Assert.That(db.HashValues("h").Select(k => (string)k!), Is.EqualTo(new[] { "one", "2", "3" }));
        Assert.That(db.HashStringLength("h", "a"), Is.EqualTo(3));
        Assert.That(db.HashDelete("h", ["a", "b", "zz"]), Is.EqualTo(2));
        Assert.That(db.HashDelete("h", "c"), Is.True);
        Assert.That(db.KeyExists("h"), Is.False, "the empty hash is deleted");
        Assert.That(await db.HashGetAllAsync("h"), Is.Empty);
    }

    [Test]
    public async Task HashIncrements()
    {
        await using var server = TestServer.Start();
        using var mux = server.ConnectMultiplexer();
        var db = mux.GetDatabase();
        Assert.That(db.HashIncrement("h", "n", 5), Is.EqualTo(5));
        Assert.That(db.HashDecrement("h", "n", 7), Is.EqualTo(-2));
        // SE.Redis sends doubles with 17 significant digits, so stick to exactly representable ones here
        // (the long double formatting is covered byte for byte in RawRepliesMatchRedis).
        Assert.That(db.HashIncrement("h", "f", 0.5), Is.EqualTo(0.5));
        Assert.That(db.HashIncrement("h", "f", 0.25), Is.EqualTo(0.75));
        Assert.That((string?)db.HashGet("h", "f"), Is.EqualTo("0.75"));
        db.HashSet("h", "s", "abc");
        Assert.That(() => db.HashIncrement("h", "s", 1), Throws.TypeOf<RedisServerException>().With.Message.EqualTo("ERR hash value is not an integer"));
        Assert.That(() => db.HashIncrement("h", "s", 1.5), Throws.TypeOf<RedisServerException>().With.Message.EqualTo("ERR hash value is not a float"));
        db.StringSet("str", "x");
        Assert.That(() => db.HashIncrement("str", "n", 1), Throws.TypeOf<RedisServerException>().With.Message.StartsWith("WRONGTYPE"));
    }

    [Test]
    public async Task HashScanAndRandomFieldsOnALargeHash()
    {
        await using var server = TestServer.Start();
        using var mux = server.ConnectMultiplexer();
        var db = mux.GetDatabase();
        db.HashSet("h", Enumerable.Range(0, 1000).Select(i => new HashEntry("field:" + i, "v" + i)).ToArray());
        Assert.That(db.KeyEncoding("h"), Is.EqualTo("hashtable"));
        var all = db.HashScan("h", pageSize: 25).ToList();
        Assert.That(all, Has.Count.EqualTo(1000));
        Assert.That(all.Select(e => (string)e.Name!), Is.Unique);
        Assert.That(all.All(e => (string)e.Value! == "v" + ((string)e.Name!).Substring(6)), Is.True);
        var matched = db.HashScan("h", "field:99*", pageSize: 100).Select(e => (string)e.Name!).ToList();
        Assert.That(matched, Is.EquivalentTo(new[] { "field:99", "field:990", "field:991", "field:992", "field:993", "field:994", "field:995", "field:996", "field:997", "field:998", "field:999" }));

        Assert.That(((string?)db.HashRandomField("h"))!, Does.StartWith("field:"));
        Assert.That(db.HashRandomFields("h", 10), Has.Length.EqualTo(10).And.Unique);
        var withValues = db.HashRandomFieldsWithValues("h", -30);
        Assert.That(withValues, Has.Length.EqualTo(30));
        Assert.That(withValues.All(e => (string)e.Value! == "v" + ((string)e.Name!).Substring(6)), Is.True);
        Assert.That(db.HashRandomField("missing").IsNull, Is.True);
    }

    [Test]
    public async Task SetBasics()
    {
        await using var server = TestServer.Start();
        using var mux = server.ConnectMultiplexer();
        var db = mux.GetDatabase();
        Assert.That(db.SetAdd("s", "a"), Is.True);
        Assert.That(db.SetAdd("s", ["a", "b", "c"]), Is.EqualTo(2));
        Assert.That(db.SetMembers("s").Select(m => (string)m!), Is.EquivalentTo(new[] { "a", "b", "c" }));
        Assert.That(db.SetContains("s", "b"), Is.True);
        Assert.That(db.SetContains("s", ["a", "zz"]), Is.EqualTo(new[] { true, false }));
        Assert.That(db.SetLength("s"), Is.EqualTo(3));
        Assert.That(db.SetRemove("s", ["a", "zz"]), Is.EqualTo(1));
        Assert.That(db.SetMove("s", "t", "b"), Is.True);
        Assert.That(db.SetMove("s", "t", "b"), Is.False);
        Assert.That(((string?)db.SetPop("s"))!, Is.EqualTo("c"));
        Assert.That(db.KeyExists("s"), Is.False, "the empty set is deleted");
        Assert.That(db.SetPop("s").IsNull, Is.True);
        db.SetAdd("n", ["5", "1", "3"]);
        Assert.That(db.KeyEncoding("n"), Is.EqualTo("intset"));
        Assert.That(db.SetMembers("n").Select(m => (string)m!), Is.EqualTo(new[] { "1", "3", "5" }));
        Assert.That(db.SetPop("n", 5).Select(m => (string)m!), Is.EqualTo(new[] { "1", "3", "5" }));
        Assert.That(db.KeyExists("n"), Is.False);
        Assert.That(await db.SetMembersAsync("n"), Is.Empty);
        db.StringSet("str", "x");
        Assert.That(() => db.SetAdd("str", "a"), Throws.TypeOf<RedisServerException>().With.Message.StartsWith("WRONGTYPE"));
    }

    [Test]
    public async Task SetCombineAndStore()
    {
        await using var server = TestServer.Start();
        using var mux = server.ConnectMultiplexer();
        var db = mux.GetDatabase();
        db.SetAdd("a", ["1", "2", "3", "x"]);
        db.SetAdd("b", ["2", "3", "4", "x"]);
        static string[] S(RedisValue[] values) => values.Select(v => (string)v!).ToArray();
        Assert.That(S(db.SetCombine(SetOperation.Intersect, "a", "b")), Is.EquivalentTo(new[] { "2", "3", "x" }));
        Assert.That(S(db.SetCombine(SetOperation.Union, ["a", "b", "missing"])), Is.EquivalentTo(new[] { "1", "2", "3", "4", "x" }));
        Assert.That(S(db.SetCombine(SetOperation.Difference, "a", "b")), Is.EquivalentTo(new[] { "1" }));
        Assert.That(db.SetCombineAndStore(SetOperation.Union, "u", "a", "b"), Is.EqualTo(5));
        Assert.That(db.SetCombineAndStore(SetOperation.Intersect, "i", ["a", "b"]), Is.EqualTo(3));
        Assert.That(db.SetCombineAndStore(SetOperation.Difference, "d", "b", "a"), Is.EqualTo(1));
        Assert.That(S(db.SetMembers("d")), Is.EqualTo(new[] { "4" }));
        Assert.That(db.SetCombineAndStore(SetOperation.Intersect, "d", "a", "missing"), Is.EqualTo(0));
        Assert.That(db.KeyExists("d"), Is.False);
        Assert.That(db.SetIntersectionLength(["a", "b"]), Is.EqualTo(3));
        Assert.That(db.SetIntersectionLength(["a", "b"], limit: 2), Is.EqualTo(2));
    }

    [Test]
    public async Task SetScanRandomAndPopOnALargeSet()
    {
        await using var server = TestServer.Start();
        using var mux = server.ConnectMultiplexer();
        var db = mux.GetDatabase();
        db.SetAdd("s", Enumerable.Range(0, 1000).Select(i => (RedisValue)("m" + i)).ToArray());
        var scanned = db.SetScan("s", pageSize: 30).Select(m => (string)m!).ToList();
        Assert.That(scanned, Has.Count.EqualTo(1000).And.Unique);
        Assert.That(db.SetScan("s", "m99?").Select(m => (string)m!), Is.EquivalentTo(Enumerable.Range(990, 10).Select(i => "m" + i)));
        Assert.That(db.SetRandomMembers("s", 50), Has.Length.EqualTo(50).And.Unique);
        Assert.That(db.SetRandomMembers("s", -50), Has.Length.EqualTo(50));
        Assert.That(((string?)db.SetRandomMember("s"))!, Does.StartWith("m"));
        var popped = db.SetPop("s", 400).Select(m => (string)m!).ToList();
        Assert.That(popped, Has.Count.EqualTo(400).And.Unique);
        Assert.That(db.SetLength("s"), Is.EqualTo(600));
        Assert.That(db.SetContains("s", popped.Select(m => (RedisValue)m).ToArray()), Has.All.False);
    }

    [Test]
    public async Task RawRepliesMatchRedis()
    {
        await using var server = TestServer.Start();
        using var raw = server.ConnectRaw();
        Assert.That(raw.Call("HSET", "h", "a", "1", "b", "2"), Is.EqualTo(":2\r\n"));
        Assert.That(raw.Call("HGETALL", "h"), Is.EqualTo("*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"));
        Assert.That(raw.Call("HINCRBYFLOAT", "h", "f", "1000.1"), Is.EqualTo("$22\r\n1000.09999999999999998\r\n"));
        Assert.That(raw.Call("HSET", "h", "odd"), Is.EqualTo("-ERR wrong number of arguments for 'hset' command\r\n"));
        Assert.That(raw.Call("SADD", "s", "3", "1", "2"), Is.EqualTo(":3\r\n"));
        Assert.That(raw.Call("SMEMBERS", "s"), Is.EqualTo("*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"));
        Assert.That(raw.Call("SINTERCARD", "0", "s"), Is.EqualTo("-ERR numkeys should be greater than 0\r\n"));
        Assert.That(raw.Call("SPOP", "s", "-1"), Is.EqualTo("-ERR value is out of range, must be positive\r\n"));
        Assert.That(raw.Call("SADD", "h", "x"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
    }
}
