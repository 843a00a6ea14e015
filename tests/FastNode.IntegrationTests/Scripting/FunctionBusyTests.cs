namespace FastNode.IntegrationTests.Scripting;

/// <summary>
/// A runaway function, on FastNode and redis-server 7.0 alike: other clients get the FUNCTION KILL flavour of -BUSY,
/// SCRIPT KILL answers that BUSY, FUNCTION STATS shows the running function, FUNCTION KILL stops it.
/// </summary>
public sealed class FunctionBusyTests : ProcessTestBase
{
    private const string Busy = "-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n";
    private const string Loop = "#!lua name=loops\nredis.register_function{function_name='spin', callback=function() local i = 0 while true do i = i + 1 end end, flags={'no-writes'}}";

    protected override string DirPrefix => "fastnode-fn-busy-";

    [TestCase("fastnode")]
    [TestCase("redis")]
    public void FunctionKillStopsARunawayFunction(string server)
    {
        var node = server == "redis" ? Redis("--busy-reply-threshold 200") : FastNode("--busy-reply-threshold 200 --io-threads 1");
        using var runner = RawClient.Connect(node.Port);
        using var other = RawClient.Connect(node.Port);
        Assert.That(runner.Call("FUNCTION", "LOAD", Loop), Is.EqualTo("$5\r\nloops\r\n"));
        runner.Send(Resp.Command("FCALL_RO", "spin", "0"));

        Probe.WaitUntil(() => other.Call("GET", "k") == Busy, "-BUSY after the threshold");
        Assert.That(other.Call("SCRIPT", "KILL"), Is.EqualTo(Busy), "SCRIPT KILL does not stop a function");
        var stats = other.Call("FUNCTION", "STATS");
        Assert.That(stats, Does.Contain("$4\r\nname\r\n$4\r\nspin\r\n$7\r\ncommand\r\n*3\r\n$8\r\nFCALL_RO\r\n$4\r\nspin\r\n$1\r\n0\r\n$11\r\nduration_ms\r\n:"));
        Assert.That(other.Call("FUNCTION", "KILL"), Is.EqualTo("+OK\r\n"));
        Assert.That(runner.ReadReply(30_000), Is.EqualTo("-ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:2.\r\n"), "Redis 7.0 names SCRIPT KILL here too");
        Assert.That(other.Call("GET", "k"), Is.EqualTo("$-1\r\n"));
        Assert.That(other.Call("FUNCTION", "STATS"), Does.StartWith("*4\r\n$14\r\nrunning_script\r\n$-1\r\n"));
    }

    [TestCase("fastnode")]
    [TestCase("redis")]
    public void AFunctionThatWroteIsUnkillable(string server)
    {
        var node = server == "redis" ? Redis("--busy-reply-threshold 200") : FastNode("--busy-reply-threshold 200 --io-threads 1");
        using var runner = RawClient.Connect(node.Port);
        using var other = RawClient.Connect(node.Port);
        runner.Call("FUNCTION", "LOAD", "#!lua name=w\nredis.register_function('wspin', function() redis.call('SET', 'k', 'v') local t0 = redis.call('TIME')[1] while redis.call('TIME')[1] - t0 < 2 do end return 'done' end)");
        runner.Send(Resp.Command("FCALL", "wspin", "0"));
        Probe.WaitUntil(() => other.Call("PING") == Busy, "-BUSY after the threshold");
        Assert.That(other.Call("FUNCTION", "KILL"), Does.StartWith("-UNKILLABLE Sorry the script already executed write commands"));
        Assert.That(runner.ReadReply(30_000), Is.EqualTo("$4\r\ndone\r\n"));
        Assert.That(other.Call("GET", "k"), Is.EqualTo("$1\r\nv\r\n"));
    }
}
