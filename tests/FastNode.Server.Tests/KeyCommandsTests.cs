using System.Text;
using FastNode.Server.Config;
using FastNode.Server.Storage;
using Microsoft.Extensions.Time.Testing;

namespace FastNode.Server.Tests;

/// <summary>DEL, UNLINK, EXISTS, TOUCH, TYPE, KEYS, SCAN, RENAME(NX), COPY, MOVE, RANDOMKEY and OBJECT, byte for byte as Redis 7.0.</summary>
public sealed class KeyCommandsTests
{
    private const string SameObject = "-ERR source and destination objects are the same\r\n";
    private const string DbOutOfRange = "-ERR DB index is out of range\r\n";
    private const string NotInteger = "-ERR value is not an integer or out of range\r\n";
    private const string NotInt32 = "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n";
    private const string Syntax = "-ERR syntax error\r\n";

    [Test]
    public async Task DelCountsEachDeletedKeyOnce()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SET", "a", "1");
        await c.CallAsync("SET", "b", "2");
        Assert.That(await c.CallAsync("DEL", "a", "a", "missing"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("DEL", "a"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("GET", "a"), Is.EqualTo("$-1\r\n"));
        Assert.That(await c.CallAsync("UNLINK", "b", "missing"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("GET", "b"), Is.EqualTo("$-1\r\n"));
        Assert.That(c.Server.Database(0).Count(), Is.Zero);
    }

    [Test]
    public async Task ExistsAndTouchCountRepeatedKeys()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SET", "a", "1");
        await c.CallAsync("SET", "b", "2");
        Assert.That(await c.CallAsync("EXISTS", "a", "a", "b", "c"), Is.EqualTo(":3\r\n"));
        Assert.That(await c.CallAsync("EXISTS", "c"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("EXISTS", "a"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("TOUCH", "a", "a", "nope", "b"), Is.EqualTo(":3\r\n"));
        Assert.That(await c.CallAsync("TOUCH", "nope"), Is.EqualTo(":0\r\n"));
    }

    [TestCase("DEL")]
    [TestCase("UNLINK")]
    [TestCase("EXISTS")]
    [TestCase("TOUCH")]
    [TestCase("TYPE")]
    [TestCase("KEYS")]
    [TestCase("SCAN")]
    [TestCase("RENAME", "a")]
    [TestCase("RENAMENX", "a")]
    [TestCase("COPY", "a")]
    [TestCase("MOVE", "a")]
    [TestCase("RANDOMKEY", "a")]
    [TestCase("OBJECT")]
    public async Task WrongArityUsesTheLowerCaseName(string command, params string[] args)
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync([command, .. args]),
            Is.EqualTo($"-ERR wrong number of arguments for '{command.ToLowerInvariant()}' command\r\n"));
    }

    [Test]
    public async Task TypeNamesTheKind()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SET", "s", "v");
        InsertFamilyValue(c.Server, 0, "h", ValueKind.Hash, "f1");
        Assert.That(await c.CallAsync("TYPE", "s"), Is.EqualTo("+string\r\n"));
        Assert.That(await c.CallAsync("TYPE", "h"), Is.EqualTo("+hash\r\n"));
        Assert.That(await c.CallAsync("TYPE", "nope"), Is.EqualTo("+none\r\n"));
    }

    [Test]
    public async Task KeysMatchesGlobPatterns()
    {
        await using var c = new InMemoryClient();
        foreach (var k in new[] { "i1", "i2", "i35", "x5", "hello" }) await c.CallAsync("SET", k, "v");
        Assert.That(Sorted(await c.CallAsync("KEYS", "i*")), Is.EqualTo(new[] { "i1", "i2", "i35" }));
        Assert.That(Sorted(await c.CallAsync("KEYS", "*5")), Is.EqualTo(new[] { "i35", "x5" }));
        Assert.That(Sorted(await c.CallAsync("KEYS", "h?llo")), Is.EqualTo(new[] { "hello" }));
        Assert.That(Sorted(await c.CallAsync("KEYS", "*")), Has.Length.EqualTo(5));
        Assert.That(await c.CallAsync("KEYS", "nomatch*"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("KEYS", "["), Is.EqualTo("*0\r\n"));
    }

    [Test]
    public async Task KeysAndScanSkipExpiredKeys()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var c = new InMemoryClient(InMemoryClient.NewServer(time: time));
        await c.CallAsync("SET", "live", "v");
        await c.CallAsync("SET", "dying", "v", "PX", "100");
        time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.That(await c.CallAsync("KEYS", "*"), Is.EqualTo("*1\r\n$4\r\nlive\r\n"));
        Assert.That(await c.CallAsync("SCAN", "0", "COUNT", "1000"), Is.EqualTo("*2\r\n$1\r\n0\r\n*1\r\n$4\r\nlive\r\n"));
    }

    [Test]
    public async Task ScanWalksEveryKeyWithCountMatchAndType()
    {
        await using var c = new InMemoryClient();
        var expected = new HashSet<string>();
        for (int i = 0; i < 300; i++)
        {
            await c.CallAsync("SET", $"key:{i}", "v");
            expected.Add($"key:{i}");
        }
        InsertFamilyValue(c.Server, 0, "key:hash", ValueKind.Hash, "f");
        InsertFamilyValue(c.Server, 0, "other:hash", ValueKind.Hash, "f");

        Assert.That(await ScanAll(c, "COUNT", "7", "MATCH", "key:*", "TYPE", "string"), Is.EquivalentTo(expected));
        Assert.That(await ScanAll(c, "TYPE", "HASH"), Is.EquivalentTo(new[] { "key:hash", "other:hash" }));
        Assert.That(await ScanAll(c, "MATCH", "key:2?"), Is.EquivalentTo(Enumerable.Range(20, 10).Select(i => $"key:{i}")));
        Assert.That(await ScanAll(c, "TYPE", "nosuchtype", "COUNT", "50"), Is.Empty);
        // The last MATCH wins, as in Redis.
        Assert.That(await ScanAll(c, "MATCH", "*", "MATCH", "other:*"), Is.EquivalentTo(new[] { "other:hash" }));
    }

    [Test]
    public async Task ScanOnEmptyDatabaseFinishesAtOnce()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("SCAN", "0"), Is.EqualTo("*2\r\n$1\r\n0\r\n*0\r\n"));
        Assert.That(await c.CallAsync("SCAN", ""), Is.EqualTo("*2\r\n$1\r\n0\r\n*0\r\n"));
        Assert.That(await c.CallAsync("SCAN", "+0"), Is.EqualTo("*2\r\n$1\r\n0\r\n*0\r\n"));
        Assert.That(await c.CallAsync("SCAN", "-1"), Is.EqualTo("*2\r\n$1\r\n0\r\n*0\r\n"));
        Assert.That(await c.CallAsync("SCAN", "18446744073709551615"), Is.EqualTo("*2\r\n$1\r\n0\r\n*0\r\n"));
    }

    [TestCase(new[] { "x" }, "-ERR invalid cursor\r\n")]
    [TestCase(new[] { "x", "COUNT", "0" }, "-ERR invalid cursor\r\n")]
    [TestCase(new[] { " 0" }, "-ERR invalid cursor\r\n")]
    [TestCase(new[] { "0 " }, "-ERR invalid cursor\r\n")]
    [TestCase(new[] { "+" }, "-ERR invalid cursor\r\n")]
    [TestCase(new[] { "0x10" }, "-ERR invalid cursor\r\n")]
    [TestCase(new[] { "18446744073709551616" }, "-ERR invalid cursor\r\n")]
    [TestCase(new[] { "-18446744073709551616" }, "-ERR invalid cursor\r\n")]
    [TestCase(new[] { "0", "COUNT", "0" }, Syntax)]
    [TestCase(new[] { "0", "COUNT", "-1" }, Syntax)]
    [TestCase(new[] { "0", "COUNT", "x" }, NotInteger)]
    [TestCase(new[] { "0", "COUNT" }, Syntax)]
    [TestCase(new[] { "0", "MATCH" }, Syntax)]
    [TestCase(new[] { "0", "TYPE" }, Syntax)]
    [TestCase(new[] { "0", "FOO", "bar" }, Syntax)]
    [TestCase(new[] { "0", "COUNT", "10", "foo" }, Syntax)]
    public async Task ScanRejectsBadArguments(string[] args, string error)
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync(["SCAN", .. args]), Is.EqualTo(error));
    }

    /// <summary>
    /// The SCAN guarantee: a key present from the first call to the last is returned, even though other keys are
    /// added (growing every shard's table several times) and deleted between calls. Two shards, so each table
    /// doubles many times over the scan.
    /// </summary>
    [Test]
    public async Task ScanReturnsEveryStableKeyWhileTablesGrowAndShrink()
    {
        var server = InMemoryClient.NewServer(new ServerOptions { Port = 0, Shards = 2 });
        await using var c = new InMemoryClient(server);
        var stable = new HashSet<string>();
        for (int i = 0; i < 500; i++)
        {
            await c.CallAsync("SET", $"stable:{i}", "v");
            stable.Add($"stable:{i}");
        }
        var seen = new HashSet<string>();
        string cursor = "0";
        int calls = 0, churn = 0;
        do
        {
            var (next, keys) = ParseScan(await c.CallAsync("SCAN", cursor, "COUNT", "10"));
            seen.UnionWith(keys);
            cursor = next;
            // Between calls: add 40 keys and remove the 30 oldest churn keys, so tables keep growing.
            for (int i = 0; i < 40; i++) await c.CallAsync("SET", $"churn:{churn + i}", "v");
            var dels = Enumerable.Range(Math.Max(0, churn - 30), 30).Select(i => $"churn:{i}").ToArray();
            await c.CallAsync(["DEL", .. dels]);
            churn += 40;
            Assert.That(++calls, Is.LessThan(10_000), "SCAN never finished");
        } while (cursor != "0");

        Assert.That(stable.Except(seen), Is.Empty, "stable keys missed by SCAN");
        Assert.That(churn, Is.GreaterThan(1000), "the table should have grown during the scan");
    }

    [Test]
    public async Task RenameMovesValueAndTtl()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var c = new InMemoryClient(InMemoryClient.NewServer(time: time));
        await c.CallAsync("SET", "src", "hello", "EX", "100");
        await c.CallAsync("SET", "dst", "old");
        Assert.That(await c.CallAsync("RENAME", "src", "dst"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("GET", "dst"), Is.EqualTo("$5\r\nhello\r\n"));
        Assert.That(await c.CallAsync("PTTL", "dst"), Is.EqualTo(":100000\r\n"));
        Assert.That(await c.CallAsync("EXISTS", "src"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("RENAME", "src", "dst"), Is.EqualTo("-ERR no such key\r\n"));
        Assert.That(await c.CallAsync("RENAME", "dst", "dst"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("RENAME", "nope", "nope"), Is.EqualTo("-ERR no such key\r\n"));
        Assert.That(await c.CallAsync("GET", "dst"), Is.EqualTo("$5\r\nhello\r\n"));
        time.Advance(TimeSpan.FromSeconds(101));
        Assert.That(await c.CallAsync("RENAME", "dst", "x"), Is.EqualTo("-ERR no such key\r\n"));
    }

    [Test]
    public async Task RenameOfPersistentKeyClearsTheDestinationTtl()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SET", "src", "v");
        await c.CallAsync("SET", "dst", "old", "EX", "100");
        Assert.That(await c.CallAsync("RENAME", "src", "dst"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("TTL", "dst"), Is.EqualTo(":-1\r\n"));
    }

    [Test]
    public async Task RenameNxOnlyWhenTheDestinationIsFree()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SET", "a", "1");
        await c.CallAsync("SET", "b", "2");
        Assert.That(await c.CallAsync("RENAMENX", "a", "b"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("RENAMENX", "a", "a"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("RENAMENX", "nope", "x"), Is.EqualTo("-ERR no such key\r\n"));
        Assert.That(await c.CallAsync("RENAMENX", "nope", "nope"), Is.EqualTo("-ERR no such key\r\n"));
        Assert.That(await c.CallAsync("RENAMENX", "a", "c"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("GET", "c"), Is.EqualTo("$1\r\n1\r\n"));
        Assert.That(await c.CallAsync("GET", "b"), Is.EqualTo("$1\r\n2\r\n"));
    }

    [Test]
    public async Task CopyDuplicatesStringsSoLaterWritesDoNotLeak()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var c = new InMemoryClient(InMemoryClient.NewServer(time: time));
        await c.CallAsync("SET", "src", "abc", "PX", "5000");
        Assert.That(await c.CallAsync("COPY", "src", "dst"), Is.EqualTo(":1\r\n"));
        // Same length: SET rewrites the source's buffer in place, so a shared buffer would show here.
        await c.CallAsync("SET", "src", "xyz");
        Assert.That(await c.CallAsync("GET", "dst"), Is.EqualTo("$3\r\nabc\r\n"));
        Assert.That(await c.CallAsync("PTTL", "dst"), Is.EqualTo(":5000\r\n"));
        Assert.That(await c.CallAsync("COPY", "src", "dst"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("COPY", "src", "dst", "REPLACE"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("GET", "dst"), Is.EqualTo("$3\r\nxyz\r\n"));
        Assert.That(await c.CallAsync("TTL", "dst"), Is.EqualTo(":-1\r\n"));
        Assert.That(await c.CallAsync("COPY", "nope", "dst"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("COPY", "src", "dst", "replace", "REPLACE"), Is.EqualTo(":1\r\n"));
    }

    [Test]
    public async Task CopyAcrossDatabases()
    {
        var server = InMemoryClient.NewServer();
        await using var db0 = new InMemoryClient(server);
        await using var db1 = new InMemoryClient(server);
        db1.Session.DbIndex = 1;
        await db0.CallAsync("SET", "k", "v");
        Assert.That(await db0.CallAsync("COPY", "k", "k", "DB", "1"), Is.EqualTo(":1\r\n"));
        Assert.That(await db0.CallAsync("COPY", "k", "k", "DB", "1"), Is.EqualTo(":0\r\n"));
        Assert.That(await db0.CallAsync("COPY", "k", "k2", "db", "1", "replace"), Is.EqualTo(":1\r\n"));
        Assert.That(await db1.CallAsync("GET", "k"), Is.EqualTo("$1\r\nv\r\n"));
        Assert.That(await db1.CallAsync("GET", "k2"), Is.EqualTo("$1\r\nv\r\n"));
        Assert.That(await db0.CallAsync("GET", "k"), Is.EqualTo("$1\r\nv\r\n"));
        Assert.That(await db0.CallAsync("COPY", "k", "k", "DB", "0"), Is.EqualTo(SameObject));
        Assert.That(await db1.CallAsync("COPY", "k", "k", "DB", "1"), Is.EqualTo(SameObject));
    }

    [TestCase(new[] { "src", "src" }, SameObject)]
    [TestCase(new[] { "nope", "nope" }, SameObject)]
    [TestCase(new[] { "src", "d", "DB", "16" }, DbOutOfRange)]
    [TestCase(new[] { "src", "d", "DB", "-1" }, DbOutOfRange)]
    [TestCase(new[] { "src", "d", "DB", "x" }, NotInteger)]
    [TestCase(new[] { "src", "d", "DB", "2147483648" }, NotInt32)]
    [TestCase(new[] { "src", "d", "DB" }, Syntax)]
    [TestCase(new[] { "src", "d", "foo" }, Syntax)]
    [TestCase(new[] { "nope", "d", "foo" }, Syntax)]
    public async Task CopyErrors(string[] args, string error)
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SET", "src", "v");
        Assert.That(await c.CallAsync(["COPY", .. args]), Is.EqualTo(error));
    }

    [Test]
    public async Task CopyDeepCopiesFamilyValues()
    {
        await using var c = new InMemoryClient();
        var original = InsertFamilyValue(c.Server, 0, "h", ValueKind.Hash, "f1");
        Assert.That(await c.CallAsync("COPY", "h", "h2"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("TYPE", "h2"), Is.EqualTo("+hash\r\n"));
        var copy = (FakeFamilyValue)ValueOf(c.Server, 0, "h2")!;
        Assert.That(copy, Is.Not.SameAs(original));
        copy.Items.Add("f2");
        Assert.That(original.Items, Is.EqualTo(new[] { "f1" }));
    }

    [Test]
    public async Task MoveTakesKeyAndTtlToAnotherDatabase()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var server = InMemoryClient.NewServer(time: time);
        await using var db0 = new InMemoryClient(server);
        await using var db1 = new InMemoryClient(server);
        db1.Session.DbIndex = 1;
        await db0.CallAsync("SET", "k", "v", "PX", "9000");
        await db0.CallAsync("SET", "taken", "here");
        await db1.CallAsync("SET", "taken", "there");
        Assert.That(await db0.CallAsync("MOVE", "k", "1"), Is.EqualTo(":1\r\n"));
        Assert.That(await db0.CallAsync("EXISTS", "k"), Is.EqualTo(":0\r\n"));
        Assert.That(await db1.CallAsync("GET", "k"), Is.EqualTo("$1\r\nv\r\n"));
        Assert.That(await db1.CallAsync("PTTL", "k"), Is.EqualTo(":9000\r\n"));
        Assert.That(await db0.CallAsync("MOVE", "taken", "1"), Is.EqualTo(":0\r\n"));
        Assert.That(await db0.CallAsync("GET", "taken"), Is.EqualTo("$4\r\nhere\r\n"));
        Assert.That(await db0.CallAsync("MOVE", "nope", "1"), Is.EqualTo(":0\r\n"));
        Assert.That(await db1.CallAsync("MOVE", "k", "0"), Is.EqualTo(":1\r\n"));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.That(await db0.CallAsync("EXISTS", "k"), Is.EqualTo(":0\r\n"));
    }

    [Test]
    public async Task RenameMoveAndCopyKeepEveryStringWhileShardsGrow()
    {
        // Small (slab chunk), medium and large (an array of its own) values; 300 keys make the shards' first entry
        // chunks grow while values move, so an entry reached through a stale reference would show.
        var server = InMemoryClient.NewServer(time: new FakeTimeProvider(DateTimeOffset.UtcNow));
        await using var db0 = new InMemoryClient(server);
        await using var db1 = new InMemoryClient(server);
        db1.Session.DbIndex = 1;
        string ValueOf(int i) => new((char)('a' + i % 26), i % 3 == 0 ? 5 : i % 3 == 1 ? 300 : 70_000);
        for (int i = 0; i < 300; i++) await db0.CallAsync("SET", $"k{i}", ValueOf(i), "EX", "1000");
        for (int i = 0; i < 300; i++)
        {
            Assert.That(await db0.CallAsync("RENAME", $"k{i}", $"r{i}"), Is.EqualTo("+OK\r\n"));
            Assert.That(await db0.CallAsync("COPY", $"r{i}", $"c{i}"), Is.EqualTo(":1\r\n"));
            Assert.That(await db0.CallAsync("MOVE", $"c{i}", "1"), Is.EqualTo(":1\r\n"));
        }
        // Rewriting the renamed keys in place must not reach the copies (nor the other way round).
        for (int i = 0; i < 300; i++) await db0.CallAsync("SET", $"r{i}", new string('z', ValueOf(i).Length));
        for (int i = 0; i < 300; i++)
        {
            string v = ValueOf(i);
            Assert.That(await db1.CallAsync("GET", $"c{i}"), Is.EqualTo($"${v.Length}\r\n{v}\r\n"), $"c{i}");
            Assert.That(await db1.CallAsync("TTL", $"c{i}"), Is.EqualTo(":1000\r\n"));
            Assert.That(await db0.CallAsync("EXISTS", $"k{i}", $"c{i}"), Is.EqualTo(":0\r\n"));
        }
        Assert.That(server.Database(0).Count(), Is.EqualTo(300));
        Assert.That(server.Database(1).Count(), Is.EqualTo(300));
    }

    [TestCase("0", SameObject)]
    [TestCase("16", DbOutOfRange)]
    [TestCase("-1", DbOutOfRange)]
    [TestCase("x", NotInteger)]
    [TestCase("99999999999", NotInt32)]
    public async Task MoveErrors(string db, string error)
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SET", "k", "v");
        Assert.That(await c.CallAsync("MOVE", "k", db), Is.EqualTo(error));
        Assert.That(await c.CallAsync("MOVE", "nope", db), Is.EqualTo(error));
    }

    [Test]
    public async Task RandomKeyReturnsLiveKeysOnly()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var c = new InMemoryClient(InMemoryClient.NewServer(time: time));
        Assert.That(await c.CallAsync("RANDOMKEY"), Is.EqualTo("$-1\r\n"));
        await c.CallAsync("SET", "only", "v");
        Assert.That(await c.CallAsync("RANDOMKEY"), Is.EqualTo("$4\r\nonly\r\n"));
        for (int i = 0; i < 50; i++) await c.CallAsync("SET", $"short:{i}", "v", "PX", "10");
        time.Advance(TimeSpan.FromSeconds(1));
        for (int i = 0; i < 20; i++) Assert.That(await c.CallAsync("RANDOMKEY"), Is.EqualTo("$4\r\nonly\r\n"));
        await c.CallAsync("DEL", "only");
        Assert.That(await c.CallAsync("RANDOMKEY"), Is.EqualTo("$-1\r\n"));
    }

    [Test]
    public async Task RandomKeyEventuallyReturnsEveryKey()
    {
        await using var c = new InMemoryClient();
        for (int i = 0; i < 5; i++) await c.CallAsync("SET", $"k{i}", "v");
        var seen = new HashSet<string>();
        for (int i = 0; i < 500 && seen.Count < 5; i++) seen.Add(await c.CallAsync("RANDOMKEY"));
        Assert.That(seen, Has.Count.EqualTo(5));
    }

    [TestCase("12345", "int")]
    [TestCase("-1", "int")]
    [TestCase("9223372036854775807", "int")]
    [TestCase("-9223372036854775808", "int")]
    [TestCase("9223372036854775808", "embstr")]
    [TestCase("0123", "embstr")]
    [TestCase("-0", "embstr")]
    [TestCase("+1", "embstr")]
    [TestCase(" 1", "embstr")]
    [TestCase("1.5", "embstr")]
    [TestCase("hello", "embstr")]
    [TestCase("12345678901234567890123456789012345678901234", "embstr")]
    [TestCase("123456789012345678901234567890123456789012345", "raw")]
    public async Task ObjectEncodingOfStrings(string value, string encoding)
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SET", "k", value);
        Assert.That(await c.CallAsync("OBJECT", "ENCODING", "k"), Is.EqualTo($"${encoding.Length}\r\n{encoding}\r\n"));
    }

    [Test]
    public async Task ObjectEncodingOfFamilyValues()
    {
        await using var c = new InMemoryClient();
        InsertFamilyValue(c.Server, 0, "reporting", ValueKind.Hash, "f");
        InsertFamilyValue(c.Server, 0, "list", ValueKind.List, "x", new PlainFamilyValue());
        Assert.That(await c.CallAsync("OBJECT", "ENCODING", "reporting"), Is.EqualTo("$8\r\nlistpack\r\n"));
        Assert.That(await c.CallAsync("OBJECT", "ENCODING", "list"), Is.EqualTo("$9\r\nquicklist\r\n"));
    }

    [Test]
    public async Task ObjectSubcommandsOnMissingKeysAnswerNil()
    {
        await using var c = new InMemoryClient();
        foreach (var sub in new[] { "ENCODING", "FREQ", "IDLETIME", "REFCOUNT" })
            Assert.That(await c.CallAsync("OBJECT", sub, "nope"), Is.EqualTo("$-1\r\n"), sub);
    }

    [Test]
    public async Task ObjectRefCountReportsSharedSmallIntegers()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SET", "small", "100");
        await c.CallAsync("SET", "big", "10000");
        await c.CallAsync("SET", "text", "abc");
        Assert.That(await c.CallAsync("OBJECT", "REFCOUNT", "small"), Is.EqualTo(":2147483647\r\n"));
        Assert.That(await c.CallAsync("OBJECT", "REFCOUNT", "big"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("OBJECT", "REFCOUNT", "text"), Is.EqualTo(":1\r\n"));
    }

    [Test]
    public async Task ObjectIdleTimeCountsSecondsSinceLastAccess()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var c = new InMemoryClient(InMemoryClient.NewServer(time: time));
        await c.CallAsync("SET", "k", "v");
        Assert.That(await c.CallAsync("OBJECT", "IDLETIME", "k"), Is.EqualTo(":0\r\n"));
        time.Advance(TimeSpan.FromSeconds(10));
        // Metadata reads do not count as an access...
        await c.CallAsync("TTL", "k");
        await c.CallAsync("EXISTS", "k");
        await c.CallAsync("TYPE", "k");
        Assert.That(await c.CallAsync("OBJECT", "IDLETIME", "k"), Is.EqualTo(":10\r\n"));
        // ...a read does.
        await c.CallAsync("GET", "k");
        Assert.That(await c.CallAsync("OBJECT", "IDLETIME", "k"), Is.EqualTo(":0\r\n"));
        time.Advance(TimeSpan.FromSeconds(3));
        await c.CallAsync("TOUCH", "k");
        Assert.That(await c.CallAsync("OBJECT", "IDLETIME", "k"), Is.EqualTo(":0\r\n"));
    }

    [Test]
    public async Task ObjectFreqAndIdleTimeDependOnTheEvictionPolicy()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SET", "k", "v");
        Assert.That(await c.CallAsync("OBJECT", "FREQ", "k"), Is.EqualTo(
            "-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n"));
        Assert.That(c.Server.Config.TryGet("maxmemory-policy", out var policy), Is.True);
        Assert.That(policy.Set("allkeys-lfu"), Is.Null);
        // A key written under LFU starts at Redis's LFU_INIT_VAL (5); k's word still holds an LRU stamp (it adjusts).
        await c.CallAsync("SET", "k2", "v");
        Assert.That(await c.CallAsync("OBJECT", "FREQ", "k2"), Is.EqualTo(":5\r\n"));
        Assert.That(await c.CallAsync("OBJECT", "IDLETIME", "k"), Is.EqualTo(
            "-ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n"));
    }

    [Test]
    public async Task ObjectHelpAndErrors()
    {
        await using var c = new InMemoryClient();
        var help = await c.CallAsync("OBJECT", "HELP");
        Assert.That(help, Does.StartWith("*15\r\n+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+ENCODING <key>\r\n"));
        Assert.That(help, Does.EndWith("+HELP\r\n+    Prints this help.\r\n"));
        Assert.That(await c.CallAsync("OBJECT", "foo"), Is.EqualTo("-ERR unknown subcommand 'foo'. Try OBJECT HELP.\r\n"));
        Assert.That(await c.CallAsync("OBJECT", "ENCODING"), Is.EqualTo("-ERR wrong number of arguments for 'object|encoding' command\r\n"));
        Assert.That(await c.CallAsync("OBJECT", "encoding", "a", "b"), Is.EqualTo("-ERR wrong number of arguments for 'object|encoding' command\r\n"));
        Assert.That(await c.CallAsync("OBJECT", "HELP", "x"), Is.EqualTo("-ERR wrong number of arguments for 'object|help' command\r\n"));
    }

    [Test]
    public async Task ExpiredKeysAreGoneOnAccess()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var c = new InMemoryClient(InMemoryClient.NewServer(time: time));
        await c.CallAsync("SET", "a", "v", "PX", "100");
        await c.CallAsync("SET", "b", "v", "PX", "100");
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.That(c.Server.Database(0).Count(), Is.EqualTo(2), "nothing reclaimed before access");
        Assert.That(await c.CallAsync("GET", "a"), Is.EqualTo("$-1\r\n"));
        Assert.That(await c.CallAsync("EXISTS", "b"), Is.EqualTo(":0\r\n"));
        Assert.That(c.Server.Database(0).Count(), Is.Zero);
        Assert.That(await c.CallAsync("DEL", "a", "b"), Is.EqualTo(":0\r\n"));
    }

    /// <summary>
    /// Multi-key commands are atomic: while one client flips a value between two keys in different shards with
    /// RENAME, EXISTS over both must always count exactly one of them.
    /// </summary>
    [Test]
    public async Task MultiKeyExistsNeverSeesHalfARename()
    {
        var server = InMemoryClient.NewServer(new ServerOptions { Port = 0, Shards = 16 });
        var (a, b) = KeysInDifferentShards(server.Database(0));
        await using var renamer = new InMemoryClient(server);
        await using var reader = new InMemoryClient(server);
        await renamer.CallAsync("SET", a, "v");
        using var stop = new CancellationTokenSource();
        var flipping = Task.Run(async () =>
        {
            int n = 0;
            while (!stop.IsCancellationRequested && n++ < 100_000)
            {
                await renamer.CallAsync("RENAME", a, b);
                await renamer.CallAsync("RENAME", b, a);
            }
        });
        try
        {
            for (int i = 0; i < 2000; i++)
                Assert.That(await reader.CallAsync("EXISTS", a, b), Is.EqualTo(":1\r\n"));
        }
        finally
        {
            stop.Cancel();
            await flipping;
        }
    }

    /// <summary>
    /// MOVE and COPY ... DB lock a shard in each of two databases. Clients doing so in opposite directions at the
    /// same time must not deadlock (a hang would time out the reply read), and a moved key is never lost or doubled.
    /// </summary>
    [Test]
    public async Task CrossDatabaseMovesInOppositeDirectionsDoNotDeadlock()
    {
        var server = InMemoryClient.NewServer(new ServerOptions { Port = 0, Shards = 1 });
        await using var db0 = new InMemoryClient(server);
        await using var db1 = new InMemoryClient(server);
        db1.Session.DbIndex = 1;
        await db0.CallAsync("SET", "k", "v");
        await db0.CallAsync("SET", "x", "v");
        await db1.CallAsync("SET", "y", "v");

        async Task Shuttle(InMemoryClient c, string target, string from, string to)
        {
            for (int i = 0; i < 2000; i++)
            {
                await c.CallAsync("MOVE", "k", target);
                await c.CallAsync("COPY", from, to, "DB", target, "REPLACE");
            }
        }
        await Task.WhenAll(Task.Run(() => Shuttle(db0, "1", "x", "y")), Task.Run(() => Shuttle(db1, "0", "y", "x")));

        long copies = (await db0.CallAsync("EXISTS", "k") == ":1\r\n" ? 1 : 0) + (await db1.CallAsync("EXISTS", "k") == ":1\r\n" ? 1 : 0);
        Assert.That(copies, Is.EqualTo(1), "the moved key exists in exactly one database");
    }

    private static (string A, string B) KeysInDifferentShards(Database db)
    {
        string a = "flip:a";
        int shardA = db.ShardIndex(KeyHasher.Hash(Encoding.UTF8.GetBytes(a)));
        for (int i = 0; ; i++)
        {
            string b = $"flip:b{i}";
            if (db.ShardIndex(KeyHasher.Hash(Encoding.UTF8.GetBytes(b))) != shardA) return (a, b);
        }
    }

    private static async Task<List<string>> ScanAll(InMemoryClient c, params string[] options)
    {
        var all = new List<string>();
        string cursor = "0";
        int calls = 0;
        do
        {
            var (next, keys) = ParseScan(await c.CallAsync(["SCAN", cursor, .. options]));
            all.AddRange(keys);
            cursor = next;
            Assert.That(++calls, Is.LessThan(10_000), "SCAN never finished");
        } while (cursor != "0");
        return all.Distinct().ToList();
    }

    private static (string Cursor, List<string> Keys) ParseScan(string reply)
    {
        var items = ParseArray(reply, out int pos, 0, expectNested: true);
        return (items[0], ParseArray(reply, out _, pos, expectNested: false));
    }

    private static string[] Sorted(string reply)
    {
        var keys = ParseArray(reply, out _, 0, expectNested: false);
        keys.Sort(StringComparer.Ordinal);
        return keys.ToArray();
    }

    /// <summary>Reads "*n" then bulk strings; with expectNested, stops at the first nested array and returns its offset.</summary>
    private static List<string> ParseArray(string reply, out int nestedAt, int start, bool expectNested)
    {
        var items = new List<string>();
        int pos = start;
        string Line()
        {
            int end = reply.IndexOf("\r\n", pos, StringComparison.Ordinal);
            var line = reply[pos..end];
            pos = end + 2;
            return line;
        }
        var header = Line();
        Assert.That(header[0], Is.EqualTo('*'), reply);
        int n = int.Parse(header[1..]);
        nestedAt = -1;
        for (int i = 0; i < n; i++)
        {
            if (expectNested && reply[pos] == '*')
            {
                nestedAt = pos;
                break;
            }
            var len = Line();
            Assert.That(len[0], Is.EqualTo('$'), reply);
            int l = int.Parse(len[1..]);
            items.Add(reply.Substring(pos, l));
            pos += l + 2;
        }
        return items;
    }

    private static FakeFamilyValue InsertFamilyValue(ServerState server, int db, string key, ValueKind kind, string item,
        object? value = null)
    {
        var bytes = Encoding.UTF8.GetBytes(key);
        ulong hash = KeyHasher.Hash(bytes);
        var shard = server.Database(db).ShardFor(hash);
        var family = new FakeFamilyValue();
        family.Items.Add(item);
        lock (shard.Lock)
        {
            int i = shard.Add(hash, bytes, kind);
            shard.At(i).Value = value ?? family;
            shard.At(i).LastAccess = (uint)(server.NowMs / 1000);
        }
        return family;
    }

    private static object? ValueOf(ServerState server, int db, string key)
    {
        var bytes = Encoding.UTF8.GetBytes(key);
        ulong hash = KeyHasher.Hash(bytes);
        var shard = server.Database(db).ShardFor(hash);
        lock (shard.Lock)
        {
            int i = shard.FindIncludingExpired(hash, bytes);
            return i < 0 ? null : shard.At(i).Value;
        }
    }

    /// <summary>Stands in for a future family object (hash, list...): copyable and reporting its encoding.</summary>
    private sealed class FakeFamilyValue : ICopyableValue, IObjectEncoding
    {
        public List<string> Items { get; } = [];

        public object DeepCopy()
        {
            var copy = new FakeFamilyValue();
            copy.Items.AddRange(Items);
            return copy;
        }

        public ReadOnlySpan<byte> ObjectEncoding => "listpack"u8;
    }

    /// <summary>A family object that does not report an encoding: OBJECT ENCODING falls back to the kind's name.</summary>
    private sealed class PlainFamilyValue : ICopyableValue
    {
        public object DeepCopy() => new PlainFamilyValue();
    }
}
