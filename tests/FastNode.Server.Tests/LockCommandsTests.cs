using System.Buffers;
using FastNode.Server.Config;
using FastNode.Server.Network;
using FastNode.Server.Sessions;
using FastNode.Server.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastNode.Server.Tests;

/// <summary>
/// LOCK.* and SEM.* (docs/locks.md is the specification), byte for byte, on a fake clock: fencing tokens, leases,
/// FIFO hand-off to blocked waiters (on release and at the expiry deadline), disconnects, type and argument errors.
/// </summary>
public sealed class LockCommandsTests : MultiClientTestBase
{
    private const string Nil = "$-1\r\n";
    private const string NilArray = "*-1\r\n";
    private const string One = ":1\r\n";
    private const string Zero = ":0\r\n";
    private const string WrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
    private const string NotInteger = "-ERR value is not an integer or out of range\r\n";
    private const string Syntax = "-ERR syntax error\r\n";
    private const string TtlRange = "-ERR ttl_ms must be between 1 and 86400000\r\n";

    private static long Token(string reply)
    {
        Assert.That(reply, Does.Match(@"^:\d+\r\n$"), "expected a fencing token");
        return long.Parse(reply.AsSpan(1, reply.Length - 3));
    }

    private static string Info(string owner, long ttlMs, long token, int waiters) =>
        $"*8\r\n$5\r\nowner\r\n${owner.Length}\r\n{owner}\r\n$6\r\nttl_ms\r\n:{ttlMs}\r\n$5\r\ntoken\r\n:{token}\r\n$7\r\nwaiters\r\n:{waiters}\r\n";

    /// <summary>Polls LOCK.INFO (or SEM.INFO) until <paramref name="count"/> waiters are queued: the blocked sends are asynchronous.</summary>
    private static async Task WaitForWaiters(InMemoryClient observer, string key, int count, string info = "LOCK.INFO")
    {
        string reply = "";
        for (int attempt = 0; attempt < 500; attempt++)
        {
            reply = await observer.CallAsync(info, key);
            if (reply.EndsWith($"$7\r\nwaiters\r\n:{count}\r\n", StringComparison.Ordinal)) return;
            await Task.Delay(10);
        }
        Assert.Fail($"{count} waiters never queued on {key}; last {info}: {RespReplyScanner.Escape(reply)}");
    }

    /// <summary>Asserts that no reply arrives on a blocked client while its read is pending (a short real wait).</summary>
    private static async Task AssertStillBlocked(Task<string> pending)
    {
        await Task.Delay(50);
        Assert.That(pending.IsCompleted, Is.False, () => "the waiter was answered: " + RespReplyScanner.Escape(pending.Result));
    }

    // ---- basic acquire / release / renew ----

    [Test]
    public async Task AcquireGrantsIncreasingTokensAndNilWhileHeld()
    {
        var c = Client();
        long first = Token(await c.CallAsync("LOCK.ACQUIRE", "l", "a", "1000"));
        Assert.That(await c.CallAsync("LOCK.ACQUIRE", "l", "b", "1000"), Is.EqualTo(Nil));
        long other = Token(await c.CallAsync("LOCK.ACQUIRE", "m", "b", "1000"));
        Assert.That(other, Is.GreaterThan(first));
        Assert.That(await c.CallAsync("LOCK.INFO", "l"), Is.EqualTo(Info("a", 1000, first, 0)));
        Assert.That(await c.CallAsync("TYPE", "l"), Is.EqualTo("+lock\r\n"));
        Assert.That(await c.CallAsync("PTTL", "l"), Is.EqualTo(":1000\r\n"));
        Assert.That(await c.CallAsync("GET", "l"), Is.EqualTo(WrongType));
    }

    [Test]
    public async Task ReentrantAcquireKeepsTheTokenAndResetsTheLease()
    {
        var c = Client();
        long token = Token(await c.CallAsync("LOCK.ACQUIRE", "l", "a", "1000"));
        AdvanceMs(600);
        Assert.That(Token(await c.CallAsync("LOCK.ACQUIRE", "l", "a", "5000")), Is.EqualTo(token));
        Assert.That(await c.CallAsync("LOCK.INFO", "l"), Is.EqualTo(Info("a", 5000, token, 0)));
        Assert.That(await c.CallAsync("PTTL", "l"), Is.EqualTo(":5000\r\n"));
    }

    [Test]
    public async Task ReleaseDeletesTheKeyOnlyForTheOwner()
    {
        var c = Client();
        Token(await c.CallAsync("LOCK.ACQUIRE", "l", "a", "1000"));
        Assert.That(await c.CallAsync("LOCK.RELEASE", "l", "b"), Is.EqualTo(Zero));
        Assert.That(await c.CallAsync("EXISTS", "l"), Is.EqualTo(One));
        Assert.That(await c.CallAsync("LOCK.RELEASE", "l", "a"), Is.EqualTo(One));
        Assert.That(await c.CallAsync("EXISTS", "l"), Is.EqualTo(Zero));
        Assert.That(await c.CallAsync("LOCK.RELEASE", "l", "a"), Is.EqualTo(Zero));
        Assert.That(await c.CallAsync("LOCK.INFO", "l"), Is.EqualTo(NilArray));
    }

    [Test]
    public async Task RenewExtendsOnlyTheOwnersLease()
    {
        var c = Client();
        long token = Token(await c.CallAsync("LOCK.ACQUIRE", "l", "a", "1000"));
        AdvanceMs(900);
        Assert.That(await c.CallAsync("LOCK.RENEW", "l", "b", "1000"), Is.EqualTo(Zero));
        Assert.That(await c.CallAsync("LOCK.RENEW", "l", "a", "1000"), Is.EqualTo(One));
        AdvanceMs(900);
        Assert.That(await c.CallAsync("LOCK.INFO", "l"), Is.EqualTo(Info("a", 100, token, 0)));
        AdvanceMs(100);
        Assert.That(await c.CallAsync("LOCK.RENEW", "l", "a", "1000"), Is.EqualTo(Zero), "a lease that ended cannot be renewed");
        Assert.That(await c.CallAsync("LOCK.RENEW", "missing", "a", "1000"), Is.EqualTo(Zero));
    }

    [Test]
    public async Task AnExpiredLeaseFreesTheLockAndTokensAreNeverReused()
    {
        var c = Client();
        long first = Token(await c.CallAsync("LOCK.ACQUIRE", "l", "a", "1000"));
        AdvanceMs(999);
        Assert.That(await c.CallAsync("LOCK.ACQUIRE", "l", "b", "1000"), Is.EqualTo(Nil));
        AdvanceMs(1);
        Assert.That(await c.CallAsync("EXISTS", "l"), Is.EqualTo(Zero));
        long second = Token(await c.CallAsync("LOCK.ACQUIRE", "l", "b", "1000"));
        Assert.That(second, Is.GreaterThan(first));
        Assert.That(await c.CallAsync("LOCK.RELEASE", "l", "a"), Is.EqualTo(Zero), "the old owner lost the lock");
        Assert.That(await c.CallAsync("DEL", "l"), Is.EqualTo(One));
        long third = Token(await c.CallAsync("LOCK.ACQUIRE", "l", "a", "1000"));
        Assert.That(third, Is.GreaterThan(second));
    }

    // ---- waiters ----

    [Test]
    public async Task ExpiryHandsTheLockToTheWaiterAtTheDeadlineWithoutAnyOtherCommand()
    {
        var holder = Client();
        var waiter = Client();
        var observer = Client();
        long first = Token(await holder.CallAsync("LOCK.ACQUIRE", "l", "a", "1000"));
        await waiter.SendAsync(Resp.Command("LOCK.ACQUIRE", "l", "b", "3000", "WAIT", "0"));
        await WaitForWaiters(observer, "l", 1);
        Assert.That(await observer.CallAsync("PTTL", "l"), Is.EqualTo(":-1\r\n"), "the timer, not the key TTL, owns expiry while waiters queue");

        var granted = waiter.ReadReplyAsync();
        AdvanceMs(999);
        await AssertStillBlocked(granted);
        AdvanceMs(1);
        long second = Token(await granted);
        Assert.That(second, Is.GreaterThan(first));
        Assert.That(await observer.CallAsync("LOCK.INFO", "l"), Is.EqualTo(Info("b", 3000, second, 0)));
        Assert.That(await observer.CallAsync("PTTL", "l"), Is.EqualTo(":3000\r\n"), "no waiters left: the key TTL is the lease again");
        Assert.That(await holder.CallAsync("LOCK.RELEASE", "l", "a"), Is.EqualTo(Zero));
    }

    [Test]
    public async Task WaitersAreServedInFifoOrder()
    {
        var holder = Client();
        var observer = Client();
        var waiters = new[] { Client(), Client(), Client() };
        long previous = Token(await holder.CallAsync("LOCK.ACQUIRE", "l", "h", "10000"));
        for (int i = 0; i < waiters.Length; i++)
        {
            await waiters[i].SendAsync(Resp.Command("LOCK.ACQUIRE", "l", $"w{i}", "10000", "WAIT", "60000"));
            await WaitForWaiters(observer, "l", i + 1);
        }
        // A newcomer does not overtake the queue, even without WAIT.
        Assert.That(await observer.CallAsync("LOCK.ACQUIRE", "l", "late", "10000"), Is.EqualTo(Nil));

        string releasing = "h";
        for (int i = 0; i < waiters.Length; i++)
        {
            var clientOfReleaser = i == 0 ? holder : waiters[i - 1];
            Assert.That(await clientOfReleaser.CallAsync("LOCK.RELEASE", "l", releasing), Is.EqualTo(One));
            long token = Token(await waiters[i].ReadReplyAsync());
            Assert.That(token, Is.GreaterThan(previous));
            Assert.That(await observer.CallAsync("LOCK.INFO", "l"), Is.EqualTo(Info($"w{i}", 10000, token, waiters.Length - 1 - i)));
            previous = token;
            releasing = $"w{i}";
        }
        Assert.That(await waiters[2].CallAsync("LOCK.RELEASE", "l", "w2"), Is.EqualTo(One));
        Assert.That(await observer.CallAsync("EXISTS", "l"), Is.EqualTo(Zero));
    }

    [Test]
    public async Task AWaiterThatDisconnectsIsSkipped()
    {
        var holder = Client();
        var observer = Client();
        var leaving = new InMemoryClient(Server);
        var staying = Client();
        Token(await holder.CallAsync("LOCK.ACQUIRE", "l", "a", "10000"));
        await leaving.SendAsync(Resp.Command("LOCK.ACQUIRE", "l", "gone", "10000", "WAIT", "0"));
        await WaitForWaiters(observer, "l", 1);
        await staying.SendAsync(Resp.Command("LOCK.ACQUIRE", "l", "c", "10000", "WAIT", "0"));
        await WaitForWaiters(observer, "l", 2);

        await leaving.DisposeAsync();
        await WaitForWaiters(observer, "l", 1);
        Assert.That(await holder.CallAsync("LOCK.RELEASE", "l", "a"), Is.EqualTo(One));
        long token = Token(await staying.ReadReplyAsync());
        Assert.That(await observer.CallAsync("LOCK.INFO", "l"), Is.EqualTo(Info("c", 10000, token, 0)));
    }

    [Test]
    public async Task AWaitThatTimesOutAnswersNilAndLeavesTheQueue()
    {
        var holder = Client();
        var waiter = Client();
        var observer = Client();
        long token = Token(await holder.CallAsync("LOCK.ACQUIRE", "l", "a", "10000"));
        await waiter.SendAsync(Resp.Command("LOCK.ACQUIRE", "l", "b", "1000", "WAIT", "500"));
        await WaitForWaiters(observer, "l", 1);
        var reply = waiter.ReadReplyAsync();
        AdvanceMs(499);
        await AssertStillBlocked(reply);
        AdvanceMs(1);
        Assert.That(await reply, Is.EqualTo(Nil));
        Assert.That(await observer.CallAsync("LOCK.INFO", "l"), Is.EqualTo(Info("a", 9500, token, 0)));
        Assert.That(await observer.CallAsync("PTTL", "l"), Is.EqualTo(":9500\r\n"), "the key TTL comes back when the queue empties");
        Assert.That(await waiter.CallAsync("PING"), Is.EqualTo("+PONG\r\n"), "the connection goes on after the timeout");
    }

    [Test]
    public async Task ClientUnblockEndsTheWaitLikeATimeout()
    {
        var holder = Client();
        var waiter = Client();
        var observer = Client();
        Token(await holder.CallAsync("LOCK.ACQUIRE", "l", "a", "10000"));
        await waiter.SendAsync(Resp.Command("LOCK.ACQUIRE", "l", "b", "1000", "WAIT", "0"));
        await WaitForWaiters(observer, "l", 1);
        Assert.That(await observer.CallAsync("CLIENT", "UNBLOCK", waiter.Session.Id.ToString()), Is.EqualTo(One));
        Assert.That(await waiter.ReadReplyAsync(), Is.EqualTo(Nil));
        Assert.That(await observer.CallAsync("PTTL", "l"), Is.EqualTo(":10000\r\n"));
        Assert.That(await holder.CallAsync("LOCK.RELEASE", "l", "a"), Is.EqualTo(One));
        Assert.That(await observer.CallAsync("EXISTS", "l"), Is.EqualTo(Zero), "nobody was left to hand the lock to");
    }

    [Test]
    public async Task RenewWhileWaitersQueueMovesTheHandOff()
    {
        var holder = Client();
        var waiter = Client();
        var observer = Client();
        Token(await holder.CallAsync("LOCK.ACQUIRE", "l", "a", "1000"));
        await waiter.SendAsync(Resp.Command("LOCK.ACQUIRE", "l", "b", "1000", "WAIT", "0"));
        await WaitForWaiters(observer, "l", 1);
        var granted = waiter.ReadReplyAsync();
        AdvanceMs(500);
        Assert.That(await holder.CallAsync("LOCK.RENEW", "l", "a", "1000"), Is.EqualTo(One));
        AdvanceMs(999);
        await AssertStillBlocked(granted);
        AdvanceMs(1);
        Token(await granted);
    }

    [Test]
    public async Task CommandsPipelinedBehindAWaitingAcquireRunAfterTheGrant()
    {
        var holder = Client();
        var waiter = Client();
        var observer = Client();
        Token(await holder.CallAsync("LOCK.ACQUIRE", "l", "a", "1000"));
        await waiter.SendAsync(Resp.CommandText("LOCK.ACQUIRE", "l", "b", "1000", "WAIT", "0")
            + Resp.CommandText("LOCK.INFO", "l") + Resp.CommandText("LOCK.RELEASE", "l", "b"));
        await WaitForWaiters(observer, "l", 1);
        Assert.That(await holder.CallAsync("LOCK.RELEASE", "l", "a"), Is.EqualTo(One));
        long token = Token(await waiter.ReadReplyAsync());
        Assert.That(await waiter.ReadReplyAsync(), Is.EqualTo(Info("b", 1000, token, 0)));
        Assert.That(await waiter.ReadReplyAsync(), Is.EqualTo(One));
    }

    [Test]
    public async Task DeletingALockWithWaitersFreesItForNewcomersAndAnswersTheWaitersNil()
    {
        var holder = Client();
        var waiter = Client();
        var observer = Client();
        long first = Token(await holder.CallAsync("LOCK.ACQUIRE", "l", "a", "1000"));
        await waiter.SendAsync(Resp.Command("LOCK.ACQUIRE", "l", "b", "1000", "WAIT", "0"));
        await WaitForWaiters(observer, "l", 1);
        var reply = waiter.ReadReplyAsync();

        Assert.That(await observer.CallAsync("DEL", "l"), Is.EqualTo(One));
        long fresh = Token(await observer.CallAsync("LOCK.ACQUIRE", "l", "c", "5000"));
        Assert.That(fresh, Is.GreaterThan(first));
        AdvanceMs(1000);
        Assert.That(await reply, Is.EqualTo(Nil), "a waiter of a deleted lock is answered nil at the deleted lease's deadline");
        Assert.That(await observer.CallAsync("LOCK.INFO", "l"), Is.EqualTo(Info("c", 4000, fresh, 0)));
    }

    [Test]
    public async Task WaitInsideMultiDoesNotBlock()
    {
        var holder = Client();
        var c = Client();
        Token(await holder.CallAsync("LOCK.ACQUIRE", "l", "a", "1000"));
        Assert.That(await c.CallAsync("MULTI"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("LOCK.ACQUIRE", "l", "b", "1000", "WAIT", "0"), Is.EqualTo("+QUEUED\r\n"));
        Assert.That(await c.CallAsync("EXEC"), Is.EqualTo("*1\r\n" + Nil));
    }

    // ---- key semantics ----

    [Test]
    public async Task RenamedLockKeepsItsHolderInTheSameOrAnotherShard()
    {
        var c = Client();
        var db = Server.Database(0);
        int ShardOf(string key) => db.ShardIndex(KeyHasher.Hash(System.Text.Encoding.UTF8.GetBytes(key)));
        string src = "lock:src";
        string same = Enumerable.Range(0, 1000).Select(i => $"same:{i}").First(k => ShardOf(k) == ShardOf(src));
        string other = Enumerable.Range(0, 1000).Select(i => $"other:{i}").First(k => ShardOf(k) != ShardOf(src));

        long token = Token(await c.CallAsync("LOCK.ACQUIRE", src, "a", "1000"));
        Assert.That(await c.CallAsync("RENAME", src, same), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("LOCK.ACQUIRE", same, "b", "1000"), Is.EqualTo(Nil));
        Assert.That(await c.CallAsync("RENAME", same, other), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("LOCK.INFO", other), Is.EqualTo(Info("a", 1000, token, 0)));
        Assert.That(await c.CallAsync("LOCK.ACQUIRE", other, "b", "1000"), Is.EqualTo(Nil));
        Assert.That(await c.CallAsync("LOCK.RELEASE", other, "a"), Is.EqualTo(One));
        Assert.That(await c.CallAsync("EXISTS", other), Is.EqualTo(Zero));
    }

    [Test]
    public async Task CopyOfALockIsANewGrantToTheSameOwner()
    {
        var c = Client();
        long token = Token(await c.CallAsync("LOCK.ACQUIRE", "l", "a", "1000"));
        Assert.That(await c.CallAsync("COPY", "l", "l2"), Is.EqualTo(One));
        string info = await c.CallAsync("LOCK.INFO", "l2");
        Assert.That(info, Does.StartWith("*8\r\n$5\r\nowner\r\n$1\r\na\r\n$6\r\nttl_ms\r\n:1000\r\n$5\r\ntoken\r\n:"));
        Assert.That(Token(info.Split("\r\n")[10] + "\r\n"), Is.GreaterThan(token));
        Assert.That(await c.CallAsync("LOCK.RELEASE", "l2", "a"), Is.EqualTo(One));
        Assert.That(await c.CallAsync("LOCK.INFO", "l"), Is.EqualTo(Info("a", 1000, token, 0)), "the original is independent");
    }

    [Test]
    public async Task OtherTypesAreWrongType()
    {
        var c = Client();
        await c.CallAsync("SET", "s", "v");
        Assert.That(await c.CallAsync("LOCK.ACQUIRE", "s", "a", "1000"), Is.EqualTo(WrongType));
        Assert.That(await c.CallAsync("LOCK.ACQUIRE", "s", "a", "1000", "WAIT", "10"), Is.EqualTo(WrongType));
        Assert.That(await c.CallAsync("LOCK.RELEASE", "s", "a"), Is.EqualTo(WrongType));
        Assert.That(await c.CallAsync("LOCK.RENEW", "s", "a", "1000"), Is.EqualTo(WrongType));
        Assert.That(await c.CallAsync("LOCK.INFO", "s"), Is.EqualTo(WrongType));
        Assert.That(await c.CallAsync("SEM.ACQUIRE", "s", "a", "2", "1000"), Is.EqualTo(WrongType));

        Token(await c.CallAsync("LOCK.ACQUIRE", "l", "a", "1000"));
        Assert.That(await c.CallAsync("SEM.ACQUIRE", "l", "a", "1", "1000"), Is.EqualTo(WrongType));
        Assert.That(await c.CallAsync("SEM.RELEASE", "l", "a"), Is.EqualTo(WrongType));
        Assert.That(await c.CallAsync("SEM.INFO", "l"), Is.EqualTo(WrongType));
        Token(await c.CallAsync("SEM.ACQUIRE", "sem", "a", "2", "1000"));
        Assert.That(await c.CallAsync("LOCK.ACQUIRE", "sem", "a", "1000"), Is.EqualTo(WrongType));
        Assert.That(await c.CallAsync("LOCK.INFO", "sem"), Is.EqualTo(WrongType));
        Assert.That(await c.CallAsync("TYPE", "sem"), Is.EqualTo("+lock\r\n"));
        Assert.That(await c.CallAsync("INCR", "l"), Is.EqualTo(WrongType));
    }

    [Test]
    public async Task SetNxPxRecipeStillWorks()
    {
        var c = Client();
        Assert.That(await c.CallAsync("SET", "r", "token1", "NX", "PX", "1000"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("SET", "r", "token2", "NX", "PX", "1000"), Is.EqualTo(Nil));
        AdvanceMs(1000);
        Assert.That(await c.CallAsync("SET", "r", "token2", "NX", "PX", "1000"), Is.EqualTo("+OK\r\n"));
    }

    // ---- errors ----

    [TestCase("LOCK.ACQUIRE", "k", "o")]
    [TestCase("LOCK.RELEASE", "k")]
    [TestCase("LOCK.RELEASE", "k", "o", "x")]
    [TestCase("LOCK.RENEW", "k", "o")]
    [TestCase("LOCK.INFO")]
    [TestCase("SEM.ACQUIRE", "k", "o", "2")]
    [TestCase("SEM.RELEASE", "k")]
    [TestCase("SEM.RENEW", "k", "o")]
    [TestCase("SEM.INFO", "k", "x")]
    public async Task WrongArity(string command, params string[] args)
    {
        var c = Client();
        Assert.That(await c.CallAsync([command, .. args]),
            Is.EqualTo($"-ERR wrong number of arguments for '{command.ToLowerInvariant()}' command\r\n"));
    }

    [TestCase(new[] { "0" }, TtlRange)]
    [TestCase(new[] { "-5" }, TtlRange)]
    [TestCase(new[] { "86400001" }, TtlRange)]
    [TestCase(new[] { "1.5" }, NotInteger)]
    [TestCase(new[] { "abc" }, NotInteger)]
    [TestCase(new[] { "1000", "WAIT" }, Syntax)]
    [TestCase(new[] { "1000", "NOWAIT", "5" }, Syntax)]
    [TestCase(new[] { "1000", "WAIT", "5", "x" }, Syntax)]
    [TestCase(new[] { "1000", "WAIT", "abc" }, "-ERR timeout is not an integer or out of range\r\n")]
    [TestCase(new[] { "1000", "WAIT", "-1" }, "-ERR timeout is negative\r\n")]
    [TestCase(new[] { "1000", "WAIT", "86400001" }, "-ERR timeout is out of range (0 to 86400000 ms, 0 waits forever)\r\n")]
    public async Task AcquireArgumentErrors(string[] rest, string error)
    {
        var c = Client();
        Assert.That(await c.CallAsync(["LOCK.ACQUIRE", "l", "a", .. rest]), Is.EqualTo(error));
        Assert.That(await c.CallAsync(["SEM.ACQUIRE", "s", "a", "3", .. rest]), Is.EqualTo(error));
        Assert.That(await c.CallAsync("EXISTS", "l", "s"), Is.EqualTo(Zero), "a refused command creates nothing");
    }

    [Test]
    public async Task OtherArgumentErrors()
    {
        var c = Client();
        Assert.That(await c.CallAsync("LOCK.RENEW", "l", "a", "0"), Is.EqualTo(TtlRange));
        Assert.That(await c.CallAsync("LOCK.RENEW", "l", "a", "x"), Is.EqualTo(NotInteger));
        Assert.That(await c.CallAsync("SEM.ACQUIRE", "s", "a", "0", "1000"), Is.EqualTo("-ERR permits must be between 1 and 1024\r\n"));
        Assert.That(await c.CallAsync("SEM.ACQUIRE", "s", "a", "1025", "1000"), Is.EqualTo("-ERR permits must be between 1 and 1024\r\n"));
        Assert.That(await c.CallAsync("SEM.ACQUIRE", "s", "a", "x", "1000"), Is.EqualTo(NotInteger));
        Token(await c.CallAsync("SEM.ACQUIRE", "s", "a", "2", "1000"));
        Assert.That(await c.CallAsync("SEM.ACQUIRE", "s", "b", "3", "1000"), Is.EqualTo("-ERR semaphore has 2 permits, not 3\r\n"));
    }

    // ---- semaphores ----

    [Test]
    public async Task SemaphoreGrantsNPermitsThenQueuesFairly()
    {
        var a = Client();
        var waiter = Client();
        var observer = Client();
        long ta = Token(await a.CallAsync("SEM.ACQUIRE", "s", "a", "2", "1000"));
        long tb = Token(await a.CallAsync("SEM.ACQUIRE", "s", "b", "2", "2000"));
        Assert.That(tb, Is.GreaterThan(ta));
        Assert.That(Token(await a.CallAsync("SEM.ACQUIRE", "s", "a", "2", "1000")), Is.EqualTo(ta), "re-entrant");
        Assert.That(await a.CallAsync("SEM.ACQUIRE", "s", "c", "2", "1000"), Is.EqualTo(Nil));
        Assert.That(await a.CallAsync("PTTL", "s"), Is.EqualTo(":2000\r\n"), "the key lives as long as its longest lease");

        await waiter.SendAsync(Resp.Command("SEM.ACQUIRE", "s", "c", "2", "5000", "WAIT", "0"));
        await WaitForWaiters(observer, "s", 1, "SEM.INFO");
        Assert.That(await observer.CallAsync("SEM.INFO", "s"), Is.EqualTo(
            $"*6\r\n$7\r\npermits\r\n:2\r\n$7\r\nholders\r\n*2\r\n*3\r\n$1\r\na\r\n:1000\r\n:{ta}\r\n*3\r\n$1\r\nb\r\n:2000\r\n:{tb}\r\n$7\r\nwaiters\r\n:1\r\n"));

        var granted = waiter.ReadReplyAsync();
        AdvanceMs(999);
        await AssertStillBlocked(granted);
        AdvanceMs(1);
        long tc = Token(await granted);
        Assert.That(tc, Is.GreaterThan(tb));
        Assert.That(await observer.CallAsync("SEM.RELEASE", "s", "a"), Is.EqualTo(Zero), "a's lease ended");
        Assert.That(await observer.CallAsync("SEM.RENEW", "s", "b", "3000"), Is.EqualTo(One));
        Assert.That(await observer.CallAsync("SEM.RELEASE", "s", "b"), Is.EqualTo(One));
        Assert.That(await observer.CallAsync("SEM.INFO", "s"), Is.EqualTo(
            $"*6\r\n$7\r\npermits\r\n:2\r\n$7\r\nholders\r\n*1\r\n*3\r\n$1\r\nc\r\n:5000\r\n:{tc}\r\n$7\r\nwaiters\r\n:0\r\n"));
        Assert.That(await observer.CallAsync("SEM.RELEASE", "s", "c"), Is.EqualTo(One));
        Assert.That(await observer.CallAsync("EXISTS", "s"), Is.EqualTo(Zero));
    }

    // ---- RESP3 ----

    [Test]
    public async Task InfoIsAMapInResp3()
    {
        var c = Client();
        c.Session.Protocol = 3;
        long token = Token(await c.CallAsync("LOCK.ACQUIRE", "l", "a", "1000"));
        Assert.That(await c.CallAsync("LOCK.INFO", "l"), Is.EqualTo(
            $"%4\r\n$5\r\nowner\r\n$1\r\na\r\n$6\r\nttl_ms\r\n:1000\r\n$5\r\ntoken\r\n:{token}\r\n$7\r\nwaiters\r\n:0\r\n"));
        Assert.That(await c.CallAsync("LOCK.ACQUIRE", "l", "b", "1000"), Is.EqualTo("_\r\n"));
        Assert.That(await c.CallAsync("LOCK.INFO", "missing"), Is.EqualTo("_\r\n"));
    }

    // ---- allocations ----

    /// <summary>
    /// Measured like AllocationBudgetTests: batches of 100 pipelined commands through one session's CommandProcessor.
    /// On an existing lock state, contended acquires, re-entrant acquires, renewals and INFO allocate nothing; a full
    /// acquire/release cycle allocates only the key's own array (the lock state and owner buffer are pooled).
    /// </summary>
    [Test]
    public void LockCommandsDoNotAllocateInSteadyState()
    {
        var server = new ServerState(new ServerOptions { Port = 0 });
        var processor = new CommandProcessor(server, new ClientSession("127.0.0.1:50000", "127.0.0.1:6379", server.NowMs), NullLogger.Instance);
        Run(processor, Batch(100, i => ["LOCK.ACQUIRE", $"lock:{i:D3}", "holder", "600000"]));

        double contended = BytesPerCommand(processor, Batch(100, i => ["LOCK.ACQUIRE", $"lock:{i:D3}", "someone-else", "600000"]));
        double reentrant = BytesPerCommand(processor, Batch(100, i => ["LOCK.ACQUIRE", $"lock:{i:D3}", "holder", "600000"]));
        double renew = BytesPerCommand(processor, Batch(100, i => ["LOCK.RENEW", $"lock:{i:D3}", "holder", "600000"]));
        double info = BytesPerCommand(processor, Batch(100, i => ["LOCK.INFO", $"lock:{i:D3}"]));
        double cycle = BytesPerCommand(processor, Batch(50, i => i % 2 == 0
            ? ["LOCK.ACQUIRE", "cycle:key", "owner-0123456789", "600000"]
            : ["LOCK.RELEASE", "cycle:key", "owner-0123456789"], pairs: true));

        TestContext.Out.WriteLine($"B/command: contended {contended:F2}, re-entrant {reentrant:F2}, renew {renew:F2}, info {info:F2}, cycle {cycle:F2}");
        Assert.Multiple(() =>
        {
            Assert.That(contended, Is.LessThan(0.5), "contended acquire");
            Assert.That(reentrant, Is.LessThan(0.5), "re-entrant acquire");
            Assert.That(renew, Is.LessThan(0.5), "renew");
            Assert.That(info, Is.LessThan(0.5), "info");
            // "cycle:key" is 9 bytes: its array is 24 + 9 rounded up to 8 = 40 bytes per acquire, 20 per command.
            Assert.That(cycle, Is.LessThanOrEqualTo(20.5), "acquire/release cycle (only the key array)");
        });
    }

    private static byte[] Batch(int count, Func<int, string[]> command, bool pairs = false)
    {
        var output = new MemoryStream();
        for (int i = 0; i < (pairs ? count * 2 : count); i++) output.Write(Resp.Command(command(i)));
        return output.ToArray();
    }

    private static void Run(CommandProcessor processor, byte[] request)
    {
        var input = new ReadOnlySequence<byte>(request);
        var output = new ArrayBufferWriter<byte>();
        Assert.That(processor.Process(ref input, output), Is.Null);
        Assert.That(input.IsEmpty, Is.True);
        Assert.That(System.Text.Encoding.UTF8.GetString(output.WrittenSpan), Does.Not.Contain("-ERR").And.Not.Contain("-WRONGTYPE"));
    }

    private static double BytesPerCommand(CommandProcessor processor, byte[] request)
    {
        Run(processor, request);
        var sink = new NullBufferWriter();
        var input = new ReadOnlySequence<byte>(request);
        for (int i = 0; i < 50; i++)
        {
            var warm = input;
            processor.Process(ref warm, sink);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        const int Batches = 200;
        for (int i = 0; i < Batches; i++)
        {
            var measured = input;
            processor.Process(ref measured, sink);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        int commands = 0;
        var span = request.AsSpan();
        foreach (byte b in span) if (b == (byte)'*') commands++;
        return (double)allocated / ((long)Batches * commands);
    }
}
