namespace FastNode.IntegrationTests;

/// <summary>
/// Keyspace notifications against redis-server 7.0 itself: the same commands run on both servers with
/// notify-keyspace-events "AKEnm", and a PSUBSCRIBE __key*__:* client on each must receive the same events, in the
/// same order (channel and message, both kinds). Each script ends with a marker PUBLISH that the pattern also matches,
/// so the reader knows it has everything. Processes are killed by pid in TearDown.
/// </summary>
[NonParallelizable]
public sealed class KeyspaceNotificationTests : ProcessTestBase
{
    protected override string DirPrefix => "fastnode-notify-";

    private static readonly string[][] Strings =
    [
        ["SET", "s", "1"], ["SET", "s", "2", "EX", "100"], ["SET", "s", "3", "KEEPTTL"], ["SET", "s", "4", "NX"],
        ["SET", "s", "5", "XX", "GET"], ["SETNX", "s2", "a"], ["SETNX", "s2", "b"], ["SETEX", "s3", "10", "v"],
        ["PSETEX", "s4", "10000", "v"], ["MSET", "m1", "a", "m2", "b"], ["MSETNX", "m3", "a", "m4", "b"], ["MSETNX", "m3", "a"],
        ["GETSET", "s", "6"], ["APPEND", "s", "x"], ["APPEND", "new", "x"], ["SETRANGE", "s", "2", "yy"], ["SETRANGE", "s5", "0", ""],
        ["INCR", "n"], ["DECR", "n"], ["INCRBY", "n", "5"], ["DECRBY", "n", "2"], ["INCRBYFLOAT", "n", "1.5"],
        ["GETDEL", "m1"], ["GETDEL", "m1"], ["GETEX", "m2", "EX", "100"], ["GETEX", "m2", "PERSIST"], ["GETEX", "m2"],
        ["GET", "missing"], ["STRLEN", "missing"], ["EXISTS", "missing"], ["TYPE", "missing"],
    ];

    private static readonly string[][] Generic =
    [
        ["SET", "k", "v"], ["EXPIRE", "k", "100"], ["PEXPIRE", "k", "100000"], ["EXPIREAT", "k", "99999999999"],
        ["PEXPIREAT", "k", "99999999999999"], ["PERSIST", "k"], ["PERSIST", "k"], ["EXPIRE", "k", "100", "NX"], ["EXPIRE", "k", "50", "GT"],
        ["RENAME", "k", "k2"], ["SET", "k3", "x"], ["RENAMENX", "k2", "k3"], ["RENAMENX", "k2", "k4"], ["RENAME", "k4", "k3"],
        ["COPY", "k3", "c1"], ["COPY", "k3", "c1"], ["COPY", "k3", "c1", "REPLACE"], ["COPY", "k3", "c1", "DB", "1"],
        ["MOVE", "c1", "2"], ["SET", "c1", "x"], ["MOVE", "c1", "2"], ["DEL", "k3", "nothere", "c1"], ["UNLINK", "s"],
        ["SET", "e", "1"], ["EXPIRE", "e", "0"], ["SET", "e", "1"], ["PEXPIREAT", "e", "1"], ["SET", "e", "1"], ["EXPIRE", "e", "-5"],
        ["TOUCH", "e", "x"], ["SET", "d", "v"], ["DUMP", "d"],
    ];

    private static readonly string[][] Lists =
    [
        ["LPUSH", "l", "a", "b"], ["RPUSH", "l", "c"], ["LPUSHX", "l", "d"], ["RPUSHX", "l", "e"], ["LPUSHX", "nol", "x"],
        ["LPOP", "l"], ["RPOP", "l", "2"], ["LINSERT", "l", "BEFORE", "a", "z"], ["LINSERT", "l", "BEFORE", "nope", "z"],
        ["LSET", "l", "0", "q"], ["LREM", "l", "0", "q"], ["LREM", "l", "0", "nope"], ["RPUSH", "l", "1", "2", "3"],
        ["LTRIM", "l", "0", "1"], ["RPOPLPUSH", "l", "l2"], ["LMOVE", "l2", "l3", "LEFT", "RIGHT"], ["LMOVE", "l", "l", "LEFT", "LEFT"],
        ["LMPOP", "2", "none", "l", "LEFT", "COUNT", "5"], ["RPUSH", "lt", "a"], ["LTRIM", "lt", "5", "10"], ["BLPOP", "l4", "l3", "0"],
        ["RPUSH", "l5", "x"], ["BRPOP", "l5", "0"], ["RPUSH", "l6", "x", "y"], ["BLMOVE", "l6", "l7", "RIGHT", "LEFT", "0"],
        ["BLMPOP", "0", "1", "l6", "RIGHT"], ["LPOP", "nol"], ["LRANGE", "nol", "0", "-1"],
    ];

    private static readonly string[][] Hashes =
    [
        ["HSET", "h", "a", "1", "b", "2"], ["HSET", "h", "a", "1"], ["HSETNX", "h", "a", "x"], ["HSETNX", "h", "c", "3"],
        ["HMSET", "h", "d", "4"], ["HINCRBY", "h", "n", "2"], ["HINCRBYFLOAT", "h", "f", "0.5"], ["HDEL", "h", "zz"],
        ["HDEL", "h", "a", "b"], ["HDEL", "h", "c", "d", "n", "f"], ["HGET", "h", "a"], ["HGETALL", "nohash"],
    ];

    private static readonly string[][] Sets =
    [
        ["SADD", "s1", "a", "b", "c"], ["SADD", "s1", "a"], ["SREM", "s1", "zz"], ["SREM", "s1", "a"], ["SADD", "s2", "b", "x"],
        ["SMOVE", "s1", "s2", "c"], ["SMOVE", "s1", "s2", "nope"], ["SINTERSTORE", "si", "s1", "s2"], ["SUNIONSTORE", "su", "s1", "s2"],
        ["SDIFFSTORE", "sd", "s2", "s1"], ["SINTERSTORE", "su", "nothing", "s1"], ["SINTERSTORE", "none", "nothing", "s1"],
        ["SPOP", "sd"], ["SPOP", "s2", "10"], ["SISMEMBER", "noset", "a"],
    ];

    private static readonly string[][] SortedSets =
    [
        ["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"], ["ZADD", "z", "1", "a"], ["ZADD", "z", "INCR", "5", "a"],
        ["ZADD", "z", "NX", "INCR", "5", "a"], ["ZINCRBY", "z", "1", "b"], ["ZREM", "z", "zz"], ["ZREM", "z", "c"],
        ["ZADD", "z", "10", "e", "11", "f", "12", "g"], ["ZREMRANGEBYSCORE", "z", "100", "200"], ["ZREMRANGEBYSCORE", "z", "10", "10"],
        ["ZREMRANGEBYRANK", "z", "0", "0"], ["ZADD", "zl", "0", "a", "0", "b", "0", "c"], ["ZREMRANGEBYLEX", "zl", "[a", "[b"],
        ["ZPOPMIN", "z"], ["ZPOPMAX", "z", "2"], ["ZMPOP", "2", "none", "z", "MIN", "COUNT", "10"], ["ZADD", "z2", "1", "a"],
        ["BZPOPMIN", "z2", "0"], ["ZADD", "z3", "1", "a", "2", "b"], ["BZPOPMAX", "z3", "0"], ["BZMPOP", "0", "1", "z3", "MIN"],
        ["ZADD", "za", "1", "a", "2", "b"], ["ZADD", "zb", "2", "b", "3", "c"], ["ZUNIONSTORE", "zu", "2", "za", "zb"],
        ["ZINTERSTORE", "zi", "2", "za", "zb"], ["ZDIFFSTORE", "zd", "2", "za", "zb"], ["ZRANGESTORE", "zr", "za", "0", "-1"],
        ["ZINTERSTORE", "zu", "2", "za", "none"], ["ZRANGESTORE", "zr", "none", "0", "-1"], ["ZSCORE", "nozset", "a"],
    ];

    private static readonly string[][] Transactions =
    [
        ["MULTI"], ["SET", "t", "1"], ["INCR", "t"], ["LPUSH", "tl", "a"], ["EXEC"],
        ["SELECT", "3"], ["SET", "other", "db"], ["DEL", "other"], ["SELECT", "0"],
    ];

    [TestCase("strings")]
    [TestCase("generic")]
    [TestCase("lists")]
    [TestCase("hashes")]
    [TestCase("sets")]
    [TestCase("sortedsets")]
    [TestCase("transactions")]
    public void EventsMatchRedis(string script)
    {
        var commands = script switch
        {
            "strings" => Strings,
            "generic" => Generic,
            "lists" => Lists,
            "hashes" => Hashes,
            "sets" => Sets,
            "sortedsets" => SortedSets,
            _ => Transactions,
        };
        var redis = Redis("--enable-debug-command yes");
        var fastnode = FastNode("--enable-debug-command yes");
        var expected = EventsOf(redis.Port, commands);
        var actual = EventsOf(fastnode.Port, commands);
        Assert.That(expected, Is.Not.Empty, "redis-server published nothing: the script tests nothing");
        Assert.That(actual, Is.EqualTo(expected), Diff(expected, actual));
    }

    /// <summary>
    /// Pops made for blocked clients when another client's push serves them: the pusher's event, then the served pop's
    /// (lpop/rpop, the push onto a BLMOVE destination, zpopmin/zpopmax) and the emptied key's del, as Redis orders them.
    /// </summary>
    [Test]
    public void ServedBlockedClientsFireTheirPopEvents()
    {
        var redis = Redis("--enable-debug-command yes");
        var fastnode = FastNode("--enable-debug-command yes");
        string[][] blocked = [["BLPOP", "bl", "0"], ["BLMOVE", "bm", "bmdst", "LEFT", "RIGHT", "0"], ["BZPOPMIN", "bz", "0"], ["BRPOP", "bl2", "0"]];
        string[][] serving = [["LPUSH", "bl", "x"], ["RPUSH", "bm", "y"], ["ZADD", "bz", "1", "a", "2", "b"], ["RPUSH", "bl2", "p", "q"]];
        Assert.That(ServedEvents(fastnode.Port, blocked, serving), Is.EqualTo(ServedEvents(redis.Port, blocked, serving)));
    }

    private static List<string> ServedEvents(int port, string[][] blocked, string[][] serving)
    {
        using var sub = Subscribe(port, "AKE");
        using var pusher = RawClient.Connect(port);
        for (int i = 0; i < blocked.Length; i++)
        {
            using var waiter = RawClient.Connect(port);
            waiter.Send(Resp.Command(blocked[i]));
            Probe.WaitUntil(() => Probe.Info(port, "clients").GetValueOrDefault("blocked_clients") == "1", $"{blocked[i][0]} blocks");
            pusher.Call(serving[i]);
            Assert.That(waiter.ReadReply(), Does.Not.StartWith("-"), $"{blocked[i][0]} is served");
        }
        pusher.Call("PUBLISH", "__keymarker", "end");
        var events = new List<string>();
        for (string e = Parse(sub.ReadReply()); e != "__keymarker end"; e = Parse(sub.ReadReply())) events.Add(e);
        return events;
    }

    [Test]
    public void ExpiryEventsMatchRedisForLazyAndActiveExpiry()
    {
        var redis = Redis("--enable-debug-command yes");
        var fastnode = FastNode("--enable-debug-command yes");
        string[][] lazy = [["SET", "lazy", "v", "PX", "30"], ["DEBUG", "SLEEP", "0.1"], ["DEBUG", "SET-ACTIVE-EXPIRE", "0"], ["GET", "lazy"]];
        Assert.That(EventsOf(fastnode.Port, lazy, "Ex"), Is.EqualTo(EventsOf(redis.Port, lazy, "Ex")));
        Assert.That(EventsOf(fastnode.Port, lazy, "Ex"), Does.Contain("__keyevent@0__:expired lazy"));

        // Active expiry: nobody touches the key; the cycle deletes it within a few hz ticks.
        foreach (int port in new[] { redis.Port, fastnode.Port })
        {
            using var sub = Subscribe(port, "Ex");
            Probe.Call(port, "DEBUG", "SET-ACTIVE-EXPIRE", "1");
            Probe.Call(port, "SET", "active", "v", "PX", "20");
            Assert.That(Parse(sub.ReadReply(5000)), Is.EqualTo("__keyevent@0__:expired active"), $"port {port}");
        }
    }

    [Test]
    public void LockAndRateLimitEventsAreModuleClassEvents()
    {
        var fastnode = FastNode();
        using var sub = Subscribe(fastnode.Port, "Ed");
        using var a = RawClient.Connect(fastnode.Port);
        using var b = RawClient.Connect(fastnode.Port);
        Assert.That(a.Call("LOCK.ACQUIRE", "lk", "a", "10000"), Does.StartWith(":"));
        Assert.That(a.Call("LOCK.RENEW", "lk", "a", "10000"), Is.EqualTo(":1\r\n"));
        b.Send(Resp.Command("LOCK.ACQUIRE", "lk", "b", "10000", "WAIT", "10000"));
        Probe.WaitUntil(() => Probe.Call(fastnode.Port, "LOCK.INFO", "lk").Contains("waiters\r\n:1"), "b waits for the lock");
        Assert.That(a.Call("LOCK.RELEASE", "lk", "a"), Is.EqualTo(":1\r\n"));
        Assert.That(b.ReadReply(), Does.StartWith(":"), "b is handed the lock");
        // A lease that ends while another holds on is a sem.expired; when the last one ends the key itself expires.
        Assert.That(a.Call("SEM.ACQUIRE", "sem", "a", "2", "30"), Does.StartWith(":"));
        Assert.That(a.Call("SEM.ACQUIRE", "sem", "b", "2", "10000"), Does.StartWith(":"));
        Thread.Sleep(100);
        a.Call("SEM.INFO", "sem");
        for (int i = 0; i < 3; i++) a.Call("CL.THROTTLE", "rl", "0", "1", "60");
        a.Call("PUBLISH", "__keymarker", "end");
        var events = new List<string>();
        for (string e = Parse(sub.ReadReply()); e != "__keymarker end"; e = Parse(sub.ReadReply())) events.Add(e);
        Assert.That(events, Is.EqualTo(new[]
        {
            "__keyevent@0__:lock.acquired lk", "__keyevent@0__:lock.renewed lk", "__keyevent@0__:lock.released lk",
            "__keyevent@0__:lock.handoff lk", "__keyevent@0__:sem.acquired sem", "__keyevent@0__:sem.acquired sem", "__keyevent@0__:sem.expired sem",
            "__keyevent@0__:ratelimit.limited rl", "__keyevent@0__:ratelimit.limited rl",
        }));
    }

    [Test]
    public void NothingIsPublishedWithoutKOrE()
    {
        var fastnode = FastNode();
        using var sub = RawClient.Connect(fastnode.Port);
        Assert.That(sub.Call("PSUBSCRIBE", "*"), Does.Contain("psubscribe"));
        Probe.Call(fastnode.Port, "CONFIG", "SET", "notify-keyspace-events", "A");
        Probe.Call(fastnode.Port, "SET", "quiet", "1");
        Probe.Call(fastnode.Port, "PUBLISH", "marker", "end");
        Assert.That(Parse(sub.ReadReply()), Is.EqualTo("marker end"), "a class letter alone publishes nothing (Redis needs K or E)");
    }

    /// <summary>Runs the commands on one connection and returns every event the subscriber saw, as "channel message".</summary>
    private static List<string> EventsOf(int port, string[][] commands, string classes = "AKEnm")
    {
        using var sub = Subscribe(port, classes);
        using (var client = RawClient.Connect(port))
        {
            foreach (var command in commands) client.Call(command);
            client.Call("SELECT", "0");
            client.Call("PUBLISH", "__keymarker", "end");
        }
        var events = new List<string>();
        while (true)
        {
            string message = Parse(sub.ReadReply());
            if (message == "__keymarker end") return events;
            events.Add(message);
        }
    }

    private static RawClient Subscribe(int port, string classes)
    {
        Probe.Call(port, "CONFIG", "SET", "notify-keyspace-events", classes);
        var sub = RawClient.Connect(port);
        Assert.That(sub.Call("PSUBSCRIBE", "__key*"), Does.Contain("psubscribe"));
        return sub;
    }

    /// <summary>A pmessage/message reply as "channel message".</summary>
    private static string Parse(string reply)
    {
        var parts = reply.Split("\r\n");
        // *4 $8 pmessage $n pattern $n channel $n message  |  *3 $7 message $n channel $n message
        return parts[2] == "pmessage" ? $"{parts[6]} {parts[8]}" : $"{parts[4]} {parts[6]}";
    }

    private static string Diff(List<string> expected, List<string> actual)
    {
        int i = 0;
        while (i < expected.Count && i < actual.Count && expected[i] == actual[i]) i++;
        string Window(List<string> list) => string.Join("\n  ", list.Skip(Math.Max(0, i - 2)).Take(8));
        return $"first difference at event {i}\nredis-server:\n  {Window(expected)}\nFastNode:\n  {Window(actual)}";
    }
}
