namespace FastNode.Server.Tests;

/// <summary>RENAME, COPY and MOVE put a list or sorted set at a key that clients are blocked on: they are served.</summary>
public sealed class KeyPlacementBlockingTests
{
    [Test]
    public async Task RenameOntoABlockedListKeyServesTheWaiter()
    {
        var server = InMemoryClient.NewServer();
        await using var waiter = new InMemoryClient(server);
        await using var other = new InMemoryClient(server);
        await other.CallAsync("RPUSH", "src", "a", "b");
        await waiter.SendAsync(Resp.Command("BLPOP", "dst", "0"));
        await WaitUntilBlocked(other, 1);
        Assert.That(await other.CallAsync("RENAME", "src", "dst"), Is.EqualTo("+OK\r\n"));
        Assert.That(await waiter.ReadReplyAsync(), Is.EqualTo("*2\r\n$3\r\ndst\r\n$1\r\na\r\n"));
        Assert.That(await other.CallAsync("LRANGE", "dst", "0", "-1"), Is.EqualTo("*1\r\n$1\r\nb\r\n"));
    }

    [Test]
    public async Task CopyOntoABlockedSortedSetKeyServesTheWaiter()
    {
        var server = InMemoryClient.NewServer();
        await using var waiter = new InMemoryClient(server);
        await using var other = new InMemoryClient(server);
        await other.CallAsync("ZADD", "src", "1", "m");
        await waiter.SendAsync(Resp.Command("BZPOPMIN", "dst", "0"));
        await WaitUntilBlocked(other, 1);
        Assert.That(await other.CallAsync("COPY", "src", "dst"), Is.EqualTo(":1\r\n"));
        Assert.That(await waiter.ReadReplyAsync(), Is.EqualTo("*3\r\n$3\r\ndst\r\n$1\r\nm\r\n$1\r\n1\r\n"));
        Assert.That(await other.CallAsync("EXISTS", "dst"), Is.EqualTo(":0\r\n"));
        Assert.That(await other.CallAsync("ZCARD", "src"), Is.EqualTo(":1\r\n"));
    }

    [Test]
    public async Task MoveIntoTheWaitersDatabaseServesIt()
    {
        var server = InMemoryClient.NewServer();
        await using var waiter = new InMemoryClient(server);
        await using var other = new InMemoryClient(server);
        await waiter.CallAsync("SELECT", "1");
        await other.CallAsync("RPUSH", "k", "x");
        await waiter.SendAsync(Resp.Command("BRPOP", "k", "0"));
        await WaitUntilBlocked(other, 1);
        Assert.That(await other.CallAsync("MOVE", "k", "1"), Is.EqualTo(":1\r\n"));
        Assert.That(await waiter.ReadReplyAsync(), Is.EqualTo("*2\r\n$1\r\nk\r\n$1\r\nx\r\n"));
    }

    /// <summary>Polls INFO clients (bounded) until the server reports the given number of blocked clients.</summary>
    private static async Task WaitUntilBlocked(InMemoryClient observer, int count)
    {
        for (int i = 0; i < 500; i++)
        {
            var info = await observer.CallAsync("INFO", "clients");
            if (info.Contains($"blocked_clients:{count}\r\n")) return;
            await Task.Delay(10);
        }
        Assert.Fail("the waiter never blocked");
    }
}
