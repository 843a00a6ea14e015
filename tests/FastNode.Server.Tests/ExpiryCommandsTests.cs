using FastNode.Server.Expiry;
using Microsoft.Extensions.Time.Testing;

namespace FastNode.Server.Tests;

/// <summary>EXPIRE family, TTL family and PERSIST with a fake clock, byte for byte as Redis 7.0; plus active expiry.</summary>
public sealed class ExpiryCommandsTests
{
    private const string NxAndOthers = "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n";
    private const string GtAndLt = "-ERR GT and LT options at the same time are not compatible\r\n";
    private const string NotInteger = "-ERR value is not an integer or out of range\r\n";

    private FakeTimeProvider _time = null!;
    private InMemoryClient _c = null!;

    [SetUp]
    public void SetUp()
    {
        // A whole second, so EXPIRETIME (which truncates) is predictable.
        _time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        _c = new InMemoryClient(InMemoryClient.NewServer(time: _time));
    }

    [TearDown]
    public async Task TearDown() => await _c.DisposeAsync();

    private Task<string> Call(params string[] args) => _c.CallAsync(args);

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    [Test]
    public async Task ExpireThenTtlFamily()
    {
        await Call("SET", "k", "v");
        Assert.That(await Call("EXPIRE", "k", "100"), Is.EqualTo(":1\r\n"));
        Assert.That(await Call("TTL", "k"), Is.EqualTo(":100\r\n"));
        Assert.That(await Call("PTTL", "k"), Is.EqualTo(":100000\r\n"));
        Assert.That(await Call("EXPIRETIME", "k"), Is.EqualTo($":{NowMs / 1000 + 100}\r\n"));
        Assert.That(await Call("PEXPIRETIME", "k"), Is.EqualTo($":{NowMs + 100_000}\r\n"));
        _time.Advance(TimeSpan.FromMilliseconds(40_250));
        Assert.That(await Call("PTTL", "k"), Is.EqualTo(":59750\r\n"));
        Assert.That(await Call("TTL", "k"), Is.EqualTo(":60\r\n"));
    }

    [TestCase("1499", ":1\r\n")]
    [TestCase("1500", ":2\r\n")]
    [TestCase("500", ":1\r\n")]
    [TestCase("499", ":0\r\n")]
    [TestCase("1", ":0\r\n")]
    public async Task TtlRoundsToTheNearestSecond(string ms, string ttl)
    {
        await Call("SET", "k", "v");
        Assert.That(await Call("PEXPIRE", "k", ms), Is.EqualTo(":1\r\n"));
        Assert.That(await Call("TTL", "k"), Is.EqualTo(ttl));
    }

    [Test]
    public async Task AbsoluteForms()
    {
        await Call("SET", "k", "v");
        long at = NowMs / 1000 + 50;
        Assert.That(await Call("EXPIREAT", "k", at.ToString()), Is.EqualTo(":1\r\n"));
        Assert.That(await Call("EXPIRETIME", "k"), Is.EqualTo($":{at}\r\n"));
        Assert.That(await Call("PEXPIRETIME", "k"), Is.EqualTo($":{at * 1000}\r\n"));
        long pat = NowMs + 1234;
        Assert.That(await Call("PEXPIREAT", "k", pat.ToString()), Is.EqualTo(":1\r\n"));
        Assert.That(await Call("PTTL", "k"), Is.EqualTo(":1234\r\n"));
        Assert.That(await Call("PEXPIRETIME", "k"), Is.EqualTo($":{pat}\r\n"));
        Assert.That(await Call("EXPIRETIME", "k"), Is.EqualTo($":{pat / 1000}\r\n"));
    }

    [Test]
    public async Task MissingKeysAndKeysWithoutTtl()
    {
        foreach (var cmd in new[] { "TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME" })
            Assert.That(await Call(cmd, "nope"), Is.EqualTo(":-2\r\n"), cmd);
        await Call("SET", "k", "v");
        foreach (var cmd in new[] { "TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME" })
            Assert.That(await Call(cmd, "k"), Is.EqualTo(":-1\r\n"), cmd);
        foreach (var cmd in new[] { "EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT" })
            Assert.That(await Call(cmd, "nope", "100"), Is.EqualTo(":0\r\n"), cmd);
        Assert.That(await Call("PERSIST", "nope"), Is.EqualTo(":0\r\n"));
        Assert.That(await Call("PERSIST", "k"), Is.EqualTo(":0\r\n"));
    }

    [Test]
    public async Task PersistRemovesTheTtl()
    {
        await Call("SET", "k", "v", "EX", "10");
        Assert.That(await Call("PERSIST", "k"), Is.EqualTo(":1\r\n"));
        Assert.That(await Call("TTL", "k"), Is.EqualTo(":-1\r\n"));
        Assert.That(await Call("PERSIST", "k"), Is.EqualTo(":0\r\n"));
        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.That(await Call("GET", "k"), Is.EqualTo("$1\r\nv\r\n"));
    }

    [TestCase("EXPIRE", "0")]
    [TestCase("EXPIRE", "-5")]
    [TestCase("PEXPIRE", "-1")]
    [TestCase("PEXPIRE", "-9223372036854775808")]
    [TestCase("EXPIREAT", "1")]
    [TestCase("PEXPIREAT", "0")]
    public async Task ATimeInThePastDeletesTheKey(string command, string when)
    {
        await Call("SET", "k", "v");
        Assert.That(await Call(command, "k", when), Is.EqualTo(":1\r\n"));
        Assert.That(await Call("EXISTS", "k"), Is.EqualTo(":0\r\n"));
        Assert.That(_c.Server.Database(0).Count(), Is.Zero);
    }

    [Test]
    public async Task PexpireAtNowDeletesTheKey()
    {
        await Call("SET", "k", "v");
        Assert.That(await Call("PEXPIREAT", "k", NowMs.ToString()), Is.EqualTo(":1\r\n"));
        Assert.That(await Call("EXISTS", "k"), Is.EqualTo(":0\r\n"));
    }

    [Test]
    public async Task NxAndXx()
    {
        await Call("SET", "k", "v");
        Assert.That(await Call("EXPIRE", "k", "100", "XX"), Is.EqualTo(":0\r\n"));
        Assert.That(await Call("TTL", "k"), Is.EqualTo(":-1\r\n"));
        Assert.That(await Call("EXPIRE", "k", "100", "nx"), Is.EqualTo(":1\r\n"));
        Assert.That(await Call("EXPIRE", "k", "200", "NX"), Is.EqualTo(":0\r\n"));
        Assert.That(await Call("TTL", "k"), Is.EqualTo(":100\r\n"));
        Assert.That(await Call("EXPIRE", "k", "300", "xx"), Is.EqualTo(":1\r\n"));
        Assert.That(await Call("TTL", "k"), Is.EqualTo(":300\r\n"));
        // XX on a key with a TTL and a past time still deletes.
        Assert.That(await Call("EXPIRE", "k", "-1", "XX"), Is.EqualTo(":1\r\n"));
        Assert.That(await Call("EXISTS", "k"), Is.EqualTo(":0\r\n"));
    }

    [Test]
    public async Task GtAndLtTreatNoTtlAsInfinite()
    {
        await Call("SET", "k", "v");
        Assert.That(await Call("EXPIRE", "k", "100", "GT"), Is.EqualTo(":0\r\n"));
        Assert.That(await Call("TTL", "k"), Is.EqualTo(":-1\r\n"));
        Assert.That(await Call("EXPIRE", "k", "100", "LT"), Is.EqualTo(":1\r\n"));
        Assert.That(await Call("EXPIRE", "k", "100", "LT"), Is.EqualTo(":0\r\n"), "equal is not less");
        Assert.That(await Call("EXPIRE", "k", "100", "GT"), Is.EqualTo(":0\r\n"), "equal is not greater");
        Assert.That(await Call("EXPIRE", "k", "50", "lt"), Is.EqualTo(":1\r\n"));
        Assert.That(await Call("EXPIRE", "k", "60", "LT"), Is.EqualTo(":0\r\n"));
        Assert.That(await Call("EXPIRE", "k", "200", "gt"), Is.EqualTo(":1\r\n"));
        Assert.That(await Call("EXPIRE", "k", "150", "GT"), Is.EqualTo(":0\r\n"));
        Assert.That(await Call("TTL", "k"), Is.EqualTo(":200\r\n"));
        Assert.That(await Call("EXPIRE", "k", "300", "XX", "GT"), Is.EqualTo(":1\r\n"));
        Assert.That(await Call("EXPIRE", "k", "10", "XX", "LT"), Is.EqualTo(":1\r\n"));
        Assert.That(await Call("TTL", "k"), Is.EqualTo(":10\r\n"));
        Assert.That(await Call("EXPIRE", "k", "-5", "GT"), Is.EqualTo(":0\r\n"));
        Assert.That(await Call("EXPIRE", "k", "-5", "LT"), Is.EqualTo(":1\r\n"));
        Assert.That(await Call("EXISTS", "k"), Is.EqualTo(":0\r\n"));
    }

    [Test]
    public async Task LtWithoutTtlAndPastTimeDeletes()
    {
        await Call("SET", "k", "v");
        Assert.That(await Call("PEXPIRE", "k", "-1", "LT"), Is.EqualTo(":1\r\n"));
        Assert.That(await Call("EXISTS", "k"), Is.EqualTo(":0\r\n"));
    }

    [TestCase(new[] { "NX", "XX" }, NxAndOthers)]
    [TestCase(new[] { "nx", "gt" }, NxAndOthers)]
    [TestCase(new[] { "NX", "LT" }, NxAndOthers)]
    [TestCase(new[] { "GT", "LT" }, GtAndLt)]
    [TestCase(new[] { "XX", "GT", "LT" }, GtAndLt)]
    [TestCase(new[] { "GT", "lt", "NX" }, NxAndOthers)]
    [TestCase(new[] { "foo" }, "-ERR Unsupported option foo\r\n")]
    [TestCase(new[] { "NX", "foo" }, "-ERR Unsupported option foo\r\n")]
    [TestCase(new[] { "foo", "NX", "XX" }, "-ERR Unsupported option foo\r\n")]
    [TestCase(new[] { "NX", "XX", "bar" }, "-ERR Unsupported option bar\r\n")]
    public async Task OptionErrors(string[] options, string error)
    {
        await Call("SET", "k", "v");
        foreach (var cmd in new[] { "EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT" })
        {
            Assert.That(await Call([cmd, "k", "100", .. options]), Is.EqualTo(error), cmd);
            Assert.That(await Call([cmd, "nope", "100", .. options]), Is.EqualTo(error), cmd + " on a missing key");
        }
        Assert.That(await Call("TTL", "k"), Is.EqualTo(":-1\r\n"));
    }

    [Test]
    public async Task OptionsAreCheckedBeforeTheTime()
    {
        Assert.That(await Call("EXPIRE", "k", "abc", "NX", "XX"), Is.EqualTo(NxAndOthers));
        Assert.That(await Call("EXPIRE", "k", "abc", "foo"), Is.EqualTo("-ERR Unsupported option foo\r\n"));
        Assert.That(await Call("EXPIRE", "k", "abc"), Is.EqualTo(NotInteger));
        Assert.That(await Call("PEXPIRE", "k", "1.5"), Is.EqualTo(NotInteger));
        Assert.That(await Call("EXPIREAT", "k", ""), Is.EqualTo(NotInteger));
        Assert.That(await Call("PEXPIREAT", "k", "9223372036854775808"), Is.EqualTo(NotInteger));
    }

    [TestCase("EXPIRE", "9223372036854775")]
    [TestCase("EXPIRE", "9223372036854776")]
    [TestCase("EXPIRE", "-9223372036854776")]
    [TestCase("PEXPIRE", "9223372036854775807")]
    [TestCase("EXPIREAT", "9223372036854775807")]
    [TestCase("EXPIREAT", "9223372036854776")]
    [TestCase("EXPIREAT", "-9223372036854776")]
    public async Task OverflowIsAnInvalidExpireTime(string command, string when)
    {
        await Call("SET", "k", "v");
        Assert.That(await Call(command, "k", when), Is.EqualTo($"-ERR invalid expire time in '{command.ToLowerInvariant()}' command\r\n"));
        Assert.That(await Call(command, "nope", when), Is.EqualTo($"-ERR invalid expire time in '{command.ToLowerInvariant()}' command\r\n"));
        Assert.That(await Call("TTL", "k"), Is.EqualTo(":-1\r\n"));
    }

    [Test]
    public async Task LargestValidTimes()
    {
        await Call("SET", "k", "v");
        Assert.That(await Call("PEXPIREAT", "k", "9223372036854775807"), Is.EqualTo(":1\r\n"));
        Assert.That(await Call("PEXPIRETIME", "k"), Is.EqualTo(":9223372036854775807\r\n"));
        Assert.That(await Call("EXPIREAT", "k", "9223372036854775"), Is.EqualTo(":1\r\n"));
        Assert.That(await Call("PEXPIRETIME", "k"), Is.EqualTo(":9223372036854775000\r\n"));
        Assert.That(await Call("EXPIRE", "k", "-9223372036854775"), Is.EqualTo(":1\r\n"));
        Assert.That(await Call("EXISTS", "k"), Is.EqualTo(":0\r\n"));
    }

    [TestCase("EXPIRE", "k")]
    [TestCase("PEXPIRE", "k")]
    [TestCase("EXPIREAT", "k")]
    [TestCase("PEXPIREAT", "k")]
    [TestCase("TTL")]
    [TestCase("TTL", "a", "b")]
    [TestCase("PTTL")]
    [TestCase("EXPIRETIME")]
    [TestCase("PEXPIRETIME", "a", "b")]
    [TestCase("PERSIST")]
    [TestCase("PERSIST", "a", "b")]
    public async Task WrongArity(string command, params string[] args)
    {
        Assert.That(await Call([command, .. args]), Is.EqualTo($"-ERR wrong number of arguments for '{command.ToLowerInvariant()}' command\r\n"));
    }

    [Test]
    public async Task LazyExpiryOnGetAndExists()
    {
        await Call("SET", "a", "v", "PX", "100");
        await Call("SET", "b", "v");
        Assert.That(await Call("PEXPIRE", "b", "100"), Is.EqualTo(":1\r\n"));
        _time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.That(await Call("GET", "a"), Is.EqualTo("$1\r\nv\r\n"));
        Assert.That(await Call("PTTL", "b"), Is.EqualTo(":1\r\n"));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(await Call("GET", "a"), Is.EqualTo("$-1\r\n"));
        Assert.That(await Call("EXISTS", "b"), Is.EqualTo(":0\r\n"));
        Assert.That(await Call("TTL", "a"), Is.EqualTo(":-2\r\n"));
        Assert.That(_c.Server.Database(0).Count(), Is.Zero);
        Assert.That(await Call("EXPIRE", "a", "10"), Is.EqualTo(":0\r\n"));
    }

    /// <summary>
    /// The active cycle reclaims expired keys that nobody touches: 1000 keys with PX 100 go away after the clock
    /// passes, without a single command naming them, and keys without a TTL stay.
    /// </summary>
    [Test]
    public async Task ActiveExpiryReclaimsUntouchedKeys()
    {
        for (int i = 0; i < 1000; i++) await Call("SET", $"volatile:{i}", "v", "PX", "100");
        for (int i = 0; i < 10; i++) await Call("SET", $"persistent:{i}", "v");
        var db = _c.Server.Database(0);
        Assert.That(db.Count(), Is.EqualTo(1010));

        var cycle = new ActiveExpiryCycle(_c.Server);
        Assert.That(cycle.Run(TimeSpan.FromSeconds(1)), Is.Zero, "nothing has expired yet");
        _time.Advance(TimeSpan.FromMilliseconds(150));
        for (int round = 0; round < 1000 && db.Count() > 10; round++) cycle.Run(TimeSpan.FromSeconds(1));

        Assert.That(db.Count(), Is.EqualTo(10));
        Assert.That(db.VolatileCount(), Is.Zero);
        for (int i = 0; i < 10; i++) Assert.That(await Call("EXISTS", $"persistent:{i}"), Is.EqualTo(":1\r\n"));
    }
}
