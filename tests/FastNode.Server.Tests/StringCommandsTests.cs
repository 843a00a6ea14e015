using System.Text;
using FastNode.Server.Config;
using FastNode.Server.Storage;
using Microsoft.Extensions.Time.Testing;

namespace FastNode.Server.Tests;

/// <summary>
/// The string family byte for byte as Redis 7.0 answers: every expected reply below was first taken from
/// redis-server 7.0.15 with the same commands.
/// </summary>
public sealed class StringCommandsTests
{
    private const string Ok = "+OK\r\n";
    private const string Nil = "$-1\r\n";
    private const string EmptyBulk = "$0\r\n\r\n";
    private const string Syntax = "-ERR syntax error\r\n";
    private const string NotInteger = "-ERR value is not an integer or out of range\r\n";
    private const string NotFloat = "-ERR value is not a valid float\r\n";
    private const string NaNOrInfinity = "-ERR increment would produce NaN or Infinity\r\n";
    private const string WrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
    private const string TooLong = "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n";

    private static string Bulk(string value) => $"${Encoding.UTF8.GetByteCount(value)}\r\n{value}\r\n";

    private static string InvalidExpire(string command) => $"-ERR invalid expire time in '{command}' command\r\n";

    [Test]
    public async Task SetThenGetReturnsTheLatestValue()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo(Nil));
        Assert.That(await c.CallAsync("SET", "k", "v"), Is.EqualTo(Ok));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo("$1\r\nv\r\n"));
        Assert.That(await c.CallAsync("SET", "k", "a longer value"), Is.EqualTo(Ok));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo(Bulk("a longer value")));
        Assert.That(await c.CallAsync("SET", "k", ""), Is.EqualTo(Ok));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo(EmptyBulk));
    }

    [Test]
    public async Task SetNxAndXxOnlyWriteWhenTheKeyIsAbsentOrPresent()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("SET", "k", "1", "XX"), Is.EqualTo(Nil));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo(Nil));
        Assert.That(await c.CallAsync("SET", "k", "1", "nx"), Is.EqualTo(Ok));
        Assert.That(await c.CallAsync("SET", "k", "2", "NX"), Is.EqualTo(Nil));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo("$1\r\n1\r\n"));
        Assert.That(await c.CallAsync("SET", "k", "3", "xx"), Is.EqualTo(Ok));
        Assert.That(await c.CallAsync("SET", "k", "4", "NX", "NX"), Is.EqualTo(Nil));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo("$1\r\n3\r\n"));
    }

    [TestCase("NX", "XX")]
    [TestCase("XX", "NX")]
    [TestCase("EX", "10", "PX", "20")]
    [TestCase("PX", "10", "EXAT", "20")]
    [TestCase("KEEPTTL", "EX", "10")]
    [TestCase("EX", "10", "KEEPTTL")]
    [TestCase("EX")]
    [TestCase("FOO")]
    [TestCase("EX", "abc", "foo")]
    [TestCase("PERSIST")]
    [TestCase("GET", "GET", "XX", "NX")]
    public async Task SetOptionCombinationsThatAreSyntaxErrors(params string[] options)
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync(["SET", "k", "v", .. options]), Is.EqualTo(Syntax));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo(Nil));
    }

    [TestCase("EX", "0", "invalid")]
    [TestCase("EX", "-1", "invalid")]
    [TestCase("PX", "0", "invalid")]
    [TestCase("EXAT", "0", "invalid")]
    [TestCase("PXAT", "-5", "invalid")]
    [TestCase("EX", "9223372036854775807", "invalid")]
    [TestCase("EX", "9223372036854774", "invalid")]
    [TestCase("PX", "9223372036854775807", "invalid")]
    [TestCase("EX", "abc", "integer")]
    [TestCase("EX", "1.5", "integer")]
    [TestCase("PX", "99999999999999999999", "integer")]
    public async Task SetExpiryValueErrors(string unit, string value, string error)
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("SET", "k", "v", unit, value),
            Is.EqualTo(error == "invalid" ? InvalidExpire("set") : NotInteger));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo(Nil));
    }

    [Test]
    public async Task SetExpiryUnitsGiveTheExactTtl()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_250));
        await using var c = new InMemoryClient(InMemoryClient.NewServer(time: time));
        Assert.That(await c.CallAsync("SET", "ex", "v", "EX", "100"), Is.EqualTo(Ok));
        Assert.That(await c.CallAsync("PTTL", "ex"), Is.EqualTo(":100000\r\n"));
        Assert.That(await c.CallAsync("SET", "px", "v", "px", "1500"), Is.EqualTo(Ok));
        Assert.That(await c.CallAsync("PTTL", "px"), Is.EqualTo(":1500\r\n"));
        Assert.That(await c.CallAsync("SET", "exat", "v", "EXAT", "1700000050"), Is.EqualTo(Ok));
        Assert.That(await c.CallAsync("PTTL", "exat"), Is.EqualTo(":49750\r\n"));
        Assert.That(await c.CallAsync("SET", "pxat", "v", "PXAT", "1700000001000"), Is.EqualTo(Ok));
        Assert.That(await c.CallAsync("PTTL", "pxat"), Is.EqualTo(":750\r\n"));
        // A repeated keyword is accepted and the last value wins, as in Redis.
        Assert.That(await c.CallAsync("SET", "twice", "v", "EX", "10", "EX", "20"), Is.EqualTo(Ok));
        Assert.That(await c.CallAsync("PTTL", "twice"), Is.EqualTo(":20000\r\n"));

        time.Advance(TimeSpan.FromMilliseconds(1500));
        Assert.That(await c.CallAsync("GET", "px"), Is.EqualTo(Nil));
        Assert.That(await c.CallAsync("GET", "ex"), Is.EqualTo("$1\r\nv\r\n"));
    }

    [Test]
    public async Task SetWithAnAbsoluteTimeInThePastLeavesNoKey()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("SET", "k", "v", "EXAT", "1"), Is.EqualTo(Ok));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo(Nil));
        Assert.That(await c.CallAsync("SET", "k", "v", "PXAT", "100"), Is.EqualTo(Ok));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo(Nil));
    }

    [Test]
    public async Task KeepTtlKeepsTheTtlAndAPlainSetRemovesIt()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var c = new InMemoryClient(InMemoryClient.NewServer(time: time));
        await c.CallAsync("SET", "k", "v1", "EX", "100");
        Assert.That(await c.CallAsync("SET", "k", "v2", "KEEPTTL"), Is.EqualTo(Ok));
        Assert.That(await c.CallAsync("PTTL", "k"), Is.EqualTo(":100000\r\n"));
        Assert.That(await c.CallAsync("SET", "k", "v3", "KEEPTTL", "KEEPTTL", "XX"), Is.EqualTo(Ok));
        time.Advance(TimeSpan.FromSeconds(101));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo(Nil));

        await c.CallAsync("SET", "p", "v1", "EX", "10");
        Assert.That(await c.CallAsync("SET", "p", "v2"), Is.EqualTo(Ok));
        Assert.That(await c.CallAsync("PTTL", "p"), Is.EqualTo(":-1\r\n"));
        time.Advance(TimeSpan.FromSeconds(11));
        Assert.That(await c.CallAsync("GET", "p"), Is.EqualTo("$2\r\nv2\r\n"));
    }

    [Test]
    public async Task SetGetReturnsTheOldValue()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("SET", "k", "v1", "GET"), Is.EqualTo(Nil));
        Assert.That(await c.CallAsync("SET", "k", "v2", "GET"), Is.EqualTo("$2\r\nv1\r\n"));
        // With NX/XX the old value is still returned, whether or not the write happened.
        Assert.That(await c.CallAsync("SET", "k", "v3", "NX", "GET"), Is.EqualTo("$2\r\nv2\r\n"));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo("$2\r\nv2\r\n"));
        Assert.That(await c.CallAsync("SET", "k", "v4", "get", "xx"), Is.EqualTo("$2\r\nv2\r\n"));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo("$2\r\nv4\r\n"));
        Assert.That(await c.CallAsync("SET", "new", "v", "XX", "GET"), Is.EqualTo(Nil));
        Assert.That(await c.CallAsync("GET", "new"), Is.EqualTo(Nil));
        Assert.That(await c.CallAsync("SET", "new", "v", "GET", "NX"), Is.EqualTo(Nil));
        Assert.That(await c.CallAsync("GET", "new"), Is.EqualTo("$1\r\nv\r\n"));
    }

    [Test]
    public async Task SetGetOnAnotherTypeIsWrongTypeButPlainSetOverwrites()
    {
        await using var c = new InMemoryClient();
        InsertOtherType(c.Server, "list");
        Assert.That(await c.CallAsync("SET", "list", "v", "GET"), Is.EqualTo(WrongType));
        Assert.That(await c.CallAsync("SET", "list", "v", "NX", "GET"), Is.EqualTo(WrongType));
        Assert.That(await c.CallAsync("GETSET", "list", "v"), Is.EqualTo(WrongType));
        Assert.That(await c.CallAsync("GET", "list"), Is.EqualTo(WrongType));
        // The expiry is checked before the type.
        Assert.That(await c.CallAsync("SET", "list", "v", "GET", "EX", "0"), Is.EqualTo(InvalidExpire("set")));
        Assert.That(await c.CallAsync("SET", "list", "v", "NX"), Is.EqualTo(Nil));
        Assert.That(await c.CallAsync("SET", "list", "v"), Is.EqualTo(Ok));
        Assert.That(await c.CallAsync("GET", "list"), Is.EqualTo("$1\r\nv\r\n"));
    }

    [Test]
    public async Task SetNxSetExPSetExAndGetSet()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var c = new InMemoryClient(InMemoryClient.NewServer(time: time));
        Assert.That(await c.CallAsync("SETNX", "n", "a"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("SETNX", "n", "b"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("GET", "n"), Is.EqualTo("$1\r\na\r\n"));

        Assert.That(await c.CallAsync("SETEX", "e", "10", "v"), Is.EqualTo(Ok));
        Assert.That(await c.CallAsync("PTTL", "e"), Is.EqualTo(":10000\r\n"));
        Assert.That(await c.CallAsync("SETEX", "e", "0", "v"), Is.EqualTo(InvalidExpire("setex")));
        Assert.That(await c.CallAsync("SETEX", "e", "-1", "v"), Is.EqualTo(InvalidExpire("setex")));
        Assert.That(await c.CallAsync("SETEX", "e", "9223372036854775807", "v"), Is.EqualTo(InvalidExpire("setex")));
        Assert.That(await c.CallAsync("SETEX", "e", "abc", "v"), Is.EqualTo(NotInteger));
        Assert.That(await c.CallAsync("PSETEX", "p", "1500", "v"), Is.EqualTo(Ok));
        Assert.That(await c.CallAsync("PTTL", "p"), Is.EqualTo(":1500\r\n"));
        Assert.That(await c.CallAsync("PSETEX", "p", "0", "v"), Is.EqualTo(InvalidExpire("psetex")));
        Assert.That(await c.CallAsync("PSETEX", "p", "x", "v"), Is.EqualTo(NotInteger));

        Assert.That(await c.CallAsync("GETSET", "e", "new"), Is.EqualTo("$1\r\nv\r\n"));
        Assert.That(await c.CallAsync("PTTL", "e"), Is.EqualTo(":-1\r\n"), "GETSET clears the TTL like SET");
        Assert.That(await c.CallAsync("GETSET", "missing", "x"), Is.EqualTo(Nil));
        Assert.That(await c.CallAsync("GET", "missing"), Is.EqualTo("$1\r\nx\r\n"));
    }

    [Test]
    public async Task IncrAndDecrFamily()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("INCR", "n"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("INCRBY", "n", "41"), Is.EqualTo(":42\r\n"));
        Assert.That(await c.CallAsync("DECR", "n"), Is.EqualTo(":41\r\n"));
        Assert.That(await c.CallAsync("DECRBY", "n", "-9"), Is.EqualTo(":50\r\n"));
        Assert.That(await c.CallAsync("INCRBY", "n", "-100"), Is.EqualTo(":-50\r\n"));
        Assert.That(await c.CallAsync("GET", "n"), Is.EqualTo("$3\r\n-50\r\n"));
        Assert.That(await c.CallAsync("DECR", "fresh"), Is.EqualTo(":-1\r\n"));
    }

    [TestCase("INCRBY", "abc", NotInteger)]
    [TestCase("INCRBY", "1.5", NotInteger)]
    [TestCase("INCRBY", " 1", NotInteger)]
    [TestCase("INCRBY", "99999999999999999999", NotInteger)]
    [TestCase("DECRBY", "abc", NotInteger)]
    [TestCase("DECRBY", "-9223372036854775808", "-ERR decrement would overflow\r\n")]
    public async Task IncrByArgumentErrors(string command, string delta, string error)
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SET", "n", "5");
        Assert.That(await c.CallAsync(command, "n", delta), Is.EqualTo(error));
        Assert.That(await c.CallAsync("GET", "n"), Is.EqualTo("$1\r\n5\r\n"));
    }

    [TestCase("abc")]
    [TestCase("")]
    [TestCase(" 1")]
    [TestCase("1 ")]
    [TestCase("01")]
    [TestCase("+1")]
    [TestCase("-0")]
    [TestCase("1.0")]
    [TestCase("9223372036854775808")]
    public async Task IncrOnAValueThatIsNotAnIntegerFails(string stored)
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SET", "n", stored);
        Assert.That(await c.CallAsync("INCR", "n"), Is.EqualTo(NotInteger));
        Assert.That(await c.CallAsync("GET", "n"), Is.EqualTo(Bulk(stored)));
    }

    [Test]
    public async Task IncrOverflowIsAnErrorAndLeavesTheValue()
    {
        await using var c = new InMemoryClient();
        const string Overflow = "-ERR increment or decrement would overflow\r\n";
        await c.CallAsync("SET", "max", "9223372036854775807");
        Assert.That(await c.CallAsync("INCR", "max"), Is.EqualTo(Overflow));
        Assert.That(await c.CallAsync("INCRBY", "max", "0"), Is.EqualTo(":9223372036854775807\r\n"));
        await c.CallAsync("SET", "min", "-9223372036854775808");
        Assert.That(await c.CallAsync("DECR", "min"), Is.EqualTo(Overflow));
        Assert.That(await c.CallAsync("DECRBY", "min", "1"), Is.EqualTo(Overflow));
        Assert.That(await c.CallAsync("INCRBY", "fresh", "9223372036854775807"), Is.EqualTo(":9223372036854775807\r\n"));
        Assert.That(await c.CallAsync("INCRBY", "fresh", "1"), Is.EqualTo(Overflow));
        Assert.That(await c.CallAsync("GET", "min"), Is.EqualTo("$20\r\n-9223372036854775808\r\n"));
    }

    [Test]
    public async Task CountersKeepTheTtlAndRefuseOtherTypes()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var c = new InMemoryClient(InMemoryClient.NewServer(time: time));
        await c.CallAsync("SET", "n", "10", "EX", "100");
        Assert.That(await c.CallAsync("INCR", "n"), Is.EqualTo(":11\r\n"));
        Assert.That(await c.CallAsync("INCRBYFLOAT", "n", "0.5"), Is.EqualTo("$4\r\n11.5\r\n"));
        Assert.That(await c.CallAsync("PTTL", "n"), Is.EqualTo(":100000\r\n"));

        InsertOtherType(c.Server, "list");
        foreach (var command in new[] { new[] { "INCR", "list" }, ["DECR", "list"], ["INCRBY", "list", "2"], ["DECRBY", "list", "2"], ["INCRBYFLOAT", "list", "1"] })
        {
            Assert.That(await c.CallAsync(command), Is.EqualTo(WrongType), command[0]);
        }
        // The increment is parsed before the key is looked at.
        Assert.That(await c.CallAsync("INCRBY", "list", "x"), Is.EqualTo(NotInteger));
        Assert.That(await c.CallAsync("INCRBYFLOAT", "list", "x"), Is.EqualTo(WrongType));
    }

    [TestCase("10.5", "0.1", "10.6")]
    [TestCase("5.0e3", "2.0e2", "5200")]
    [TestCase(null, "3.0e3", "3000")]
    [TestCase("0.1", "0.2", "0.3")]
    [TestCase(null, "1000.1", "1000.09999999999999998")]
    [TestCase(null, "123456789.123456789", "123456789.12345678899873747")]
    [TestCase("123456789.12345678899873747", "3.0e3", "123459789.12345678899873747")]
    [TestCase("10", "-10", "0")]
    [TestCase("-10", "2.5", "-7.5")]
    [TestCase(null, "1e-20", "0")]
    [TestCase(null, "-1e-20", "0")]
    [TestCase(null, ".5", "0.5")]
    [TestCase(null, "5.", "5")]
    [TestCase(null, "+3", "3")]
    [TestCase(null, "-.5e1", "-5")]
    [TestCase(null, "12e-3", "0.012")]
    [TestCase(null, "0x1.8p1", "3")]
    [TestCase(null, "0X1P-3", "0.125")]
    [TestCase(null, "1.000003814697265625", "1.00000381469726562")]
    [TestCase(null, "18446744073709551616.5", "18446744073709551616")]
    [TestCase("1", "1e19", "10000000000000000001")]
    [TestCase(null, "3.6451995318824746025e-4951", "0")]
    public async Task IncrByFloatMatchesRedisLongDoubleOutput(string? stored, string increment, string expected)
    {
        await using var c = new InMemoryClient();
        if (stored is not null) await c.CallAsync("SET", "f", stored);
        Assert.That(await c.CallAsync("INCRBYFLOAT", "f", increment), Is.EqualTo(Bulk(expected)));
        Assert.That(await c.CallAsync("GET", "f"), Is.EqualTo(Bulk(expected)));
    }

    [Test]
    public async Task IncrByFloatPrintsHugeValuesInFull()
    {
        await using var c = new InMemoryClient();
        const string Expected = "100000000000000000002458586534161025661508068040050002887327500487325785432383926208372890736129198739813658147359652238566592960617854587787845326097835852628442219969983473365844529789269081145212928";
        Assert.That(await c.CallAsync("INCRBYFLOAT", "f", "1e200"), Is.EqualTo(Bulk(Expected)));
        var reply = await c.CallAsync("INCRBYFLOAT", "g", "1e4000");
        Assert.That(reply, Does.StartWith("$4000\r\n9999999999999999999965463873"));
    }

    [TestCase(null, "abc", NotFloat)]
    [TestCase(null, "", NotFloat)]
    [TestCase(null, " 1", NotFloat)]
    [TestCase(null, "1 ", NotFloat)]
    [TestCase(null, "nan", NotFloat)]
    [TestCase(null, "1e", NotFloat)]
    [TestCase(null, "0x", NotFloat)]
    [TestCase(null, "1.2e4932", NotFloat)]
    [TestCase(null, "1e-4951", NotFloat)]
    [TestCase("abc", "1", NotFloat)]
    [TestCase("", "1", NotFloat)]
    [TestCase("1", "inf", NaNOrInfinity)]
    [TestCase(null, "-infinity", NaNOrInfinity)]
    [TestCase("inf", "1", NaNOrInfinity)]
    [TestCase("inf", "-inf", NaNOrInfinity)]
    [TestCase("1.18973149535723176502e4932", "1.18973149535723176502e4932", NaNOrInfinity)]
    public async Task IncrByFloatErrors(string? stored, string increment, string error)
    {
        await using var c = new InMemoryClient();
        if (stored is not null) await c.CallAsync("SET", "f", stored);
        Assert.That(await c.CallAsync("INCRBYFLOAT", "f", increment), Is.EqualTo(error));
        Assert.That(await c.CallAsync("GET", "f"), Is.EqualTo(stored is null ? Nil : Bulk(stored)));
    }

    [Test]
    public async Task IncrByFloatRejectsOperandsOf5KbOrMore()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("INCRBYFLOAT", "f", new string('0', 5118) + "1"), Is.EqualTo(Bulk("1")));
        Assert.That(await c.CallAsync("INCRBYFLOAT", "g", new string('0', 5119) + "1"), Is.EqualTo(NotFloat));
    }

    [Test]
    public async Task GetDelReturnsAndRemoves()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SET", "k", "v", "EX", "100");
        Assert.That(await c.CallAsync("GETDEL", "k"), Is.EqualTo("$1\r\nv\r\n"));
        Assert.That(await c.CallAsync("GETDEL", "k"), Is.EqualTo(Nil));
        Assert.That(await c.CallAsync("EXISTS", "k"), Is.EqualTo(":0\r\n"));
        InsertOtherType(c.Server, "list");
        Assert.That(await c.CallAsync("GETDEL", "list"), Is.EqualTo(WrongType));
        Assert.That(await c.CallAsync("EXISTS", "list"), Is.EqualTo(":1\r\n"));
    }

    [Test]
    public async Task GetExSetsOrClearsTheTtl()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        await using var c = new InMemoryClient(InMemoryClient.NewServer(time: time));
        await c.CallAsync("SET", "k", "hello");
        Assert.That(await c.CallAsync("GETEX", "k"), Is.EqualTo("$5\r\nhello\r\n"));
        Assert.That(await c.CallAsync("PTTL", "k"), Is.EqualTo(":-1\r\n"));
        Assert.That(await c.CallAsync("GETEX", "k", "EX", "100"), Is.EqualTo("$5\r\nhello\r\n"));
        Assert.That(await c.CallAsync("PTTL", "k"), Is.EqualTo(":100000\r\n"));
        Assert.That(await c.CallAsync("GETEX", "k"), Is.EqualTo("$5\r\nhello\r\n"));
        Assert.That(await c.CallAsync("PTTL", "k"), Is.EqualTo(":100000\r\n"), "no option leaves the TTL alone");
        Assert.That(await c.CallAsync("GETEX", "k", "px", "5000"), Is.EqualTo("$5\r\nhello\r\n"));
        Assert.That(await c.CallAsync("PTTL", "k"), Is.EqualTo(":5000\r\n"));
        Assert.That(await c.CallAsync("GETEX", "k", "EXAT", "1700000060"), Is.EqualTo("$5\r\nhello\r\n"));
        Assert.That(await c.CallAsync("PTTL", "k"), Is.EqualTo(":60000\r\n"));
        Assert.That(await c.CallAsync("GETEX", "k", "PXAT", "1700000000500"), Is.EqualTo("$5\r\nhello\r\n"));
        Assert.That(await c.CallAsync("PTTL", "k"), Is.EqualTo(":500\r\n"));
        Assert.That(await c.CallAsync("GETEX", "k", "EX", "10", "EX", "20"), Is.EqualTo("$5\r\nhello\r\n"));
        Assert.That(await c.CallAsync("PTTL", "k"), Is.EqualTo(":20000\r\n"));
        Assert.That(await c.CallAsync("GETEX", "k", "PERSIST"), Is.EqualTo("$5\r\nhello\r\n"));
        Assert.That(await c.CallAsync("PTTL", "k"), Is.EqualTo(":-1\r\n"));
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo("$5\r\nhello\r\n"));

        // An absolute time already past deletes the key, after replying with the value.
        Assert.That(await c.CallAsync("GETEX", "k", "EXAT", "1"), Is.EqualTo("$5\r\nhello\r\n"));
        Assert.That(await c.CallAsync("EXISTS", "k"), Is.EqualTo(":0\r\n"));
        await c.CallAsync("SET", "k", "again");
        Assert.That(await c.CallAsync("GETEX", "k", "PXAT", "1700000030000"), Is.EqualTo("$5\r\nagain\r\n"));
        Assert.That(await c.CallAsync("EXISTS", "k"), Is.EqualTo(":0\r\n"));
    }

    [TestCase("NX")]
    [TestCase("XX")]
    [TestCase("GET")]
    [TestCase("KEEPTTL")]
    [TestCase("FOO")]
    [TestCase("EX")]
    [TestCase("PERSIST", "EX", "10")]
    [TestCase("EX", "10", "PERSIST")]
    [TestCase("EX", "10", "PX", "10")]
    public async Task GetExSyntaxErrorsComeFirstEvenForMissingKeys(params string[] options)
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SET", "k", "v");
        Assert.That(await c.CallAsync(["GETEX", "k", .. options]), Is.EqualTo(Syntax));
        Assert.That(await c.CallAsync(["GETEX", "missing", .. options]), Is.EqualTo(Syntax));
    }

    [Test]
    public async Task GetExValidatesTheExpiryOnlyForAnExistingString()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SET", "k", "v");
        InsertOtherType(c.Server, "list");
        Assert.That(await c.CallAsync("GETEX", "k", "EX", "0"), Is.EqualTo(InvalidExpire("getex")));
        Assert.That(await c.CallAsync("GETEX", "k", "PX", "-5"), Is.EqualTo(InvalidExpire("getex")));
        Assert.That(await c.CallAsync("GETEX", "k", "EX", "9223372036854775807"), Is.EqualTo(InvalidExpire("getex")));
        Assert.That(await c.CallAsync("GETEX", "k", "EX", "abc"), Is.EqualTo(NotInteger));
        Assert.That(await c.CallAsync("GETEX", "missing", "EX", "abc"), Is.EqualTo(Nil));
        Assert.That(await c.CallAsync("GETEX", "list", "EX", "abc"), Is.EqualTo(WrongType));
        Assert.That(await c.CallAsync("GETEX", "list"), Is.EqualTo(WrongType));
        Assert.That(await c.CallAsync("PTTL", "k"), Is.EqualTo(":-1\r\n"));
    }

    [Test]
    public async Task MGetAnswersNilForMissingKeysAndOtherTypes()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SET", "a", "1");
        await c.CallAsync("SET", "b", "");
        InsertOtherType(c.Server, "list");
        Assert.That(await c.CallAsync("MGET", "a", "missing", "b", "list", "a"),
            Is.EqualTo("*5\r\n$1\r\n1\r\n$-1\r\n$0\r\n\r\n$-1\r\n$1\r\n1\r\n"));
        Assert.That(await c.CallAsync("MGET", "missing"), Is.EqualTo("*1\r\n$-1\r\n"));
    }

    [Test]
    public async Task MGetWithManyKeys()
    {
        await using var c = new InMemoryClient();
        var args = new List<string> { "MGET" };
        var expected = new StringBuilder("*200\r\n");
        for (int i = 0; i < 200; i++)
        {
            if (i % 3 == 0) await c.CallAsync("SET", $"k{i}", $"v{i}");
            args.Add($"k{i}");
            expected.Append(i % 3 == 0 ? Bulk($"v{i}") : Nil);
        }
        Assert.That(await c.CallAsync([.. args]), Is.EqualTo(expected.ToString()));
    }

    [Test]
    public async Task MSetStoresAllPairsAndClearsTtls()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SET", "a", "old", "EX", "100");
        InsertOtherType(c.Server, "list");
        Assert.That(await c.CallAsync("MSET", "a", "1", "b", "2", "a", "3", "list", "4"), Is.EqualTo(Ok));
        Assert.That(await c.CallAsync("MGET", "a", "b", "list"), Is.EqualTo("*3\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n4\r\n"));
        Assert.That(await c.CallAsync("PTTL", "a"), Is.EqualTo(":-1\r\n"));
    }

    [Test]
    public async Task MSetNxIsAllOrNothing()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("MSETNX", "a", "1", "b", "2"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("MSETNX", "c", "3", "a", "9"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("MGET", "a", "b", "c"), Is.EqualTo("*3\r\n$1\r\n1\r\n$1\r\n2\r\n$-1\r\n"));
        // The same new key twice: both pairs are written, the last one wins.
        Assert.That(await c.CallAsync("MSETNX", "d", "1", "d", "2"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("GET", "d"), Is.EqualTo("$1\r\n2\r\n"));
        InsertOtherType(c.Server, "list");
        Assert.That(await c.CallAsync("MSETNX", "e", "1", "list", "2"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("GET", "e"), Is.EqualTo(Nil));
    }

    [TestCase("MSET", "a")]
    [TestCase("MSET", "a", "1", "b")]
    [TestCase("MSETNX", "a", "1", "b")]
    [TestCase("MSETNX")]
    [TestCase("MGET")]
    [TestCase("GETEX")]
    [TestCase("GETDEL")]
    [TestCase("INCRBYFLOAT", "a")]
    [TestCase("APPEND", "a")]
    [TestCase("STRLEN")]
    [TestCase("GETRANGE", "a", "0")]
    [TestCase("SUBSTR", "a", "0")]
    [TestCase("SETRANGE", "a", "0")]
    [TestCase("LCS", "a")]
    [TestCase("SET", "a")]
    [TestCase("GETSET", "a")]
    public async Task WrongArity(string command, params string[] args)
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync([command, .. args]),
            Is.EqualTo($"-ERR wrong number of arguments for '{command.ToLowerInvariant()}' command\r\n"));
    }

    [Test]
    public async Task MSetIsAtomicAcrossShards()
    {
        var server = InMemoryClient.NewServer();
        var (a, b) = KeysInDifferentShards(server.Database(0));
        await using var writer = new InMemoryClient(server);
        await using var reader = new InMemoryClient(server);
        await writer.CallAsync("MSET", a, "0", b, "0");
        var writes = Task.Run(async () =>
        {
            for (int i = 1; i <= 2000; i++) await writer.CallAsync("MSET", a, i.ToString(), b, i.ToString());
        });
        int torn = 0;
        for (int i = 0; i < 2000 && !writes.IsCompleted; i++)
        {
            var reply = (await reader.CallAsync("MGET", a, b)).Split("\r\n");
            if (reply[2] != reply[4]) torn++;
        }
        await writes.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(torn, Is.Zero);
        Assert.That(await reader.CallAsync("MGET", a, b), Is.EqualTo("*2\r\n$4\r\n2000\r\n$4\r\n2000\r\n"));
    }

    [Test]
    public async Task AppendAndStrLen()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("STRLEN", "k"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("APPEND", "k", "Hello"), Is.EqualTo(":5\r\n"));
        Assert.That(await c.CallAsync("APPEND", "k", " World"), Is.EqualTo(":11\r\n"));
        Assert.That(await c.CallAsync("APPEND", "k", ""), Is.EqualTo(":11\r\n"));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo(Bulk("Hello World")));
        Assert.That(await c.CallAsync("STRLEN", "k"), Is.EqualTo(":11\r\n"));
        // APPEND of nothing still creates the key.
        Assert.That(await c.CallAsync("APPEND", "empty", ""), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("EXISTS", "empty"), Is.EqualTo(":1\r\n"));
        await c.CallAsync("SET", "n", "1");
        await c.CallAsync("APPEND", "n", "5");
        Assert.That(await c.CallAsync("INCR", "n"), Is.EqualTo(":16\r\n"));
        Assert.That(await c.CallAsync("APPEND", "n", "x"), Is.EqualTo(":3\r\n"));

        InsertOtherType(c.Server, "list");
        Assert.That(await c.CallAsync("APPEND", "list", "x"), Is.EqualTo(WrongType));
        Assert.That(await c.CallAsync("STRLEN", "list"), Is.EqualTo(WrongType));
    }

    [Test]
    public async Task AppendManySmallPiecesKeepsEveryByte()
    {
        await using var c = new InMemoryClient();
        var expected = new StringBuilder();
        for (int i = 0; i < 300; i++)
        {
            string piece = $"<{i}:" + new string((char)('a' + i % 26), i % 7) + ">";
            expected.Append(piece);
            Assert.That(await c.CallAsync("APPEND", "k", piece), Is.EqualTo($":{expected.Length}\r\n"));
        }
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo(Bulk(expected.ToString())));
    }

    [TestCase("0", "3", "This")]
    [TestCase("-3", "-1", "ing")]
    [TestCase("0", "-1", "This is a string")]
    [TestCase("10", "100", "string")]
    [TestCase("-100", "3", "This")]
    [TestCase("-100", "-50", "T")]
    [TestCase("-1", "-5", "")]
    [TestCase("5", "3", "")]
    [TestCase("15", "15", "g")]
    [TestCase("16", "16", "")]
    [TestCase("100", "200", "")]
    [TestCase("-9223372036854775808", "9223372036854775807", "This is a string")]
    public async Task GetRangeIndexes(string start, string end, string expected)
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SET", "k", "This is a string");
        Assert.That(await c.CallAsync("GETRANGE", "k", start, end), Is.EqualTo(Bulk(expected)));
        Assert.That(await c.CallAsync("SUBSTR", "k", start, end), Is.EqualTo(Bulk(expected)));
    }

    [Test]
    public async Task GetRangeEdgeCases()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SET", "empty", "");
        Assert.That(await c.CallAsync("GETRANGE", "empty", "0", "-1"), Is.EqualTo(EmptyBulk));
        Assert.That(await c.CallAsync("GETRANGE", "missing", "0", "-1"), Is.EqualTo(EmptyBulk));
        Assert.That(await c.CallAsync("GETRANGE", "missing", "abc", "1"), Is.EqualTo(NotInteger));
        Assert.That(await c.CallAsync("GETRANGE", "empty", "1", "1.5"), Is.EqualTo(NotInteger));
        InsertOtherType(c.Server, "list");
        Assert.That(await c.CallAsync("GETRANGE", "list", "0", "1"), Is.EqualTo(WrongType));
    }

    [Test]
    public async Task SetRangeOverwritesAndZeroPads()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SET", "k", "Hello World");
        Assert.That(await c.CallAsync("SETRANGE", "k", "6", "Redis"), Is.EqualTo(":11\r\n"));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo(Bulk("Hello Redis")));
        Assert.That(await c.CallAsync("SETRANGE", "k", "14", "!"), Is.EqualTo(":15\r\n"));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo(Bulk("Hello Redis\0\0\0!")));
        Assert.That(await c.CallAsync("SETRANGE", "k", "0", ""), Is.EqualTo(":15\r\n"));
        Assert.That(await c.CallAsync("SETRANGE", "new", "3", "abc"), Is.EqualTo(":6\r\n"));
        Assert.That(await c.CallAsync("GET", "new"), Is.EqualTo(Bulk("\0\0\0abc")));
    }

    [Test]
    public async Task SetRangeNeverLeaksOldBytesIntoThePadding()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SET", "k", "0123456789abcdefghij");
        await c.CallAsync("SET", "k", "xy");
        Assert.That(await c.CallAsync("SETRANGE", "k", "6", "Z"), Is.EqualTo(":7\r\n"));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo(Bulk("xy\0\0\0\0Z")));
    }

    [Test]
    public async Task SetRangeErrorsAndNoOps()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SET", "k", "abc");
        Assert.That(await c.CallAsync("SETRANGE", "k", "-1", "x"), Is.EqualTo("-ERR offset is out of range\r\n"));
        Assert.That(await c.CallAsync("SETRANGE", "k", "abc", "x"), Is.EqualTo(NotInteger));
        Assert.That(await c.CallAsync("SETRANGE", "k", "1.5", "x"), Is.EqualTo(NotInteger));
        Assert.That(await c.CallAsync("SETRANGE", "k", "536870912", "x"), Is.EqualTo(TooLong));
        Assert.That(await c.CallAsync("SETRANGE", "k", "9223372036854775807", "x"), Is.EqualTo(TooLong));
        Assert.That(await c.CallAsync("SETRANGE", "k", "536870912", ""), Is.EqualTo(":3\r\n"));
        Assert.That(await c.CallAsync("SETRANGE", "missing", "536870912", "x"), Is.EqualTo(TooLong));
        // An empty value on a missing key answers 0 and does not create it.
        Assert.That(await c.CallAsync("SETRANGE", "missing", "5", ""), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("EXISTS", "missing"), Is.EqualTo(":0\r\n"));
        InsertOtherType(c.Server, "list");
        Assert.That(await c.CallAsync("SETRANGE", "list", "0", "x"), Is.EqualTo(WrongType));
        Assert.That(await c.CallAsync("SETRANGE", "list", "0", ""), Is.EqualTo(WrongType));
        Assert.That(await c.CallAsync("SETRANGE", "list", "-1", "x"), Is.EqualTo("-ERR offset is out of range\r\n"));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo(Bulk("abc")));
    }

    [Test]
    public async Task LengthLimitFollowsProtoMaxBulkLen()
    {
        await using var c = new InMemoryClient(InMemoryClient.NewServer(new ServerOptions { Port = 0, ProtoMaxBulkLen = 100_000 }));
        var chunk = new string('a', 60_000);
        Assert.That(await c.CallAsync("APPEND", "k", chunk), Is.EqualTo(":60000\r\n"));
        Assert.That(await c.CallAsync("APPEND", "k", chunk), Is.EqualTo(TooLong));
        Assert.That(await c.CallAsync("APPEND", "k", new string('b', 40_000)), Is.EqualTo(":100000\r\n"));
        Assert.That(await c.CallAsync("SETRANGE", "r", "99999", "ab"), Is.EqualTo(TooLong));
        Assert.That(await c.CallAsync("SETRANGE", "r", "99998", "ab"), Is.EqualTo(":100000\r\n"));
    }

    [Test]
    public async Task ValuesLargerThan64KbRoundTripThroughEveryCommand()
    {
        await using var c = new InMemoryClient();
        var big = RandomText(100_000, seed: 1);
        Assert.That(await c.CallAsync("SET", "k", big), Is.EqualTo(Ok));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo(Bulk(big)));
        Assert.That(await c.CallAsync("STRLEN", "k"), Is.EqualTo(":100000\r\n"));
        Assert.That(await c.CallAsync("GETRANGE", "k", "70000", "70009"), Is.EqualTo(Bulk(big.Substring(70000, 10))));
        Assert.That(await c.CallAsync("GETRANGE", "k", "1", "-2"), Is.EqualTo(Bulk(big[1..^1])));

        Assert.That(await c.CallAsync("APPEND", "k", "tail"), Is.EqualTo(":100004\r\n"));
        big += "tail";
        Assert.That(await c.CallAsync("SETRANGE", "k", "50000", "MIDDLE"), Is.EqualTo(":100004\r\n"));
        big = big[..50000] + "MIDDLE" + big[50006..];
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo(Bulk(big)));
        Assert.That(await c.CallAsync("MGET", "k", "none"), Is.EqualTo("*2\r\n" + Bulk(big) + Nil));
        Assert.That(await c.CallAsync("GETEX", "k", "EX", "100"), Is.EqualTo(Bulk(big)));
        Assert.That(await c.CallAsync("GETSET", "k", "small"), Is.EqualTo(Bulk(big)));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo(Bulk("small")));

        // Growing a small value past the 64 KB mark by appends and by SETRANGE.
        var grown = new StringBuilder();
        for (int i = 0; i < 10; i++)
        {
            var piece = RandomText(10_000, seed: 10 + i);
            grown.Append(piece);
            Assert.That(await c.CallAsync("APPEND", "g", piece), Is.EqualTo($":{grown.Length}\r\n"));
        }
        Assert.That(await c.CallAsync("GET", "g"), Is.EqualTo(Bulk(grown.ToString())));
        Assert.That(await c.CallAsync("SETRANGE", "s", "70000", "x"), Is.EqualTo(":70001\r\n"));
        Assert.That(await c.CallAsync("GET", "s"), Is.EqualTo(Bulk(new string('\0', 70000) + "x")));
        Assert.That(await c.CallAsync("GETDEL", "g"), Is.EqualTo(Bulk(grown.ToString())));
    }

    [Test]
    public async Task ALargeValueIsReplacedNotModifiedInPlace()
    {
        // Readers copy values over 64 KB after releasing the shard lock, which is only safe if such an array is never
        // written again: APPEND and SETRANGE must build a new one.
        await using var c = new InMemoryClient();
        var big = RandomText(70_000, seed: 3);
        await c.CallAsync("SET", "k", big);
        var before = (byte[])ValueOf(c.Server, "k")!;
        var snapshot = before.ToArray();
        await c.CallAsync("SETRANGE", "k", "10", "changed");
        await c.CallAsync("APPEND", "k", "more");
        Assert.That(before, Is.EqualTo(snapshot));
        Assert.That(ValueOf(c.Server, "k"), Is.Not.SameAs(before));
        Assert.That(await c.CallAsync("GETRANGE", "k", "8", "18"), Is.EqualTo(Bulk(big[8..10] + "changed" + big[17..19])));
    }

    [Test]
    public async Task LcsReturnsTheSubsequenceItsLengthOrTheMatches()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("MSET", "a", "ohmytext", "b", "mynewtext");
        Assert.That(await c.CallAsync("LCS", "a", "b"), Is.EqualTo(Bulk("mytext")));
        Assert.That(await c.CallAsync("LCS", "a", "b", "LEN"), Is.EqualTo(":6\r\n"));
        Assert.That(await c.CallAsync("LCS", "a", "b", "len", "LEN"), Is.EqualTo(":6\r\n"));
        Assert.That(await c.CallAsync("LCS", "a", "b", "IDX"), Is.EqualTo(
            "*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n"));
        Assert.That(await c.CallAsync("LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"), Is.EqualTo(
            "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n"));
        Assert.That(await c.CallAsync("LCS", "a", "b", "IDX", "WITHMATCHLEN", "MINMATCHLEN", "-4"), Is.EqualTo(
            "*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n"));
        Assert.That(await c.CallAsync("LCS", "a", "missing"), Is.EqualTo(EmptyBulk));
        Assert.That(await c.CallAsync("LCS", "a", "missing", "IDX"), Is.EqualTo("*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n"));
    }

    [Test]
    public async Task LcsBreaksTiesLikeRedis()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("MSET", "m1", "abcabcabcxyzxyz", "m2", "zyxcbaabcxyzabc", "m3", "aaaa", "m4", "aa");
        Assert.That(await c.CallAsync("LCS", "m1", "m2"), Is.EqualTo(Bulk("cbabcxyz")));
        Assert.That(await c.CallAsync("LCS", "m2", "m1", "IDX", "WITHMATCHLEN"), Is.EqualTo(
            "*4\r\n$7\r\nmatches\r\n*3\r\n*3\r\n*2\r\n:6\r\n:11\r\n*2\r\n:6\r\n:11\r\n:6\r\n*3\r\n*2\r\n:5\r\n:5\r\n*2\r\n:3\r\n:3\r\n:1\r\n"
            + "*3\r\n*2\r\n:4\r\n:4\r\n*2\r\n:1\r\n:1\r\n:1\r\n$3\r\nlen\r\n:8\r\n"));
        Assert.That(await c.CallAsync("LCS", "m3", "m4", "IDX", "WITHMATCHLEN"), Is.EqualTo(
            "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:2\r\n"));
    }

    [Test]
    public async Task LcsErrors()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("MSET", "a", "ohmytext", "b", "mynewtext");
        InsertOtherType(c.Server, "list");
        Assert.That(await c.CallAsync("LCS", "a", "b", "IDX", "LEN"), Is.EqualTo("-ERR If you want both the length and indexes, please just use IDX.\r\n"));
        Assert.That(await c.CallAsync("LCS", "a", "b", "MINMATCHLEN"), Is.EqualTo(Syntax));
        Assert.That(await c.CallAsync("LCS", "a", "b", "MINMATCHLEN", "x"), Is.EqualTo(NotInteger));
        Assert.That(await c.CallAsync("LCS", "a", "b", "IDX", "LEN", "FOO"), Is.EqualTo(Syntax));
        // The key types are checked before the options.
        Assert.That(await c.CallAsync("LCS", "a", "list", "FOO"), Is.EqualTo("-ERR The specified keys must contain string values\r\n"));
        Assert.That(await c.CallAsync("LCS", "list", "missing"), Is.EqualTo("-ERR The specified keys must contain string values\r\n"));
    }

    [Test]
    public async Task LcsRefusesATableLargerThanProtoMaxBulkLen()
    {
        await using var c = new InMemoryClient(InMemoryClient.NewServer(new ServerOptions { Port = 0, ProtoMaxBulkLen = 100_000 }));
        await c.CallAsync("MSET", "a", new string('x', 200), "b", new string('x', 200), "c", new string('x', 150));
        const string Refused = "-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len\r\n";
        Assert.That(await c.CallAsync("LCS", "a", "b"), Is.EqualTo(Refused));
        Assert.That(await c.CallAsync("LCS", "a", "b", "LEN"), Is.EqualTo(Refused));
        Assert.That(await c.CallAsync("LCS", "c", "c", "LEN"), Is.EqualTo(":150\r\n"));
    }

    [Test]
    public async Task LcsOfLongerStrings()
    {
        await using var c = new InMemoryClient();
        var a = RandomText(3000, seed: 5, alphabet: "ab");
        var b = RandomText(2000, seed: 6, alphabet: "ab");
        await c.CallAsync("MSET", "a", a, "b", b);
        int expected = ReferenceLcsLength(a, b);
        Assert.That(await c.CallAsync("LCS", "a", "b", "LEN"), Is.EqualTo($":{expected}\r\n"));
        var text = await c.CallAsync("LCS", "a", "b");
        Assert.That(text, Does.StartWith($"${expected}\r\n"));
        var subsequence = text.Split("\r\n")[1];
        Assert.That(IsSubsequence(subsequence, a) && IsSubsequence(subsequence, b), Is.True);
    }

    [Test]
    public async Task Resp3ShapesOfNilAndLcsMatches()
    {
        await using var c = new InMemoryClient();
        c.Session.Protocol = 3;
        await c.CallAsync("MSET", "a", "ohmytext", "b", "mynewtext");
        Assert.That(await c.CallAsync("GETEX", "missing"), Is.EqualTo("_\r\n"));
        Assert.That(await c.CallAsync("MGET", "a", "missing"), Is.EqualTo("*2\r\n$8\r\nohmytext\r\n_\r\n"));
        Assert.That(await c.CallAsync("LCS", "a", "b", "IDX", "MINMATCHLEN", "3"), Is.EqualTo(
            "%2\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n$3\r\nlen\r\n:6\r\n"));
        Assert.That(await c.CallAsync("INCRBYFLOAT", "f", "1.5"), Is.EqualTo("$3\r\n1.5\r\n"));
    }

    [TestCase("INCRBYFLOAT", "f", "0.25")]
    [TestCase("INCRBYFLOAT", "f", "-1.5e-3")]
    [TestCase("MGET", "a", "b", "missing")]
    [TestCase("MSET", "a", "1", "b", "2")]
    [TestCase("STRLEN", "a")]
    [TestCase("GETRANGE", "a", "0", "-1")]
    [TestCase("SETRANGE", "a", "0", "9")]
    [TestCase("GETEX", "a", "PERSIST")]
    [TestCase("APPEND", "empty", "")]
    public void CommonPathsAllocateNothing(params string[] command)
    {
        // Same method as AllocationBudgetTests: batches run through CommandProcessor on this thread.
        var server = new ServerState(new ServerOptions { Port = 0 });
        var processor = new Network.CommandProcessor(server, new Sessions.ClientSession("127.0.0.1:50000", "127.0.0.1:6379", server.NowMs),
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var setup = new System.Buffers.ReadOnlySequence<byte>([.. Resp.Command("MSET", "a", "1", "b", "2", "f", "1000"), .. Resp.Command("APPEND", "empty", "")]);
        var sink = new Network.NullBufferWriter();
        processor.Process(ref setup, sink);
        var batch = new MemoryStream();
        for (int i = 0; i < 100; i++) batch.Write(Resp.Command(command));
        var bytes = batch.ToArray();
        for (int i = 0; i < 50; i++) Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) Run();
        double perCommand = (GC.GetAllocatedBytesForCurrentThread() - before) / (100.0 * 100);
        Assert.That(perCommand, Is.LessThan(0.5));

        void Run()
        {
            var input = new System.Buffers.ReadOnlySequence<byte>(bytes);
            if (processor.Process(ref input, sink) is { } reason) Assert.Fail($"closed: {reason}");
        }
    }

    private static (string A, string B) KeysInDifferentShards(Database db)
    {
        string first = "key:0";
        int shard = db.ShardIndex(KeyHasher.Hash(Encoding.UTF8.GetBytes(first)));
        for (int i = 1; ; i++)
        {
            string candidate = $"key:{i}";
            if (db.ShardIndex(KeyHasher.Hash(Encoding.UTF8.GetBytes(candidate))) != shard) return (first, candidate);
        }
    }

    /// <summary>Stands in for a key of another family (a list), added straight into the database.</summary>
    private static void InsertOtherType(ServerState server, string key)
    {
        var bytes = Encoding.UTF8.GetBytes(key);
        ulong hash = KeyHasher.Hash(bytes);
        var shard = server.Database(0).ShardFor(hash);
        lock (shard.Lock)
        {
            int i = shard.Add(hash, bytes, ValueKind.List);
            shard.At(i).Value = new List<string> { "item" };
        }
    }

    private static object? ValueOf(ServerState server, string key)
    {
        var bytes = Encoding.UTF8.GetBytes(key);
        ulong hash = KeyHasher.Hash(bytes);
        var shard = server.Database(0).ShardFor(hash);
        lock (shard.Lock)
        {
            int i = shard.FindIncludingExpired(hash, bytes);
            return i < 0 ? null : shard.At(i).Value;
        }
    }

    private static string RandomText(int length, int seed, string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789")
    {
        var random = new Random(seed);
        var chars = new char[length];
        for (int i = 0; i < length; i++) chars[i] = alphabet[random.Next(alphabet.Length)];
        return new string(chars);
    }

    private static int ReferenceLcsLength(string a, string b)
    {
        var table = new int[a.Length + 1, b.Length + 1];
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
                table[i, j] = a[i - 1] == b[j - 1] ? table[i - 1, j - 1] + 1 : Math.Max(table[i - 1, j], table[i, j - 1]);
        return table[a.Length, b.Length];
    }

    private static bool IsSubsequence(string sub, string of)
    {
        int j = 0;
        foreach (char ch in of)
        {
            if (j < sub.Length && sub[j] == ch) j++;
        }
        return j == sub.Length;
    }
}
