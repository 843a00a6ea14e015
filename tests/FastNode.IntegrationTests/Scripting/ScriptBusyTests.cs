namespace FastNode.IntegrationTests.Scripting;

/// <summary>
/// Runaway scripts (docs/scripting.md), each case run against FastNode and redis-server 7.0 alike: other clients wait,
/// then get -BUSY after busy-reply-threshold; SCRIPT KILL stops a script that has not written; one that wrote is
/// UNKILLABLE and only SHUTDOWN NOSAVE ends it. FastNode runs with one event loop (the script's own loop must still
/// answer) and with two.
/// </summary>
public sealed class ScriptBusyTests : ProcessTestBase
{
    private const string Busy = "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n";

    protected override string DirPrefix => "fastnode-lua-busy-";

    private ServerProcesses.Running Start(string server) => server == "redis"
        ? Redis("--busy-reply-threshold 200")
        : FastNode($"--busy-reply-threshold 200 --io-threads {(server == "fastnode-2-loops" ? 2 : 1)}");

    [TestCase("fastnode")]
    [TestCase("fastnode-2-loops")]
    [TestCase("redis")]
    public void InfiniteLoopGetsBusyAndScriptKillEndsIt(string server)
    {
        var node = Start(server);
        using var runner = RawClient.Connect(node.Port);
        runner.Send(Resp.Command("EVAL", "local i = 0 while true do i = i + 1 end", "0"));

        // Several clients, so that with two loops some share the script's loop and some do not.
        var others = new List<RawClient>();
        try
        {
            for (int i = 0; i < 4; i++) others.Add(RawClient.Connect(node.Port));
            Probe.WaitUntil(() => others[0].Call("GET", "k") == Busy, "-BUSY after the threshold");
            foreach (var other in others) Assert.That(other.Call("SET", "k", "v"), Is.EqualTo(Busy));
            Assert.That(others[1].Call("EVAL", "return 1", "0"), Is.EqualTo(Busy));
            Assert.That(others[2].Call("FUNCTION", "KILL"), Is.EqualTo(Busy), "FUNCTION KILL does not stop an EVAL");

            Assert.That(others[3].Call("SCRIPT", "KILL"), Is.EqualTo("+OK\r\n"));
            Assert.That(runner.ReadReply(30_000), Does.StartWith("-ERR Script killed by user with SCRIPT KILL..."));
            foreach (var other in others) Assert.That(other.Call("GET", "k"), Is.EqualTo("$-1\r\n"));
            Assert.That(runner.Call("SCRIPT", "KILL"), Does.StartWith("-NOTBUSY No scripts in execution right now."));
        }
        finally
        {
            foreach (var other in others) other.Dispose();
        }
    }

    [TestCase("fastnode")]
    [TestCase("redis")]
    public void ClientsWaitForAScriptShorterThanTheThreshold(string server)
    {
        var node = server == "redis" ? Redis() : FastNode("--io-threads 1");
        using var runner = RawClient.Connect(node.Port);
        using var other = RawClient.Connect(node.Port);
        // Runs about 300 ms by the server's clock, far below the default threshold of 5 s.
        runner.Send(Resp.Command("EVAL", """
            local t = redis.call('TIME')
            local start = t[1] * 1000000 + t[2]
            redis.call('SET', 'during', 'script')
            repeat t = redis.call('TIME') until t[1] * 1000000 + t[2] - start > 300000
            redis.call('DEL', 'during')
            return 'done'
            """, "0"));
        Thread.Sleep(100);   // most likely running by now; if not yet, the GET below simply goes first
        Assert.That(other.Call("GET", "during"), Is.EqualTo("$-1\r\n"));
        Assert.That(runner.ReadReply(30_000), Is.EqualTo("$4\r\ndone\r\n"));
    }

    [TestCase("fastnode")]
    [TestCase("redis")]
    public void ScriptThatWroteIsUnkillableAndOnlyShutdownNosaveEndsIt(string server)
    {
        var node = server == "redis" ? Redis("--busy-reply-threshold 200") : FastNode("--busy-reply-threshold 200 --io-threads 1");
        using var runner = RawClient.Connect(node.Port);
        runner.Send(Resp.Command("EVAL", "redis.call('SET', KEYS[1], 'x') while true do end", "1", "written"));
        using var other = RawClient.Connect(node.Port);
        Probe.WaitUntil(() => other.Call("PING") == Busy, "-BUSY after the threshold");

        Assert.That(other.Call("SCRIPT", "KILL"), Is.EqualTo(
            "-UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.\r\n"));
        Assert.That(other.Call("SHUTDOWN"), Is.EqualTo(Busy));
        Assert.That(other.Call("PING"), Is.EqualTo(Busy), "the script runs on");

        other.Send(Resp.Command("SHUTDOWN", "NOSAVE"));
        Assert.That(other.IsClosedByServer(30_000), Is.True, "SHUTDOWN NOSAVE closes the connection");
        node.WaitForExit(30_000);
    }
    /// <summary>
    /// The start of a runaway script races commands already past the BUSY check on the other loop: they must finish
    /// (or wait and get -BUSY), never queue on a shard lock the script then holds for good. Readers and writers keep
    /// pipelines of GET/SET/MGET going on both loops while scripts start, get killed and start again.
    /// </summary>
    [Test]
    public void CommandsRacingAScriptsStartStillAnswer()
    {
        var node = FastNode("--busy-reply-threshold 100 --io-threads 2");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        long answered = 0;
        var hammers = Enumerable.Range(0, 4).Select(n => Task.Run(() =>
        {
            using var client = RawClient.Connect(node.Port);
            var batch = Resp.Command("SET", $"k{n}", "v").Concat(Resp.Command("GET", $"k{n}")).Concat(Resp.Command("MGET", "a", "b")).ToArray();
            while (!stop.IsCancellationRequested)
            {
                client.Send(batch);
                for (int r = 0; r < 3; r++) client.ReadReply(20_000);   // throws when a reply never comes
                Interlocked.Increment(ref answered);
            }
        })).ToList();
        try
        {
            for (int round = 0; round < 15 && !stop.IsCancellationRequested; round++)
            {
                using var runner = RawClient.Connect(node.Port);
                runner.Send(Resp.Command("EVAL", "local i = 0 while true do i = i + 1 end", "0"));
                using var killer = RawClient.Connect(node.Port);
                Probe.WaitUntil(() => killer.Call("SCRIPT", "KILL") == "+OK\r\n", "SCRIPT KILL once the script runs");
                Assert.That(runner.ReadReply(20_000), Does.StartWith("-ERR Script killed by user with SCRIPT KILL..."));
            }
        }
        finally
        {
            stop.Cancel();
        }
        Assert.DoesNotThrow(() => Task.WaitAll(hammers.ToArray()), "every pipelined command got its reply");
        Assert.That(Interlocked.Read(ref answered), Is.GreaterThan(15));
    }
}
