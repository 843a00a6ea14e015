using System.Text.RegularExpressions;

namespace FastNode.IntegrationTests.Streams;

/// <summary>
/// Streams against the installed redis-server 7.0: the same commands sent to both must get the same bytes back
/// (errors, edge cases, node boundaries of approximate trims, XINFO's radix-tree counts), blocked readers must be served
/// in the same order, RDB files must load both ways, and a replica and an AOF reload must rebuild the same stream,
/// groups and PELs. Time-dependent values (idle times, seen times) are kept out of the compared replies.
/// </summary>
[NonParallelizable]
public sealed partial class StreamRedisTests : ProcessTestBase
{
    protected override string DirPrefix => "fastnode-streams-";

    [Test]
    public void RepliesMatchRedis()
    {
        var fastNode = FastNode("--save \"\"");
        var redis = Redis();
        using var a = RawClient.Connect(fastNode.Port);
        using var b = RawClient.Connect(redis.Port);
        var mismatches = new List<string>();
        foreach (var line in StreamScript.Lines())
        {
            var args = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            string mine = a.Call(args), theirs = b.Call(args);
            // HELLO switches the protocol for the lines after it; its reply holds the client id.
            if (mine != theirs && args[0] != "HELLO") mismatches.Add($"{line}\n  fastnode: {Escape(mine)}\n  redis:    {Escape(theirs)}");
        }
        Assert.That(mismatches, Is.Empty, string.Join("\n", mismatches));
    }

    [Test]
    public void BlockedReadersAreServedInArrivalOrderAsByRedis()
    {
        var fastNode = FastNode("--save \"\"");
        var redis = Redis();
        var mine = BlockingScenario(fastNode.Port);
        var theirs = BlockingScenario(redis.Port);
        Assert.That(mine, Is.EqualTo(theirs));
        Assert.That(mine[1], Does.Contain("2-1"), "the first reader of the group got the first entry");
    }

    /// <summary>
    /// Five group readers (COUNT 1) blocked in turn: single XADDs serve them one entry each in the order they blocked,
    /// and a transaction of three XADDs serves the next three in that order once EXEC ends, as in Redis.
    /// </summary>
    [Test]
    public void ManyGroupReadersAreServedInArrivalOrderAsByRedis()
    {
        var fastNode = FastNode("--save \"\"");
        var redis = Redis();
        var mine = QueueScenario(fastNode.Port);
        Assert.That(mine, Is.EqualTo(QueueScenario(redis.Port)));
        for (int i = 0; i < 5; i++) Assert.That(mine[i], Does.Contain($"{i + 1}-1").And.Contain($"r{i}"), $"reader {i} got entry {i + 1}");
    }

    private static List<string> QueueScenario(int port)
    {
        using var ctl = RawClient.Connect(port);
        ctl.Call("XGROUP", "CREATE", "q", "g", "$", "MKSTREAM");
        var readers = new List<RawClient>();
        try
        {
            for (int round = 0; round < 2; round++)
            {
                for (int i = 0; i < 5; i++)
                {
                    if (round == 0) readers.Add(RawClient.Connect(port));
                    readers[i].Send(Resp.Command("XREADGROUP", "GROUP", "g", $"r{i}", "COUNT", "1", "BLOCK", "0", "STREAMS", "q", ">"));
                    WaitBlocked(ctl, i + 1);
                }
                if (round == 0)
                {
                    for (int i = 1; i <= 5; i++) ctl.Call("XADD", "q", $"{i}-1", "n", $"{i}");
                }
                else
                {
                    // Three entries in one EXEC: the first three readers get one each; two stay blocked.
                    ctl.Call("MULTI");
                    for (int i = 6; i <= 8; i++) ctl.Call("XADD", "q", $"{i}-1", "n", $"{i}");
                    ctl.Call("EXEC");
                    WaitBlocked(ctl, 2);
                    for (int i = 9; i <= 10; i++) ctl.Call("XADD", "q", $"{i}-1", "n", $"{i}");
                }
            }
            var replies = new List<string>();
            // Round 0's replies, then round 1's (each reader's own connection keeps them in order).
            for (int round = 0; round < 2; round++)
            {
                for (int i = 0; i < 5; i++) replies.Add($"r{i}: {readers[i].ReadReply()}");
            }
            replies.Add(ctl.Call("XPENDING", "q", "g"));
            return replies;
        }
        finally
        {
            foreach (var r in readers) r.Dispose();
        }
    }

    private static List<string> BlockingScenario(int port)
    {
        var replies = new List<string>();
        using var ctl = RawClient.Connect(port);
        using var r1 = RawClient.Connect(port);
        using var r2 = RawClient.Connect(port);
        using var r3 = RawClient.Connect(port);
        using var r4 = RawClient.Connect(port);
        ctl.Call("XADD", "s", "1-1", "a", "1");
        ctl.Call("XGROUP", "CREATE", "s", "g", "$");
        r1.Send(Resp.Command("XREADGROUP", "GROUP", "g", "c1", "COUNT", "1", "BLOCK", "0", "STREAMS", "s", ">"));
        WaitBlocked(ctl, 1);
        r2.Send(Resp.Command("XREADGROUP", "GROUP", "g", "c2", "COUNT", "1", "BLOCK", "0", "STREAMS", "s", ">"));
        WaitBlocked(ctl, 2);
        r3.Send(Resp.Command("XREAD", "BLOCK", "0", "STREAMS", "s", "$"));
        WaitBlocked(ctl, 3);
        r4.Send(Resp.Command("XREAD", "BLOCK", "200", "STREAMS", "nokey", "$"));
        replies.Add(ctl.Call("XADD", "s", "2-1", "b", "2"));
        replies.Add(r1.ReadReply());
        replies.Add(r3.ReadReply());
        replies.Add(ctl.Call("XADD", "s", "3-1", "c", "3"));
        replies.Add(r2.ReadReply());
        replies.Add(r4.ReadReply());
        r1.Send(Resp.Command("XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "STREAMS", "s", ">"));
        WaitBlocked(ctl, 1);
        replies.Add(ctl.Call("XGROUP", "DESTROY", "s", "g"));
        replies.Add(r1.ReadReply());
        replies.Add(ctl.Call("MULTI"));
        ctl.Call("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
        replies.Add(ctl.Call("EXEC"));
        r2.Send(Resp.Command("XREAD", "BLOCK", "0", "STREAMS", "s", "$"));
        WaitBlocked(ctl, 1);
        ctl.Call("MULTI");
        ctl.Call("XADD", "s", "4-1", "d", "4");
        replies.Add(ctl.Call("EXEC"));
        replies.Add(r2.ReadReply());
        replies.Add(ctl.Call("XINFO", "STREAM", "s"));
        return replies;
    }

    /// <summary>Waits until INFO clients shows this many blocked clients (the order of arrival must be certain).</summary>
    private static void WaitBlocked(RawClient ctl, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!ctl.Call("INFO", "clients").Contains($"blocked_clients:{count}\r\n"))
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"never saw {count} blocked clients");
            Thread.Sleep(10);
        }
    }

    [Test]
    public void RdbFilesLoadBothWays()
    {
        var fastNode = FastNode("--save \"\" --dbfilename fastnode.rdb");
        using (var c = RawClient.Connect(fastNode.Port))
        {
            StreamScript.FillGroups(c);
            Assert.That(c.Call("SAVE"), Is.EqualTo("+OK\r\n"));
        }
        var expected = Describe(fastNode.Port);
        var redis = Redis("--dbfilename fastnode.rdb");
        Assert.That(Describe(redis.Port), Is.EqualTo(expected), "redis-server loaded FastNode's dump");

        using (var c = RawClient.Connect(redis.Port))
        {
            c.Call("XADD", "chat", "MAXLEN", "~", "150", "*", "user", "zoe", "text", "late");
            c.Call("XDEL", "chat", "150-0");
            c.Call("XREADGROUP", "GROUP", "readers", "carol", "COUNT", "3", "STREAMS", "chat", ">");
            Assert.That(c.Call("SAVE"), Is.EqualTo("+OK\r\n"));
        }
        expected = Describe(redis.Port);
        // redis-server saved over fastnode.rdb (dbfilename is a protected setting in 7.0).
        var again = FastNode("--save \"\" --dbfilename fastnode.rdb");
        Assert.That(Describe(again.Port), Is.EqualTo(expected), "FastNode loaded redis-server's dump");
    }

    [Test]
    public void ReplicasAndAnAofReloadRebuildTheSameStreams()
    {
        var primary = FastNode("--save \"\" --appendonly yes --appendfsync always");
        var replica = FastNode($"--save \"\" --dbfilename replica.rdb --appenddirname replica-aof --replicaof 127.0.0.1 {primary.Port}");
        var redisReplica = Redis($"--dbfilename redis-replica.rdb --replicaof 127.0.0.1 {primary.Port}");
        using (var c = RawClient.Connect(primary.Port))
        {
            StreamScript.FillGroups(c);
            // Effects that depend on the primary's clock and on approximate trimming.
            c.Call("XADD", "clock", "*", "a", "1");
            c.Call("XADD", "clock", "MAXLEN", "~", "0", "*", "a", "2");
            c.Call("XADD", "clock", "5000000000000-*", "a", "3");
            c.Call("XADD", "chat", "MINID", "~", "120", "*", "user", "amy", "text", "bye");
            c.Call("XAUTOCLAIM", "chat", "readers", "dave", "0", "0", "COUNT", "4");
            c.Call("XCLAIM", "chat", "readers", "erin", "0", "101-0", "102-0", "LASTID", "160-0");
            c.Call("XREADGROUP", "GROUP", "readers", "bob", "NOACK", "COUNT", "2", "STREAMS", "chat", ">");
            c.Call("XACK", "chat", "readers", "103-0");
        }
        var expected = Describe(primary.Port);
        Assert.That(Eventually(replica.Port, expected), Is.EqualTo(expected), "the FastNode replica has the primary's streams");
        Assert.That(Eventually(redisReplica.Port, expected), Is.EqualTo(expected), "the redis-server replica has the primary's streams");

        primary.Stop();
        var reloaded = FastNode("--save \"\" --appendonly yes");
        Assert.That(Describe(reloaded.Port), Is.EqualTo(expected), "the AOF rebuilt the streams");
    }

    /// <summary>What <see cref="Describe"/> shows on <paramref name="port"/> once it equals <paramref name="expected"/>, or after 30 s.</summary>
    private static string Eventually(int port, string expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string seen;
        while ((seen = Describe(port)) != expected && DateTime.UtcNow < deadline) Thread.Sleep(50);
        return seen;
    }

    /// <summary>Everything a client can see of the streams, with the times a replica or a reload may set differently masked.</summary>
    private static string Describe(int port)
    {
        using var c = RawClient.Connect(port);
        var text = new System.Text.StringBuilder();
        foreach (var key in new[] { "chat", "clock", "empty", "small" })
        {
            text.Append(c.Call("XINFO", "STREAM", key, "FULL", "COUNT", "0"));
            text.Append(c.Call("XRANGE", key, "-", "+"));
        }
        return SeenTime().Replace(text.ToString(), "seen-time\r\n:T");
    }

    [GeneratedRegex(@"seen-time\r\n:\d+")]
    private static partial Regex SeenTime();

    private static string Escape(string reply) => reply.Replace("\r\n", "\\r\\n");
}
