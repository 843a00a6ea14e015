using StackExchange.Redis;

namespace FastNode.IntegrationTests.Rdb;

/// <summary>
/// MIGRATE between FastNodes and towards redis-server, with Redis's replies and errors. The target FastNode is a child
/// process: MIGRATE blocks the calling event loop until the target answers (as in Redis), and in-process servers
/// share their loops, so a target in this process could only answer after the timeout.
/// </summary>
[NonParallelizable]
public sealed class MigrateTests
{
    [Test]
    public async Task MovesCopiesAndReplacesBetweenFastNodes()
    {
        await using var source = TestServer.Start();
        string dir = TestDirectories.Create("fastnode-migrate-");
        int targetPort = ChildProcess.FreePort();
        using var target = ChildProcess.StartFastNode(targetPort, dir, "--save \"\"");
        target.WaitUntilReady(targetPort);
        using var src = source.ConnectRaw();
        using var dst = RawClient.Connect(targetPort);
        src.Call("RPUSH", "l", "a", "b");
        src.Call("SET", "s", "v", "PX", "500000");
        src.Call("HSET", "h", "f", "v");
        src.Call("LOCK.ACQUIRE", "lk", "owner", "60000");
        string port = targetPort.ToString();

        Assert.That(src.Call("MIGRATE", "127.0.0.1", port, "l", "3", "5000"), Is.EqualTo("+OK\r\n"));
        Assert.That(src.Call("EXISTS", "l"), Is.EqualTo(":0\r\n"), "moved, not copied");
        dst.Call("SELECT", "3");
        Assert.That(dst.Call("LRANGE", "l", "0", "-1"), Is.EqualTo("*2\r\n$1\r\na\r\n$1\r\nb\r\n"));

        Assert.That(src.Call("MIGRATE", "127.0.0.1", port, "", "3", "5000", "COPY", "KEYS", "s", "h", "nosuch", "lk"), Is.EqualTo("+OK\r\n"));
        Assert.That(src.Call("EXISTS", "s", "h", "lk"), Is.EqualTo(":3\r\n"), "COPY keeps the source keys");
        Assert.That(int.Parse(dst.Call("PTTL", "s")[1..^2]), Is.InRange(1, 500000));
        Assert.That(dst.Call("HGET", "h", "f"), Is.EqualTo("$1\r\nv\r\n"));
        Assert.That(dst.Call("TYPE", "lk"), Is.EqualTo("+lock\r\n"));

        Assert.That(src.Call("MIGRATE", "127.0.0.1", port, "h", "3", "5000"),
            Is.EqualTo("-ERR Target instance replied with error: BUSYKEY Target key name already exists.\r\n"));
        Assert.That(src.Call("EXISTS", "h"), Is.EqualTo(":1\r\n"), "kept when the target refused it");
        src.Call("HSET", "h", "f", "new");
        Assert.That(src.Call("MIGRATE", "127.0.0.1", port, "h", "3", "5000", "REPLACE"), Is.EqualTo("+OK\r\n"));
        Assert.That(dst.Call("HGET", "h", "f"), Is.EqualTo("$3\r\nnew\r\n"));
        Assert.That(src.Call("MIGRATE", "127.0.0.1", port, "gone", "3", "5000"), Is.EqualTo("+NOKEY\r\n"));
    }

    [Test]
    public async Task AuthIsSentFirstAndItsErrorReported()
    {
        await using var source = TestServer.Start();
        string dir = TestDirectories.Create("fastnode-migrate-");
        int targetPort = ChildProcess.FreePort();
        using var target = ChildProcess.StartFastNode(targetPort, dir, "--save \"\" --requirepass secret");
        target.WaitUntilReady(targetPort);
        using var src = source.ConnectRaw();
        src.Call("SET", "k", "v");
        string port = targetPort.ToString();
        Assert.That(src.Call("MIGRATE", "127.0.0.1", port, "k", "0", "5000"),
            Is.EqualTo("-ERR Target instance replied with error: NOAUTH Authentication required.\r\n"));
        Assert.That(src.Call("MIGRATE", "127.0.0.1", port, "k", "0", "5000", "AUTH", "wrong"), Does.StartWith("-ERR Target instance replied with error: WRONGPASS"));
        Assert.That(src.Call("MIGRATE", "127.0.0.1", port, "k", "0", "5000", "AUTH2", "default", "secret"), Is.EqualTo("+OK\r\n"));
        using var dst = RawClient.Connect(targetPort);
        dst.Call("AUTH", "secret");
        Assert.That(dst.Call("GET", "k"), Is.EqualTo("$1\r\nv\r\n"));
    }

    [Test]
    public async Task ErrorsMatchRedisServer()
    {
        if (!ChildProcess.OnPath("redis-server")) Assert.Ignore("redis-server is needed");
        string dir = TestDirectories.Create("fastnode-migrate-");
        int redisPort = ChildProcess.FreePort();
        using var redisProcess = ChildProcess.StartRedis(redisPort, dir);
        redisProcess.WaitUntilReady(redisPort);
        await using var fastNode = TestServer.Start();
        using var ours = fastNode.ConnectRaw();
        using var theirs = RawClient.Connect(redisPort);
        int closed = ChildProcess.FreePort();
        foreach (var c in new[] { ours, theirs }) c.Call("SET", "a", "1");
        string[][] cases =
        [
            ["MIGRATE", "127.0.0.1", closed.ToString(), "a", "0", "200"],
            ["MIGRATE", "127.0.0.1", closed.ToString(), "nosuch", "0", "200"],
            ["MIGRATE", "127.0.0.1", closed.ToString(), "a", "0", "200", "KEYS", "a"],
            ["MIGRATE", "127.0.0.1", closed.ToString(), "", "0", "200", "FOO"],
            ["MIGRATE", "127.0.0.1", closed.ToString(), "", "x", "200", "KEYS", "a"],
            ["MIGRATE", "127.0.0.1", closed.ToString(), "", "0", "200", "AUTH"],
            ["MIGRATE", "127.0.0.1", closed.ToString(), "a", "0"],
        ];
        foreach (var args in cases) Assert.That(ours.Call(args), Is.EqualTo(theirs.Call(args)), string.Join(' ', args));

        // FastNode -> redis-server, a real move.
        ours.Call("ZADD", "z", "1", "m");
        Assert.That(ours.Call("MIGRATE", "127.0.0.1", redisPort.ToString(), "z", "0", "5000"), Is.EqualTo("+OK\r\n"));
        Assert.That(theirs.Call("ZRANGE", "z", "0", "-1", "WITHSCORES"), Is.EqualTo("*2\r\n$1\r\nm\r\n$1\r\n1\r\n"));
        Assert.That(ours.Call("EXISTS", "z"), Is.EqualTo(":0\r\n"));
        // and back, redis-server -> FastNode
        Assert.That(theirs.Call("MIGRATE", "127.0.0.1", fastNode.Port.ToString(), "z", "0", "5000"), Is.EqualTo("+OK\r\n"));
        Assert.That(ours.Call("ZSCORE", "z", "m"), Is.EqualTo("$1\r\n1\r\n"));
    }
}
