namespace FastNode.Server.Tests;

/// <summary>
/// CLIENT PAUSE / UNPAUSE with several in-memory clients and a fake clock, checked against redis-server 7.0: a
/// covered command waits (it is never refused) and runs when the pause ends; WRITE lets reads through; the latest
/// kind applies while the end only moves later; keys are not expired while writes are paused.
/// </summary>
public sealed class ClientPauseTests : MultiClientTestBase
{
    /// <summary>
    /// The client's held command is still held 1 ms before <paramref name="heldMs"/> more of fake time have passed, and
    /// answers <paramref name="reply"/> when they have.
    /// </summary>
    private async Task AssertHeldForAsync(InMemoryClient client, int heldMs, string reply, string because)
    {
        Time.Advance(TimeSpan.FromMilliseconds(heldMs - 1));
        await Task.Delay(20);
        Assert.That(client.Session.PendingBlock, Is.Not.Null, because);
        Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(await client.ReadReplyAsync(), Is.EqualTo(reply));
    }

    [Test]
    public async Task AWritePauseHoldsWritesAndLetsReadsThrough()
    {
        var admin = Client();
        var writer = Client();
        var reader = Client();
        Assert.That(await admin.CallAsync("CLIENT", "PAUSE", "10000", "WRITE"), Is.EqualTo("+OK\r\n"));
        await SendAndWaitParkedAsync(writer, "SET", "k", "v");
        Assert.That(await reader.CallAsync("GET", "k"), Is.EqualTo("$-1\r\n"), "reads answer during a write pause, and the write has not run");
        Assert.That(await admin.CallAsync("CLIENT", "UNPAUSE"), Is.EqualTo("+OK\r\n"));
        Assert.That(await writer.ReadReplyAsync(), Is.EqualTo("+OK\r\n"));
        Assert.That(await reader.CallAsync("GET", "k"), Is.EqualTo("$1\r\nv\r\n"));
    }

    [Test]
    public async Task APauseEndsByItselfAtItsTimeout()
    {
        var admin = Client();
        var client = Client();
        await admin.CallAsync("CLIENT", "PAUSE", "1000");
        await SendAndWaitParkedAsync(client, "PING");
        await AssertHeldForAsync(client, 1000, "+PONG\r\n", "still held 1 ms before the end");
    }

    [Test]
    public async Task AnAllPauseHoldsCLIENTPAUSETooAndTheLatestKindThenApplies()
    {
        var admin = Client();
        var second = Client();
        var client = Client();
        await admin.CallAsync("CLIENT", "PAUSE", "300", "ALL");
        await SendAndWaitParkedAsync(second, "CLIENT", "PAUSE", "1000", "WRITE");
        Time.Advance(TimeSpan.FromMilliseconds(300));
        Assert.That(await second.ReadReplyAsync(), Is.EqualTo("+OK\r\n"), "it ran when the ALL pause ended");
        Assert.That(await client.CallAsync("PING"), Is.EqualTo("+PONG\r\n"), "WRITE is the kind in force now: reads run");
        await SendAndWaitParkedAsync(client, "SET", "k", "v");
        await AssertHeldForAsync(client, 1000, "+OK\r\n", "writes stay paused for the 1000 ms asked");
    }

    [Test]
    public async Task ALaterShorterPauseKeepsTheLaterEnd()
    {
        var admin = Client();
        var client = Client();
        await admin.CallAsync("CLIENT", "PAUSE", "1000", "WRITE");
        await admin.CallAsync("CLIENT", "PAUSE", "100", "WRITE");
        await SendAndWaitParkedAsync(client, "SET", "k", "v");
        await AssertHeldForAsync(client, 1000, "+OK\r\n", "the end stays at 1000 ms, not 100");
    }

    [Test]
    public async Task PipelinedCommandsRunInOrderAfterTheHeldOne()
    {
        var admin = Client();
        var client = Client();
        await admin.CallAsync("CLIENT", "PAUSE", "10000", "WRITE");
        await client.SendAsync(Resp.CommandText("INCR", "n") + Resp.CommandText("GET", "n") + Resp.CommandText("INCR", "n"));
        await WaitParkedAsync(client);
        await admin.CallAsync("CLIENT", "UNPAUSE");
        Assert.That(await client.ReadReplyAsync(), Is.EqualTo(":1\r\n"));
        Assert.That(await client.ReadReplyAsync(), Is.EqualTo("$1\r\n1\r\n"));
        Assert.That(await client.ReadReplyAsync(), Is.EqualTo(":2\r\n"));
    }

    [Test]
    public async Task ExecOfAQueuedWriteWaitsAndAReadOnlyExecDoesNot()
    {
        var admin = Client();
        var client = Client();
        Assert.That(await client.CallAsync("MULTI"), Is.EqualTo("+OK\r\n"));
        Assert.That(await client.CallAsync("GET", "k"), Is.EqualTo("+QUEUED\r\n"));
        await admin.CallAsync("CLIENT", "PAUSE", "10000", "WRITE");
        Assert.That(await client.CallAsync("EXEC"), Is.EqualTo("*1\r\n$-1\r\n"), "a transaction of reads runs");
        await client.CallAsync("MULTI");
        await SendAndWaitParkedAsync(client, "SET", "k", "v");
        await admin.CallAsync("CLIENT", "UNPAUSE");
        Assert.That(await client.ReadReplyAsync(), Is.EqualTo("+QUEUED\r\n"), "a write is held even while it would only be queued, as in Redis");
        await admin.CallAsync("CLIENT", "PAUSE", "10000", "WRITE");
        await SendAndWaitParkedAsync(client, "EXEC");
        await admin.CallAsync("CLIENT", "UNPAUSE");
        Assert.That(await client.ReadReplyAsync(), Is.EqualTo("*1\r\n+OK\r\n"));
    }

    [Test]
    public async Task KeysDoNotExpireWhileWritesArePaused()
    {
        var admin = Client();
        var client = Client();
        await client.CallAsync("SET", "k", "v", "PX", "100");
        await admin.CallAsync("CLIENT", "PAUSE", "10000", "WRITE");
        Time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.That(await client.CallAsync("GET", "k"), Is.EqualTo("$-1\r\n"), "an expired key reads as missing");
        Assert.That(await client.CallAsync("DBSIZE"), Is.EqualTo(":1\r\n"), "but is not deleted while writes are paused");
        await admin.CallAsync("CLIENT", "UNPAUSE");
        Assert.That(await client.CallAsync("GET", "k"), Is.EqualTo("$-1\r\n"));
        Assert.That(await client.CallAsync("DBSIZE"), Is.EqualTo(":0\r\n"), "lazy expiry deletes it once the pause is over");
    }

    [Test]
    public async Task AHeldClientThatLeavesIsForgotten()
    {
        var admin = Client();
        var client = new InMemoryClient(Server);
        await admin.CallAsync("CLIENT", "PAUSE", "10000");
        await SendAndWaitParkedAsync(client, "PING");
        Assert.That(Server.Pause.PostponedCount, Is.EqualTo(1));
        await client.DisposeAsync();
        Assert.That(Server.Pause.PostponedCount, Is.EqualTo(0));
    }

    [TestCase("CLIENT|PAUSE", "-ERR wrong number of arguments for 'client|pause' command\r\n")]
    [TestCase("CLIENT|PAUSE|x", "-ERR timeout is not an integer or out of range\r\n")]
    [TestCase("CLIENT|PAUSE|-1", "-ERR timeout is negative\r\n")]
    [TestCase("CLIENT|PAUSE|10|BLAH", "-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n")]
    [TestCase("CLIENT|PAUSE|10|WRITE|ALL", "-ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.\r\n")]
    [TestCase("CLIENT|UNPAUSE|x", "-ERR wrong number of arguments for 'client|unpause' command\r\n")]
    public async Task BadArgumentsGetRedisErrors(string command, string reply)
    {
        Assert.That(await Client().CallAsync(command.Split('|')), Is.EqualTo(reply));
    }
}
