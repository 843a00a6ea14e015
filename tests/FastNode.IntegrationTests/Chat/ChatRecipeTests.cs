namespace FastNode.IntegrationTests.Chat;

/// <summary>
/// The recipes of docs/chat.md, command for command, on a FastNode process: a room's history and live channel with a
/// reconnecting reader, presence from heartbeats and expired events, unread counts from a consumer group's lag, and a
/// per-user send limit. The server is killed by pid in TearDown (ProcessTestBase).
/// </summary>
[NonParallelizable]
public sealed class ChatRecipeTests : ProcessTestBase
{
    protected override string DirPrefix => "fastnode-chat-";

    [Test]
    public void RoomHistoryAndLiveDeliveryAgree()
    {
        var server = FastNode("--save \"\"");
        using var sender = RawClient.Connect(server.Port);
        using var member = RawClient.Connect(server.Port);
        Assert.That(member.Call("SUBSCRIBE", "room:lobby:live"), Does.Contain("subscribe"));
        var ids = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            string id = Bulk(sender.Call("XADD", "room:lobby", "MAXLEN", "~", "10000", "*", "user", "alice", "text", $"message {i}"));
            Assert.That(sender.Call("PUBLISH", "room:lobby:live", $"{id} alice message {i}"), Is.EqualTo(":1\r\n"));
            ids.Add(id);
        }
        for (int i = 0; i < 5; i++) Assert.That(member.ReadReply(), Does.Contain($"{ids[i]} alice message {i}"), "live, in order");

        using var late = RawClient.Connect(server.Port);
        string lastTwo = late.Call("XREVRANGE", "room:lobby", "+", "-", "COUNT", "2");
        Assert.That(lastTwo.IndexOf(ids[4], StringComparison.Ordinal), Is.LessThan(lastTwo.IndexOf(ids[3], StringComparison.Ordinal)).And.Not.Negative,
            "the newest first");
        string scrollBack = late.Call("XREVRANGE", "room:lobby", $"({ids[3]}", "-", "COUNT", "2");
        Assert.That(scrollBack, Does.Contain(ids[2]).And.Contain(ids[1]).And.Not.Contain(ids[3]), "scrolling back excludes what is shown");
        string catchUp = late.Call("XRANGE", "room:lobby", $"({ids[2]}", "+", "COUNT", "500");
        Assert.That(catchUp, Does.StartWith("*2\r\n").And.Contain(ids[3]).And.Contain(ids[4]), "catching up after a reconnect");

        // A stream alone: a reader blocked with $ gets the next message.
        late.Send(Resp.Command("XREAD", "COUNT", "100", "BLOCK", "30000", "STREAMS", "room:lobby", "room:dev", "$", "$"));
        Probe.WaitUntil(() => Probe.Info(server.Port, "clients").GetValueOrDefault("blocked_clients") == "1", "XREAD blocks");
        sender.Call("XADD", "room:dev", "*", "user", "bob", "text", "build is green");
        Assert.That(late.ReadReply(), Does.Contain("room:dev").And.Contain("build is green").And.Not.Contain("room:lobby"));
    }

    [Test]
    public void PresenceFromHeartbeatsAndExpiredEvents()
    {
        var server = FastNode("--save \"\"");
        using var c = RawClient.Connect(server.Port);
        using var listener = RawClient.Connect(server.Port);
        Assert.That(c.Call("CONFIG", "SET", "notify-keyspace-events", "Ex"), Is.EqualTo("+OK\r\n"));
        Assert.That(listener.Call("PSUBSCRIBE", "__keyevent@0__:expired"), Does.Contain("psubscribe"));

        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        c.Call("ZADD", "presence:lobby", (now - 60000).ToString(), "carol");
        c.Call("ZADD", "presence:lobby", now.ToString(), "alice");
        c.Call("ZADD", "presence:lobby", now.ToString(), "bob");
        Assert.That(c.Call("ZRANGE", "presence:lobby", (now - 30000).ToString(), "+inf", "BYSCORE"),
            Is.EqualTo("*2\r\n$5\r\nalice\r\n$3\r\nbob\r\n"), "online: seen in the last 30 s");
        Assert.That(c.Call("ZCOUNT", "presence:lobby", (now - 30000).ToString(), "+inf"), Is.EqualTo(":2\r\n"));
        Assert.That(c.Call("ZREMRANGEBYSCORE", "presence:lobby", "-inf", $"({now - 30000}"), Is.EqualTo(":1\r\n"), "the sweep removes carol");

        // alice's heartbeat key lapses without anyone touching it: the active expiry cycle announces it.
        c.Call("SET", "online:bob", "1", "PX", "60000");
        c.Call("SET", "online:alice", "1", "PX", "100");
        string expired = listener.ReadReply(10000);
        Assert.That(expired, Does.Contain("__keyevent@0__:expired").And.Contain("online:alice"));
        Assert.That(c.Call("ZREM", "presence:lobby", "alice"), Is.EqualTo(":1\r\n"));
        Assert.That(c.Call("ZRANGE", "presence:lobby", "0", "-1"), Is.EqualTo("*1\r\n$3\r\nbob\r\n"));
    }

    [Test]
    public void UnreadCountsFromAConsumerGroup()
    {
        var server = FastNode("--save \"\"");
        using var c = RawClient.Connect(server.Port);
        Assert.That(c.Call("XGROUP", "CREATE", "room:lobby", "unread:alice", "$", "MKSTREAM"), Is.EqualTo("+OK\r\n"));
        Assert.That(Lag(c), Is.EqualTo(":0"));
        for (int i = 0; i < 3; i++) c.Call("XADD", "room:lobby", "*", "user", "bob", "text", $"hi {i}");
        Assert.That(Lag(c), Is.EqualTo(":3"), "three unread");
        string read = c.Call("XREADGROUP", "GROUP", "unread:alice", "alice", "NOACK", "COUNT", "2", "STREAMS", "room:lobby", ">");
        Assert.That(read, Does.Contain("hi 0").And.Contain("hi 1").And.Not.Contain("hi 2"));
        Assert.That(Lag(c), Is.EqualTo(":1"), "one left after reading two");
        Assert.That(c.Call("XPENDING", "room:lobby", "unread:alice"), Does.StartWith("*4\r\n:0\r\n"), "NOACK keeps no pending entries");

        // Marked read without reading; then lag is unknown until the next read through the group, so count instead.
        Assert.That(c.Call("XGROUP", "SETID", "room:lobby", "unread:alice", "$"), Is.EqualTo("+OK\r\n"));
        string last = Bulk(c.Call("XADD", "room:lobby", "*", "user", "bob", "text", "after"));
        Assert.That(Lag(c), Is.EqualTo("$-1").Or.EqualTo("_"), "lag is nil after SETID");
        string lastDelivered = Field(c.Call("XINFO", "GROUPS", "room:lobby"), "last-delivered-id");
        Assert.That(c.Call("XRANGE", "room:lobby", $"({lastDelivered}", "+", "COUNT", "100"), Does.StartWith("*1\r\n").And.Contain(last));
    }

    [Test]
    public void PerUserSendLimitWithClThrottle()
    {
        var server = FastNode("--save \"\"");
        using var c = RawClient.Connect(server.Port);
        // 5 messages per 10 s, bursts of up to 5: the sixth in a row is refused with a time to wait.
        for (int i = 0; i < 5; i++)
            Assert.That(c.Call("CL.THROTTLE", "send:alice", "4", "5", "10"), Does.StartWith("*5\r\n:0\r\n:5\r\n"), $"message {i} allowed");
        string refused = c.Call("CL.THROTTLE", "send:alice", "4", "5", "10");
        var parts = refused.Split("\r\n");
        Assert.That(parts[1], Is.EqualTo(":1"), "limited");
        Assert.That(long.Parse(parts[4][1..]), Is.GreaterThan(0), "retry after, in seconds");
        Assert.That(c.Call("CL.THROTTLE", "send:bob", "4", "5", "10"), Does.StartWith("*5\r\n:0\r\n"), "another user has his own limit");
    }

    private static string Lag(RawClient c) => Field(c.Call("XINFO", "GROUPS", "room:lobby"), "lag");

    /// <summary>The value after <paramref name="name"/> in a flat RESP2 reply: ":3", "$-1" or the bulk's text.</summary>
    private static string Field(string reply, string name)
    {
        var lines = reply.Split("\r\n");
        int i = Array.IndexOf(lines, name);
        Assert.That(i, Is.GreaterThan(0), $"{name} in {reply}");
        return lines[i + 1].StartsWith('$') && lines[i + 1] != "$-1" ? lines[i + 2] : lines[i + 1];
    }

    /// <summary>The text of a bulk string reply.</summary>
    private static string Bulk(string reply) => reply.Split("\r\n")[1];
}
