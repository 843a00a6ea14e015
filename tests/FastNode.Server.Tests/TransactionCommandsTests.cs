
namespace FastNode.Server.Tests;

public sealed class TransactionCommandsTests
{
    [Test]
    public async Task MultiQueuesAndExecRepliesWithEveryResult()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("MULTI"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("SET", "k", "1"), Is.EqualTo("+QUEUED\r\n"));
        Assert.That(await c.CallAsync("INCR", "k"), Is.EqualTo("+QUEUED\r\n"));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo("+QUEUED\r\n"));
        Assert.That(await c.CallAsync("EXEC"), Is.EqualTo("*3\r\n+OK\r\n:2\r\n$1\r\n2\r\n"));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo("$1\r\n2\r\n"));
    }

    [Test]
    public async Task QueuingErrorAbortsExec()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("MULTI");
        Assert.That(await c.CallAsync("SET", "k", "1"), Is.EqualTo("+QUEUED\r\n"));
        Assert.That(await c.CallAsync("GET"), Is.EqualTo("-ERR wrong number of arguments for 'get' command\r\n"));
        Assert.That(await c.CallAsync("NOSUCH"), Does.StartWith("-ERR unknown command 'NOSUCH'"));
        Assert.That(await c.CallAsync("EXEC"), Is.EqualTo("-EXECABORT Transaction discarded because of previous errors.\r\n"));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo("$-1\r\n"));
    }

    [Test]
    public async Task RuntimeErrorInsideExecAffectsOnlyThatCommand()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SET", "s", "abc");
        await c.CallAsync("MULTI");
        await c.CallAsync("INCR", "s");
        await c.CallAsync("SET", "t", "x");
        Assert.That(await c.CallAsync("EXEC"), Is.EqualTo("*2\r\n-ERR value is not an integer or out of range\r\n+OK\r\n"));
        Assert.That(await c.CallAsync("GET", "t"), Is.EqualTo("$1\r\nx\r\n"));
    }

    [Test]
    public async Task ErrorsForMisplacedTransactionCommands()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("EXEC"), Is.EqualTo("-ERR EXEC without MULTI\r\n"));
        Assert.That(await c.CallAsync("DISCARD"), Is.EqualTo("-ERR DISCARD without MULTI\r\n"));
        await c.CallAsync("MULTI");
        Assert.That(await c.CallAsync("MULTI"), Is.EqualTo("-ERR MULTI calls can not be nested\r\n"));
        Assert.That(await c.CallAsync("WATCH", "k"), Is.EqualTo("-ERR WATCH inside MULTI is not allowed\r\n"));
        await c.CallAsync("SET", "k", "v");
        Assert.That(await c.CallAsync("DISCARD"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo("$-1\r\n"));
    }

    [Test]
    public async Task WatchedKeyWrittenByAnotherClientMakesExecNil()
    {
        var server = InMemoryClient.NewServer();
        await using var a = new InMemoryClient(server);
        await using var b = new InMemoryClient(server);
        await a.CallAsync("SET", "k", "1");
        Assert.That(await a.CallAsync("WATCH", "k"), Is.EqualTo("+OK\r\n"));
        await b.CallAsync("INCR", "k");
        await a.CallAsync("MULTI");
        await a.CallAsync("SET", "k", "100");
        Assert.That(await a.CallAsync("EXEC"), Is.EqualTo("*-1\r\n"));
        Assert.That(await a.CallAsync("GET", "k"), Is.EqualTo("$1\r\n2\r\n"));
    }

    [Test]
    public async Task UntouchedWatchLetsExecRunAndUnwatchForgets()
    {
        var server = InMemoryClient.NewServer();
        await using var a = new InMemoryClient(server);
        await using var b = new InMemoryClient(server);
        await a.CallAsync("WATCH", "k");
        await b.CallAsync("SET", "other", "1");
        await a.CallAsync("MULTI");
        await a.CallAsync("SET", "k", "mine");
        Assert.That(await a.CallAsync("EXEC"), Is.EqualTo("*1\r\n+OK\r\n"));

        await a.CallAsync("WATCH", "k");
        await a.CallAsync("UNWATCH");
        await b.CallAsync("SET", "k", "theirs");
        await a.CallAsync("MULTI");
        await a.CallAsync("GET", "k");
        Assert.That(await a.CallAsync("EXEC"), Is.EqualTo("*1\r\n$6\r\ntheirs\r\n"));
    }

    [Test]
    public async Task WatchedKeyThatExpiresMakesExecNil()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var c = new InMemoryClient(InMemoryClient.NewServer(time: time));
        await c.CallAsync("SET", "k", "v", "PX", "100");
        await c.CallAsync("WATCH", "k");
        time.Advance(TimeSpan.FromMilliseconds(200));
        await c.CallAsync("MULTI");
        await c.CallAsync("SET", "x", "1");
        Assert.That(await c.CallAsync("EXEC"), Is.EqualTo("*-1\r\n"));
    }

    [Test]
    public async Task ExecIsNilInResp3AsNull()
    {
        var server = InMemoryClient.NewServer();
        await using var a = new InMemoryClient(server);
        await using var b = new InMemoryClient(server);
        a.Session.Protocol = 3;
        await a.CallAsync("WATCH", "k");
        await b.CallAsync("SET", "k", "1");
        await a.CallAsync("MULTI");
        await a.CallAsync("PING");
        Assert.That(await a.CallAsync("EXEC"), Is.EqualTo("_\r\n"));
    }

    [Test]
    public async Task OptimisticIncrementsThroughWatchAreExact()
    {
        var server = InMemoryClient.NewServer();
        const int clients = 8, perClient = 50;
        var tasks = new List<Task>();
        for (int i = 0; i < clients; i++)
        {
            tasks.Add(Task.Run(async () =>
            {
                await using var c = new InMemoryClient(server);
                for (int n = 0; n < perClient; n++)
                {
                    for (int attempt = 0; attempt < 10_000; attempt++)
                    {
                        await c.CallAsync("WATCH", "counter");
                        var current = await c.CallAsync("GET", "counter");
                        long value = current == "$-1\r\n" ? 0 : long.Parse(current.Split("\r\n")[1]);
                        await c.CallAsync("MULTI");
                        await c.CallAsync("SET", "counter", (value + 1).ToString());
                        if (await c.CallAsync("EXEC") != "*-1\r\n") break;
                    }
                }
            }));
        }
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60));
        await using var check = new InMemoryClient(server);
        Assert.That(await check.CallAsync("GET", "counter"), Is.EqualTo($"$3\r\n{clients * perClient}\r\n"));
    }
}
