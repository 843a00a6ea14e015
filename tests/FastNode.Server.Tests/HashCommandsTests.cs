using System.Text;

namespace FastNode.Server.Tests;

/// <summary>The hash commands, byte for byte as redis-server 7.0.15 answers them (RESP2 and RESP3).</summary>
public sealed class HashCommandsTests
{
    private const string WrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
    private const string NotInteger = "-ERR value is not an integer or out of range\r\n";
    private const string NotFloat = "-ERR value is not a valid float\r\n";
    private const string Syntax = "-ERR syntax error\r\n";
    private const string EmptyScan = "*2\r\n$1\r\n0\r\n*0\r\n";

    private static string Bulk(string s) => $"${Encoding.UTF8.GetByteCount(s)}\r\n{s}\r\n";

    private static void Resp3(InMemoryClient c) => c.Session.Protocol = 3;

    [Test]
    public async Task SetGetAndTheWholeHash()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("HSET", "h", "a", "1", "b", "2"), Is.EqualTo(":2\r\n"));
        Assert.That(await c.CallAsync("HSET", "h", "a", "one", "c", "3"), Is.EqualTo(":1\r\n"), "only new fields count");
        Assert.That(await c.CallAsync("HMSET", "h", "d", "4"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("HGET", "h", "a"), Is.EqualTo("$3\r\none\r\n"));
        Assert.That(await c.CallAsync("HGET", "h", "zz"), Is.EqualTo("$-1\r\n"));
        Assert.That(await c.CallAsync("HMGET", "h", "b", "zz", "c"), Is.EqualTo("*3\r\n$1\r\n2\r\n$-1\r\n$1\r\n3\r\n"));
        Assert.That(await c.CallAsync("HGETALL", "h"), Is.EqualTo("*8\r\n" + Bulk("a") + Bulk("one") + Bulk("b") + Bulk("2") + Bulk("c") + Bulk("3") + Bulk("d") + Bulk("4")));
        Assert.That(await c.CallAsync("HKEYS", "h"), Is.EqualTo("*4\r\n" + Bulk("a") + Bulk("b") + Bulk("c") + Bulk("d")));
        Assert.That(await c.CallAsync("HVALS", "h"), Is.EqualTo("*4\r\n" + Bulk("one") + Bulk("2") + Bulk("3") + Bulk("4")));
        Assert.That(await c.CallAsync("HLEN", "h"), Is.EqualTo(":4\r\n"));
        Assert.That(await c.CallAsync("HEXISTS", "h", "a"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("HEXISTS", "h", "zz"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("HSTRLEN", "h", "a"), Is.EqualTo(":3\r\n"));
        Assert.That(await c.CallAsync("HSTRLEN", "h", "zz"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("TYPE", "h"), Is.EqualTo("+hash\r\n"));
    }

    [Test]
    public async Task MissingKeyReplies()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("HGET", "nokey", "a"), Is.EqualTo("$-1\r\n"));
        Assert.That(await c.CallAsync("HMGET", "nokey", "a", "b"), Is.EqualTo("*2\r\n$-1\r\n$-1\r\n"));
        Assert.That(await c.CallAsync("HGETALL", "nokey"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("HKEYS", "nokey"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("HVALS", "nokey"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("HLEN", "nokey"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("HEXISTS", "nokey", "a"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("HSTRLEN", "nokey", "a"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("HDEL", "nokey", "a"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("HRANDFIELD", "nokey"), Is.EqualTo("$-1\r\n"));
        Assert.That(await c.CallAsync("HRANDFIELD", "nokey", "3"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("HRANDFIELD", "nokey", "3", "WITHVALUES"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("HSCAN", "nokey", "0"), Is.EqualTo(EmptyScan));
        Assert.That(await c.CallAsync("EXISTS", "nokey"), Is.EqualTo(":0\r\n"), "reads never create the key");
    }

    [Test]
    public async Task Resp3Shapes()
    {
        await using var c = new InMemoryClient();
        Resp3(c);
        await c.CallAsync("HSET", "h", "a", "1", "b", "2");
        Assert.That(await c.CallAsync("HGETALL", "h"), Is.EqualTo("%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"));
        Assert.That(await c.CallAsync("HGETALL", "nokey"), Is.EqualTo("%0\r\n"));
        Assert.That(await c.CallAsync("HMGET", "h", "a", "zz"), Is.EqualTo("*2\r\n$1\r\n1\r\n_\r\n"));
        Assert.That(await c.CallAsync("HGET", "h", "zz"), Is.EqualTo("_\r\n"));
        Assert.That(await c.CallAsync("HRANDFIELD", "nokey"), Is.EqualTo("_\r\n"));
        Assert.That(await c.CallAsync("HRANDFIELD", "h", "2", "WITHVALUES"), Is.EqualTo("*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"));
        Assert.That(await c.CallAsync("HRANDFIELD", "h", "2"), Is.EqualTo("*2\r\n$1\r\na\r\n$1\r\nb\r\n"));
        Assert.That(await c.CallAsync("HSCAN", "h", "0"), Is.EqualTo("*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"));
        Assert.That(await c.CallAsync("HINCRBYFLOAT", "h", "a", "1.5"), Is.EqualTo("$3\r\n2.5\r\n"), "a bulk string, not a RESP3 double");
    }

    [TestCase("HSET")]
    [TestCase("HMSET")]
    public async Task UnpairedFieldsAreAnArityError(string command)
    {
        await using var c = new InMemoryClient();
        string error = $"-ERR wrong number of arguments for '{command.ToLowerInvariant()}' command\r\n";
        Assert.That(await c.CallAsync(command, "h", "a"), Is.EqualTo(error));
        Assert.That(await c.CallAsync(command, "h", "a", "1", "b"), Is.EqualTo(error));
        Assert.That(await c.CallAsync("EXISTS", "h"), Is.EqualTo(":0\r\n"));
    }

    [TestCase("HSET", "f", "v")]
    [TestCase("HMSET", "f", "v")]
    [TestCase("HSETNX", "f", "v")]
    [TestCase("HGET", "f")]
    [TestCase("HMGET", "f")]
    [TestCase("HGETALL")]
    [TestCase("HDEL", "f")]
    [TestCase("HEXISTS", "f")]
    [TestCase("HLEN")]
    [TestCase("HKEYS")]
    [TestCase("HVALS")]
    [TestCase("HSTRLEN", "f")]
    [TestCase("HINCRBY", "f", "1")]
    [TestCase("HINCRBYFLOAT", "f", "1")]
    [TestCase("HRANDFIELD")]
    [TestCase("HRANDFIELD", "1")]
    [TestCase("HRANDFIELD", "0")]
    [TestCase("HRANDFIELD", "-2", "WITHVALUES")]
    [TestCase("HSCAN", "0")]
    [TestCase("HSCAN", "0", "COUNT", "0")]
    public async Task WrongTypeEverywhere(string command, params string[] args)
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SET", "str", "x");
        Assert.That(await c.CallAsync([command, "str", .. args]), Is.EqualTo(WrongType));
        Assert.That(await c.CallAsync("GET", "str"), Is.EqualTo("$1\r\nx\r\n"));
    }

    [Test]
    public async Task DeletingTheLastFieldDeletesTheKey()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("HSET", "h", "a", "1", "b", "2", "c", "3");
        Assert.That(await c.CallAsync("HDEL", "h", "a", "zz", "a"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("HDEL", "h", "b", "c", "b"), Is.EqualTo(":2\r\n"));
        Assert.That(await c.CallAsync("EXISTS", "h"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("TYPE", "h"), Is.EqualTo("+none\r\n"));
        Assert.That(c.Server.Database(0).Count(), Is.Zero);
    }

    [Test]
    public async Task SetNx()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("HSETNX", "h", "a", "1"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("HSETNX", "h", "a", "2"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("HGET", "h", "a"), Is.EqualTo("$1\r\n1\r\n"));
    }

    [Test]
    public async Task IncrBy()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("HINCRBY", "h", "n", "-5"), Is.EqualTo(":-5\r\n"));
        Assert.That(await c.CallAsync("HINCRBY", "h", "n", "15"), Is.EqualTo(":10\r\n"));
        Assert.That(await c.CallAsync("HGET", "h", "n"), Is.EqualTo("$2\r\n10\r\n"));
        Assert.That(await c.CallAsync("HINCRBY", "h", "n", "1.5"), Is.EqualTo(NotInteger));
        Assert.That(await c.CallAsync("HINCRBY", "h", "n", "x"), Is.EqualTo(NotInteger));
        Assert.That(await c.CallAsync("HINCRBY", "nokey", "n", "x"), Is.EqualTo(NotInteger));
        Assert.That(await c.CallAsync("EXISTS", "nokey"), Is.EqualTo(":0\r\n"));

        await c.CallAsync("HSET", "h", "s", "abc", "sp", " 5", "max", "9223372036854775807", "z", "-0");
        Assert.That(await c.CallAsync("HINCRBY", "h", "s", "1"), Is.EqualTo("-ERR hash value is not an integer\r\n"));
        Assert.That(await c.CallAsync("HINCRBY", "h", "sp", "1"), Is.EqualTo("-ERR hash value is not an integer\r\n"));
        Assert.That(await c.CallAsync("HINCRBY", "h", "z", "1"), Is.EqualTo("-ERR hash value is not an integer\r\n"));
        Assert.That(await c.CallAsync("HINCRBY", "h", "max", "1"), Is.EqualTo("-ERR increment or decrement would overflow\r\n"));
        Assert.That(await c.CallAsync("HINCRBY", "h", "min", "-9223372036854775808"), Is.EqualTo(":-9223372036854775808\r\n"));
        Assert.That(await c.CallAsync("HINCRBY", "h", "min", "-1"), Is.EqualTo("-ERR increment or decrement would overflow\r\n"));
        Assert.That(await c.CallAsync("HINCRBY", "h", "max", "-9223372036854775808"), Is.EqualTo(":-1\r\n"));
    }

    [TestCase("1000.1", "1000.09999999999999998")]
    [TestCase("10.5", "10.5")]
    [TestCase("3.0e3", "3000")]
    [TestCase("-1.5e-20", "0")]
    [TestCase("0x10", "16")]
    [TestCase(".5", "0.5")]
    [TestCase("5.", "5")]
    [TestCase("+5", "5")]
    [TestCase("1.23456789012345678", "1.23456789012345678")]
    public async Task IncrByFloatFormatsLikeRedisLongDouble(string increment, string expected)
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("HINCRBYFLOAT", "h", "f", increment), Is.EqualTo(Bulk(expected)));
        Assert.That(await c.CallAsync("HGET", "h", "f"), Is.EqualTo(Bulk(expected)));
    }

    [Test]
    public async Task IncrByFloatAccumulatesInLongDouble()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("HINCRBYFLOAT", "h", "g", "0.1"), Is.EqualTo("$3\r\n0.1\r\n"));
        Assert.That(await c.CallAsync("HINCRBYFLOAT", "h", "g", "0.2"), Is.EqualTo("$3\r\n0.3\r\n"));
        Assert.That(await c.CallAsync("HINCRBYFLOAT", "h", "f", "1000.1"), Is.EqualTo(Bulk("1000.09999999999999998")));
        Assert.That(await c.CallAsync("HINCRBYFLOAT", "h", "f", "0.1"), Is.EqualTo(Bulk("1000.19999999999999996")));
        Assert.That(await c.CallAsync("HINCRBYFLOAT", "h", "z", "3000"), Is.EqualTo(Bulk("3000")));
        Assert.That(await c.CallAsync("HINCRBYFLOAT", "h", "z", "-3000"), Is.EqualTo(Bulk("0")));
        var huge = await c.CallAsync("HINCRBYFLOAT", "h", "x", "1e400");
        Assert.That(huge, Does.StartWith("$401\r\n10000000000000000000281880683947586514586453433629"));
        Assert.That(await c.CallAsync("HINCRBYFLOAT", "h", "y", "1e4932"), Does.StartWith("$4933\r\n10000000000000000000060189493879638913238"));
        Assert.That(await c.CallAsync("HINCRBYFLOAT", "h", "y", "1e4931"), Does.StartWith("$4933\r\n11000000000000000000388685811252787432534"));
        Assert.That(await c.CallAsync("HINCRBYFLOAT", "h", "y", "1e4931"), Is.EqualTo("-ERR increment would produce NaN or Infinity\r\n"));
    }

    [Test]
    public async Task IncrByFloatErrors()
    {
        await using var c = new InMemoryClient();
        foreach (var bad in new[] { "x", "nan", " 1", "1 ", "", "1e5000", "1e-5000" })
            Assert.That(await c.CallAsync("HINCRBYFLOAT", "h", "f", bad), Is.EqualTo(NotFloat), bad);
        Assert.That(await c.CallAsync("HINCRBYFLOAT", "h", "f", "inf"), Is.EqualTo("-ERR value is NaN or Infinity\r\n"));
        Assert.That(await c.CallAsync("HINCRBYFLOAT", "h", "f", "-Infinity"), Is.EqualTo("-ERR value is NaN or Infinity\r\n"));
        Assert.That(await c.CallAsync("EXISTS", "h"), Is.EqualTo(":0\r\n"));
        await c.CallAsync("HSET", "h", "s", "abc", "inf", "inf", "big", "1e5000", "sp", " 1");
        Assert.That(await c.CallAsync("HINCRBYFLOAT", "h", "s", "1"), Is.EqualTo("-ERR hash value is not a float\r\n"));
        Assert.That(await c.CallAsync("HINCRBYFLOAT", "h", "big", "1"), Is.EqualTo("-ERR hash value is not a float\r\n"));
        Assert.That(await c.CallAsync("HINCRBYFLOAT", "h", "sp", "1"), Is.EqualTo("-ERR hash value is not a float\r\n"));
        Assert.That(await c.CallAsync("HINCRBYFLOAT", "h", "inf", "1"), Is.EqualTo("-ERR increment would produce NaN or Infinity\r\n"));
    }

    [Test]
    public async Task RandFieldCounts()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("HSET", "one", "a", "1");
        Assert.That(await c.CallAsync("HRANDFIELD", "one"), Is.EqualTo("$1\r\na\r\n"));
        Assert.That(await c.CallAsync("HRANDFIELD", "one", "0"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("HRANDFIELD", "one", "-3"), Is.EqualTo("*3\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n"));
        Assert.That(await c.CallAsync("HRANDFIELD", "one", "-2", "withvalues"), Is.EqualTo("*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n1\r\n"));

        await c.CallAsync("HSET", "h", "a", "1", "b", "2", "c", "3");
        Assert.That(await c.CallAsync("HRANDFIELD", "h", "5", "WITHVALUES"),
            Is.EqualTo("*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"), "count >= size: the whole hash");
        for (int i = 0; i < 20; i++)
        {
            var fields = ParseBulks(await c.CallAsync("HRANDFIELD", "h", "2"));
            Assert.That(fields, Has.Count.EqualTo(2).And.Unique);
            Assert.That(fields, Is.SubsetOf(new[] { "a", "b", "c" }));
            var withValues = ParseBulks(await c.CallAsync("HRANDFIELD", "h", "-5", "WITHVALUES"));
            Assert.That(withValues, Has.Count.EqualTo(10));
            for (int p = 0; p < 10; p += 2) Assert.That(withValues[p + 1], Is.EqualTo(((char)(withValues[p][0] - 'a' + '1')).ToString()));
        }
    }

    [Test]
    public async Task RandFieldOnALargeHashGivesDistinctFields()
    {
        await using var c = new InMemoryClient();
        var args = new List<string> { "HSET", "h" };
        for (int i = 0; i < 1000; i++) args.AddRange(["f" + i, "v" + i]);
        await c.CallAsync([.. args]);
        foreach (var count in new[] { 10, 500, 999 })
        {
            var fields = ParseBulks(await c.CallAsync("HRANDFIELD", "h", count.ToString(), "WITHVALUES"));
            Assert.That(fields, Has.Count.EqualTo(count * 2));
            var names = fields.Where((_, i) => i % 2 == 0).ToList();
            Assert.That(names, Is.Unique);
            for (int p = 0; p < fields.Count; p += 2) Assert.That(fields[p + 1], Is.EqualTo("v" + fields[p].Substring(1)));
        }
        Assert.That(ParseBulks(await c.CallAsync("HRANDFIELD", "h", "-2000")), Has.Count.EqualTo(2000));
    }

    [Test]
    public async Task RandFieldErrors()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("HSET", "h", "a", "1");
        Assert.That(await c.CallAsync("HRANDFIELD", "h", "x"), Is.EqualTo(NotInteger));
        Assert.That(await c.CallAsync("HRANDFIELD", "nokey", "x"), Is.EqualTo(NotInteger));
        Assert.That(await c.CallAsync("HRANDFIELD", "h", "1", "WITHVALUE"), Is.EqualTo(Syntax));
        Assert.That(await c.CallAsync("HRANDFIELD", "h", "1", "WITHVALUES", "extra"), Is.EqualTo(Syntax));
        Assert.That(await c.CallAsync("HRANDFIELD", "nokey", "1", "foo"), Is.EqualTo(Syntax));
        Assert.That(await c.CallAsync("HRANDFIELD", "h", "-9223372036854775808"),
            Is.EqualTo("-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n"));
        Assert.That(await c.CallAsync("HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"), Is.EqualTo("-ERR value is out of range\r\n"));
        Assert.That(await c.CallAsync("HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"), Is.EqualTo("-ERR value is out of range\r\n"));
        Assert.That(await c.CallAsync("HRANDFIELD", "h", "9223372036854775807"), Is.EqualTo("*1\r\n$1\r\na\r\n"));
    }

    [Test]
    public async Task ScanOfASmallHashReturnsEverythingAtOnce()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("HSET", "h", "a", "1", "b", "2", "ab", "3", "", "empty");
        Assert.That(await c.CallAsync("HSCAN", "h", "0"),
            Is.EqualTo("*2\r\n$1\r\n0\r\n*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$2\r\nab\r\n$1\r\n3\r\n$0\r\n\r\n$5\r\nempty\r\n"));
        Assert.That(await c.CallAsync("HSCAN", "h", "0", "MATCH", "a*", "COUNT", "1"),
            Is.EqualTo("*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$2\r\nab\r\n$1\r\n3\r\n"));
        Assert.That(await c.CallAsync("HSCAN", "h", "0", "match", ""), Is.EqualTo("*2\r\n$1\r\n0\r\n*2\r\n$0\r\n\r\n$5\r\nempty\r\n"));
        Assert.That(await c.CallAsync("HSCAN", "h", "123", "MATCH", "b"), Is.EqualTo("*2\r\n$1\r\n0\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"),
            "the cursor is ignored for a listpack");
    }

    [Test]
    public async Task ScanErrors()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("HSET", "h", "a", "1");
        Assert.That(await c.CallAsync("HSCAN", "h", "x"), Is.EqualTo("-ERR invalid cursor\r\n"));
        Assert.That(await c.CallAsync("HSCAN", "nokey", "x"), Is.EqualTo("-ERR invalid cursor\r\n"));
        Assert.That(await c.CallAsync("HSCAN", "h", "18446744073709551616"), Is.EqualTo("-ERR invalid cursor\r\n"));
        Assert.That(await c.CallAsync("HSCAN", "h", "0", "COUNT", "0"), Is.EqualTo(Syntax));
        Assert.That(await c.CallAsync("HSCAN", "h", "0", "COUNT", "-1"), Is.EqualTo(Syntax));
        Assert.That(await c.CallAsync("HSCAN", "h", "0", "COUNT", "x"), Is.EqualTo(NotInteger));
        Assert.That(await c.CallAsync("HSCAN", "h", "0", "MATCH"), Is.EqualTo(Syntax));
        Assert.That(await c.CallAsync("HSCAN", "h", "0", "TYPE", "string"), Is.EqualTo(Syntax));
        Assert.That(await c.CallAsync("HSCAN", "h", "0", "NOVALUES"), Is.EqualTo(Syntax), "NOVALUES is Redis 7.4");
        Assert.That(await c.CallAsync("HSCAN", "nokey", "0", "COUNT", "0"), Is.EqualTo(EmptyScan), "options are not checked for a missing key");
        Assert.That(await c.CallAsync("HSCAN", "nokey", "0", "NOVALUES"), Is.EqualTo(EmptyScan));
    }

    [Test]
    public async Task ScanOfALargeHashVisitsEveryFieldOnce()
    {
        await using var c = new InMemoryClient();
        var args = new List<string> { "HSET", "h" };
        for (int i = 0; i < 1000; i++) args.AddRange(["field:" + i, "v" + i]);
        await c.CallAsync([.. args]);
        var seen = new Dictionary<string, string>();
        string cursor = "0";
        int calls = 0;
        do
        {
            var reply = ParseBulks(await c.CallAsync("HSCAN", "h", cursor, "COUNT", "50"));
            cursor = reply[0];
            for (int i = 1; i < reply.Count; i += 2) seen[reply[i]] = reply[i + 1];
            calls++;
        } while (cursor != "0" && calls < 1000);
        Assert.That(cursor, Is.EqualTo("0"));
        Assert.That(calls, Is.GreaterThan(1), "a large hash is scanned in steps");
        Assert.That(seen, Has.Count.EqualTo(1000));
        Assert.That(seen["field:123"], Is.EqualTo("v123"));

        var matched = new HashSet<string>();
        cursor = "0";
        do
        {
            var reply = ParseBulks(await c.CallAsync("HSCAN", "h", cursor, "MATCH", "field:1?"));
            cursor = reply[0];
            for (int i = 1; i < reply.Count; i += 2) matched.Add(reply[i]);
        } while (cursor != "0");
        Assert.That(matched, Is.EquivalentTo(Enumerable.Range(10, 10).Select(i => "field:" + i)));
    }

    [Test]
    public async Task ListpackBecomesHashtableAndKeepsItsFields()
    {
        await using var c = new InMemoryClient();
        for (int i = 0; i < 128; i++) await c.CallAsync("HSET", "h", "f" + i, "v" + i);
        Assert.That(await c.CallAsync("OBJECT", "ENCODING", "h"), Is.EqualTo("$8\r\nlistpack\r\n"));
        await c.CallAsync("HSET", "h", "f128", "v128");
        Assert.That(await c.CallAsync("OBJECT", "ENCODING", "h"), Is.EqualTo("$9\r\nhashtable\r\n"));
        Assert.That(await c.CallAsync("HLEN", "h"), Is.EqualTo(":129\r\n"));
        for (int i = 0; i <= 128; i++) Assert.That(await c.CallAsync("HGET", "h", "f" + i), Is.EqualTo(Bulk("v" + i)));

        await c.CallAsync("HSET", "v", "a", "1", "b", new string('x', 64));
        Assert.That(await c.CallAsync("OBJECT", "ENCODING", "v"), Is.EqualTo("$8\r\nlistpack\r\n"));
        await c.CallAsync("HSET", "v", "c", new string('y', 65));
        Assert.That(await c.CallAsync("OBJECT", "ENCODING", "v"), Is.EqualTo("$9\r\nhashtable\r\n"));
        Assert.That(await c.CallAsync("HMGET", "v", "a", "b", "c"), Is.EqualTo("*3\r\n" + Bulk("1") + Bulk(new string('x', 64)) + Bulk(new string('y', 65))));
    }

    [Test]
    public async Task CopyOfAHashIsIndependent()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("HSET", "h", "a", "1");
        Assert.That(await c.CallAsync("COPY", "h", "h2"), Is.EqualTo(":1\r\n"));
        await c.CallAsync("HSET", "h", "a", "2");
        Assert.That(await c.CallAsync("HGET", "h2", "a"), Is.EqualTo("$1\r\n1\r\n"));
    }

    [Test]
    public async Task WritesTouchWatchedKeys()
    {
        await using var c = new InMemoryClient();
        await using var other = new InMemoryClient(c.Server);
        await c.CallAsync("WATCH", "h");
        await other.CallAsync("HINCRBY", "h", "n", "1");
        await c.CallAsync("MULTI");
        await c.CallAsync("HGET", "h", "n");
        Assert.That(await c.CallAsync("EXEC"), Is.EqualTo("*-1\r\n"));
    }

    /// <summary>The bulk strings of a reply, in order, ignoring the aggregate headers.</summary>
    internal static List<string> ParseBulks(string reply)
    {
        var values = new List<string>();
        int pos = 0;
        while (pos < reply.Length)
        {
            int end = reply.IndexOf("\r\n", pos, StringComparison.Ordinal);
            string line = reply.Substring(pos, end - pos);
            pos = end + 2;
            if (line[0] != '$') continue;
            int length = int.Parse(line.AsSpan(1));
            if (length < 0) continue;
            values.Add(reply.Substring(pos, length));
            pos += length + 2;
        }
        return values;
    }

    [Test]
    public void ParseBulksReadsNestedReplies() =>
        Assert.That(ParseBulks("*2\r\n$1\r\n0\r\n*2\r\n$3\r\na\r\n\r\n$0\r\n\r\n"), Is.EqualTo(new[] { "0", "a\r\n", "" }));
}
