namespace FastNode.Server.Tests;

/// <summary>
/// BLPOP, BRPOP, BLMOVE, BRPOPLPUSH and BLMPOP with several in-memory clients on one server and a fake clock:
/// wake-up on push, first come first served (per key and across keys, as Redis), timeouts, disconnects, the BLMOVE
/// hand-off, and transactions (which never block, and serve waiters only once EXEC is done).
/// </summary>
public sealed class BlockingListTests : MultiClientTestBase
{
    private const string NilArray = "*-1\r\n";

    private static string Bulk(string s) => $"${s.Length}\r\n{s}\r\n";

    private static string Pair(string key, string value) => $"*2\r\n{Bulk(key)}{Bulk(value)}";

    [Test]
    public async Task PushWakesABlockedClient()
    {
        var waiter = Client();
        var pusher = Client();
        await SendAndWaitParkedAsync(waiter, "BLPOP", "k", "0");
        Assert.That(await pusher.CallAsync("RPUSH", "k", "x"), Is.EqualTo(":1\r\n"), "the push reports the length before serving");
        Assert.That(await waiter.ReadReplyAsync(), Is.EqualTo(Pair("k", "x")));
        Assert.That(await pusher.CallAsync("EXISTS", "k"), Is.EqualTo(":0\r\n"), "the served element is gone and so is the list");
        Assert.That(await waiter.CallAsync("PING"), Is.EqualTo("+PONG\r\n"), "the client reads commands again");
    }

    [Test]
    public async Task WaitersAreServedFirstComeFirstServed()
    {
        var a = Client();
        var b = Client();
        var c = Client();
        var pusher = Client();
        await SendAndWaitParkedAsync(a, "BRPOP", "k", "0");
        await SendAndWaitParkedAsync(b, "BLPOP", "k", "0");
        await SendAndWaitParkedAsync(c, "BLPOP", "k", "0");
        Assert.That(await pusher.CallAsync("LPUSH", "k", "1", "2", "3"), Is.EqualTo(":3\r\n"));
        Assert.That(await a.ReadReplyAsync(), Is.EqualTo(Pair("k", "1")), "list is [3 2 1]: BRPOP takes the tail");
        Assert.That(await b.ReadReplyAsync(), Is.EqualTo(Pair("k", "3")));
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo(Pair("k", "2")));
    }

    [Test]
    public async Task OneElementAtATimeGoesToTheOldestWaiter()
    {
        var a = Client();
        var b = Client();
        var pusher = Client();
        await SendAndWaitParkedAsync(a, "BLPOP", "k", "0");
        await SendAndWaitParkedAsync(b, "BLPOP", "other", "k", "0");
        await pusher.CallAsync("RPUSH", "k", "first");
        Assert.That(await a.ReadReplyAsync(), Is.EqualTo(Pair("k", "first")));
        Assert.That(b.Session.PendingBlock, Is.Not.Null);
        await pusher.CallAsync("RPUSH", "k", "second");
        Assert.That(await b.ReadReplyAsync(), Is.EqualTo(Pair("k", "second")));
    }

    [Test]
    public async Task ReadyKeysAreServedInTheOrderTheyFilledAfterExec()
    {
        var a = Client();
        var c = Client();
        var pusher = Client();
        await SendAndWaitParkedAsync(a, "BLPOP", "k1", "k2", "0");
        await SendAndWaitParkedAsync(c, "BLPOP", "k1", "0");
        await pusher.CallAsync("MULTI");
        await pusher.CallAsync("RPUSH", "k2", "x");
        await pusher.CallAsync("RPUSH", "k1", "y");
        Assert.That(await pusher.CallAsync("EXEC"), Is.EqualTo("*2\r\n:1\r\n:1\r\n"));
        Assert.That(await a.ReadReplyAsync(), Is.EqualTo(Pair("k2", "x")), "k2 became ready first, and A waits on it");
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo(Pair("k1", "y")));
    }

    [Test]
    public async Task ExecServesWaitersOnlyAfterAllItsCommands()
    {
        var waiter = Client();
        var tx = Client();
        await SendAndWaitParkedAsync(waiter, "BLPOP", "k", "0");
        await tx.CallAsync("MULTI");
        await tx.CallAsync("LPUSH", "k", "a");
        await tx.CallAsync("LPOP", "k");
        Assert.That(await tx.CallAsync("EXEC"), Is.EqualTo($"*2\r\n:1\r\n{Bulk("a")}"), "as Redis: LPOP inside the transaction gets it");
        Assert.That(waiter.Session.PendingBlock, Is.Not.Null);
        await tx.CallAsync("RPUSH", "k", "b");
        Assert.That(await waiter.ReadReplyAsync(), Is.EqualTo(Pair("k", "b")));
    }

    [Test]
    public async Task TimeoutAnswersNilArray()
    {
        var waiter = Client();
        var pusher = Client();
        await SendAndWaitParkedAsync(waiter, "BLPOP", "k", "1.5");
        Time.Advance(TimeSpan.FromMilliseconds(1499));
        await pusher.CallAsync("RPUSH", "k", "late");
        Assert.That(await waiter.ReadReplyAsync(), Is.EqualTo(Pair("k", "late")), "still waiting 1 ms before the deadline");

        await SendAndWaitParkedAsync(waiter, "BLPOP", "k", "1.5");
        Time.Advance(TimeSpan.FromMilliseconds(1500));
        Assert.That(await waiter.ReadReplyAsync(), Is.EqualTo(NilArray));
        Assert.That(await pusher.CallAsync("RPUSH", "k", "kept"), Is.EqualTo(":1\r\n"));
        Assert.That(await pusher.CallAsync("LLEN", "k"), Is.EqualTo(":1\r\n"), "the timed-out client left no registration behind");
    }

    [Test]
    public async Task EveryBlockingFormTimesOutWithANullArray()
    {
        var waiter = Client();
        string[][] commands =
        [
            ["BRPOP", "k", "1"], ["BLMOVE", "k", "d", "LEFT", "RIGHT", "1"], ["BRPOPLPUSH", "k", "d", "1"],
            ["BLMPOP", "1", "2", "k", "j", "LEFT", "COUNT", "3"],
        ];
        foreach (var command in commands)
        {
            await SendAndWaitParkedAsync(waiter, command);
            Time.Advance(TimeSpan.FromSeconds(1));
            Assert.That(await waiter.ReadReplyAsync(), Is.EqualTo(NilArray), string.Join(' ', command));
        }
        await waiter.CallAsync("HELLO", "3");
        await SendAndWaitParkedAsync(waiter, "BLPOP", "k", "0.01");
        Time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.That(await waiter.ReadReplyAsync(), Is.EqualTo("_\r\n"));
    }

    [Test]
    public async Task Resp3WaiterGetsItsReply()
    {
        var waiter = Client();
        var pusher = Client();
        await waiter.CallAsync("HELLO", "3");
        await SendAndWaitParkedAsync(waiter, "BLMPOP", "0", "1", "k", "RIGHT", "COUNT", "2");
        await pusher.CallAsync("RPUSH", "k", "1", "2", "3");
        Assert.That(await waiter.ReadReplyAsync(), Is.EqualTo($"*2\r\n{Bulk("k")}*2\r\n{Bulk("3")}{Bulk("2")}"));
        Assert.That(await pusher.CallAsync("LRANGE", "k", "0", "-1"), Is.EqualTo($"*1\r\n{Bulk("1")}"));
    }

    [Test]
    public async Task DisconnectedWaiterIsSkipped()
    {
        var gone = new InMemoryClient(Server);
        var next = Client();
        var pusher = Client();
        await SendAndWaitParkedAsync(gone, "BLPOP", "k", "0");
        await SendAndWaitParkedAsync(next, "BLPOP", "k", "0");
        await gone.DisposeAsync();
        await pusher.CallAsync("RPUSH", "k", "x");
        Assert.That(await next.ReadReplyAsync(), Is.EqualTo(Pair("k", "x")));

        var alone = new InMemoryClient(Server);
        await SendAndWaitParkedAsync(alone, "BLPOP", "k2", "0");
        await alone.DisposeAsync();
        await pusher.CallAsync("RPUSH", "k2", "y");
        Assert.That(await pusher.CallAsync("LLEN", "k2"), Is.EqualTo(":1\r\n"), "nobody is left waiting on k2");
    }

    [Test]
    public async Task BlMoveHandsTheElementOnAndWakesTheDestinationsWaiters()
    {
        var mover = Client();
        var popper = Client();
        var pusher = Client();
        await SendAndWaitParkedAsync(mover, "BLMOVE", "src", "dst", "LEFT", "RIGHT", "0");
        await SendAndWaitParkedAsync(popper, "BLPOP", "dst", "0");
        Assert.That(await pusher.CallAsync("RPUSH", "src", "x", "y"), Is.EqualTo(":2\r\n"));
        Assert.That(await mover.ReadReplyAsync(), Is.EqualTo(Bulk("x")));
        Assert.That(await popper.ReadReplyAsync(), Is.EqualTo(Pair("dst", "x")));
        Assert.That(await pusher.CallAsync("LRANGE", "src", "0", "-1"), Is.EqualTo($"*1\r\n{Bulk("y")}"));
        Assert.That(await pusher.CallAsync("EXISTS", "dst"), Is.EqualTo(":0\r\n"));
    }

    [Test]
    public async Task BlMoveIntoAnotherTypeAnswersWrongTypeAndLeavesTheElement()
    {
        var mover = Client();
        var other = Client();
        var pusher = Client();
        await SendAndWaitParkedAsync(mover, "BRPOPLPUSH", "src", "dst", "0");
        await SendAndWaitParkedAsync(other, "BLPOP", "src", "0");
        await pusher.CallAsync("SET", "dst", "string");
        await pusher.CallAsync("LPUSH", "src", "x");
        Assert.That(await mover.ReadReplyAsync(), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await other.ReadReplyAsync(), Is.EqualTo(Pair("src", "x")), "the next waiter gets the element");
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task BlMoveWhoseDestinationShardIsBusyIsServedOnceItIsFree(bool higherShard)
    {
        var db = Server.Database(0);
        string source = "src", destination = "dst0";
        int ShardOf(string key) => db.ShardIndex(Storage.KeyHasher.Hash(System.Text.Encoding.UTF8.GetBytes(key)));
        for (int j = 1; ShardOf(source) == 0 || ShardOf(source) == db.ShardCount - 1; j++) source = $"src{j}";
        for (int i = 1; higherShard ? ShardOf(destination) <= ShardOf(source) : ShardOf(destination) >= ShardOf(source); i++)
            destination = $"dst{i}";   // a destination in another shard than the source...
        var busy = db.ShardFor(Storage.KeyHasher.Hash(System.Text.Encoding.UTF8.GetBytes(destination)));

        var mover = Client();
        var pusher = Client();
        await SendAndWaitParkedAsync(mover, "BLMOVE", source, destination, "LEFT", "RIGHT", "0");
        using var locked = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var holder = new Thread(() =>
        {
            busy.Lock.Enter();      // ...held by someone else while the push happens
            locked.Set();
            release.Wait();
            busy.Lock.Exit();
        });
        holder.Start();
        locked.Wait();
        await pusher.SendAsync(Resp.Command("RPUSH", source, "x"));
        await Task.Delay(20);
        Assert.That(mover.Session.PendingBlock, Is.Not.Null, "the move waits for the destination's lock");
        release.Set();
        holder.Join();
        Assert.That(await pusher.ReadReplyAsync(), Is.EqualTo(":1\r\n"));
        Assert.That(await mover.ReadReplyAsync(), Is.EqualTo(Bulk("x")));
        Assert.That(await pusher.CallAsync("LRANGE", destination, "0", "-1"), Is.EqualTo($"*1\r\n{Bulk("x")}"));
        Assert.That(await pusher.CallAsync("EXISTS", source), Is.EqualTo(":0\r\n"));
    }

    [Test]
    public async Task BlMoveCycleBetweenTwoKeys()
    {
        var a = Client();
        var b = Client();
        var pusher = Client();
        await SendAndWaitParkedAsync(a, "BLMOVE", "x", "y", "LEFT", "LEFT", "0");
        await SendAndWaitParkedAsync(b, "BLMOVE", "y", "x", "LEFT", "LEFT", "0");
        await pusher.CallAsync("RPUSH", "x", "e");
        Assert.That(await a.ReadReplyAsync(), Is.EqualTo(Bulk("e")));
        Assert.That(await b.ReadReplyAsync(), Is.EqualTo(Bulk("e")));
        Assert.That(await pusher.CallAsync("LRANGE", "x", "0", "-1"), Is.EqualTo($"*1\r\n{Bulk("e")}"));
        Assert.That(await pusher.CallAsync("EXISTS", "y"), Is.EqualTo(":0\r\n"));
    }

    [Test]
    public async Task BlMoveOntoItselfRotates()
    {
        var mover = Client();
        var pusher = Client();
        await SendAndWaitParkedAsync(mover, "BLMOVE", "k", "k", "LEFT", "RIGHT", "0");
        await pusher.CallAsync("RPUSH", "k", "1", "2");
        Assert.That(await mover.ReadReplyAsync(), Is.EqualTo(Bulk("1")));
        Assert.That(await pusher.CallAsync("LRANGE", "k", "0", "-1"), Is.EqualTo($"*2\r\n{Bulk("2")}{Bulk("1")}"));
    }

    [Test]
    public async Task LMoveIntoAWaitedKeyServesTheWaiter()
    {
        var waiter = Client();
        var mover = Client();
        await SendAndWaitParkedAsync(waiter, "BLPOP", "k", "0");
        await mover.CallAsync("RPUSH", "src", "q");
        Assert.That(await mover.CallAsync("LMOVE", "src", "k", "LEFT", "LEFT"), Is.EqualTo(Bulk("q")));
        Assert.That(await waiter.ReadReplyAsync(), Is.EqualTo(Pair("k", "q")));
        Assert.That(await mover.CallAsync("EXISTS", "k"), Is.EqualTo(":0\r\n"));
    }

    /// <summary>The hook other families call after putting a list at a key (RENAME, MOVE, COPY...).</summary>
    [Test]
    public async Task KeyCreatedServesWaitersOfAListPutThereByAnotherCommand()
    {
        var waiter = Client();
        await SendAndWaitParkedAsync(waiter, "BLPOP", "k", "0");
        var db = Server.Database(0);
        var key = System.Text.Encoding.UTF8.GetBytes("k");
        using (var k = db.Open(key, Server.NowMs, Storage.Lookup.Write))
        {
            var list = k.Add(Storage.ValueKind.List, new Storage.Lists.ListValue());
            list.Push(Storage.Lists.ListEnd.Right, "moved"u8);
        }
        Blocking.ListBlocking.KeyCreated(Server, db, 0, key, inExec: false);
        Assert.That(await waiter.ReadReplyAsync(), Is.EqualTo(Pair("k", "moved")));
        using (var k = db.Open(key, Server.NowMs, Storage.Lookup.Peek)) Assert.That(k.Exists, Is.False);
    }

    [Test]
    public async Task BlockingCommandsInsideExecDoNotBlock()
    {
        var c = Client();
        await c.CallAsync("MULTI");
        await c.CallAsync("BLPOP", "missing", "0");
        await c.CallAsync("BRPOP", "missing", "0");
        await c.CallAsync("BLMOVE", "missing", "d", "LEFT", "LEFT", "0");
        await c.CallAsync("BRPOPLPUSH", "missing", "d", "0");
        await c.CallAsync("BLMPOP", "0", "1", "missing", "LEFT");
        await c.CallAsync("BLPOP", "missing", "-1");
        Assert.That(await c.CallAsync("EXEC"), Is.EqualTo("*6\r\n*-1\r\n*-1\r\n$-1\r\n$-1\r\n*-1\r\n-ERR timeout is negative\r\n"));
        Assert.That(c.Session.PendingBlock, Is.Null);
    }

    [Test]
    public async Task PipelinedCommandsWaitBehindTheBlockedOne()
    {
        var waiter = Client();
        var pusher = Client();
        await waiter.SendAsync(Resp.CommandText("BLPOP", "k", "0") + Resp.CommandText("ECHO", "after"));
        await WaitParkedAsync(waiter);
        await pusher.CallAsync("RPUSH", "k", "v");
        Assert.That(await waiter.ReadReplyAsync(), Is.EqualTo(Pair("k", "v")));
        Assert.That(await waiter.ReadReplyAsync(), Is.EqualTo(Bulk("after")));
    }

    [Test]
    public async Task ClientBlockedOnTheSameKeyTwiceGetsOneElement()
    {
        var waiter = Client();
        var pusher = Client();
        await SendAndWaitParkedAsync(waiter, "BLPOP", "k", "k", "0");
        await pusher.CallAsync("RPUSH", "k", "1", "2");
        Assert.That(await waiter.ReadReplyAsync(), Is.EqualTo(Pair("k", "1")));
        Assert.That(await pusher.CallAsync("LLEN", "k"), Is.EqualTo(":1\r\n"));
    }

    [Test]
    public async Task ClientUnblockTimeoutAnswersNil()
    {
        var waiter = Client();
        var admin = Client();
        await SendAndWaitParkedAsync(waiter, "BLMOVE", "k", "d", "LEFT", "LEFT", "0");
        Assert.That(await admin.CallAsync("CLIENT", "UNBLOCK", waiter.Session.Id.ToString()), Is.EqualTo(":1\r\n"));
        Assert.That(await waiter.ReadReplyAsync(), Is.EqualTo(NilArray));
        await admin.CallAsync("RPUSH", "k", "x");
        Assert.That(await admin.CallAsync("LLEN", "k"), Is.EqualTo(":1\r\n"));
    }

    [Test]
    public async Task ManyWaitersOnManyKeysEachGetExactlyOneElement()
    {
        const int waiters = 20;
        var clients = new List<InMemoryClient>();
        for (int i = 0; i < waiters; i++)
        {
            var c = Client();
            clients.Add(c);
            await SendAndWaitParkedAsync(c, "BLPOP", $"k{i % 4}", $"k{(i + 1) % 4}", "0");
        }
        var pusher = Client();
        for (int i = 0; i < waiters; i++) await pusher.CallAsync("RPUSH", $"k{i % 4}", $"v{i}");
        var seen = new HashSet<string>();
        foreach (var c in clients)
        {
            var reply = await c.ReadReplyAsync();
            Assert.That(seen.Add(reply.Substring(reply.LastIndexOf('v'))), Is.True, reply);
        }
        Assert.That(seen, Has.Count.EqualTo(waiters));
        Assert.That(await pusher.CallAsync("DBSIZE"), Is.EqualTo(":0\r\n"));
    }
}
