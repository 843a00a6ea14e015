using System.Text;
using FastNode.Server.Storage;
using StackExchange.Redis;

namespace FastNode.IntegrationTests;

/// <summary>Key and expiry commands over a real socket, through StackExchange.Redis and raw RESP.</summary>
public sealed class KeyCommandsIntegrationTests
{
    [Test]
    public async Task DeleteExistsTypeAndRename()
    {
        await using var server = TestServer.Start();
        using var mux = server.ConnectMultiplexer();
        var db = mux.GetDatabase();
        db.StringSet("a", "1");
        db.StringSet("b", "2");
        Assert.That(db.KeyExists("a"), Is.True);
        Assert.That(db.KeyExists(["a", "b", "c", "a"]), Is.EqualTo(3));
        Assert.That(db.KeyType("a"), Is.EqualTo(RedisType.String));
        Assert.That(db.KeyType("c"), Is.EqualTo(RedisType.None));
        Assert.That(db.KeyDelete(["a", "c"]), Is.EqualTo(1));
        Assert.That(db.KeyDelete("a"), Is.False);
        Assert.That(db.KeyRename("b", "c"), Is.True);
        Assert.That((string?)db.StringGet("c"), Is.EqualTo("2"));
        db.StringSet("d", "4");
        Assert.That(db.KeyRename("c", "d", When.NotExists), Is.False);
        Assert.That(db.KeyTouch(["c", "d", "zz"]), Is.EqualTo(2));
        Assert.That(() => db.KeyRename("missing", "x"), Throws.TypeOf<RedisServerException>().With.Message.EqualTo("ERR no such key"));
        Assert.That(db.KeyEncoding("d"), Is.EqualTo("int"));
        Assert.That(db.KeyRefCount("missing"), Is.Null);
        // Idle time counts whole seconds since the TOUCH above: 0, or 1 when a second boundary fell in between.
        Assert.That(db.KeyIdleTime("d"), Is.LessThanOrEqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(await db.KeyRandomAsync(), Is.AnyOf((RedisKey)"c", (RedisKey)"d"));
    }

    [Test]
    public async Task ExpireTtlAndPersist()
    {
        await using var server = TestServer.Start();
        using var mux = server.ConnectMultiplexer();
        var db = mux.GetDatabase();
        db.StringSet("k", "v");
        Assert.That(db.KeyTimeToLive("k"), Is.Null);
        Assert.That(db.KeyTimeToLive("missing"), Is.Null);
        Assert.That(db.KeyExpire("k", TimeSpan.FromSeconds(100)), Is.True);
        var ttl = db.KeyTimeToLive("k");
        Assert.That(ttl, Is.Not.Null.And.InRange(TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(100)));
        Assert.That(db.KeyExpire("k", TimeSpan.FromSeconds(500), ExpireWhen.HasNoExpiry), Is.False);
        Assert.That(db.KeyExpire("k", TimeSpan.FromSeconds(500), ExpireWhen.GreaterThanCurrentExpiry), Is.True);
        var at = DateTime.UtcNow.AddHours(1);
        Assert.That(db.KeyExpire("k", at), Is.True);
        var expireTime = db.KeyExpireTime("k");
        Assert.That(expireTime, Is.Not.Null);
        Assert.That((expireTime!.Value - at).Duration(), Is.LessThan(TimeSpan.FromSeconds(2)));
        Assert.That(db.KeyPersist("k"), Is.True);
        Assert.That(db.KeyTimeToLive("k"), Is.Null);
        Assert.That(db.KeyExpire("missing", TimeSpan.FromSeconds(1)), Is.False);
    }

    [Test]
    public async Task LazyExpiryWithTheRealClock()
    {
        await using var server = TestServer.Start();
        using var raw = server.ConnectRaw();
        Assert.That(raw.Call("SET", "k", "v", "PX", "30"), Is.EqualTo("+OK\r\n"));
        Assert.That(raw.Call("EXISTS", "k"), Is.EqualTo(":1\r\n"));
        string reply = "";
        for (int i = 0; i < 100; i++)
        {
            await Task.Delay(20);
            reply = raw.Call("GET", "k");
            if (reply == "$-1\r\n") break;
        }
        Assert.That(reply, Is.EqualTo("$-1\r\n"));
        Assert.That(raw.Call("EXISTS", "k"), Is.EqualTo(":0\r\n"));
        Assert.That(raw.Call("TTL", "k"), Is.EqualTo(":-2\r\n"));
    }

    [Test]
    public async Task CopyAndMoveBetweenDatabases()
    {
        await using var server = TestServer.Start();
        using var mux = server.ConnectMultiplexer();
        var db = mux.GetDatabase();
        db.StringSet("k", "v", TimeSpan.FromMinutes(5));
        Assert.That(db.KeyCopy("k", "k2"), Is.True);
        Assert.That((string?)db.StringGet("k2"), Is.EqualTo("v"));
        Assert.That(db.KeyTimeToLive("k2"), Is.Not.Null);
        Assert.That(db.KeyCopy("k", "k2"), Is.False);
        Assert.That(db.KeyCopy("k", "k", destinationDatabase: 3), Is.True);
        Assert.That(db.KeyMove("k2", 3), Is.True);
        Assert.That(db.KeyExists("k2"), Is.False);
        Assert.That(db.KeyMove("k", 3), Is.False, "k already exists in db 3");
        Assert.That(KeysIn(server, 3), Is.EquivalentTo(new[] { "k", "k2" }));
    }

    [Test]
    public async Task ServerKeysUsesScanAndSeesEveryKey()
    {
        await using var server = TestServer.Start();
        using var mux = server.ConnectMultiplexer();
        var db = mux.GetDatabase();
        var expected = new HashSet<string>();
        for (int i = 0; i < 250; i++)
        {
            db.StringSet($"user:{i}", "v", flags: CommandFlags.FireAndForget);
            expected.Add($"user:{i}");
        }
        db.StringSet("other", "v");
        var ep = mux.GetEndPoints()[0];
        var scan = server.State.Commands.Lookup.Find("SCAN"u8)!;
        long scansBefore = scan.Stats.Calls;
        var keys = mux.GetServer(ep).Keys(0, "user:*", pageSize: 17).Select(k => (string)k!).ToList();
        Assert.That(keys, Is.EquivalentTo(expected));
        Assert.That(scan.Stats.Calls, Is.GreaterThan(scansBefore + 1), "the client pages with SCAN");
        Assert.That(mux.GetServer(ep).Keys(0, "*", pageSize: 1000).Count(), Is.EqualTo(251));
    }

    [Test]
    public async Task ScanReturnsEveryStableKeyDuringChurn()
    {
        await using var server = TestServer.Start(o => o.Shards = 2);
        using var raw = server.ConnectRaw();
        using var writer = server.ConnectRaw();
        var stable = new HashSet<string>();
        for (int i = 0; i < 400; i++)
        {
            raw.Call("SET", $"stable:{i}", "v");
            stable.Add($"stable:{i}");
        }
        var seen = new HashSet<string>();
        string cursor = "0";
        int calls = 0, churn = 0;
        do
        {
            var (next, keys) = ParseScan(raw.Call("SCAN", cursor, "COUNT", "8"));
            seen.UnionWith(keys);
            cursor = next;
            for (int i = 0; i < 30; i++) writer.Call("SET", $"churn:{churn + i}", "v");
            writer.Call(["DEL", .. Enumerable.Range(Math.Max(0, churn - 25), 25).Select(i => $"churn:{i}")]);
            churn += 30;
            Assert.That(++calls, Is.LessThan(10_000), "SCAN never finished");
        } while (cursor != "0");
        Assert.That(stable.Except(seen), Is.Empty);
    }

    /// <summary>Keys with a short TTL that nobody reads disappear by themselves (the server cron's active cycle).</summary>
    [Test]
    public async Task ActiveExpiryReclaimsUntouchedKeys()
    {
        await using var server = TestServer.Start();
        using var raw = server.ConnectRaw();
        for (int i = 0; i < 200; i++) raw.Call("SET", $"short:{i}", "v", "PX", "50");
        raw.Call("SET", "keep", "v");
        long size = -1;
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            size = DbSize(server, raw);
            if (size == 1) break;
            await Task.Delay(50);
        }
        Assert.That(size, Is.EqualTo(1), "expired keys were not reclaimed by the active cycle within 5 s");
        Assert.That(raw.Call("EXISTS", "keep"), Is.EqualTo(":1\r\n"));
    }

    [Test]
    public async Task ErrorsAreExactOnTheWire()
    {
        await using var server = TestServer.Start();
        using var raw = server.ConnectRaw();
        raw.Call("SET", "k", "v");
        Assert.That(raw.Call("EXPIRE", "k", "10", "NX", "XX"), Is.EqualTo("-ERR NX and XX, GT or LT options at the same time are not compatible\r\n"));
        Assert.That(raw.Call("EXPIRE", "k", "10", "GT", "LT"), Is.EqualTo("-ERR GT and LT options at the same time are not compatible\r\n"));
        Assert.That(raw.Call("PEXPIRE", "k", "9223372036854775807"), Is.EqualTo("-ERR invalid expire time in 'pexpire' command\r\n"));
        Assert.That(raw.Call("SCAN", "abc"), Is.EqualTo("-ERR invalid cursor\r\n"));
        Assert.That(raw.Call("SCAN", "0", "COUNT", "0"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(raw.Call("RENAME", "nope", "x"), Is.EqualTo("-ERR no such key\r\n"));
        Assert.That(raw.Call("COPY", "k", "k"), Is.EqualTo("-ERR source and destination objects are the same\r\n"));
        Assert.That(raw.Call("MOVE", "k", "0"), Is.EqualTo("-ERR source and destination objects are the same\r\n"));
        Assert.That(raw.Call("MOVE", "k", "16"), Is.EqualTo("-ERR DB index is out of range\r\n"));
        Assert.That(raw.Call("OBJECT", "FREQ", "k"), Does.StartWith("-ERR An LFU maxmemory policy is not selected"));
        Assert.That(raw.Call("TYPE", "k"), Is.EqualTo("+string\r\n"));
    }

    /// <summary>DBSIZE when the server family provides it; otherwise the same count read from the store.</summary>
    private static long DbSize(TestServer server, RawClient raw)
    {
        if (server.State.Commands.Lookup.Find("DBSIZE"u8) is not null)
        {
            var reply = raw.Call("DBSIZE");
            return long.Parse(reply.AsSpan(1, reply.Length - 3));
        }
        return server.State.Database(0).Count();
    }

    private static List<string> KeysIn(TestServer server, int dbIndex)
    {
        var keys = new List<string>();
        var db = server.State.Database(dbIndex);
        for (int s = 0; s < db.ShardCount; s++)
        {
            var shard = db.ShardAt(s);
            var visitor = new Collect(keys);
            lock (shard.Lock) shard.Scan(0, int.MaxValue, ref visitor);
        }
        return keys;
    }

    private struct Collect(List<string> keys) : IEntryVisitor
    {
        public void Visit(Shard shard, int index) => keys.Add(Encoding.UTF8.GetString(shard.At(index).Key!));
    }

    private static (string Cursor, List<string> Keys) ParseScan(string reply)
    {
        var lines = reply.Split("\r\n");
        Assert.That(lines[0], Is.EqualTo("*2"), reply);
        string cursor = lines[2];
        int n = int.Parse(lines[3][1..]);
        var keys = new List<string>();
        for (int i = 0; i < n; i++) keys.Add(lines[5 + 2 * i]);
        return (cursor, keys);
    }
}
