namespace FastNode.Server.Tests.Locks;

/// <summary>
/// LOCK.FENCED, LOCK.EPOCH, the lock-replication settings and INFO's Locks counters, byte for byte, on a fake clock
/// (docs/locks.md "Replication and fencing" and "Counters"). Without replicas, majority mode answers at once.
/// </summary>
public sealed class LockFencingCommandsTests : MultiClientTestBase
{
    private const string Stale = "-FENCED the token is not the lock's current token (its lease ended, or a newer grant exists)\r\n";

    private static long Token(string reply)
    {
        Assert.That(reply, Does.Match(@"^:\d+\r\n$"), "expected a fencing token");
        return long.Parse(reply.AsSpan(1, reply.Length - 3));
    }

    private async Task<Dictionary<string, string>> LockInfo(InMemoryClient c)
    {
        string reply = await c.CallAsync("INFO", "locks");
        var fields = new Dictionary<string, string>();
        foreach (var line in reply.Split("\r\n"))
        {
            int colon = line.IndexOf(':');
            if (colon > 0 && !line.StartsWith('#') && !line.StartsWith('$') && !line.StartsWith('=')) fields[line[..colon]] = line[(colon + 1)..];
        }
        return fields;
    }

    [Test]
    public async Task AFencedWriteRunsWhileTheTokenIsCurrentAndIsRejectedOnceItIsStale()
    {
        var c = Client();
        long first = Token(await c.CallAsync("LOCK.ACQUIRE", "job", "a", "1000"));
        Assert.That(await c.CallAsync("LOCK.FENCED", "job", first.ToString(), "SET", "data", "v1"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("LOCK.FENCED", "job", first.ToString(), "INCRBY", "n", "5"), Is.EqualTo(":5\r\n"));

        AdvanceMs(1000);   // a's lease ends while it still believes it holds the lock
        Assert.That(await c.CallAsync("LOCK.FENCED", "job", first.ToString(), "SET", "data", "late"), Is.EqualTo(Stale));
        long second = Token(await c.CallAsync("LOCK.ACQUIRE", "job", "b", "1000"));
        Assert.That(await c.CallAsync("LOCK.FENCED", "job", first.ToString(), "SET", "data", "late"), Is.EqualTo(Stale));
        Assert.That(await c.CallAsync("LOCK.FENCED", "job", second.ToString(), "SET", "data", "v2"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("GET", "data"), Is.EqualTo("$2\r\nv2\r\n"));

        Assert.That(await c.CallAsync("LOCK.RELEASE", "job", "b"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("LOCK.FENCED", "job", second.ToString(), "SET", "data", "v3"), Is.EqualTo(Stale));
        Assert.That(await c.CallAsync("GET", "data"), Is.EqualTo("$2\r\nv2\r\n"));
        var info = await LockInfo(c);
        Assert.That(info["lock_fenced_writes"], Is.EqualTo("3"));
        Assert.That(info["lock_fenced_rejections"], Is.EqualTo("3"));
    }

    [Test]
    public async Task ASemaphoreTokenFencesAsLongAsItsPermitIsHeld()
    {
        var c = Client();
        long a = Token(await c.CallAsync("SEM.ACQUIRE", "pool", "a", "2", "1000"));
        long b = Token(await c.CallAsync("SEM.ACQUIRE", "pool", "b", "2", "1000"));
        Assert.That(await c.CallAsync("LOCK.FENCED", "pool", a.ToString(), "HSET", "h", "f", "1"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("SEM.RELEASE", "pool", "a"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("LOCK.FENCED", "pool", a.ToString(), "HSET", "h", "f", "2"), Is.EqualTo(Stale));
        Assert.That(await c.CallAsync("LOCK.FENCED", "pool", b.ToString(), "HSET", "h", "f", "3"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("HGET", "h", "f"), Is.EqualTo("$1\r\n3\r\n"));
    }

    [Test]
    public async Task BadFencedWritesAreRefusedWithClearErrors()
    {
        var c = Client();
        long token = Token(await c.CallAsync("LOCK.ACQUIRE", "job", "a", "1000"));
        string t = token.ToString();
        Assert.That(await c.CallAsync("LOCK.FENCED", "job", "x", "SET", "k", "v"), Is.EqualTo("-ERR token must be a positive integer\r\n"));
        Assert.That(await c.CallAsync("LOCK.FENCED", "job", "0", "SET", "k", "v"), Is.EqualTo("-ERR token must be a positive integer\r\n"));
        Assert.That(await c.CallAsync("LOCK.FENCED", "job", t, "GET", "k"), Is.EqualTo("-ERR LOCK.FENCED runs a write command with keys; 'get' cannot be fenced\r\n"));
        Assert.That(await c.CallAsync("LOCK.FENCED", "job", t, "BLPOP", "k", "0"), Does.StartWith("-ERR LOCK.FENCED runs a write command"));
        Assert.That(await c.CallAsync("LOCK.FENCED", "job", t, "LOCK.RELEASE", "job", "a"), Does.StartWith("-ERR LOCK.FENCED runs a write command"));
        Assert.That(await c.CallAsync("LOCK.FENCED", "job", t, "NOSUCH", "k"), Does.StartWith("-ERR unknown command 'NOSUCH'"));
        Assert.That(await c.CallAsync("LOCK.FENCED", "job", t, "SET", "k"), Is.EqualTo("-ERR wrong number of arguments for 'set' command\r\n"));
        Assert.That(await c.CallAsync("LOCK.FENCED", "job", t), Is.EqualTo("-ERR wrong number of arguments for 'lock.fenced' command\r\n"));
        await c.CallAsync("SET", "str", "v");
        Assert.That(await c.CallAsync("LOCK.FENCED", "str", t, "SET", "k", "v"), Does.StartWith("-WRONGTYPE"));
        Assert.That(await c.CallAsync("LOCK.FENCED", "nolock", t, "SET", "k", "v"), Is.EqualTo(Stale));
        Assert.That(await c.CallAsync("EXISTS", "k"), Is.EqualTo(":0\r\n"), "no refused write ran");
    }

    [Test]
    public async Task LockEpochOnlyRaisesTheEpochAndTokensFollowIt()
    {
        var c = Client();
        long before = Token(await c.CallAsync("LOCK.ACQUIRE", "a", "o", "1000"));
        Assert.That(await c.CallAsync("LOCK.EPOCH", "9"), Is.EqualTo(":9\r\n"));
        Assert.That(await c.CallAsync("LOCK.EPOCH", "2"), Is.EqualTo(":9\r\n"), "never lowered");
        long after = Token(await c.CallAsync("LOCK.ACQUIRE", "b", "o", "1000"));
        Assert.That(after, Is.EqualTo((9L << 48) | 1));
        Assert.That(after, Is.GreaterThan(before));
        Assert.That(await c.CallAsync("LOCK.EPOCH", "32768"), Is.EqualTo("-ERR epoch must be between 0 and 32767\r\n"));
        Assert.That(await c.CallAsync("LOCK.EPOCH", "-1"), Is.EqualTo("-ERR value is not an integer or out of range\r\n"));
        Assert.That(Token(await c.CallAsync("LOCK.ACQUIRE", "c", "o", "1000")), Is.GreaterThan(after), "a refused epoch changes nothing");
    }

    [Test]
    public async Task TheLockReplicationSettingsAreConfigSettings()
    {
        var c = Client();
        Assert.That(await c.CallAsync("CONFIG", "GET", "lock-replication"), Is.EqualTo("*2\r\n$16\r\nlock-replication\r\n$8\r\nmajority\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "GET", "lock-replication-timeout"), Is.EqualTo("*2\r\n$24\r\nlock-replication-timeout\r\n$4\r\n1000\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "SET", "lock-replication", "async"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "SET", "lock-replication", "quorum"), Does.StartWith("-ERR CONFIG SET failed (possibly related to argument 'lock-replication')"));
        Assert.That(await c.CallAsync("CONFIG", "SET", "lock-replication-timeout", "0"), Does.StartWith("-ERR CONFIG SET failed"));
        Assert.That(await c.CallAsync("CONFIG", "SET", "lock-replication-timeout", "250"), Is.EqualTo("+OK\r\n"));
        var info = await LockInfo(c);
        Assert.That(info["lock_replication"], Is.EqualTo("async"));
        Assert.That(info["lock_replication_timeout"], Is.EqualTo("250"));
        Assert.That(info["lock_acks_needed"], Is.EqualTo("0"));
    }

    [Test]
    public async Task TheCountersFollowGrantsWaitsTimeoutsExpiriesHandOffsAndLimiters()
    {
        var holder = Client();
        var waiter = Client();
        var quitter = Client();
        Token(await holder.CallAsync("LOCK.ACQUIRE", "l", "h", "1000"));
        Token(await holder.CallAsync("LOCK.ACQUIRE", "l", "h", "1000"));   // re-entrant: not a new grant
        var granted = waiter.CallAsync("LOCK.ACQUIRE", "l", "w", "1000", "WAIT", "0");
        var gaveUp = quitter.CallAsync("LOCK.ACQUIRE", "l", "q", "1000", "WAIT", "200");
        for (int i = 0; i < 500 && !(await holder.CallAsync("LOCK.INFO", "l")).EndsWith(":2\r\n"); i++) await Task.Delay(10);
        AdvanceMs(200);
        Assert.That(await gaveUp, Is.EqualTo("$-1\r\n"));
        Assert.That(await holder.CallAsync("LOCK.RELEASE", "l", "h"), Is.EqualTo(":1\r\n"));
        Token(await granted);
        AdvanceMs(1000);   // w's lease ends
        Assert.That(await holder.CallAsync("LOCK.INFO", "l"), Is.EqualTo("*-1\r\n"));
        Token(await holder.CallAsync("SEM.ACQUIRE", "s", "a", "2", "1000"));
        await holder.CallAsync("RL.TOKENBUCKET", "rl", "1", "1");
        await holder.CallAsync("RL.TOKENBUCKET", "rl", "1", "1");

        var info = await LockInfo(holder);
        Assert.That(info["lock_grants"], Is.EqualTo("2"));
        Assert.That(info["lock_waits"], Is.EqualTo("2"));
        Assert.That(info["lock_wait_timeouts"], Is.EqualTo("1"));
        Assert.That(info["lock_handoffs"], Is.EqualTo("1"));
        Assert.That(info["lock_expirations"], Is.EqualTo("1"));
        Assert.That(info["sem_grants"], Is.EqualTo("1"));
        Assert.That(info["ratelimit_allowed"], Is.EqualTo("1"));
        Assert.That(info["ratelimit_denied"], Is.EqualTo("1"));
        Assert.That(info["lock_majority_waits"], Is.EqualTo("0"), "no replica, nothing to wait for");
    }
}
