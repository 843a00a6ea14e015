using Medallion.Threading.Redis;
using RedLockNet.SERedis;
using RedLockNet.SERedis.Configuration;
using StackExchange.Redis;

namespace FastNode.IntegrationTests.Scripting;

/// <summary>
/// The .NET distributed lock libraries, unchanged, against FastNode: RedLock.net and DistributedLock.Redis both take a
/// lock with SET NX PX and extend and release it with Lua scripts (DistributedLock's semaphore is all Lua, with
/// fractional-millisecond ZADD scores). Each contention case uses two independent clients.
/// </summary>
[TestFixture("fastnode")]
[TestFixture("redis")]
public sealed class LockLibraryTests(string kind) : TwoClientLibraryTestBase(kind)
{
    [Test]
    public async Task RedLockAcquiresExtendsAndReleasesAgainstASecondFactory()
    {
        using var one = RedLockFactory.Create([new RedLockMultiplexer(First)]);
        using var two = RedLockFactory.Create([new RedLockMultiplexer(Second)]);
        var expiry = TimeSpan.FromSeconds(1);

        await using (var held = await one.CreateLockAsync("orders", expiry))
        {
            Assert.That(held.IsAcquired, Is.True);
            await using (var refused = await two.CreateLockAsync("orders", expiry))
                Assert.That(refused.IsAcquired, Is.False, "the second factory is refused while the first holds it");

            // RedLock extends at half the expiry (a Lua script): the lock outlives its first expiry several times over.
            Probe.WaitUntil(() => held.ExtendCount >= 3, "three extensions", seconds: 30);
            Assert.That(held.IsAcquired, Is.True);
            Assert.That((long)First.GetDatabase().KeyTimeToLive("redlock:orders")!.Value.TotalMilliseconds, Is.GreaterThan(0));
            await using (var stillRefused = await two.CreateLockAsync("orders", expiry))
                Assert.That(stillRefused.IsAcquired, Is.False, "still held after its first expiry");
        }

        // Released by its Lua script: the key is gone and the other factory gets the lock at once.
        Assert.That(First.GetDatabase().KeyExists("redlock:orders"), Is.False);
        await using var next = await two.CreateLockAsync("orders", expiry);
        Assert.That(next.IsAcquired, Is.True);
    }

    [Test]
    public async Task RedLockWaitsForALockReleasedByItsHolder()
    {
        using var one = RedLockFactory.Create([new RedLockMultiplexer(First)]);
        using var two = RedLockFactory.Create([new RedLockMultiplexer(Second)]);
        var held = await one.CreateLockAsync("queue", TimeSpan.FromSeconds(30));
        Assert.That(held.IsAcquired, Is.True);
        var waiting = two.CreateLockAsync("queue", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(50));
        await Task.Delay(200);
        Assert.That(waiting.IsCompleted, Is.False, "waits while the lock is held");
        await held.DisposeAsync();
        await using var got = await waiting;
        Assert.That(got.IsAcquired, Is.True);
    }

    [Test]
    public async Task DistributedLockIsExclusiveAndAutoExtended()
    {
        var options = (Action<RedisDistributedSynchronizationOptionsBuilder>)(o => o
            .Expiry(TimeSpan.FromSeconds(2)).ExtensionCadence(TimeSpan.FromMilliseconds(400)).MinValidityTime(TimeSpan.FromMilliseconds(500)));
        var mine = new RedisDistributedLock("invoice", First.GetDatabase(), options);
        var theirs = new RedisDistributedLock("invoice", Second.GetDatabase(), options);

        await using (var handle = await mine.TryAcquireAsync())
        {
            Assert.That(handle, Is.Not.Null);
            Assert.That(await theirs.TryAcquireAsync(), Is.Null);
            // Held for more than two expiries: only the library's extension script keeps it.
            await Task.Delay(TimeSpan.FromSeconds(4.5));
            Assert.That(handle!.HandleLostToken.IsCancellationRequested, Is.False, "the handle was not lost");
            Assert.That(await theirs.TryAcquireAsync(), Is.Null, "still held after two expiries");
        }

        await using var after = await theirs.TryAcquireAsync(TimeSpan.FromSeconds(10));
        Assert.That(after, Is.Not.Null, "released by the library's release script");
    }

    [Test]
    public async Task DistributedSemaphoreAdmitsMaxCountHolders()
    {
        var options = (Action<RedisDistributedSynchronizationOptionsBuilder>)(o => o
            .Expiry(TimeSpan.FromSeconds(2)).ExtensionCadence(TimeSpan.FromMilliseconds(400)).MinValidityTime(TimeSpan.FromMilliseconds(500)));
        var first = new RedisDistributedSemaphore("pool", 2, First.GetDatabase(), options);
        var second = new RedisDistributedSemaphore("pool", 2, Second.GetDatabase(), options);

        var a = await first.TryAcquireAsync();
        var b = await second.TryAcquireAsync();
        Assert.That(a, Is.Not.Null);
        Assert.That(b, Is.Not.Null);
        Assert.That(await first.TryAcquireAsync(), Is.Null, "both tickets are taken");
        Assert.That(await second.GetCurrentCountAsync(), Is.EqualTo(0));

        // Past the expiry the tickets are still held (extended), then a release frees one for the other client.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.That(await second.TryAcquireAsync(), Is.Null, "extended past their expiry");
        await a!.DisposeAsync();
        await using var c = await second.TryAcquireAsync(TimeSpan.FromSeconds(10));
        Assert.That(c, Is.Not.Null);
        await b!.DisposeAsync();
        Assert.That(await first.GetCurrentCountAsync(), Is.EqualTo(1));
    }
}
