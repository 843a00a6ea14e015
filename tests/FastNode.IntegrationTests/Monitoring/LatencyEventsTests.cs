namespace FastNode.IntegrationTests.Monitoring;

/// <summary>
/// The latency monitor's events besides command / fast-command (docs/monitoring.md): each is provoked with enough work
/// that it takes well over the 1 ms threshold (hundreds of thousands of keys to expire or evict), then LATENCY LATEST
/// must list it. Loops are bounded in count and time. The FastNode process is killed by pid in TearDown.
/// </summary>
[NonParallelizable]
public sealed class LatencyEventsTests : ProcessTestBase
{
    protected override string DirPrefix => "fastnode-latency-";

    private const string FillScript = "for i = 1, tonumber(ARGV[1]) do redis.call('set', 'k' .. i, 'value-' .. i, 'px', ARGV[2]) end return 1";

    [Test]
    public void ActiveExpiryCycleIsSampledAsExpireCycle()
    {
        var server = FastNode("--enable-debug-command yes --latency-monitor-threshold 1 --save \"\"");
        using var c = RawClient.Connect(server.Port);
        Assert.That(c.Call("DEBUG", "SET-ACTIVE-EXPIRE", "0"), Is.EqualTo("+OK\r\n"));
        Assert.That(c.Call("EVAL", FillScript, "0", "200000", "1"), Is.EqualTo(":1\r\n"));
        Thread.Sleep(50);   // every key's TTL has passed; none is deleted while the cycle is off
        Assert.That(c.Call("LATENCY", "RESET"), Does.StartWith(":"));
        Assert.That(c.Call("DEBUG", "SET-ACTIVE-EXPIRE", "1"), Is.EqualTo("+OK\r\n"));
        // Each cron tick's cycle spends its whole budget (a quarter of the tick) deleting expired keys.
        Probe.WaitUntil(() => c.Call("LATENCY", "LATEST").Contains("expire-cycle"), "an expire-cycle sample");
        Assert.That(c.Call("LATENCY", "HISTORY", "expire-cycle"), Does.Match(@"^\*\d+\r\n\*2\r\n:\d{10}\r\n:\d+\r\n"));
    }

    [Test]
    public void EvictionRoundsAreSampledAsEvictionCycle()
    {
        var server = FastNode("--latency-monitor-threshold 1 --maxmemory-policy allkeys-random --save \"\"");
        using var c = RawClient.Connect(server.Port);
        Assert.That(c.Call("EVAL", FillScript, "0", "200000", "100000000"), Is.EqualTo(":1\r\n"));
        Assert.That(c.Call("LATENCY", "RESET"), Does.StartWith(":"));
        // Far under what the keys take: the next rounds evict for as long as their time budget lets them.
        Assert.That(c.Call("CONFIG", "SET", "maxmemory", "1mb"), Is.EqualTo("+OK\r\n"));
        Probe.WaitUntil(() => c.Call("LATENCY", "LATEST").Contains("eviction-cycle"), "an eviction-cycle sample");
        Assert.That(long.Parse(Probe.Info(server.Port, "stats")["evicted_keys"]), Is.GreaterThan(0));
    }

    [Test]
    public void AppendfsyncAlwaysSyncsAreSampledAsAofFsyncAlways()
    {
        var server = FastNode("--appendonly yes --appendfsync always --latency-monitor-threshold 1 --save \"\"");
        using var c = RawClient.Connect(server.Port);
        bool seen = false;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        for (int i = 0; i < 500 && !seen && DateTime.UtcNow < deadline; i++)
        {
            Assert.That(c.Call("SET", "k" + i, "v"), Is.EqualTo("+OK\r\n"));
            seen = c.Call("LATENCY", "LATEST").Contains("aof-fsync-always");
        }
        // An fsync takes milliseconds on most disks; one that never reaches 1 ms here says nothing either way.
        if (!seen) Assert.Inconclusive("no fsync of 1 ms or more in 500 writes on this disk");
        Assert.That(c.Call("LATENCY", "HISTORY", "aof-fsync-always"), Does.Match(@"^\*\d+\r\n\*2\r\n:\d{10}\r\n:\d+\r\n"));
    }
}
