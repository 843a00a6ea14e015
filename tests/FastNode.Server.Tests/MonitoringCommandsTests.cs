using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;

namespace FastNode.Server.Tests;

/// <summary>
/// SLOWLOG, MONITOR, LATENCY and INFO latencystats, in-process: the entries' shapes and Redis 7.0's truncation and
/// redaction byte for byte (durations and times are matched by pattern, they are not deterministic).
/// </summary>
public sealed class MonitoringCommandsTests
{
    private static readonly DateTimeOffset Epoch = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static string Bulk(string text) => $"${System.Text.Encoding.UTF8.GetByteCount(text)}\r\n{text}\r\n";

    private static async Task<InMemoryClient> LogEverything(TimeProvider? time = null)
    {
        var c = new InMemoryClient(InMemoryClient.NewServer(time: time));
        Assert.That(await c.CallAsync("CONFIG", "SET", "slowlog-log-slower-than", "0"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("SLOWLOG", "RESET"), Is.EqualTo("+OK\r\n"));
        return c;
    }

    [Test]
    public async Task SlowlogEntryCarriesIdTimeDurationArgsAddressAndName()
    {
        var time = new FakeTimeProvider(Epoch);
        await using var c = await LogEverything(time);
        await c.CallAsync("CLIENT", "SETNAME", "worker-1");
        await c.CallAsync("SET", "k", "v");
        string reply = await c.CallAsync("SLOWLOG", "GET", "1");
        // SLOWLOG RESET was entry 1 (CONFIG SET entry 0), CLIENT SETNAME 2, SET 3.
        Assert.That(reply, Does.Match(@"^\*1\r\n\*6\r\n:3\r\n:1704164645\r\n:\d+\r\n\*3\r\n\$3\r\nSET\r\n\$1\r\nk\r\n\$1\r\nv\r\n"
            + Regex.Escape(Bulk("127.0.0.1:50000") + Bulk("worker-1")) + "$"));
        Assert.That(await c.CallAsync("SLOWLOG", "LEN"), Is.EqualTo(":4\r\n"));
    }

    [Test]
    public async Task SlowlogTruncatesArgumentsAndLongStringsAsRedis()
    {
        await using var c = await LogEverything();
        var args = new List<string> { "DEL" };
        for (int i = 1; i <= 40; i++) args.Add(i.ToString());
        await c.CallAsync([.. args]);
        await c.CallAsync("SET", "k", new string('a', 200));
        string reply = await c.CallAsync("SLOWLOG", "GET", "2");
        string set = "*3\r\n" + Bulk("SET") + Bulk("k") + Bulk(new string('a', 128) + "... (72 more bytes)");
        Assert.That(reply, Does.Contain(set), "strings over 128 bytes are cut and say how many bytes more");
        var del = new System.Text.StringBuilder("*32\r\n" + Bulk("DEL"));
        for (int i = 1; i <= 30; i++) del.Append(Bulk(i.ToString()));
        del.Append(Bulk("... (10 more arguments)"));
        Assert.That(reply, Does.Contain(del.ToString()), "at most 32 arguments, the last saying how many more");
    }

    [Test]
    public async Task SlowlogAndMonitorRedactSecrets()
    {
        await using var c = await LogEverything();
        await using var monitor = new InMemoryClient(c.Server);
        Assert.That(await monitor.CallAsync("MONITOR"), Is.EqualTo("+OK\r\n"));
        await c.CallAsync("AUTH", "user", "secret");
        await c.CallAsync("HELLO", "2", "AUTH", "default", "secret", "SETNAME", "n");
        await c.CallAsync("CONFIG", "SET", "masterauth", "secret", "maxmemory-samples", "5");
        await c.CallAsync("MIGRATE", "127.0.0.1", "1", "", "0", "10", "AUTH2", "u", "secret", "KEYS", "a");
        string log = await c.CallAsync("SLOWLOG", "GET", "-1");
        Assert.That(log, Does.Not.Contain("secret"));
        Assert.That(log, Does.Contain("*3\r\n" + Bulk("AUTH") + Bulk("(redacted)") + Bulk("(redacted)")));
        Assert.That(log, Does.Contain(Bulk("AUTH") + Bulk("(redacted)") + Bulk("(redacted)") + Bulk("SETNAME") + Bulk("n")));
        Assert.That(log, Does.Contain(Bulk("masterauth") + Bulk("(redacted)") + Bulk("maxmemory-samples") + Bulk("5")));
        Assert.That(log, Does.Contain(Bulk("AUTH2") + Bulk("(redacted)") + Bulk("(redacted)") + Bulk("KEYS") + Bulk("a")));
        string lines = await ReadMonitorLines(monitor, 3);
        Assert.That(lines, Does.Not.Contain("secret"));
        Assert.That(lines, Does.Contain("\"AUTH\" \"(redacted)\" \"(redacted)\""));
        Assert.That(lines, Does.Not.Contain("masterauth"), "CONFIG is an admin command: not shown to monitors");
    }

    [Test]
    public async Task MonitorShowsOtherClientsCommandsInRedisLineFormat()
    {
        var server = InMemoryClient.NewServer();
        await using var monitor = new InMemoryClient(server);
        await using var c = new InMemoryClient(server);
        Assert.That(await monitor.CallAsync("MONITOR"), Is.EqualTo("+OK\r\n"));
        await c.CallAsync("SELECT", "3");
        await c.CallAsync("SET", "a b\"c", "x\u0001\n");
        await c.CallAsync("NOSUCHCOMMAND");
        await c.CallAsync("MULTI");
        await c.CallAsync("INCR", "n");
        await c.CallAsync("EXEC");
        string lines = await ReadMonitorLines(monitor, 5);
        var expected = new[]
        {
            @"\[3 127\.0\.0\.1:50000\] ""SELECT"" ""3""",   // the database after the command, as Redis shows it
            @"\[3 127\.0\.0\.1:50000\] ""SET"" ""a b\\""c"" ""x\\x01\\n""",
            @"\[3 127\.0\.0\.1:50000\] ""MULTI""",
            @"\[3 127\.0\.0\.1:50000\] ""INCR"" ""n""",
            @"\[3 127\.0\.0\.1:50000\] ""EXEC""",
        };
        var got = lines.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.That(got, Has.Length.EqualTo(expected.Length), lines);
        for (int i = 0; i < expected.Length; i++) Assert.That(got[i], Does.Match(@"^\+\d{10}\.\d{6} " + expected[i] + "$"));
    }

    [Test]
    public async Task MonitorInsideExecIsRefused()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("MULTI");
        Assert.That(await c.CallAsync("MONITOR"), Is.EqualTo("+QUEUED\r\n"));
        Assert.That(await c.CallAsync("EXEC"), Is.EqualTo("*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n"));
    }

    [Test]
    public async Task SlowlogMaxLenKeepsTheNewestAndIdsGoOnAfterReset()
    {
        await using var c = await LogEverything();
        await c.CallAsync("CONFIG", "SET", "slowlog-max-len", "2");
        await c.CallAsync("PING");
        await c.CallAsync("ECHO", "x");
        Assert.That(await c.CallAsync("SLOWLOG", "LEN"), Is.EqualTo(":2\r\n"));
        string two = await c.CallAsync("SLOWLOG", "GET");
        // SLOWLOG commands are logged too (as in Redis): LEN was entry 5, after ECHO (4) and PING (3).
        Assert.That(two, Does.Match(@"(?s)^\*2\r\n\*6\r\n:5\r\n.*SLOWLOG.*\*6\r\n:4\r\n.*ECHO"), "newest first");
        await c.CallAsync("SLOWLOG", "RESET");
        await c.CallAsync("CONFIG", "SET", "slowlog-log-slower-than", "-1");
        await c.CallAsync("PING");
        Assert.That(await c.CallAsync("SLOWLOG", "LEN"), Is.EqualTo(":1\r\n"), "only the RESET itself: -1 logs nothing");
        await c.CallAsync("CONFIG", "SET", "slowlog-log-slower-than", "0");
        await c.CallAsync("PING");
        // GET was 6, RESET 7 (logged into the emptied log), CONFIG SET ... 0 is 8 and PING 9.
        Assert.That(await c.CallAsync("SLOWLOG", "GET"), Does.StartWith("*2\r\n*6\r\n:9\r\n"), "ids are not reset");
        Assert.That(await c.CallAsync("CONFIG", "SET", "slowlog-log-slower-than", "-2"),
            Is.EqualTo("-ERR CONFIG SET failed (possibly related to argument 'slowlog-log-slower-than') - argument must be between -1 and 9223372036854775807 inclusive\r\n"));
    }

    [Test]
    public async Task ExecIsNotLoggedButTheCommandsItRanAre()
    {
        await using var c = await LogEverything();
        await c.CallAsync("MULTI");
        await c.CallAsync("SET", "a", "1");
        await c.CallAsync("EXEC");
        string log = await c.CallAsync("SLOWLOG", "GET", "-1");
        Assert.That(log, Does.Contain(Bulk("SET") + Bulk("a") + Bulk("1")));
        Assert.That(log, Does.Contain(Bulk("MULTI")));
        Assert.That(log, Does.Not.Contain(Bulk("EXEC")), "EXEC is skip_slowlog");
    }

    [Test]
    public async Task InfoLatencystatsReportsTheConfiguredPercentiles()
    {
        await using var c = new InMemoryClient();
        for (int i = 0; i < 20; i++) await c.CallAsync("SET", "k", "v");
        await c.CallAsync("CONFIG", "SET", "latency-tracking-info-percentiles", "50 99.99 100");
        string info = ConnectionCommandsTests.BulkText(await c.CallAsync("INFO", "latencystats"));
        Assert.That(info, Does.StartWith("# Latencystats\r\n"));
        Assert.That(info, Does.Match(@"\r\nlatency_percentiles_usec_set:p50=\d+\.\d{3},p99\.99=\d+\.\d{3},p100=\d+\.\d{3}\r\n"));
        Assert.That(ConnectionCommandsTests.BulkText(await c.CallAsync("INFO")), Does.Not.Contain("Latencystats"), "not a default section");
        Assert.That(ConnectionCommandsTests.BulkText(await c.CallAsync("INFO", "everything")), Does.Contain("# Latencystats\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "GET", "latency-tracking-info-percentiles"),
            Is.EqualTo("*2\r\n" + Bulk("latency-tracking-info-percentiles") + Bulk("50 99.99 100")));
        Assert.That(await c.CallAsync("CONFIG", "SET", "latency-tracking-info-percentiles", "101"),
            Is.EqualTo("-ERR CONFIG SET failed (possibly related to argument 'latency-tracking-info-percentiles') - latency-tracking-info-percentiles parameters should sit between [0.0,100.0]\r\n"));
        await c.CallAsync("CONFIG", "SET", "latency-tracking", "no");
        await c.CallAsync("CONFIG", "RESETSTAT");
        await c.CallAsync("GET", "k");
        Assert.That(ConnectionCommandsTests.BulkText(await c.CallAsync("INFO", "latencystats")), Does.Not.Contain("_get:"), "latency-tracking no: nothing tracked");
    }

    [Test]
    public async Task LatencyHistogramIsCumulativeOverPowerOfTwoBuckets()
    {
        await using var c = new InMemoryClient();
        for (int i = 0; i < 10; i++) await c.CallAsync("SET", "k", "v");
        string reply = await c.CallAsync("LATENCY", "HISTOGRAM", "set", "nosuch");
        var m = Regex.Match(reply, @"^\*2\r\n\$3\r\nset\r\n\*4\r\n\$5\r\ncalls\r\n:10\r\n\$14\r\nhistogram_usec\r\n\*(\d+)\r\n((?::\d+\r\n)+)$");
        Assert.That(m.Success, reply);
        var numbers = Regex.Matches(m.Groups[2].Value, @":(\d+)").Select(x => long.Parse(x.Groups[1].Value)).ToArray();
        Assert.That(numbers.Length, Is.EqualTo(int.Parse(m.Groups[1].Value)));
        for (int i = 2; i < numbers.Length; i += 2)
        {
            Assert.That(numbers[i], Is.GreaterThan(numbers[i - 2]), "bucket bounds grow");
            Assert.That(numbers[i + 1], Is.GreaterThan(numbers[i - 1]), "counts are cumulative and only listed where they grow");
        }
        Assert.That(numbers[^1], Is.EqualTo(10));
        Assert.That(await c.CallAsync("LATENCY", "HISTOGRAM", "nosuch"), Is.EqualTo("*0\r\n"));
    }

    [Test]
    public async Task LatencyMonitorRecordsEventsOverTheThreshold()
    {
        var options = new Config.ServerOptions { Port = 0, Dir = InMemoryClient.TempDir() };
        var server = new ServerState(options, settings: [new("enable-debug-command", "yes")]);
        await using var c = new InMemoryClient(server);
        Assert.That(await c.CallAsync("LATENCY", "LATEST"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("LATENCY", "GRAPH", "command"), Is.EqualTo("-ERR No samples available for event 'command'\r\n"));
        await c.CallAsync("CONFIG", "SET", "latency-monitor-threshold", "10");
        await c.CallAsync("DEBUG", "SLEEP", "0.03");
        string latest = await c.CallAsync("LATENCY", "LATEST");
        Assert.That(latest, Does.Match(@"^\*1\r\n\*4\r\n\$7\r\ncommand\r\n:\d{10}\r\n:(\d+)\r\n:\1\r\n$"));
        Assert.That(long.Parse(Regex.Match(latest, @":(\d+)\r\n:\d+\r\n$").Groups[1].Value), Is.GreaterThanOrEqualTo(30));
        Assert.That(await c.CallAsync("LATENCY", "HISTORY", "command"), Does.Match(@"^\*1\r\n\*2\r\n:\d{10}\r\n:\d+\r\n$"));
        Assert.That(await c.CallAsync("LATENCY", "GRAPH", "command"), Does.StartWith("$").And.Contains("command - high "));
        Assert.That(await c.CallAsync("LATENCY", "DOCTOR"), Does.Contain("command: 1 samples"));
        Assert.That(await c.CallAsync("LATENCY", "RESET", "nosuch", "command"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("LATENCY", "LATEST"), Is.EqualTo("*0\r\n"));
    }

    /// <summary>Reads MONITOR lines until <paramref name="count"/> arrived (or the read times out).</summary>
    private static async Task<string> ReadMonitorLines(InMemoryClient monitor, int count)
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < count; i++) sb.Append(await monitor.ReadReplyAsync(10_000));
        return sb.ToString();
    }
}
