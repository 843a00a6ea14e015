using System.Threading.RateLimiting;
using RedisRateLimiting;
using StackExchange.Redis;

namespace FastNode.IntegrationTests.Scripting;

/// <summary>
/// RedisRateLimiting's four limiters (all Lua scripts), unchanged, against FastNode. Each case runs two limiter
/// instances on two connections over the same partition key, as two web servers would: they share one limit.
/// </summary>
[TestFixture("fastnode")]
[TestFixture("redis")]
public sealed class RateLimitLibraryTests(string kind) : TwoClientLibraryTestBase(kind)
{
    [Test]
    public async Task FixedWindowIsSharedByTwoInstances()
    {
        using var a = new RedisFixedWindowRateLimiter<string>("api", new RedisFixedWindowRateLimiterOptions
            { ConnectionMultiplexerFactory = () => First, PermitLimit = 3, Window = TimeSpan.FromMinutes(1) });
        using var b = new RedisFixedWindowRateLimiter<string>("api", new RedisFixedWindowRateLimiterOptions
            { ConnectionMultiplexerFactory = () => Second, PermitLimit = 3, Window = TimeSpan.FromMinutes(1) });
        Assert.That(await Outcomes(a, b, a, b, a), Is.EqualTo("+++--"));
    }

    [Test]
    public async Task SlidingWindowIsSharedByTwoInstances()
    {
        using var a = new RedisSlidingWindowRateLimiter<string>("api", new RedisSlidingWindowRateLimiterOptions
            { ConnectionMultiplexerFactory = () => First, PermitLimit = 3, Window = TimeSpan.FromMinutes(1) });
        using var b = new RedisSlidingWindowRateLimiter<string>("api", new RedisSlidingWindowRateLimiterOptions
            { ConnectionMultiplexerFactory = () => Second, PermitLimit = 3, Window = TimeSpan.FromMinutes(1) });
        Assert.That(await Outcomes(a, b, a, b, a), Is.EqualTo("+++--"));
    }

    [Test]
    public async Task SlidingWindowAdmitsAgainOnceTheWindowSlides()
    {
        using var a = new RedisSlidingWindowRateLimiter<string>("short", new RedisSlidingWindowRateLimiterOptions
            { ConnectionMultiplexerFactory = () => First, PermitLimit = 2, Window = TimeSpan.FromSeconds(1) });
        using var b = new RedisSlidingWindowRateLimiter<string>("short", new RedisSlidingWindowRateLimiterOptions
            { ConnectionMultiplexerFactory = () => Second, PermitLimit = 2, Window = TimeSpan.FromSeconds(1) });
        Assert.That(await Outcomes(a, b, a), Is.EqualTo("++-"));
        Probe.WaitUntil(() => b.AcquireAsync().AsTask().Result.IsAcquired, "a permit once the window has moved on", seconds: 30);
    }

    [Test]
    public async Task TokenBucketIsSharedByTwoInstances()
    {
        using var a = new RedisTokenBucketRateLimiter<string>("api", new RedisTokenBucketRateLimiterOptions
            { ConnectionMultiplexerFactory = () => First, TokenLimit = 3, TokensPerPeriod = 1, ReplenishmentPeriod = TimeSpan.FromMinutes(1) });
        using var b = new RedisTokenBucketRateLimiter<string>("api", new RedisTokenBucketRateLimiterOptions
            { ConnectionMultiplexerFactory = () => Second, TokenLimit = 3, TokensPerPeriod = 1, ReplenishmentPeriod = TimeSpan.FromMinutes(1) });
        Assert.That(await Outcomes(b, a, b, a, b), Is.EqualTo("+++--"));
    }

    [Test]
    public async Task TokenBucketRefills()
    {
        using var a = new RedisTokenBucketRateLimiter<string>("refill", new RedisTokenBucketRateLimiterOptions
            { ConnectionMultiplexerFactory = () => First, TokenLimit = 1, TokensPerPeriod = 1, ReplenishmentPeriod = TimeSpan.FromMilliseconds(500) });
        using var b = new RedisTokenBucketRateLimiter<string>("refill", new RedisTokenBucketRateLimiterOptions
            { ConnectionMultiplexerFactory = () => Second, TokenLimit = 1, TokensPerPeriod = 1, ReplenishmentPeriod = TimeSpan.FromMilliseconds(500) });
        Assert.That(await Outcomes(a, b), Is.EqualTo("+-"));
        Probe.WaitUntil(() => b.AcquireAsync().AsTask().Result.IsAcquired, "a token after a replenishment period", seconds: 30);
    }

    [Test]
    public async Task ConcurrencyLimitIsSharedAndFreedOnDispose()
    {
        using var a = new RedisConcurrencyRateLimiter<string>("jobs", new RedisConcurrencyRateLimiterOptions
            { ConnectionMultiplexerFactory = () => First, PermitLimit = 2, QueueLimit = 0 });
        using var b = new RedisConcurrencyRateLimiter<string>("jobs", new RedisConcurrencyRateLimiterOptions
            { ConnectionMultiplexerFactory = () => Second, PermitLimit = 2, QueueLimit = 0 });
        using var first = await a.AcquireAsync();
        var second = await b.AcquireAsync();
        using var third = await a.AcquireAsync();
        Assert.That((first.IsAcquired, second.IsAcquired, third.IsAcquired), Is.EqualTo((true, true, false)));
        second.Dispose();   // the lease's release script frees the permit for either instance
        Probe.WaitUntil(() =>
        {
            using var lease = a.AcquireAsync().AsTask().Result;
            return lease.IsAcquired;
        }, "a permit after a release", seconds: 30);
    }

    /// <summary>One permit from each limiter in turn: '+' acquired, '-' refused.</summary>
    private static async Task<string> Outcomes(params RateLimiter[] limiters)
    {
        var text = new System.Text.StringBuilder();
        foreach (var limiter in limiters)
        {
            using var lease = await limiter.AcquireAsync();
            text.Append(lease.IsAcquired ? '+' : '-');
        }
        return text.ToString();
    }
}
