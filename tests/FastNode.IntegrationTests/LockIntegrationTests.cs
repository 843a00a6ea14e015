using StackExchange.Redis;

namespace FastNode.IntegrationTests;

/// <summary>
/// LOCK.* over real sockets with StackExchange.Redis: mutual exclusion under contention (each client on its own
/// connection, since a blocked command holds its connection), fencing tokens in grant order, and the classic
/// SET NX PX / LockTake recipe next to the native commands.
/// </summary>
public sealed class LockIntegrationTests
{
    private const int Clients = 20;
    private const int IterationsPerClient = 50;

    [Test]
    public async Task ContendedClientsAreMutuallyExclusiveAndTokensIncreaseInGrantOrder()
    {
        await using var server = TestServer.Start();
        var muxes = new ConnectionMultiplexer[Clients];
        for (int i = 0; i < Clients; i++) muxes[i] = server.ConnectMultiplexer();
        try
        {
            var grants = new List<long>(Clients * IterationsPerClient);
            int inside = 0;
            int overlaps = 0;

            async Task Worker(int id)
            {
                var db = muxes[id].GetDatabase();
                string owner = $"client-{id}";
                for (int n = 0; n < IterationsPerClient; n++)
                {
                    var reply = await db.ExecuteAsync("LOCK.ACQUIRE", "lock:counter", owner, 10000, "WAIT", 4000);
                    Assert.That(reply.IsNull, Is.False, $"{owner} timed out waiting for the lock");
                    long token = (long)reply;
                    if (Interlocked.Increment(ref inside) != 1) Interlocked.Increment(ref overlaps);

                    // Deliberately not atomic: only the lock keeps increments from being lost.
                    long value = (long?)await db.StringGetAsync("counter") ?? 0;
                    lock (grants) grants.Add(token);
                    await db.StringSetAsync("counter", value + 1);

                    Interlocked.Decrement(ref inside);
                    Assert.That((long)await db.ExecuteAsync("LOCK.RELEASE", "lock:counter", owner), Is.EqualTo(1));
                }
            }

            var workers = new Task[Clients];
            for (int i = 0; i < Clients; i++)
            {
                int id = i;
                workers[i] = Task.Run(() => Worker(id));
            }
            await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(120));

            var db = muxes[0].GetDatabase();
            Assert.That((long)await db.StringGetAsync("counter"), Is.EqualTo(Clients * IterationsPerClient));
            Assert.That(overlaps, Is.Zero, "two clients were inside the critical section at once");
            Assert.That(grants, Has.Count.EqualTo(Clients * IterationsPerClient));
            for (int i = 1; i < grants.Count; i++)
                Assert.That(grants[i], Is.GreaterThan(grants[i - 1]), $"token #{i} is not larger than the one granted before it");
            Assert.That(await db.KeyExistsAsync("lock:counter"), Is.False, "the last release deletes the lock key");
        }
        finally
        {
            foreach (var mux in muxes) mux.Dispose();
        }
    }

    [Test]
    public async Task RawRepliesAndKeyCommandsOverASocket()
    {
        await using var server = TestServer.Start();
        using var raw = server.ConnectRaw();
        Assert.That(raw.Call("LOCK.ACQUIRE", "l", "a", "60000"), Does.Match(@"^:\d+\r\n$"));
        Assert.That(raw.Call("LOCK.ACQUIRE", "l", "b", "60000"), Is.EqualTo("$-1\r\n"));
        Assert.That(raw.Call("TYPE", "l"), Is.EqualTo("+lock\r\n"));
        Assert.That(raw.Call("EXISTS", "l"), Is.EqualTo(":1\r\n"));
        Assert.That(raw.Call("TTL", "l"), Is.EqualTo(":60\r\n"));
        Assert.That(raw.Call("GET", "l"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(raw.Call("LOCK.RELEASE", "l", "b"), Is.EqualTo(":0\r\n"));
        Assert.That(raw.Call("LOCK.RELEASE", "l", "a"), Is.EqualTo(":1\r\n"));
        Assert.That(raw.Call("EXISTS", "l"), Is.EqualTo(":0\r\n"));
    }

    [Test]
    public async Task ABlockedWaiterIsGrantedWhenTheHolderReleases()
    {
        await using var server = TestServer.Start();
        using var holder = server.ConnectRaw();
        using var waiter = server.ConnectRaw();
        Assert.That(holder.Call("LOCK.ACQUIRE", "l", "a", "60000"), Does.Match(@"^:\d+\r\n$"));
        waiter.Send(Resp.Command("LOCK.ACQUIRE", "l", "b", "60000", "WAIT", "0"));
        for (int i = 0; i < 500 && !holder.Call("LOCK.INFO", "l").EndsWith(":1\r\n", StringComparison.Ordinal); i++) await Task.Delay(10);
        Assert.That(holder.Call("LOCK.RELEASE", "l", "a"), Is.EqualTo(":1\r\n"));
        Assert.That(waiter.ReadReply(), Does.Match(@"^:\d+\r\n$"));
        Assert.That(holder.Call("LOCK.INFO", "l"), Does.StartWith("*8\r\n$5\r\nowner\r\n$1\r\nb\r\n"));
    }

    [Test]
    public async Task SetNxPxRecipeAndLockTakeStillWork()
    {
        await using var server = TestServer.Start();
        using var mux = server.ConnectMultiplexer();
        var db = mux.GetDatabase();
        Assert.That(await db.StringSetAsync("r", "t1", TimeSpan.FromSeconds(10), When.NotExists), Is.True);
        Assert.That(await db.StringSetAsync("r", "t2", TimeSpan.FromSeconds(10), When.NotExists), Is.False);
        Assert.That(await db.LockTakeAsync("take", "t1", TimeSpan.FromSeconds(10)), Is.True);
        Assert.That(await db.LockTakeAsync("take", "t2", TimeSpan.FromSeconds(10)), Is.False);
        Assert.That((string?)await db.LockQueryAsync("take"), Is.EqualTo("t1"));
    }

    [Test]
    public async Task LockExtendAndLockReleaseOfStackExchangeRedis()
    {
        await using var server = TestServer.Start();
        using var mux = server.ConnectMultiplexer();
        var db = mux.GetDatabase();
        Assert.That(await db.LockTakeAsync("take", "t1", TimeSpan.FromSeconds(10)), Is.True);
        Assert.That(await db.LockExtendAsync("take", "t2", TimeSpan.FromSeconds(20)), Is.False);
        Assert.That(await db.LockExtendAsync("take", "t1", TimeSpan.FromSeconds(20)), Is.True);
        Assert.That(await db.KeyTimeToLiveAsync("take"), Is.GreaterThan(TimeSpan.FromSeconds(10)));
        Assert.That(await db.LockReleaseAsync("take", "t2"), Is.False);
        Assert.That(await db.LockReleaseAsync("take", "t1"), Is.True);
        Assert.That(await db.KeyExistsAsync("take"), Is.False);
    }
}
