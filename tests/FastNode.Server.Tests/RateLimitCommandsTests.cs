using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using FastNode.Server.Config;
using FastNode.Server.Network;
using FastNode.Server.Sessions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FastNode.Server.Tests;

/// <summary>
/// CL.THROTTLE (redis-cell's arithmetic and examples) and the RL.* limiters, byte for byte, on a fake clock.
/// docs/rate-limiting.md is the specification these tests follow.
/// </summary>
public sealed class RateLimitCommandsTests
{
    private const string NotInteger = "-ERR value is not an integer or out of range\r\n";
    private const string Syntax = "-ERR syntax error\r\n";
    private const string WrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

    private FakeTimeProvider _time = null!;
    private InMemoryClient _c = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        _c = new InMemoryClient(InMemoryClient.NewServer(time: _time));
    }

    [TearDown]
    public async Task TearDown() => await _c.DisposeAsync();

    private Task<string> Call(params string[] args) => _c.CallAsync(args);

    private void AdvanceMs(long ms) => _time.Advance(TimeSpan.FromMilliseconds(ms));

    /// <summary>A RESP array of integers, as every limiter replies.</summary>
    private static string Ints(params long[] values)
    {
        var sb = new StringBuilder().Append('*').Append(values.Length).Append("\r\n");
        foreach (long v in values) sb.Append(':').Append(v).Append("\r\n");
        return sb.ToString();
    }

    // ---- CL.THROTTLE: redis-cell compatibility ----

    [Test]
    public async Task ThrottleAnswersRedisCellsDocumentedExample()
    {
        Assert.That(await Call("CL.THROTTLE", "user123", "15", "30", "60"), Is.EqualTo(Ints(0, 16, 15, -1, 2)));
        Assert.That(await Call("TYPE", "user123"), Is.EqualTo("+ratelimiter\r\n"));
    }

    /// <summary>
    /// redis-cell's own table (limit 5 = max_burst 4, 1 per second): offset ms, quantity, limited, remaining,
    /// retry_after ms, reset_after ms. CL.THROTTLE answers it in redis-cell's seconds, RL.GCRA in exact ms.
    /// </summary>
    private static readonly (long At, long Quantity, bool Limited, long Remaining, long RetryMs, long ResetMs)[] CellTable =
    [
        (0, 6, true, 5, -1, 0),          // more than the limit can never pass
        (0, 1, false, 4, -1, 1000),
        (0, 1, false, 3, -1, 2000),
        (0, 1, false, 2, -1, 3000),
        (0, 1, false, 1, -1, 4000),
        (0, 1, false, 0, -1, 5000),
        (0, 1, true, 0, 1000, 5000),
        (3000, 1, false, 2, -1, 3000),
        (3100, 1, false, 1, -1, 3900),
        (4000, 1, false, 1, -1, 4000),
        (8000, 1, false, 4, -1, 1000),
        (9500, 1, false, 4, -1, 1000),
        (9500, 0, false, 4, -1, 1000),   // quantity 0 only looks
        (9500, 2, false, 2, -1, 3000),
        (9500, 5, true, 2, 3000, 3000),
    ];

    [Test]
    public async Task ThrottleFollowsRedisCellsTestTableInSeconds()
    {
        long now = 0;
        foreach (var row in CellTable)
        {
            AdvanceMs(row.At - now);
            now = row.At;
            long retry = row.RetryMs < 0 ? -1 : (row.RetryMs + 999) / 1000;
            Assert.That(await Call("CL.THROTTLE", "foo", "4", "1", "1", row.Quantity.ToString()),
                Is.EqualTo(Ints(row.Limited ? 1 : 0, 5, row.Remaining, retry, (row.ResetMs + 999) / 1000)), $"at {row.At} ms, quantity {row.Quantity}");
        }
    }

    [Test]
    public async Task GcraFollowsRedisCellsTestTableInMilliseconds()
    {
        long now = 0;
        foreach (var row in CellTable)
        {
            AdvanceMs(row.At - now);
            now = row.At;
            Assert.That(await Call("RL.GCRA", "foo", "4", "1", "1000", "COST", row.Quantity.ToString()),
                Is.EqualTo(Ints(row.Limited ? 0 : 1, 5, row.Remaining, row.RetryMs, row.ResetMs)), $"at {row.At} ms, quantity {row.Quantity}");
        }
    }

    [Test]
    public async Task ThrottleRoundsSecondsUpOnlyForWholeMilliseconds()
    {
        // T = 1 s / 3 = 333_333_333 ns: after one request TAT is 0.333333333 s ahead -> 1 s; remaining via microseconds.
        Assert.That(await Call("CL.THROTTLE", "r", "2", "3", "1"), Is.EqualTo(Ints(0, 3, 2, -1, 1)));
        // 3 quantity-1 requests at once: the third leaves TAT 999_999_999 ns ahead, still "1" second.
        Assert.That(await Call("CL.THROTTLE", "r", "2", "3", "1", "2"), Is.EqualTo(Ints(0, 3, 0, -1, 1)));
        // Refused: allow_at is 333_333_333 ns away -> rounds up to 1 s.
        Assert.That(await Call("CL.THROTTLE", "r", "2", "3", "1"), Is.EqualTo(Ints(1, 3, 0, 1, 1)));
        Assert.That(await Call("RL.GCRA", "r", "2", "3", "1000"), Is.EqualTo(Ints(0, 3, 0, 334, 1000)));
    }

    [Test]
    public async Task ThrottleQuantityZeroOnAFreshKeyLooksWithoutCreatingIt()
    {
        Assert.That(await Call("CL.THROTTLE", "fresh", "15", "30", "60", "0"), Is.EqualTo(Ints(0, 16, 16, -1, 0)));
        Assert.That(await Call("EXISTS", "fresh"), Is.EqualTo(":0\r\n"));
        Assert.That(await Call("CL.THROTTLE", "fresh", "15", "30", "60", "17"), Is.EqualTo(Ints(1, 16, 16, -1, 0)));
        Assert.That(await Call("EXISTS", "fresh"), Is.EqualTo(":0\r\n"));
    }

    [Test]
    public async Task LimitedThrottleConsumesNothing()
    {
        // limit 2, one request per 10 s.
        Assert.That(await Call("CL.THROTTLE", "k", "1", "1", "10"), Is.EqualTo(Ints(0, 2, 1, -1, 10)));
        Assert.That(await Call("CL.THROTTLE", "k", "1", "1", "10"), Is.EqualTo(Ints(0, 2, 0, -1, 20)));
        for (int i = 0; i < 5; i++)
            Assert.That(await Call("CL.THROTTLE", "k", "1", "1", "10"), Is.EqualTo(Ints(1, 2, 0, 10, 20)));
        AdvanceMs(9_999);
        Assert.That(await Call("CL.THROTTLE", "k", "1", "1", "10"), Is.EqualTo(Ints(1, 2, 0, 1, 11)));
        AdvanceMs(1);
        Assert.That(await Call("CL.THROTTLE", "k", "1", "1", "10"), Is.EqualTo(Ints(0, 2, 0, -1, 20)));
    }

    [Test]
    public async Task ThrottleKeyTtlIsTheTimeToFullAndIsRefreshed()
    {
        await Call("CL.THROTTLE", "user123", "15", "30", "60");
        Assert.That(await Call("PTTL", "user123"), Is.EqualTo(":2000\r\n"));
        AdvanceMs(500);
        await Call("CL.THROTTLE", "user123", "15", "30", "60");
        Assert.That(await Call("PTTL", "user123"), Is.EqualTo(":3500\r\n"));
        // A refused request refreshes it too (to the same deadline), even after a PERSIST.
        Assert.That(await Call("PERSIST", "user123"), Is.EqualTo(":1\r\n"));
        await Call("CL.THROTTLE", "user123", "0", "30", "60", "1");
        Assert.That(await Call("PTTL", "user123"), Is.EqualTo(":3500\r\n"));
        AdvanceMs(3_499);
        Assert.That(await Call("EXISTS", "user123"), Is.EqualTo(":1\r\n"));
        AdvanceMs(1);
        Assert.That(await Call("EXISTS", "user123"), Is.EqualTo(":0\r\n"));
        Assert.That(await Call("CL.THROTTLE", "user123", "15", "30", "60"), Is.EqualTo(Ints(0, 16, 15, -1, 2)));
    }

    [Test]
    public async Task DeletingALimiterResetsIt()
    {
        for (int i = 0; i < 3; i++) await Call("CL.THROTTLE", "d", "2", "1", "60");
        Assert.That(await Call("CL.THROTTLE", "d", "2", "1", "60"), Is.EqualTo(Ints(1, 3, 0, 60, 180)));
        Assert.That(await Call("DEL", "d"), Is.EqualTo(":1\r\n"));
        Assert.That(await Call("CL.THROTTLE", "d", "2", "1", "60"), Is.EqualTo(Ints(0, 3, 2, -1, 60)));
    }

    [Test]
    public async Task LimiterKeysCopyRenameAndReportTheirEncoding()
    {
        await Call("RL.TOKENBUCKET", "a", "10", "5", "COST", "4");
        Assert.That(await Call("OBJECT", "ENCODING", "a"), Is.EqualTo("$11\r\ntokenbucket\r\n"));
        Assert.That(await Call("COPY", "a", "b"), Is.EqualTo(":1\r\n"));
        Assert.That(await Call("PTTL", "b"), Is.EqualTo(":800\r\n"));
        Assert.That(await Call("RL.TOKENBUCKET", "b", "10", "5", "COST", "6"), Is.EqualTo(Ints(1, 10, 0, -1, 2000)));
        Assert.That(await Call("RL.TOKENBUCKET", "a", "10", "5", "COST", "0"), Is.EqualTo(Ints(1, 10, 6, -1, 800)));
        Assert.That(await Call("RENAME", "b", "c"), Is.EqualTo("+OK\r\n"));
        Assert.That(await Call("RL.TOKENBUCKET", "c", "10", "5", "COST", "1"), Is.EqualTo(Ints(0, 10, 0, 200, 2000)));
        await Call("RL.SLIDINGLOG", "log", "5", "1000");
        Assert.That(await Call("COPY", "log", "log2"), Is.EqualTo(":1\r\n"));
        await Call("RL.SLIDINGLOG", "log2", "5", "1000", "COST", "4");
        Assert.That(await Call("RL.SLIDINGLOG", "log", "5", "1000", "COST", "0"), Is.EqualTo(Ints(1, 5, 4, -1, 1000)));
        Assert.That(await Call("OBJECT", "ENCODING", "log"), Is.EqualTo("$10\r\nslidinglog\r\n"));
    }

    // ---- RL.TOKENBUCKET ----

    [Test]
    public async Task TokenBucketRefillsContinuously()
    {
        Assert.That(await Call("RL.TOKENBUCKET", "tb", "10", "5"), Is.EqualTo(Ints(1, 10, 9, -1, 200)));
        Assert.That(await Call("PTTL", "tb"), Is.EqualTo(":200\r\n"));
        for (int i = 0; i < 8; i++) await Call("RL.TOKENBUCKET", "tb", "10", "5");
        Assert.That(await Call("RL.TOKENBUCKET", "tb", "10", "5"), Is.EqualTo(Ints(1, 10, 0, -1, 2000)));
        Assert.That(await Call("RL.TOKENBUCKET", "tb", "10", "5"), Is.EqualTo(Ints(0, 10, 0, 200, 2000)));
        AdvanceMs(199);
        Assert.That(await Call("RL.TOKENBUCKET", "tb", "10", "5"), Is.EqualTo(Ints(0, 10, 0, 1, 1801)));
        AdvanceMs(1);
        Assert.That(await Call("RL.TOKENBUCKET", "tb", "10", "5"), Is.EqualTo(Ints(1, 10, 0, -1, 2000)));
        AdvanceMs(2_000);
        Assert.That(await Call("EXISTS", "tb"), Is.EqualTo(":0\r\n"));
    }

    [Test]
    public async Task TokenBucketCostAndPeriod()
    {
        Assert.That(await Call("RL.TOKENBUCKET", "tb", "10", "5", "COST", "4"), Is.EqualTo(Ints(1, 10, 6, -1, 800)));
        Assert.That(await Call("RL.TOKENBUCKET", "tb", "10", "5", "COST", "7"), Is.EqualTo(Ints(0, 10, 6, 200, 800)));
        Assert.That(await Call("RL.TOKENBUCKET", "tb", "10", "5", "COST", "11"), Is.EqualTo(Ints(0, 10, 6, -1, 800)));
        Assert.That(await Call("RL.TOKENBUCKET", "tb", "10", "5", "COST", "0"), Is.EqualTo(Ints(1, 10, 6, -1, 800)));
        // 3 tokens, one per minute: refill as PERIOD.
        Assert.That(await Call("RL.TOKENBUCKET", "slow", "3", "1", "PERIOD", "60000", "COST", "3"), Is.EqualTo(Ints(1, 3, 0, -1, 180_000)));
        Assert.That(await Call("rl.tokenbucket", "slow", "3", "1", "cost", "1", "period", "60000"), Is.EqualTo(Ints(0, 3, 0, 60_000, 180_000)));
    }

    // ---- RL.SLIDINGLOG ----

    [Test]
    public async Task SlidingLogIsExactAcrossTheWindowBoundary()
    {
        Assert.That(await Call("RL.SLIDINGLOG", "sl", "3", "1000"), Is.EqualTo(Ints(1, 3, 2, -1, 1000)));
        AdvanceMs(100);
        Assert.That(await Call("RL.SLIDINGLOG", "sl", "3", "1000"), Is.EqualTo(Ints(1, 3, 1, -1, 1000)));
        AdvanceMs(100);
        Assert.That(await Call("RL.SLIDINGLOG", "sl", "3", "1000"), Is.EqualTo(Ints(1, 3, 0, -1, 1000)));
        AdvanceMs(100);
        Assert.That(await Call("RL.SLIDINGLOG", "sl", "3", "1000"), Is.EqualTo(Ints(0, 3, 0, 700, 900)));
        AdvanceMs(699);
        Assert.That(await Call("RL.SLIDINGLOG", "sl", "3", "1000"), Is.EqualTo(Ints(0, 3, 0, 1, 201)));
        AdvanceMs(1);
        Assert.That(await Call("RL.SLIDINGLOG", "sl", "3", "1000"), Is.EqualTo(Ints(1, 3, 0, -1, 1000)));
        // COST 2 must wait for the two oldest entries (t=100 and t=200) to leave.
        Assert.That(await Call("RL.SLIDINGLOG", "sl", "3", "1000", "COST", "2"), Is.EqualTo(Ints(0, 3, 0, 200, 1000)));
        Assert.That(await Call("RL.SLIDINGLOG", "sl", "3", "1000", "COST", "4"), Is.EqualTo(Ints(0, 3, 0, -1, 1000)));
        Assert.That(await Call("PTTL", "sl"), Is.EqualTo(":1000\r\n"));
    }

    [Test]
    public async Task SlidingLogRefusesABurstRightAfterAWindowBoundary()
    {
        // 5 requests in the last millisecond of a would-be fixed window, then more just after it.
        AdvanceMs(999);
        for (int i = 0; i < 5; i++) await Call("RL.SLIDINGLOG", "b", "5", "1000");
        AdvanceMs(1);
        Assert.That(await Call("RL.SLIDINGLOG", "b", "5", "1000"), Is.EqualTo(Ints(0, 5, 0, 999, 999)));
        AdvanceMs(998);
        Assert.That(await Call("RL.SLIDINGLOG", "b", "5", "1000"), Is.EqualTo(Ints(0, 5, 0, 1, 1)));
        AdvanceMs(1);
        Assert.That(await Call("RL.SLIDINGLOG", "b", "5", "1000"), Is.EqualTo(Ints(1, 5, 4, -1, 1000)));
    }

    [Test]
    public async Task SlidingLogGrowsPastItsInitialRing()
    {
        for (int i = 0; i < 20; i++)
        {
            Assert.That(await Call("RL.SLIDINGLOG", "g", "20", "100000"), Is.EqualTo(Ints(1, 20, 19 - i, -1, 100_000)));
            AdvanceMs(1);
        }
        Assert.That(await Call("RL.SLIDINGLOG", "g", "20", "100000"), Is.EqualTo(Ints(0, 20, 0, 99_980, 99_999)));
        AdvanceMs(99_980);
        Assert.That(await Call("RL.SLIDINGLOG", "g", "20", "100000", "COST", "2"), Is.EqualTo(Ints(0, 20, 1, 1, 19)));
        AdvanceMs(1);
        Assert.That(await Call("RL.SLIDINGLOG", "g", "20", "100000", "COST", "2"), Is.EqualTo(Ints(1, 20, 0, -1, 100_000)));
    }

    // ---- RL.SLIDINGWINDOW ----

    [Test]
    public async Task SlidingWindowWeighsThePreviousWindowAtTheBoundary()
    {
        for (int i = 0; i < 5; i++) await Call("RL.SLIDINGWINDOW", "sw", "10", "1000");
        AdvanceMs(999);
        for (int i = 0; i < 4; i++) await Call("RL.SLIDINGWINDOW", "sw", "10", "1000");
        Assert.That(await Call("RL.SLIDINGWINDOW", "sw", "10", "1000"), Is.EqualTo(Ints(1, 10, 0, -1, 1001)));
        Assert.That(await Call("RL.SLIDINGWINDOW", "sw", "10", "1000"), Is.EqualTo(Ints(0, 10, 0, 101, 1001)));
        // A fixed window would start over here; the estimate still counts the previous window in full.
        AdvanceMs(1);
        Assert.That(await Call("RL.SLIDINGWINDOW", "sw", "10", "1000"), Is.EqualTo(Ints(0, 10, 0, 100, 1000)));
        AdvanceMs(99);
        Assert.That(await Call("RL.SLIDINGWINDOW", "sw", "10", "1000"), Is.EqualTo(Ints(0, 10, 0, 1, 901)));
        AdvanceMs(1);
        Assert.That(await Call("RL.SLIDINGWINDOW", "sw", "10", "1000"), Is.EqualTo(Ints(1, 10, 0, -1, 1900)));
        Assert.That(await Call("PTTL", "sw"), Is.EqualTo(":1900\r\n"));
        AdvanceMs(1_900);
        Assert.That(await Call("EXISTS", "sw"), Is.EqualTo(":0\r\n"));
    }

    [Test]
    public async Task SlidingWindowCostAndLook()
    {
        Assert.That(await Call("RL.SLIDINGWINDOW", "c", "10", "1000", "COST", "6"), Is.EqualTo(Ints(1, 10, 4, -1, 2000)));
        Assert.That(await Call("RL.SLIDINGWINDOW", "c", "10", "1000", "COST", "5"), Is.EqualTo(Ints(0, 10, 4, 1167, 2000)));
        AdvanceMs(500);
        Assert.That(await Call("RL.SLIDINGWINDOW", "c", "10", "1000", "COST", "0"), Is.EqualTo(Ints(1, 10, 4, -1, 1500)));
        AdvanceMs(1_000);
        // Previous window 6 weighted by half: 3, so 7 left.
        Assert.That(await Call("RL.SLIDINGWINDOW", "c", "10", "1000", "COST", "0"), Is.EqualTo(Ints(1, 10, 7, -1, 500)));
        Assert.That(await Call("RL.SLIDINGWINDOW", "c", "10", "1000", "COST", "11"), Is.EqualTo(Ints(0, 10, 7, -1, 500)));
    }

    // ---- RL.CONCURRENCY ----

    private static long LeaseId(string reply)
    {
        var numbers = Regex.Matches(reply, @":(-?\d+)\r\n");
        Assert.That(numbers, Has.Count.EqualTo(6), reply);
        return long.Parse(numbers[5].Groups[1].Value);
    }

    private static string Lease(long allowed, long limit, long remaining, long retry, long reset, long id) =>
        Ints(allowed, limit, remaining, retry, reset, id);

    [Test]
    public async Task ConcurrencyLeasesAreCountedReleasedAndLapse()
    {
        string first = await Call("RL.CONCURRENCY.ACQUIRE", "c", "2", "1000");
        long a = LeaseId(first);
        Assert.That(a, Is.GreaterThan(0));
        Assert.That(first, Is.EqualTo(Lease(1, 2, 1, -1, 1000, a)));
        AdvanceMs(100);
        string second = await Call("RL.CONCURRENCY.ACQUIRE", "c", "2", "1000");
        long b = LeaseId(second);
        Assert.That(second, Is.EqualTo(Lease(1, 2, 0, -1, 1000, b)));
        Assert.That(b, Is.Not.EqualTo(a));
        Assert.That(await Call("RL.CONCURRENCY.ACQUIRE", "c", "2", "1000"), Is.EqualTo(Lease(0, 2, 0, 900, 1000, 0)));

        Assert.That(await Call("RL.CONCURRENCY.RELEASE", "c", a.ToString()), Is.EqualTo(":1\r\n"));
        Assert.That(await Call("RL.CONCURRENCY.RELEASE", "c", a.ToString()), Is.EqualTo(":0\r\n"));
        string third = await Call("RL.CONCURRENCY.ACQUIRE", "c", "2", "500");
        long c = LeaseId(third);
        Assert.That(third, Is.EqualTo(Lease(1, 2, 0, -1, 1000, c)));
        Assert.That(await Call("PTTL", "c"), Is.EqualTo(":1000\r\n"));

        // The 500 ms lease lapses on its own: a slot frees up without a release.
        AdvanceMs(500);
        string fourth = await Call("RL.CONCURRENCY.ACQUIRE", "c", "2", "100");
        Assert.That(fourth, Is.EqualTo(Lease(1, 2, 0, -1, 500, LeaseId(fourth))));
        Assert.That(await Call("RL.CONCURRENCY.RELEASE", "c", c.ToString()), Is.EqualTo(":0\r\n"));
        AdvanceMs(500);
        Assert.That(await Call("EXISTS", "c"), Is.EqualTo(":0\r\n"));
        Assert.That(await Call("RL.CONCURRENCY.RELEASE", "c", b.ToString()), Is.EqualTo(":0\r\n"));
    }

    [Test]
    public async Task ConcurrencyKeyVanishesWhenTheLastLeaseIsReleased()
    {
        long id = LeaseId(await Call("RL.CONCURRENCY.ACQUIRE", "v", "1", "60000"));
        Assert.That(await Call("TYPE", "v"), Is.EqualTo("+ratelimiter\r\n"));
        Assert.That(await Call("RL.CONCURRENCY.RELEASE", "v", id.ToString()), Is.EqualTo(":1\r\n"));
        Assert.That(await Call("EXISTS", "v"), Is.EqualTo(":0\r\n"));
    }

    [Test]
    public async Task ConcurrencyRenewRestartsTheLeaseTtl()
    {
        long id = LeaseId(await Call("RL.CONCURRENCY.ACQUIRE", "r", "1", "1000"));
        AdvanceMs(900);
        Assert.That(await Call("RL.CONCURRENCY.RENEW", "r", id.ToString(), "1000"), Is.EqualTo(":1\r\n"));
        Assert.That(await Call("PTTL", "r"), Is.EqualTo(":1000\r\n"));
        AdvanceMs(900);
        Assert.That(await Call("RL.CONCURRENCY.ACQUIRE", "r", "1", "1000"), Is.EqualTo(Lease(0, 1, 0, 100, 100, 0)));
        Assert.That(await Call("RL.CONCURRENCY.RENEW", "r", (id + 1).ToString(), "1000"), Is.EqualTo(":0\r\n"));
        Assert.That(await Call("RL.CONCURRENCY.RENEW", "missing", "1", "1000"), Is.EqualTo(":0\r\n"));
        AdvanceMs(100);
        Assert.That(await Call("RL.CONCURRENCY.RENEW", "r", id.ToString(), "1000"), Is.EqualTo(":0\r\n"));
    }

    // ---- RL.MULTI ----

    [Test]
    public async Task MultiConsumesFromAllOrNone()
    {
        string[] multi = ["RL.MULTI", "2", "TOKENBUCKET", "a", "10", "5", "TOKENBUCKET", "b", "2", "1"];
        Assert.That(await Call(multi), Is.EqualTo("*3\r\n:1\r\n" + Ints(1, 10, 9, -1, 200) + Ints(1, 2, 1, -1, 1000)));
        Assert.That(await Call(multi), Is.EqualTo("*3\r\n:1\r\n" + Ints(1, 10, 8, -1, 400) + Ints(1, 2, 0, -1, 2000)));
        Assert.That(await Call(multi), Is.EqualTo("*3\r\n:0\r\n" + Ints(1, 10, 8, -1, 400) + Ints(0, 2, 0, 1000, 2000)));
        Assert.That(await Call("RL.TOKENBUCKET", "a", "10", "5", "COST", "0"), Is.EqualTo(Ints(1, 10, 8, -1, 400)));
        AdvanceMs(1_000);
        Assert.That(await Call(multi), Is.EqualTo("*3\r\n:1\r\n" + Ints(1, 10, 9, -1, 200) + Ints(1, 2, 0, -1, 2000)));
    }

    [Test]
    public async Task MultiMixesAlgorithmsAndOptions()
    {
        Assert.That(await Call("RL.MULTI", "3", "GCRA", "g", "4", "1", "1000", "COST", "2", "SLIDINGLOG", "l", "3", "1000",
                "TOKENBUCKET", "t", "3", "1", "PERIOD", "60000", "COST", "3"),
            Is.EqualTo("*4\r\n:1\r\n" + Ints(1, 5, 3, -1, 2000) + Ints(1, 3, 2, -1, 1000) + Ints(1, 3, 0, -1, 180_000)));
        Assert.That(await Call("rl.multi", "2", "slidingwindow", "w", "1", "1000", "gcra", "g", "4", "1", "1000"),
            Is.EqualTo("*3\r\n:1\r\n" + Ints(1, 1, 0, -1, 2000) + Ints(1, 5, 2, -1, 3000)));
    }

    [Test]
    public async Task MultiWithAWrongTypeKeyChangesNothing()
    {
        await Call("SET", "s", "v");
        Assert.That(await Call("RL.MULTI", "2", "TOKENBUCKET", "a", "10", "5", "TOKENBUCKET", "s", "2", "1"), Is.EqualTo(WrongType));
        Assert.That(await Call("EXISTS", "a"), Is.EqualTo(":0\r\n"));
        await Call("RL.SLIDINGLOG", "log", "5", "1000");
        Assert.That(await Call("RL.MULTI", "2", "TOKENBUCKET", "a", "10", "5", "TOKENBUCKET", "log", "2", "1"), Is.EqualTo(WrongType));
        Assert.That(await Call("RL.SLIDINGLOG", "log", "5", "1000", "COST", "0"), Is.EqualTo(Ints(1, 5, 4, -1, 1000)));
    }

    [TestCase("RL.MULTI", "2", "SLIDINGLOG", "other", "5", "1000", "TOKENBUCKET", "w", "10", "5")]
    [TestCase("CL.THROTTLE", "w", "15", "30", "60")]
    [TestCase("RL.CONCURRENCY.ACQUIRE", "w", "1", "1000")]
    public async Task LimiterCallsAbortTransactionsWatchingTheirKeys(params string[] command)
    {
        await using var other = new InMemoryClient(_c.Server);
        Assert.That(await Call("WATCH", "w"), Is.EqualTo("+OK\r\n"));
        Assert.That(await other.CallAsync(command), Does.StartWith("*"));
        await Call("MULTI");
        await Call("RL.TOKENBUCKET", "w", "10", "5");
        Assert.That(await Call("EXEC"), Is.EqualTo("*-1\r\n"));
    }

    // ---- types and errors ----

    [Test]
    public async Task OtherTypesAndOtherAlgorithmsAnswerWrongType()
    {
        await Call("SET", "s", "v");
        Assert.That(await Call("CL.THROTTLE", "s", "15", "30", "60"), Is.EqualTo(WrongType));
        Assert.That(await Call("RL.TOKENBUCKET", "s", "1", "1"), Is.EqualTo(WrongType));
        Assert.That(await Call("RL.CONCURRENCY.ACQUIRE", "s", "1", "1000"), Is.EqualTo(WrongType));
        Assert.That(await Call("RL.CONCURRENCY.RELEASE", "s", "1"), Is.EqualTo(WrongType));
        Assert.That(await Call("GET", "s"), Is.EqualTo("$1\r\nv\r\n"));

        await Call("CL.THROTTLE", "g", "15", "30", "60");
        Assert.That(await Call("RL.GCRA", "g", "15", "30", "60000", "COST", "0"), Is.EqualTo(Ints(1, 16, 15, -1, 2000)));
        Assert.That(await Call("RL.TOKENBUCKET", "g", "1", "1"), Is.EqualTo(WrongType));
        Assert.That(await Call("RL.SLIDINGLOG", "g", "1", "1"), Is.EqualTo(WrongType));
        Assert.That(await Call("RL.SLIDINGWINDOW", "g", "1", "1"), Is.EqualTo(WrongType));
        Assert.That(await Call("RL.CONCURRENCY.RENEW", "g", "1", "1"), Is.EqualTo(WrongType));
        Assert.That(await Call("GET", "g"), Is.EqualTo(WrongType));
    }

    [TestCase("-ERR wrong number of arguments for 'cl.throttle' command\r\n", "CL.THROTTLE", "k", "15", "30")]
    [TestCase("-ERR wrong number of arguments for 'cl.throttle' command\r\n", "CL.THROTTLE", "k", "15", "30", "60", "1", "x")]
    [TestCase(NotInteger, "CL.THROTTLE", "k", "x", "30", "60")]
    [TestCase(NotInteger, "CL.THROTTLE", "k", "15", "30", "60", "1.5")]
    [TestCase(NotInteger, "CL.THROTTLE", "k", "15", "30", "99999999999999999999")]
    [TestCase(NotInteger, "CL.THROTTLE", "k", "15", " 30", "60")]
    [TestCase("-ERR max_burst must not be negative\r\n", "CL.THROTTLE", "k", "-1", "30", "60")]
    [TestCase("-ERR count_per_period must be positive\r\n", "CL.THROTTLE", "k", "15", "0", "60")]
    [TestCase("-ERR count_per_period must be positive\r\n", "CL.THROTTLE", "k", "15", "-30", "60")]
    [TestCase("-ERR period must be positive\r\n", "CL.THROTTLE", "k", "15", "30", "0")]
    [TestCase("-ERR quantity must not be negative\r\n", "CL.THROTTLE", "k", "15", "30", "60", "-1")]
    [TestCase("-ERR period is too large\r\n", "CL.THROTTLE", "k", "15", "30", "99999999999")]
    [TestCase("-ERR count_per_period is too large for the period\r\n", "CL.THROTTLE", "k", "15", "2000000000", "1")]
    [TestCase("-ERR max_burst is too large\r\n", "CL.THROTTLE", "k", "9223372036854775807", "1", "1")]
    [TestCase("-ERR max_burst is too large\r\n", "CL.THROTTLE", "k", "2000000000", "1", "1")]
    [TestCase("-ERR period_ms must be positive\r\n", "RL.GCRA", "k", "1", "1", "0")]
    [TestCase("-ERR period_ms is too large\r\n", "RL.GCRA", "k", "1", "1", "9999999999999")]
    [TestCase("-ERR COST must not be negative\r\n", "RL.GCRA", "k", "1", "1", "1000", "COST", "-2")]
    [TestCase(Syntax, "RL.GCRA", "k", "1", "1", "1000", "COST")]
    [TestCase(Syntax, "RL.GCRA", "k", "1", "1", "1000", "PERIOD", "5")]
    [TestCase("-ERR capacity must be positive\r\n", "RL.TOKENBUCKET", "k", "0", "5")]
    [TestCase("-ERR refill must be positive\r\n", "RL.TOKENBUCKET", "k", "10", "-5")]
    [TestCase("-ERR PERIOD must be positive\r\n", "RL.TOKENBUCKET", "k", "10", "5", "PERIOD", "0")]
    [TestCase("-ERR PERIOD is too large\r\n", "RL.TOKENBUCKET", "k", "10", "5", "PERIOD", "9999999999999")]
    [TestCase("-ERR capacity is too large for the refill rate\r\n", "RL.TOKENBUCKET", "k", "9223372036854775807", "1")]
    [TestCase("-ERR COST must not be negative\r\n", "RL.TOKENBUCKET", "k", "10", "5", "COST", "-1")]
    [TestCase(NotInteger, "RL.TOKENBUCKET", "k", "10", "5", "PERIOD", "1e3")]
    [TestCase(NotInteger, "RL.TOKENBUCKET", "k", "10.5", "5")]
    [TestCase(Syntax, "RL.TOKENBUCKET", "k", "10", "5", "FOO", "1")]
    [TestCase("-ERR limit must be positive\r\n", "RL.SLIDINGLOG", "k", "0", "1000")]
    [TestCase("-ERR window_ms must be positive\r\n", "RL.SLIDINGLOG", "k", "10", "0")]
    [TestCase("-ERR window_ms is too large\r\n", "RL.SLIDINGLOG", "k", "10", "2000000000000")]
    [TestCase("-ERR limit must be positive\r\n", "RL.SLIDINGWINDOW", "k", "-1", "1000")]
    [TestCase("-ERR window_ms must be positive\r\n", "RL.SLIDINGWINDOW", "k", "10", "-1")]
    [TestCase(Syntax, "RL.SLIDINGWINDOW", "k", "10", "1000", "COST", "1", "2")]
    [TestCase("-ERR limit must be positive\r\n", "RL.CONCURRENCY.ACQUIRE", "k", "0", "1000")]
    [TestCase("-ERR lease_ttl_ms must be positive\r\n", "RL.CONCURRENCY.ACQUIRE", "k", "1", "0")]
    [TestCase("-ERR lease_ttl_ms is too large\r\n", "RL.CONCURRENCY.ACQUIRE", "k", "1", "9999999999999")]
    [TestCase(NotInteger, "RL.CONCURRENCY.ACQUIRE", "k", "one", "1000")]
    [TestCase(NotInteger, "RL.CONCURRENCY.RELEASE", "k", "abc")]
    [TestCase("-ERR lease_ttl_ms must be positive\r\n", "RL.CONCURRENCY.RENEW", "k", "1", "-5")]
    [TestCase("-ERR wrong number of arguments for 'rl.concurrency.release' command\r\n", "RL.CONCURRENCY.RELEASE", "k")]
    [TestCase("-ERR numlimits must be between 1 and 16\r\n", "RL.MULTI", "0", "TOKENBUCKET", "a", "1", "1")]
    [TestCase("-ERR numlimits must be between 1 and 16\r\n", "RL.MULTI", "17", "TOKENBUCKET", "a", "1", "1")]
    [TestCase(NotInteger, "RL.MULTI", "two", "TOKENBUCKET", "a", "1", "1")]
    [TestCase("-ERR numlimits does not match the number of limits given\r\n", "RL.MULTI", "2", "TOKENBUCKET", "a", "1", "1")]
    [TestCase("-ERR numlimits does not match the number of limits given\r\n", "RL.MULTI", "1", "TOKENBUCKET", "a", "1", "1", "TOKENBUCKET", "b", "1", "1")]
    [TestCase("-ERR RL.MULTI keys must be distinct\r\n", "RL.MULTI", "2", "TOKENBUCKET", "a", "1", "1", "SLIDINGLOG", "a", "1", "1")]
    [TestCase("-ERR unknown limiter type, expected GCRA, TOKENBUCKET, SLIDINGLOG or SLIDINGWINDOW\r\n", "RL.MULTI", "1", "LEAKY", "a", "1", "1")]
    [TestCase("-ERR unknown limiter type, expected GCRA, TOKENBUCKET, SLIDINGLOG or SLIDINGWINDOW\r\n", "RL.MULTI", "2", "TOKENBUCKET", "a", "1", "1", "JUNK")]
    [TestCase(Syntax, "RL.MULTI", "2", "TOKENBUCKET", "a", "1", "1", "GCRA")]
    [TestCase(Syntax, "RL.MULTI", "1", "GCRA", "a", "1", "1")]
    [TestCase("-ERR capacity must be positive\r\n", "RL.MULTI", "1", "TOKENBUCKET", "a", "0", "1")]
    [TestCase("-ERR wrong number of arguments for 'rl.multi' command\r\n", "RL.MULTI", "1", "TOKENBUCKET", "a", "1")]
    public async Task ArgumentErrors(string expected, params string[] command)
    {
        Assert.That(await Call(command), Is.EqualTo(expected));
        Assert.That(_c.Server.Database(0).Count(), Is.Zero, "an error must create no key");
    }

    [Test]
    public async Task TableMarksLimitersAsFastWritesWithTheirKeys()
    {
        var table = _c.Server.Commands;
        foreach (var name in new[] { "CL.THROTTLE", "RL.GCRA", "RL.TOKENBUCKET", "RL.SLIDINGLOG", "RL.SLIDINGWINDOW", "RL.CONCURRENCY.ACQUIRE" })
        {
            var def = table.Lookup.Find(Encoding.ASCII.GetBytes(name))!;
            Assert.That(def.Flags & (Commands.CommandFlags.Write | Commands.CommandFlags.DenyOom | Commands.CommandFlags.Fast),
                Is.EqualTo(Commands.CommandFlags.Write | Commands.CommandFlags.DenyOom | Commands.CommandFlags.Fast), name);
            Assert.That((def.FirstKey, def.LastKey, def.Step), Is.EqualTo((1, 1, 1)), name);
        }
        var multi = table.Lookup.Find("RL.MULTI"u8)!;
        Assert.That(multi.FirstKey, Is.Zero);
        Assert.That(multi.Flags & Commands.CommandFlags.MovableKeys, Is.EqualTo(Commands.CommandFlags.MovableKeys));
        await Task.CompletedTask;
    }

    // ---- allocation: the state is mutated in place and the reply written directly ----

    private static readonly string[][] SteadyStateCommands =
    [
        ["CL.THROTTLE", "{k}", "1000000", "1", "1000"],
        ["RL.GCRA", "{k}", "1000000", "1", "1000000"],
        ["RL.TOKENBUCKET", "{k}", "1000000000", "1000", "COST", "1"],
        ["RL.SLIDINGLOG", "{k}", "3", "60000"],
        ["RL.SLIDINGWINDOW", "{k}", "1000000000", "60000"],
        ["RL.MULTI", "2", "TOKENBUCKET", "{k}", "1000000000", "1000", "GCRA", "{k}:g", "1000000", "1", "1000000"],
        ["RL.CONCURRENCY.ACQUIRE", "{k}", "1", "60000"],
        ["RL.CONCURRENCY.RELEASE", "{k}", "12345"],
    ];

    [TestCaseSource(nameof(SteadyStateCommands))]
    public void CallsOnExistingKeysAllocateNothing(string[] command)
    {
        var server = new ServerState(new ServerOptions { Port = 0 }, _time);
        var processor = new CommandProcessor(server, new ClientSession("127.0.0.1:50000", "127.0.0.1:6379", server.NowMs), NullLogger.Instance);
        var batch = new MemoryStream();
        for (int i = 0; i < 100; i++)
        {
            var args = (string[])command.Clone();
            for (int a = 1; a < args.Length; a++) args[a] = args[a].Replace("{k}", $"key:{i:D3}");
            batch.Write(Resp.Command(args));
        }
        var input = new ReadOnlySequence<byte>(batch.ToArray());
        var check = new ArrayBufferWriter<byte>();
        Run(processor, input, check);
        Assert.That(Encoding.UTF8.GetString(check.WrittenSpan), Does.Not.Contain("-ERR").And.Not.Contain("-WRONGTYPE"));

        var sink = new NullBufferWriter();
        for (int i = 0; i < 50; i++)
        {
            Run(processor, input, sink);
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }
        long total = 0;
        int allocating = 0;
        for (int i = 0; i < 200; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            Run(processor, input, sink);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            total += allocated;
            if (allocated > 0) allocating++;
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }
        // As AllocationBudgetTests: one-off runtime allocations (a method re-jitted mid-run) are tolerated, an
        // allocation in every batch is not.
        Assert.That(allocating, Is.LessThanOrEqualTo(2), $"batches that allocated; {total / (200.0 * 100):F2} B/command");
        Assert.That(total / (200.0 * 100), Is.LessThan(0.5), "bytes per command");
        Assert.That(server.Database(0).Count(), Is.EqualTo(ExpectedKeys(command)), "the limiters stayed (no key was recreated)");
    }

    private static int ExpectedKeys(string[] command) => command[0] switch
    {
        "RL.MULTI" => 200,
        "RL.CONCURRENCY.RELEASE" => 0,
        _ => 100,
    };

    private static void Run(CommandProcessor processor, ReadOnlySequence<byte> input, IBufferWriter<byte> output)
    {
        // No Assert.That here: building its constraints would allocate inside the measured calls.
        var reason = processor.Process(ref input, output);
        if (reason is not null || !input.IsEmpty) Assert.Fail($"the batch did not run to its end (close reason: {reason})");
    }
}
