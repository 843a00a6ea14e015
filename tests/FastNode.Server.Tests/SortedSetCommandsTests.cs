using System.Buffers;
using System.Text;
using FastNode.Server.Config;
using FastNode.Server.Network;
using FastNode.Server.Sessions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FastNode.Server.Tests;

/// <summary>
/// The sorted-set family byte for byte as Redis 7.0 answers. The tests in the first part were generated from
/// redis-server 7.0.15: each command was sent to it and its exact reply recorded (see each test's summary). The
/// second part covers what a reply log cannot: blocking pops across clients (FIFO, wake-ups by ZADD and the store
/// commands, timeouts on a fake clock, EXEC), random replies, large-set cursors, Redis 7.2's ZRANK WITHSCORE
/// (accepted on purpose), and the zero-allocation hot paths.
/// </summary>
public sealed class SortedSetCommandsTests
{
    private const string NilArray = "*-1\r\n";
    private const string Syntax = "-ERR syntax error\r\n";

    // ==== replies recorded from redis-server 7.0.15 ====

    /// <summary>ZADD counts added members (CH: added + updated) and honours NX, XX, GT and LT on existing members only.</summary>
    [Test]
    public async Task ZAdd_RepliesAndConditions()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("zadd", "z", "1", "a", "2", "b", "3", "c"), Is.EqualTo(":3\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "1", "a", "5", "b", "7", "d"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "ch", "1", "a", "6", "b", "8", "e"), Is.EqualTo(":2\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "nx", "ch", "100", "a", "9", "f"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "xx", "ch", "100", "a", "10", "nosuch"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "gt", "ch", "50", "a", "200", "b", "11", "g"), Is.EqualTo(":2\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "lt", "ch", "60", "a", "1", "b"), Is.EqualTo(":2\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "GT", "CH", "1", "a"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "Lt", "Ch", "1", "a"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "xx", "gt", "ch", "70", "a"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "0", "-1", "withscores"), Is.EqualTo("*14\r\n$1\r\nb\r\n$1\r\n1\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n7\r\n$1\r\ne\r\n$1\r\n8\r\n$1\r\nf\r\n$1\r\n9\r\n$1\r\ng\r\n$2\r\n11\r\n$1\r\na\r\n$2\r\n70\r\n"));
        Assert.That(await c.CallAsync("zadd", "nokey", "xx", "1", "a"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("exists", "nokey"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("zadd", "nokey", "nx", "gt", "1", "a"), Is.EqualTo("-ERR GT, LT, and/or NX options at the same time are not compatible\r\n"));
    }

    /// <summary>ZADD's option conflicts and argument errors, with Redis 7.0's texts and precedence.</summary>
    [Test]
    public async Task ZAdd_OptionErrors()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("zadd", "z", "nx", "xx", "1", "a"), Is.EqualTo("-ERR XX and NX options at the same time are not compatible\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "gt", "lt", "1", "a"), Is.EqualTo("-ERR GT, LT, and/or NX options at the same time are not compatible\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "nx", "gt", "1", "a"), Is.EqualTo("-ERR GT, LT, and/or NX options at the same time are not compatible\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "lt", "nx", "1", "a"), Is.EqualTo("-ERR GT, LT, and/or NX options at the same time are not compatible\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "nx", "xx", "gt", "1", "a"), Is.EqualTo("-ERR XX and NX options at the same time are not compatible\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "incr", "1", "a", "2", "b"), Is.EqualTo("-ERR INCR option supports a single increment-element pair\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "nx"), Is.EqualTo("-ERR wrong number of arguments for 'zadd' command\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "1", "a", "2"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "nx", "1", "a", "2"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "abc", "a"), Is.EqualTo("-ERR value is not a valid float\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "1", "a", "abc", "b"), Is.EqualTo("-ERR value is not a valid float\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "nan", "a"), Is.EqualTo("-ERR value is not a valid float\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "incr", "nx", "xx", "1", "a"), Is.EqualTo("-ERR XX and NX options at the same time are not compatible\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "ch"), Is.EqualTo("-ERR wrong number of arguments for 'zadd' command\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "foo", "1", "a"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("exists", "z"), Is.EqualTo(":0\r\n"));
    }

    /// <summary>ZADD INCR answers the new score, or nil when a condition skipped the element; inf + -inf is refused.</summary>
    [Test]
    public async Task ZAdd_Incr()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("zadd", "z", "incr", "1.5", "a"), Is.EqualTo("$3\r\n1.5\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "incr", "1.5", "a"), Is.EqualTo("$1\r\n3\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "incr", "nx", "1", "a"), Is.EqualTo("$-1\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "incr", "xx", "1", "nosuch"), Is.EqualTo("$-1\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "incr", "gt", "-1", "a"), Is.EqualTo("$-1\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "incr", "gt", "1", "a"), Is.EqualTo("$1\r\n4\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "incr", "lt", "1", "a"), Is.EqualTo("$-1\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "incr", "lt", "-10", "a"), Is.EqualTo("$2\r\n-6\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "incr", "0", "a"), Is.EqualTo("$2\r\n-6\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "incr", "gt", "0", "a"), Is.EqualTo("$-1\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "inf", "b"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "incr", "-inf", "b"), Is.EqualTo("-ERR resulting score is not a number (NaN)\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "incr", "inf", "b"), Is.EqualTo("$3\r\ninf\r\n"));
        Assert.That(await c.CallAsync("zscore", "z", "b"), Is.EqualTo("$3\r\ninf\r\n"));
        Assert.That(await c.CallAsync("zadd", "nokey", "xx", "incr", "1", "a"), Is.EqualTo("$-1\r\n"));
        Assert.That(await c.CallAsync("exists", "nokey"), Is.EqualTo(":0\r\n"));
    }

    /// <summary>ZINCRBY creates the key and member, answers the new score, and refuses NaN results and bad floats.</summary>
    [Test]
    public async Task ZIncrBy()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("zincrby", "z", "1", "a"), Is.EqualTo("$1\r\n1\r\n"));
        Assert.That(await c.CallAsync("zincrby", "z", "0.2", "a"), Is.EqualTo("$3\r\n1.2\r\n"));
        Assert.That(await c.CallAsync("zincrby", "z", "-1.2", "a"), Is.EqualTo("$1\r\n0\r\n"));
        Assert.That(await c.CallAsync("zincrby", "z", "0.1", "b"), Is.EqualTo("$19\r\n0.10000000000000001\r\n"));
        Assert.That(await c.CallAsync("zincrby", "z", "0.2", "b"), Is.EqualTo("$19\r\n0.30000000000000004\r\n"));
        Assert.That(await c.CallAsync("zincrby", "z", "inf", "c"), Is.EqualTo("$3\r\ninf\r\n"));
        Assert.That(await c.CallAsync("zincrby", "z", "-inf", "c"), Is.EqualTo("-ERR resulting score is not a number (NaN)\r\n"));
        Assert.That(await c.CallAsync("zincrby", "z", "x", "a"), Is.EqualTo("-ERR value is not a valid float\r\n"));
        Assert.That(await c.CallAsync("zincrby", "z", " 1", "a"), Is.EqualTo("-ERR value is not a valid float\r\n"));
        Assert.That(await c.CallAsync("zincrby", "z", "1e400", "a"), Is.EqualTo("-ERR value is not a valid float\r\n"));
        Assert.That(await c.CallAsync("zincrby", "z", "nan", "a"), Is.EqualTo("-ERR value is not a valid float\r\n"));
        Assert.That(await c.CallAsync("zscore", "z", "c"), Is.EqualTo("$3\r\ninf\r\n"));
    }

    /// <summary>Scores are formatted with %.17g as Redis 7.0 does (1.1 is 1.1000000000000001), inf as "inf".</summary>
    [Test]
    public async Task ScoreFormatting_Resp2()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("zadd", "z", "1.1", "a", "1e300", "b", "1e-5", "c", "-2.5", "d", "0.1", "e", "123456789012345678", "f", "1e17", "g", "inf", "h", "-inf", "i", "100", "j", "0.30000000000000004", "k"), Is.EqualTo(":11\r\n"));
        Assert.That(await c.CallAsync("zscore", "z", "a"), Is.EqualTo("$18\r\n1.1000000000000001\r\n"));
        Assert.That(await c.CallAsync("zscore", "z", "b"), Is.EqualTo("$23\r\n1.0000000000000001e+300\r\n"));
        Assert.That(await c.CallAsync("zscore", "z", "c"), Is.EqualTo("$22\r\n1.0000000000000001e-05\r\n"));
        Assert.That(await c.CallAsync("zscore", "z", "f"), Is.EqualTo("$22\r\n1.2345678901234568e+17\r\n"));
        Assert.That(await c.CallAsync("zscore", "z", "g"), Is.EqualTo("$5\r\n1e+17\r\n"));
        Assert.That(await c.CallAsync("zscore", "z", "h"), Is.EqualTo("$3\r\ninf\r\n"));
        Assert.That(await c.CallAsync("zscore", "z", "i"), Is.EqualTo("$4\r\n-inf\r\n"));
        Assert.That(await c.CallAsync("zscore", "z", "j"), Is.EqualTo("$3\r\n100\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "0", "-1", "withscores"), Is.EqualTo("*22\r\n$1\r\ni\r\n$4\r\n-inf\r\n$1\r\nd\r\n$4\r\n-2.5\r\n$1\r\nc\r\n$22\r\n1.0000000000000001e-05\r\n$1\r\ne\r\n$19\r\n0.10000000000000001\r\n$1\r\nk\r\n$19\r\n0.30000000000000004\r\n$1\r\na\r\n$18\r\n1.1000000000000001\r\n$1\r\nj\r\n$3\r\n100\r\n$1\r\ng\r\n$5\r\n1e+17\r\n$1\r\nf\r\n$22\r\n1.2345678901234568e+17\r\n$1\r\nb\r\n$23\r\n1.0000000000000001e+300\r\n$1\r\nh\r\n$3\r\ninf\r\n"));
        Assert.That(await c.CallAsync("zincrby", "z", "0.2", "e"), Is.EqualTo("$19\r\n0.30000000000000004\r\n"));
        Assert.That(await c.CallAsync("zmscore", "z", "a", "e", "k", "nosuch"), Is.EqualTo("*4\r\n$18\r\n1.1000000000000001\r\n$19\r\n0.30000000000000004\r\n$19\r\n0.30000000000000004\r\n$-1\r\n"));
    }

    /// <summary>RESP3: scores are ',' doubles, WITHSCORES replies are [member, score] pairs, nil is '_'.</summary>
    [Test]
    public async Task ScoreFormatting_Resp3()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("hello", "3");
        Assert.That(await c.CallAsync("zadd", "z", "1.1", "a", "2", "b", "1e17", "c", "inf", "d"), Is.EqualTo(":4\r\n"));
        Assert.That(await c.CallAsync("zscore", "z", "a"), Is.EqualTo(",1.1000000000000001\r\n"));
        Assert.That(await c.CallAsync("zscore", "z", "d"), Is.EqualTo(",inf\r\n"));
        Assert.That(await c.CallAsync("zscore", "z", "nosuch"), Is.EqualTo("_\r\n"));
        Assert.That(await c.CallAsync("zmscore", "z", "a", "nosuch"), Is.EqualTo("*2\r\n,1.1000000000000001\r\n_\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "0", "-1", "withscores"), Is.EqualTo("*4\r\n*2\r\n$1\r\na\r\n,1.1000000000000001\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\nc\r\n,1e+17\r\n*2\r\n$1\r\nd\r\n,inf\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "0", "-1"), Is.EqualTo("*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"));
        Assert.That(await c.CallAsync("zrangebyscore", "z", "-inf", "+inf", "withscores", "limit", "1", "2"), Is.EqualTo("*2\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\nc\r\n,1e+17\r\n"));
        Assert.That(await c.CallAsync("zrevrangebyscore", "z", "+inf", "-inf", "withscores", "limit", "0", "1"), Is.EqualTo("*1\r\n*2\r\n$1\r\nd\r\n,inf\r\n"));
        Assert.That(await c.CallAsync("zrevrange", "z", "0", "0", "withscores"), Is.EqualTo("*1\r\n*2\r\n$1\r\nd\r\n,inf\r\n"));
        Assert.That(await c.CallAsync("zincrby", "z", "1", "b"), Is.EqualTo(",3\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "incr", "1", "b"), Is.EqualTo(",4\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "xx", "incr", "1", "nosuch"), Is.EqualTo("_\r\n"));
        Assert.That(await c.CallAsync("zrank", "z", "nosuch"), Is.EqualTo("_\r\n"));
        Assert.That(await c.CallAsync("zunion", "1", "z", "withscores"), Is.EqualTo("*4\r\n*2\r\n$1\r\na\r\n,1.1000000000000001\r\n*2\r\n$1\r\nb\r\n,4\r\n*2\r\n$1\r\nc\r\n,1e+17\r\n*2\r\n$1\r\nd\r\n,inf\r\n"));
        Assert.That(await c.CallAsync("zinter", "1", "z", "withscores"), Is.EqualTo("*4\r\n*2\r\n$1\r\na\r\n,1.1000000000000001\r\n*2\r\n$1\r\nb\r\n,4\r\n*2\r\n$1\r\nc\r\n,1e+17\r\n*2\r\n$1\r\nd\r\n,inf\r\n"));
        Assert.That(await c.CallAsync("zdiff", "1", "z", "withscores"), Is.EqualTo("*4\r\n*2\r\n$1\r\na\r\n,1.1000000000000001\r\n*2\r\n$1\r\nb\r\n,4\r\n*2\r\n$1\r\nc\r\n,1e+17\r\n*2\r\n$1\r\nd\r\n,inf\r\n"));
        Assert.That(await c.CallAsync("zscan", "z", "0"), Is.EqualTo("*2\r\n$1\r\n0\r\n*8\r\n$1\r\na\r\n$18\r\n1.1000000000000001\r\n$1\r\nb\r\n$1\r\n4\r\n$1\r\nc\r\n$18\r\n100000000000000000\r\n$1\r\nd\r\n$3\r\ninf\r\n"));
    }

    /// <summary>A listpack stores -0 as 0 (ZINCRBY and ZADD INCR still answer the -0 they computed).</summary>
    [Test]
    public async Task NegativeZero()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("zincrby", "z", "-0", "a"), Is.EqualTo("$2\r\n-0\r\n"));
        Assert.That(await c.CallAsync("zscore", "z", "a"), Is.EqualTo("$1\r\n0\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "incr", "-0", "b"), Is.EqualTo("$2\r\n-0\r\n"));
        Assert.That(await c.CallAsync("zscore", "z", "b"), Is.EqualTo("$1\r\n0\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "-0", "c"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "0", "-1", "withscores"), Is.EqualTo("*6\r\n$1\r\na\r\n$1\r\n0\r\n$1\r\nb\r\n$1\r\n0\r\n$1\r\nc\r\n$1\r\n0\r\n"));
        Assert.That(await c.CallAsync("zscan", "z", "0"), Is.EqualTo("*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$1\r\n0\r\n$1\r\nb\r\n$1\r\n0\r\n$1\r\nc\r\n$1\r\n0\r\n"));
    }

    /// <summary>Scores follow strtod (hex, inf, infinity) without leading spaces, overflow, underflow or NaN.</summary>
    [Test]
    public async Task FloatParsing()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("zadd", "z", "1e400", "a"), Is.EqualTo("-ERR value is not a valid float\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "-1e400", "a"), Is.EqualTo("-ERR value is not a valid float\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "1e-400", "a"), Is.EqualTo("-ERR value is not a valid float\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "2e-324", "a"), Is.EqualTo("-ERR value is not a valid float\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "4.9e-324", "a"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("zscore", "z", "a"), Is.EqualTo("$23\r\n4.9406564584124654e-324\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "0x1p-2", "a"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("zscore", "z", "a"), Is.EqualTo("$4\r\n0.25\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "0X1P+2", "a"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("zscore", "z", "a"), Is.EqualTo("$1\r\n4\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "0x.8", "a"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("zscore", "z", "a"), Is.EqualTo("$3\r\n0.5\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "0x1.8p1", "a"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("zscore", "z", "a"), Is.EqualTo("$1\r\n3\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "-0x10", "a"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("zscore", "z", "a"), Is.EqualTo("$3\r\n-16\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "0x1p2000", "a"), Is.EqualTo("-ERR value is not a valid float\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "0x1p-2000", "a"), Is.EqualTo("-ERR value is not a valid float\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "NaN", "a"), Is.EqualTo("-ERR value is not a valid float\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "nan(1)", "a"), Is.EqualTo("-ERR value is not a valid float\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "0x", "a"), Is.EqualTo("-ERR value is not a valid float\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "0x1p", "a"), Is.EqualTo("-ERR value is not a valid float\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "1.5e", "a"), Is.EqualTo("-ERR value is not a valid float\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "1.5e+", "a"), Is.EqualTo("-ERR value is not a valid float\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", ".", "a"), Is.EqualTo("-ERR value is not a valid float\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "", "a"), Is.EqualTo("-ERR value is not a valid float\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", " 1", "a"), Is.EqualTo("-ERR value is not a valid float\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "1 ", "a"), Is.EqualTo("-ERR value is not a valid float\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "1,5", "a"), Is.EqualTo("-ERR value is not a valid float\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "infin", "a"), Is.EqualTo("-ERR value is not a valid float\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "+.5e-3", "a"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("zscore", "z", "a"), Is.EqualTo("$22\r\n0.00050000000000000001\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "Inf", "b", "-INFINITY", "c", "+inf", "d", "00012", "e", "-00.5", "f", "9007199254740993", "g"), Is.EqualTo(":6\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "0", "-1", "withscores"), Is.EqualTo("*14\r\n$1\r\nc\r\n$4\r\n-inf\r\n$1\r\nf\r\n$4\r\n-0.5\r\n$1\r\na\r\n$22\r\n0.00050000000000000001\r\n$1\r\ne\r\n$2\r\n12\r\n$1\r\ng\r\n$16\r\n9007199254740992\r\n$1\r\nb\r\n$3\r\ninf\r\n$1\r\nd\r\n$3\r\ninf\r\n"));
    }

    /// <summary>Range bounds: "(" for exclusive, strtod rules (leading spaces, empty string as 0, overflow to inf).</summary>
    [Test]
    public async Task ScoreRangeParsing()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("zadd", "z", "-5", "a", "0", "b", "1", "c", "5", "d", "10", "e"), Is.EqualTo(":5\r\n"));
        Assert.That(await c.CallAsync("zrangebyscore", "z", " 1", "10"), Is.EqualTo("*3\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"));
        Assert.That(await c.CallAsync("zrangebyscore", "z", "1 ", "10"), Is.EqualTo("-ERR min or max is not a float\r\n"));
        Assert.That(await c.CallAsync("zrangebyscore", "z", "(-inf", "(inf"), Is.EqualTo("*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"));
        Assert.That(await c.CallAsync("zrangebyscore", "z", "1e400", "1e500"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("zrangebyscore", "z", "-1e400", "1e500"), Is.EqualTo("*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"));
        Assert.That(await c.CallAsync("zrangebyscore", "z", "nan", "10"), Is.EqualTo("-ERR min or max is not a float\r\n"));
        Assert.That(await c.CallAsync("zrangebyscore", "z", "(", "10"), Is.EqualTo("*3\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"));
        Assert.That(await c.CallAsync("zrangebyscore", "z", "((1", "10"), Is.EqualTo("-ERR min or max is not a float\r\n"));
        Assert.That(await c.CallAsync("zrangebyscore", "z", "0x1", "10"), Is.EqualTo("*3\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"));
        Assert.That(await c.CallAsync("zrangebyscore", "z", "", "10"), Is.EqualTo("*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"));
        Assert.That(await c.CallAsync("zrangebyscore", "z", " ", "10"), Is.EqualTo("-ERR min or max is not a float\r\n"));
        Assert.That(await c.CallAsync("zrangebyscore", "z", "( 1", "10"), Is.EqualTo("*2\r\n$1\r\nd\r\n$1\r\ne\r\n"));
        Assert.That(await c.CallAsync("zrangebyscore", "z", "-", "10"), Is.EqualTo("-ERR min or max is not a float\r\n"));
        Assert.That(await c.CallAsync("zrangebyscore", "z", "+", "10"), Is.EqualTo("-ERR min or max is not a float\r\n"));
        Assert.That(await c.CallAsync("zrangebyscore", "z", "1e-400", "10"), Is.EqualTo("*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"));
        Assert.That(await c.CallAsync("zcount", "z", "", ""), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("zcount", "z", "(", "("), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("zcount", "z", "(0", "(5"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("zcount", "z", "5", "0"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("zcount", "z", "-inf", "+inf"), Is.EqualTo(":5\r\n"));
        Assert.That(await c.CallAsync("zcount", "z", "1", "x"), Is.EqualTo("-ERR min or max is not a float\r\n"));
        Assert.That(await c.CallAsync("zcount", "nokey", "x", "1"), Is.EqualTo("-ERR min or max is not a float\r\n"));
    }

    /// <summary>ZREM counts removed members and deletes the key once empty; ZCARD/ZSCORE/ZMSCORE on missing keys and members.</summary>
    [Test]
    public async Task ZRemZCardZScore()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("zadd", "z", "1", "a", "2", "b", "3", "c"), Is.EqualTo(":3\r\n"));
        Assert.That(await c.CallAsync("zcard", "z"), Is.EqualTo(":3\r\n"));
        Assert.That(await c.CallAsync("zcard", "nokey"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("zscore", "nokey", "a"), Is.EqualTo("$-1\r\n"));
        Assert.That(await c.CallAsync("zscore", "z", "nosuch"), Is.EqualTo("$-1\r\n"));
        Assert.That(await c.CallAsync("zmscore", "z", "a", "nosuch", "c"), Is.EqualTo("*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n3\r\n"));
        Assert.That(await c.CallAsync("zmscore", "nokey", "a", "b"), Is.EqualTo("*2\r\n$-1\r\n$-1\r\n"));
        Assert.That(await c.CallAsync("zrem", "z", "a", "nosuch", "b"), Is.EqualTo(":2\r\n"));
        Assert.That(await c.CallAsync("zrem", "z", "a"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("zrem", "nokey", "a"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("zrem", "z", "c", "c"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("exists", "z"), Is.EqualTo(":0\r\n"));
    }

    /// <summary>ZRANK / ZREVRANK are 0-based; nil for a missing member or key.</summary>
    [Test]
    public async Task ZRank()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("zadd", "z", "1", "a", "2", "b", "3", "c", "3", "d"), Is.EqualTo(":4\r\n"));
        Assert.That(await c.CallAsync("zrank", "z", "a"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("zrank", "z", "d"), Is.EqualTo(":3\r\n"));
        Assert.That(await c.CallAsync("zrevrank", "z", "a"), Is.EqualTo(":3\r\n"));
        Assert.That(await c.CallAsync("zrevrank", "z", "d"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("zrank", "z", "nosuch"), Is.EqualTo("$-1\r\n"));
        Assert.That(await c.CallAsync("zrank", "nokey", "a"), Is.EqualTo("$-1\r\n"));
        Assert.That(await c.CallAsync("zrevrank", "nokey", "a"), Is.EqualTo("$-1\r\n"));
    }

    /// <summary>ZLEXCOUNT with "[", "(", "-" and "+" bounds, and invalid items.</summary>
    [Test]
    public async Task ZLexCount()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("zadd", "z", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e"), Is.EqualTo(":5\r\n"));
        Assert.That(await c.CallAsync("zlexcount", "z", "-", "+"), Is.EqualTo(":5\r\n"));
        Assert.That(await c.CallAsync("zlexcount", "z", "[b", "(d"), Is.EqualTo(":2\r\n"));
        Assert.That(await c.CallAsync("zlexcount", "z", "(b", "[d"), Is.EqualTo(":2\r\n"));
        Assert.That(await c.CallAsync("zlexcount", "z", "[d", "[b"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("zlexcount", "z", "-", "-"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("zlexcount", "z", "+", "+"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("zlexcount", "z", "+", "-"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("zlexcount", "z", "[c", "[c"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("zlexcount", "z", "(c", "[c"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("zlexcount", "z", "a", "+"), Is.EqualTo("-ERR min or max not valid string range item\r\n"));
        Assert.That(await c.CallAsync("zlexcount", "z", "+a", "+"), Is.EqualTo("-ERR min or max not valid string range item\r\n"));
        Assert.That(await c.CallAsync("zlexcount", "z", "", "+"), Is.EqualTo("-ERR min or max not valid string range item\r\n"));
        Assert.That(await c.CallAsync("zlexcount", "z", "[", "+"), Is.EqualTo(":5\r\n"));
        Assert.That(await c.CallAsync("zlexcount", "nokey", "[a", "[b"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("zlexcount", "nokey", "a", "b"), Is.EqualTo("-ERR min or max not valid string range item\r\n"));
    }

    /// <summary>ZRANGE by rank: negative indexes, clamping, REV and WITHSCORES.</summary>
    [Test]
    public async Task ZRange_ByRank()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"), Is.EqualTo(":5\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "0", "-1"), Is.EqualTo("*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "-100", "100"), Is.EqualTo("*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "3", "1"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "-2", "-1"), Is.EqualTo("*2\r\n$1\r\nd\r\n$1\r\ne\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "5", "10"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "0", "0", "withscores"), Is.EqualTo("*2\r\n$1\r\na\r\n$1\r\n1\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "0", "-1", "rev"), Is.EqualTo("*5\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "1", "3", "rev", "withscores"), Is.EqualTo("*6\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "0", "-1", "withscores", "withscores"), Is.EqualTo("*10\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "0", "-1", "limit", "0", "-1"), Is.EqualTo("*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "0", "-1", "limit", "1", "-1"), Is.EqualTo("*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"));
        Assert.That(await c.CallAsync("zrange", "nokey", "0", "-1"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("zrevrange", "z", "0", "1", "withscores"), Is.EqualTo("*4\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n"));
        Assert.That(await c.CallAsync("zrevrange", "z", "-1", "-1"), Is.EqualTo("*1\r\n$1\r\na\r\n"));
    }

    /// <summary>ZRANGE BYSCORE and ZRANGEBYSCORE / ZREVRANGEBYSCORE: exclusive bounds, LIMIT, REV taking max first.</summary>
    [Test]
    public async Task ZRange_ByScore()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"), Is.EqualTo(":5\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "(1", "5", "byscore"), Is.EqualTo("*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "(1", "(5", "byscore"), Is.EqualTo("*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "-inf", "+inf", "byscore", "limit", "2", "100"), Is.EqualTo("*3\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "+inf", "-inf", "byscore", "rev", "limit", "2", "100", "withscores"), Is.EqualTo("*6\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "5", "1", "byscore", "rev", "limit", "1", "2", "withscores"), Is.EqualTo("*4\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "5", "1", "byscore", "rev", "limit", "1", "-1"), Is.EqualTo("*4\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "1", "5", "byscore", "limit", "-1", "2"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "1", "5", "byscore", "limit", "0", "0"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "1", "5", "byscore", "limit", "4", "10"), Is.EqualTo("*1\r\n$1\r\ne\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "1", "5", "byscore", "limit", "5", "10"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("zrangebyscore", "z", "1", "5", "limit", "1", "2", "withscores"), Is.EqualTo("*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"));
        Assert.That(await c.CallAsync("zrangebyscore", "z", "1", "5", "withscores", "limit", "1", "2"), Is.EqualTo("*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"));
        Assert.That(await c.CallAsync("zrangebyscore", "z", "(1", "(5"), Is.EqualTo("*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"));
        Assert.That(await c.CallAsync("zrangebyscore", "z", "5", "1"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("zrangebyscore", "z", "3", "3"), Is.EqualTo("*1\r\n$1\r\nc\r\n"));
        Assert.That(await c.CallAsync("zrangebyscore", "z", "(3", "3"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("zrevrangebyscore", "z", "5", "1", "limit", "1", "2"), Is.EqualTo("*2\r\n$1\r\nd\r\n$1\r\nc\r\n"));
        Assert.That(await c.CallAsync("zrevrangebyscore", "z", "5", "1", "withscores"), Is.EqualTo("*10\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n"));
        Assert.That(await c.CallAsync("zrevrangebyscore", "z", "1", "5"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("zrevrangebyscore", "z", "(5", "(1"), Is.EqualTo("*3\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n"));
    }

    /// <summary>ZRANGE BYLEX and ZRANGEBYLEX / ZREVRANGEBYLEX, with LIMIT.</summary>
    [Test]
    public async Task ZRange_ByLex()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("zadd", "z", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e"), Is.EqualTo(":5\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "[b", "(d", "bylex"), Is.EqualTo("*2\r\n$1\r\nb\r\n$1\r\nc\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "(b", "+", "bylex", "limit", "1", "10"), Is.EqualTo("*2\r\n$1\r\nd\r\n$1\r\ne\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "+", "(b", "bylex", "rev"), Is.EqualTo("*3\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nc\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "+", "-", "bylex", "rev", "limit", "0", "2"), Is.EqualTo("*2\r\n$1\r\ne\r\n$1\r\nd\r\n"));
        Assert.That(await c.CallAsync("zrangebylex", "z", "-", "+", "limit", "0", "2"), Is.EqualTo("*2\r\n$1\r\na\r\n$1\r\nb\r\n"));
        Assert.That(await c.CallAsync("zrangebylex", "z", "[a", "(c"), Is.EqualTo("*2\r\n$1\r\na\r\n$1\r\nb\r\n"));
        Assert.That(await c.CallAsync("zrangebylex", "z", "-", "-"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("zrangebylex", "z", "+", "+"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("zrangebylex", "z", "[c", "[a"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("zrangebylex", "z", "[c", "[c"), Is.EqualTo("*1\r\n$1\r\nc\r\n"));
        Assert.That(await c.CallAsync("zrangebylex", "z", "(c", "[c"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("zrangebylex", "z", "-", "+", "limit", "1", "-1"), Is.EqualTo("*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"));
        Assert.That(await c.CallAsync("zrangebylex", "z", "-", "+", "limit", "-1", "2"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("zrevrangebylex", "z", "(c", "[a"), Is.EqualTo("*2\r\n$1\r\nb\r\n$1\r\na\r\n"));
        Assert.That(await c.CallAsync("zrevrangebylex", "z", "+", "-", "limit", "1", "2"), Is.EqualTo("*2\r\n$1\r\nd\r\n$1\r\nc\r\n"));
        Assert.That(await c.CallAsync("zrevrangebylex", "z", "[e", "(b", "limit", "1", "1"), Is.EqualTo("*1\r\n$1\r\nd\r\n"));
    }

    /// <summary>ZRANGE's option errors, in Redis 7.0's order.</summary>
    [Test]
    public async Task ZRange_Errors()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("zadd", "z", "1", "a", "2", "b", "3", "c"), Is.EqualTo(":3\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "x", "1"), Is.EqualTo("-ERR value is not an integer or out of range\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "0", "x"), Is.EqualTo("-ERR value is not an integer or out of range\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "0", "1", "limit"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "0", "-1", "foo"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "0", "-1", "rev", "rev"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "0", "-1", "byscore", "bylex"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "0", "-1", "bylex", "byscore"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "0", "-1", "limit", "0", "1"), Is.EqualTo("-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "0", "-1", "limit", "0", "-5"), Is.EqualTo("-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "0", "-1", "rev", "limit", "1", "1"), Is.EqualTo("-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "0", "-1", "withscores", "bylex"), Is.EqualTo("-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "[a", "[b", "bylex", "withscores"), Is.EqualTo("-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "0", "-1", "limit", "0", "-1", "withscores", "bylex"), Is.EqualTo("-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "(1", "(5", "byscore", "limit", "1", "x", "withscores"), Is.EqualTo("-ERR value is not an integer or out of range\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "(1", "x", "byscore", "limit", "1", "1"), Is.EqualTo("-ERR min or max is not a float\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "x", "(1", "byscore", "rev", "limit", "1", "1"), Is.EqualTo("-ERR min or max is not a float\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "a", "b", "bylex"), Is.EqualTo("-ERR min or max not valid string range item\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "0", "-1", "bylex"), Is.EqualTo("-ERR min or max not valid string range item\r\n"));
        Assert.That(await c.CallAsync("zrangebyscore", "z", "a", "b"), Is.EqualTo("-ERR min or max is not a float\r\n"));
        Assert.That(await c.CallAsync("zrangebyscore", "z", "1", "5", "rev"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zrangebyscore", "z", "1", "5", "bylex"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zrangebyscore", "z", "1", "5", "limit", "1"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zrangebylex", "z", "a", "b"), Is.EqualTo("-ERR min or max not valid string range item\r\n"));
        Assert.That(await c.CallAsync("zrangebylex", "z", "-", "+", "withscores"), Is.EqualTo("-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n"));
        Assert.That(await c.CallAsync("zrevrange", "z", "0", "1", "limit", "0", "1"), Is.EqualTo("-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n"));
        Assert.That(await c.CallAsync("zrevrange", "z", "0", "1", "byscore"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zrevrange", "z", "0", "1", "rev"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zrange", "nokey", "a", "b", "byscore"), Is.EqualTo("-ERR min or max is not a float\r\n"));
    }

    /// <summary>ZRANGESTORE stores the range (packed when small), deletes the destination on an empty result, overwrites any type.</summary>
    [Test]
    public async Task ZRangeStore()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"), Is.EqualTo(":5\r\n"));
        Assert.That(await c.CallAsync("zrangestore", "d", "z", "0", "-1"), Is.EqualTo(":5\r\n"));
        Assert.That(await c.CallAsync("zrange", "d", "0", "-1", "withscores"), Is.EqualTo("*10\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n"));
        Assert.That(await c.CallAsync("zrangestore", "d", "z", "0", "-1", "withscores"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zrangestore", "d", "z", "0", "1", "rev"), Is.EqualTo(":2\r\n"));
        Assert.That(await c.CallAsync("zrange", "d", "0", "-1", "withscores"), Is.EqualTo("*4\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n"));
        Assert.That(await c.CallAsync("zrangestore", "d", "z", "1", "3", "byscore", "limit", "1", "1"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("zrange", "d", "0", "-1", "withscores"), Is.EqualTo("*2\r\n$1\r\nb\r\n$1\r\n2\r\n"));
        Assert.That(await c.CallAsync("zrangestore", "d", "z", "[b", "[c", "bylex"), Is.EqualTo(":2\r\n"));
        Assert.That(await c.CallAsync("zrange", "d", "0", "-1"), Is.EqualTo("*2\r\n$1\r\nb\r\n$1\r\nc\r\n"));
        Assert.That(await c.CallAsync("zrangestore", "d", "z", "0", "-1", "foo"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zrangestore", "d", "nokey", "0", "-1"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("exists", "d"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("set", "s", "x"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("zrangestore", "d", "s", "0", "-1"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("zrangestore", "s", "z", "0", "0"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("type", "s"), Is.EqualTo("+zset\r\n"));
        Assert.That(await c.CallAsync("zrangestore", "s", "z", "10", "20"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("exists", "s"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("zrangestore", "z", "z", "0", "1"), Is.EqualTo(":2\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "0", "-1"), Is.EqualTo("*2\r\n$1\r\na\r\n$1\r\nb\r\n"));
    }

    /// <summary>ZREMRANGEBYRANK / BYSCORE / BYLEX remove ranges and delete an emptied key.</summary>
    [Test]
    public async Task ZRemRange()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"), Is.EqualTo(":5\r\n"));
        Assert.That(await c.CallAsync("zremrangebyrank", "z", "x", "1"), Is.EqualTo("-ERR value is not an integer or out of range\r\n"));
        Assert.That(await c.CallAsync("zremrangebyrank", "z", "10", "20"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("zremrangebyrank", "z", "-100", "0"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "0", "-1"), Is.EqualTo("*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"));
        Assert.That(await c.CallAsync("zremrangebyscore", "z", "(2", "4"), Is.EqualTo(":2\r\n"));
        Assert.That(await c.CallAsync("zremrangebyscore", "z", "a", "4"), Is.EqualTo("-ERR min or max is not a float\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "0", "-1", "withscores"), Is.EqualTo("*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\ne\r\n$1\r\n5\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "0", "aa", "0", "ab", "0", "ac"), Is.EqualTo(":3\r\n"));
        Assert.That(await c.CallAsync("zremrangebylex", "z", "-", "(ab"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("zremrangebylex", "z", "a", "+"), Is.EqualTo("-ERR min or max not valid string range item\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "0", "-1", "withscores"), Is.EqualTo("*8\r\n$2\r\nab\r\n$1\r\n0\r\n$2\r\nac\r\n$1\r\n0\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\ne\r\n$1\r\n5\r\n"));
        Assert.That(await c.CallAsync("zremrangebyscore", "z", "-inf", "+inf"), Is.EqualTo(":4\r\n"));
        Assert.That(await c.CallAsync("exists", "z"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("zremrangebyrank", "nokey", "0", "-1"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("zremrangebyscore", "nokey", "0", "1"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("zremrangebylex", "nokey", "-", "+"), Is.EqualTo(":0\r\n"));
    }

    /// <summary>ZPOPMIN / ZPOPMAX: flat [member, score] without a count, count 0, errors, and key deletion.</summary>
    [Test]
    public async Task ZPop()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d"), Is.EqualTo(":4\r\n"));
        Assert.That(await c.CallAsync("zpopmin", "z"), Is.EqualTo("*2\r\n$1\r\na\r\n$1\r\n1\r\n"));
        Assert.That(await c.CallAsync("zpopmax", "z"), Is.EqualTo("*2\r\n$1\r\nd\r\n$1\r\n4\r\n"));
        Assert.That(await c.CallAsync("zpopmin", "z", "0"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("zpopmin", "z", "-1"), Is.EqualTo("-ERR value is out of range, must be positive\r\n"));
        Assert.That(await c.CallAsync("zpopmin", "z", "x"), Is.EqualTo("-ERR value is out of range, must be positive\r\n"));
        Assert.That(await c.CallAsync("zpopmin", "z", "1", "2"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zpopmin", "z", "10"), Is.EqualTo("*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"));
        Assert.That(await c.CallAsync("exists", "z"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("zpopmin", "z"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("zpopmin", "nokey", "2"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("zadd", "z", "1", "a", "2", "b", "3", "c"), Is.EqualTo(":3\r\n"));
        Assert.That(await c.CallAsync("zpopmax", "z", "2"), Is.EqualTo("*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n"));
        Assert.That(await c.CallAsync("zpopmin", "z", "1"), Is.EqualTo("*2\r\n$1\r\na\r\n$1\r\n1\r\n"));
    }

    /// <summary>RESP3 ZPOPMIN: flat without a count, [member, score] pairs with one.</summary>
    [Test]
    public async Task ZPop_Resp3()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("hello", "3");
        Assert.That(await c.CallAsync("zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d"), Is.EqualTo(":4\r\n"));
        Assert.That(await c.CallAsync("zpopmin", "z"), Is.EqualTo("*2\r\n$1\r\na\r\n,1\r\n"));
        Assert.That(await c.CallAsync("zpopmin", "z", "1"), Is.EqualTo("*1\r\n*2\r\n$1\r\nb\r\n,2\r\n"));
        Assert.That(await c.CallAsync("zpopmax", "z", "2"), Is.EqualTo("*2\r\n*2\r\n$1\r\nd\r\n,4\r\n*2\r\n$1\r\nc\r\n,3\r\n"));
        Assert.That(await c.CallAsync("zpopmin", "nokey"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("zpopmin", "nokey", "1"), Is.EqualTo("*0\r\n"));
    }

    /// <summary>ZMPOP numkeys key... MIN|MAX [COUNT n]: [key, [[member, score]...]] from the first non-empty key, nil when none.</summary>
    [Test]
    public async Task ZMPop()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("zadd", "p", "1", "a", "2", "b", "3", "c"), Is.EqualTo(":3\r\n"));
        Assert.That(await c.CallAsync("set", "s", "x"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("zmpop", "1", "p"), Is.EqualTo("-ERR wrong number of arguments for 'zmpop' command\r\n"));
        Assert.That(await c.CallAsync("zmpop", "1", "p", "min"), Is.EqualTo("*2\r\n$1\r\np\r\n*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"));
        Assert.That(await c.CallAsync("zmpop", "1", "p", "min", "count", "0"), Is.EqualTo("-ERR count should be greater than 0\r\n"));
        Assert.That(await c.CallAsync("zmpop", "1", "p", "min", "count", "-1"), Is.EqualTo("-ERR count should be greater than 0\r\n"));
        Assert.That(await c.CallAsync("zmpop", "1", "p", "min", "count", "x"), Is.EqualTo("-ERR count should be greater than 0\r\n"));
        Assert.That(await c.CallAsync("zmpop", "1", "p", "max", "count", "5"), Is.EqualTo("*2\r\n$1\r\np\r\n*2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"));
        Assert.That(await c.CallAsync("zmpop", "0", "p", "min"), Is.EqualTo("-ERR numkeys should be greater than 0\r\n"));
        Assert.That(await c.CallAsync("zmpop", "x", "p", "min"), Is.EqualTo("-ERR numkeys should be greater than 0\r\n"));
        Assert.That(await c.CallAsync("zmpop", "1", "p", "foo"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zmpop", "1", "p", "min", "count"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zmpop", "1", "p", "min", "count", "1", "count", "2"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zmpop", "5", "p", "min"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zmpop", "2", "nokey", "p", "min"), Is.EqualTo("*-1\r\n"));
        Assert.That(await c.CallAsync("zmpop", "1", "nokey", "min"), Is.EqualTo("*-1\r\n"));
        Assert.That(await c.CallAsync("zmpop", "1", "s", "min"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("zmpop", "2", "nokey", "s", "min"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("zadd", "p", "1", "a", "2", "b", "3", "c"), Is.EqualTo(":3\r\n"));
        Assert.That(await c.CallAsync("zmpop", "2", "nokey", "p", "MAX", "COUNT", "2"), Is.EqualTo("*2\r\n$1\r\np\r\n*2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"));
        Assert.That(await c.CallAsync("zmpop", "1", "p", "min", "count", "10"), Is.EqualTo("*2\r\n$1\r\np\r\n*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"));
        Assert.That(await c.CallAsync("exists", "p"), Is.EqualTo(":0\r\n"));
    }

    /// <summary>BZPOPMIN / BZPOPMAX / BZMPOP serve at once from a non-empty key, and check the timeout first.</summary>
    [Test]
    public async Task BlockingPops_WithoutBlocking()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("zadd", "p", "1", "a", "2", "b", "3", "c", "4", "d"), Is.EqualTo(":4\r\n"));
        Assert.That(await c.CallAsync("set", "s", "x"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("bzpopmin", "p", "0"), Is.EqualTo("*3\r\n$1\r\np\r\n$1\r\na\r\n$1\r\n1\r\n"));
        Assert.That(await c.CallAsync("bzpopmax", "nokey", "p", "0"), Is.EqualTo("*3\r\n$1\r\np\r\n$1\r\nd\r\n$1\r\n4\r\n"));
        Assert.That(await c.CallAsync("bzmpop", "0", "2", "nokey", "p", "max", "count", "1"), Is.EqualTo("*2\r\n$1\r\np\r\n*1\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n"));
        Assert.That(await c.CallAsync("bzmpop", "0", "1", "p", "min", "count", "5"), Is.EqualTo("*2\r\n$1\r\np\r\n*1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"));
        Assert.That(await c.CallAsync("exists", "p"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("bzpopmin", "nokey", "-1"), Is.EqualTo("-ERR timeout is negative\r\n"));
        Assert.That(await c.CallAsync("bzpopmin", "nokey", "x"), Is.EqualTo("-ERR timeout is not a float or out of range\r\n"));
        Assert.That(await c.CallAsync("bzpopmin", "nokey", " 0.01"), Is.EqualTo("-ERR timeout is not a float or out of range\r\n"));
        Assert.That(await c.CallAsync("bzpopmin", "nokey", "nan"), Is.EqualTo("-ERR timeout is not a float or out of range\r\n"));
        Assert.That(await c.CallAsync("bzpopmin", "nokey", "inf"), Is.EqualTo("-ERR timeout is negative\r\n"));
        Assert.That(await c.CallAsync("bzpopmin", "nokey", "1e400"), Is.EqualTo("-ERR timeout is negative\r\n"));
        Assert.That(await c.CallAsync("bzpopmin", "s", "0"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("bzpopmin", "nokey", "s", "0"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("bzmpop", "-1", "1", "p", "min"), Is.EqualTo("-ERR timeout is negative\r\n"));
        Assert.That(await c.CallAsync("bzmpop", "x", "1", "p", "min"), Is.EqualTo("-ERR timeout is not a float or out of range\r\n"));
        Assert.That(await c.CallAsync("bzmpop", "0", "0", "p", "min"), Is.EqualTo("-ERR numkeys should be greater than 0\r\n"));
        Assert.That(await c.CallAsync("bzmpop", "0", "1", "p", "foo"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("bzmpop", "0", "1", "s", "min"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
    }

    /// <summary>ZUNION / ZINTER / ZDIFF with WEIGHTS, AGGREGATE and WITHSCORES; plain sets count as score 1.</summary>
    [Test]
    public async Task ZUnionInterDiff()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("zadd", "z", "1", "a", "2", "b", "3", "c"), Is.EqualTo(":3\r\n"));
        Assert.That(await c.CallAsync("zadd", "y", "10", "b", "20", "c", "30", "d"), Is.EqualTo(":3\r\n"));
        Assert.That(await c.CallAsync("sadd", "st", "a", "b", "x"), Is.EqualTo(":3\r\n"));
        Assert.That(await c.CallAsync("sadd", "si", "1", "2", "3"), Is.EqualTo(":3\r\n"));
        Assert.That(await c.CallAsync("zunion", "2", "z", "y"), Is.EqualTo("*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"));
        Assert.That(await c.CallAsync("zunion", "2", "z", "y", "withscores"), Is.EqualTo("*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$2\r\n12\r\n$1\r\nc\r\n$2\r\n23\r\n$1\r\nd\r\n$2\r\n30\r\n"));
        Assert.That(await c.CallAsync("zunion", "2", "z", "y", "weights", "2", "0.5", "withscores"), Is.EqualTo("*8\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nb\r\n$1\r\n9\r\n$1\r\nd\r\n$2\r\n15\r\n$1\r\nc\r\n$2\r\n16\r\n"));
        Assert.That(await c.CallAsync("zunion", "2", "z", "y", "aggregate", "min", "withscores"), Is.EqualTo("*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$2\r\n30\r\n"));
        Assert.That(await c.CallAsync("zunion", "2", "z", "y", "aggregate", "max", "withscores"), Is.EqualTo("*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$2\r\n10\r\n$1\r\nc\r\n$2\r\n20\r\n$1\r\nd\r\n$2\r\n30\r\n"));
        Assert.That(await c.CallAsync("zinter", "2", "z", "y", "withscores"), Is.EqualTo("*4\r\n$1\r\nb\r\n$2\r\n12\r\n$1\r\nc\r\n$2\r\n23\r\n"));
        Assert.That(await c.CallAsync("zinter", "2", "z", "y", "weights", "1", "-1", "aggregate", "sum", "withscores"), Is.EqualTo("*4\r\n$1\r\nc\r\n$3\r\n-17\r\n$1\r\nb\r\n$2\r\n-8\r\n"));
        Assert.That(await c.CallAsync("zinter", "2", "z", "y", "aggregate", "max"), Is.EqualTo("*2\r\n$1\r\nb\r\n$1\r\nc\r\n"));
        Assert.That(await c.CallAsync("zdiff", "2", "z", "y", "withscores"), Is.EqualTo("*2\r\n$1\r\na\r\n$1\r\n1\r\n"));
        Assert.That(await c.CallAsync("zdiff", "2", "y", "z"), Is.EqualTo("*1\r\n$1\r\nd\r\n"));
        Assert.That(await c.CallAsync("zunion", "2", "z", "st", "withscores"), Is.EqualTo("*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nb\r\n$1\r\n3\r\n$1\r\nc\r\n$1\r\n3\r\n"));
        Assert.That(await c.CallAsync("zunion", "2", "z", "si", "withscores"), Is.EqualTo("*12\r\n$1\r\n1\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"));
        Assert.That(await c.CallAsync("zinter", "2", "z", "st", "withscores"), Is.EqualTo("*4\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nb\r\n$1\r\n3\r\n"));
        Assert.That(await c.CallAsync("zinter", "2", "z", "st", "weights", "2", "3", "withscores"), Is.EqualTo("*4\r\n$1\r\na\r\n$1\r\n5\r\n$1\r\nb\r\n$1\r\n7\r\n"));
        Assert.That(await c.CallAsync("zdiff", "2", "z", "st", "withscores"), Is.EqualTo("*2\r\n$1\r\nc\r\n$1\r\n3\r\n"));
        Assert.That(await c.CallAsync("zdiff", "2", "st", "z", "withscores"), Is.EqualTo("*2\r\n$1\r\nx\r\n$1\r\n1\r\n"));
        Assert.That(await c.CallAsync("zdiff", "1", "si", "withscores"), Is.EqualTo("*6\r\n$1\r\n1\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n1\r\n"));
        Assert.That(await c.CallAsync("zunion", "1", "nokey"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("zinter", "2", "z", "nokey"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("zdiff", "2", "nokey", "z"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("zunion", "1", "z", "weights", "1", "weights", "2", "withscores"), Is.EqualTo("*6\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nb\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n6\r\n"));
        Assert.That(await c.CallAsync("zunion", "1", "z", "aggregate", "max", "aggregate", "min", "withscores"), Is.EqualTo("*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"));
    }

    /// <summary>A NaN weighted score or sum counts as 0 (0 * inf, inf + -inf).</summary>
    [Test]
    public async Task ZUnionInterDiff_InfinityAndNaN()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("zadd", "i1", "inf", "a", "-inf", "b", "1", "c"), Is.EqualTo(":3\r\n"));
        Assert.That(await c.CallAsync("zadd", "i2", "-inf", "a", "inf", "b", "0", "c"), Is.EqualTo(":3\r\n"));
        Assert.That(await c.CallAsync("zunion", "2", "i1", "i2", "withscores"), Is.EqualTo("*6\r\n$1\r\na\r\n$1\r\n0\r\n$1\r\nb\r\n$1\r\n0\r\n$1\r\nc\r\n$1\r\n1\r\n"));
        Assert.That(await c.CallAsync("zunion", "2", "i1", "i2", "weights", "0", "1", "withscores"), Is.EqualTo("*6\r\n$1\r\na\r\n$4\r\n-inf\r\n$1\r\nc\r\n$1\r\n0\r\n$1\r\nb\r\n$3\r\ninf\r\n"));
        Assert.That(await c.CallAsync("zinter", "2", "i1", "i2", "withscores"), Is.EqualTo("*6\r\n$1\r\na\r\n$1\r\n0\r\n$1\r\nb\r\n$1\r\n0\r\n$1\r\nc\r\n$1\r\n1\r\n"));
        Assert.That(await c.CallAsync("zinter", "2", "i1", "i2", "aggregate", "max", "withscores"), Is.EqualTo("*6\r\n$1\r\nc\r\n$1\r\n1\r\n$1\r\na\r\n$3\r\ninf\r\n$1\r\nb\r\n$3\r\ninf\r\n"));
        Assert.That(await c.CallAsync("zunion", "2", "i1", "i2", "aggregate", "min", "withscores"), Is.EqualTo("*6\r\n$1\r\na\r\n$4\r\n-inf\r\n$1\r\nb\r\n$4\r\n-inf\r\n$1\r\nc\r\n$1\r\n0\r\n"));
    }

    /// <summary>numkeys, WEIGHTS, AGGREGATE, WITHSCORES and type errors (the type is checked before the options).</summary>
    [Test]
    public async Task ZUnionInterDiff_Errors()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("zadd", "z", "1", "a", "2", "b", "3", "c"), Is.EqualTo(":3\r\n"));
        Assert.That(await c.CallAsync("set", "s", "x"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("zunionstore", "d", "0", "z"), Is.EqualTo("-ERR at least 1 input key is needed for 'zunionstore' command\r\n"));
        Assert.That(await c.CallAsync("zunionstore", "d", "-1", "z"), Is.EqualTo("-ERR at least 1 input key is needed for 'zunionstore' command\r\n"));
        Assert.That(await c.CallAsync("zunionstore", "d", "x", "z"), Is.EqualTo("-ERR value is not an integer or out of range\r\n"));
        Assert.That(await c.CallAsync("zunionstore", "d", "2", "z"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zunionstore", "d", "1", "z", "weights"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zunionstore", "d", "1", "z", "weights", "x"), Is.EqualTo("-ERR weight value is not a float\r\n"));
        Assert.That(await c.CallAsync("zunionstore", "d", "1", "z", "weights", " 1"), Is.EqualTo("-ERR weight value is not a float\r\n"));
        Assert.That(await c.CallAsync("zunionstore", "d", "1", "z", "weights", "nan"), Is.EqualTo("-ERR weight value is not a float\r\n"));
        Assert.That(await c.CallAsync("zunionstore", "d", "1", "z", "weights", "1", "2"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zunionstore", "d", "1", "z", "aggregate", "foo"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zunionstore", "d", "1", "z", "aggregate"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zunionstore", "d", "1", "z", "withscores"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zunion", "1", "s"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("zunion", "1", "s", "weights", "x"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("zunion", "2", "z", "s"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("zinter", "0", "z"), Is.EqualTo("-ERR at least 1 input key is needed for 'zinter' command\r\n"));
        Assert.That(await c.CallAsync("zinterstore", "d", "0", "z"), Is.EqualTo("-ERR at least 1 input key is needed for 'zinterstore' command\r\n"));
        Assert.That(await c.CallAsync("zdiff", "0", "z"), Is.EqualTo("-ERR at least 1 input key is needed for 'zdiff' command\r\n"));
        Assert.That(await c.CallAsync("zdiffstore", "d", "0", "z"), Is.EqualTo("-ERR at least 1 input key is needed for 'zdiffstore' command\r\n"));
        Assert.That(await c.CallAsync("zdiff", "1", "z", "weights", "1"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zdiff", "1", "z", "aggregate", "sum"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zdiffstore", "d", "1", "z", "withscores"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zunion", "1", "z", "foo"), Is.EqualTo("-ERR syntax error\r\n"));
    }

    /// <summary>ZUNIONSTORE / ZINTERSTORE / ZDIFFSTORE store the result (deleting the destination when empty) and answer its size.</summary>
    [Test]
    public async Task ZStore()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("zadd", "z", "1", "a", "2", "b", "3", "c"), Is.EqualTo(":3\r\n"));
        Assert.That(await c.CallAsync("zadd", "y", "10", "b", "20", "c", "30", "d"), Is.EqualTo(":3\r\n"));
        Assert.That(await c.CallAsync("sadd", "st", "a", "b", "x"), Is.EqualTo(":3\r\n"));
        Assert.That(await c.CallAsync("zunionstore", "out", "3", "z", "y", "st", "weights", "1", "2", "3"), Is.EqualTo(":5\r\n"));
        Assert.That(await c.CallAsync("zrange", "out", "0", "-1", "withscores"), Is.EqualTo("*10\r\n$1\r\nx\r\n$1\r\n3\r\n$1\r\na\r\n$1\r\n4\r\n$1\r\nb\r\n$2\r\n25\r\n$1\r\nc\r\n$2\r\n43\r\n$1\r\nd\r\n$2\r\n60\r\n"));
        Assert.That(await c.CallAsync("object", "encoding", "out"), Is.EqualTo("$8\r\nlistpack\r\n"));
        Assert.That(await c.CallAsync("zinterstore", "out", "2", "z", "y"), Is.EqualTo(":2\r\n"));
        Assert.That(await c.CallAsync("zrange", "out", "0", "-1", "withscores"), Is.EqualTo("*4\r\n$1\r\nb\r\n$2\r\n12\r\n$1\r\nc\r\n$2\r\n23\r\n"));
        Assert.That(await c.CallAsync("zdiffstore", "out", "2", "z", "y"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("zrange", "out", "0", "-1", "withscores"), Is.EqualTo("*2\r\n$1\r\na\r\n$1\r\n1\r\n"));
        Assert.That(await c.CallAsync("zinterstore", "out", "2", "z", "nokey"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("exists", "out"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("set", "str", "x"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("zunionstore", "str", "1", "z"), Is.EqualTo(":3\r\n"));
        Assert.That(await c.CallAsync("type", "str"), Is.EqualTo("+zset\r\n"));
        Assert.That(await c.CallAsync("zunionstore", "z", "2", "z", "z", "aggregate", "sum"), Is.EqualTo(":3\r\n"));
        Assert.That(await c.CallAsync("zrange", "z", "0", "-1", "withscores"), Is.EqualTo("*6\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nb\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n6\r\n"));
        Assert.That(await c.CallAsync("zdiffstore", "z", "2", "z", "z"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("exists", "z"), Is.EqualTo(":0\r\n"));
    }

    /// <summary>ZINTERCARD numkeys key... [LIMIT n]: 0 means no limit.</summary>
    [Test]
    public async Task ZInterCard()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("zadd", "z", "1", "a", "2", "b", "3", "c"), Is.EqualTo(":3\r\n"));
        Assert.That(await c.CallAsync("zadd", "y", "1", "b", "2", "c", "3", "d"), Is.EqualTo(":3\r\n"));
        Assert.That(await c.CallAsync("sadd", "st", "a", "b", "c"), Is.EqualTo(":3\r\n"));
        Assert.That(await c.CallAsync("set", "s", "x"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("zintercard", "1", "z"), Is.EqualTo(":3\r\n"));
        Assert.That(await c.CallAsync("zintercard", "2", "z", "y"), Is.EqualTo(":2\r\n"));
        Assert.That(await c.CallAsync("zintercard", "3", "z", "y", "st"), Is.EqualTo(":2\r\n"));
        Assert.That(await c.CallAsync("zintercard", "2", "z", "y", "limit", "1"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("zintercard", "2", "z", "y", "limit", "0"), Is.EqualTo(":2\r\n"));
        Assert.That(await c.CallAsync("zintercard", "2", "z", "nokey"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("zintercard", "1", "z", "limit", "-1"), Is.EqualTo("-ERR LIMIT can't be negative\r\n"));
        Assert.That(await c.CallAsync("zintercard", "1", "z", "limit", "x"), Is.EqualTo("-ERR LIMIT can't be negative\r\n"));
        Assert.That(await c.CallAsync("zintercard", "1", "z", "foo"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zintercard", "1", "z", "weights", "1"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zintercard", "0", "z"), Is.EqualTo("-ERR at least 1 input key is needed for 'zintercard' command\r\n"));
        Assert.That(await c.CallAsync("zintercard", "x", "z"), Is.EqualTo("-ERR value is not an integer or out of range\r\n"));
        Assert.That(await c.CallAsync("zintercard", "3", "z"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zintercard", "1", "s"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
    }

    /// <summary>ZSCAN on a small set returns everything with cursor 0; MATCH, COUNT and cursor errors; scores as stored.</summary>
    [Test]
    public async Task ZScan()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("zadd", "z", "1", "a", "2", "b", "3", "c", "1e17", "big", "1.1", "f", "-0", "zero"), Is.EqualTo(":6\r\n"));
        Assert.That(await c.CallAsync("zscan", "z", "0"), Is.EqualTo("*2\r\n$1\r\n0\r\n*12\r\n$4\r\nzero\r\n$1\r\n0\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nf\r\n$18\r\n1.1000000000000001\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$3\r\nbig\r\n$18\r\n100000000000000000\r\n"));
        Assert.That(await c.CallAsync("zscan", "z", "0", "match", "b*"), Is.EqualTo("*2\r\n$1\r\n0\r\n*4\r\n$1\r\nb\r\n$1\r\n2\r\n$3\r\nbig\r\n$18\r\n100000000000000000\r\n"));
        Assert.That(await c.CallAsync("zscan", "z", "0", "count", "0"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zscan", "z", "0", "count", "x"), Is.EqualTo("-ERR value is not an integer or out of range\r\n"));
        Assert.That(await c.CallAsync("zscan", "z", "x"), Is.EqualTo("-ERR invalid cursor\r\n"));
        Assert.That(await c.CallAsync("zscan", "nokey", "0", "count", "0"), Is.EqualTo("*2\r\n$1\r\n0\r\n*0\r\n"));
        Assert.That(await c.CallAsync("zscan", "z", "0", "novalues"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zscan", "z", "0", "match"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zscan", "z", "10"), Is.EqualTo("*2\r\n$1\r\n0\r\n*12\r\n$4\r\nzero\r\n$1\r\n0\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nf\r\n$18\r\n1.1000000000000001\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$3\r\nbig\r\n$18\r\n100000000000000000\r\n"));
        Assert.That(await c.CallAsync("zscan", "z", "-1"), Is.EqualTo("*2\r\n$1\r\n0\r\n*12\r\n$4\r\nzero\r\n$1\r\n0\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nf\r\n$18\r\n1.1000000000000001\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$3\r\nbig\r\n$18\r\n100000000000000000\r\n"));
        Assert.That(await c.CallAsync("zscan", "z", "18446744073709551616"), Is.EqualTo("-ERR invalid cursor\r\n"));
    }

    /// <summary>ZRANDMEMBER's argument errors and the answers that are not random.</summary>
    [Test]
    public async Task ZRandMember_Deterministic()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("zadd", "one", "5", "only"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("zrandmember", "nokey"), Is.EqualTo("$-1\r\n"));
        Assert.That(await c.CallAsync("zrandmember", "nokey", "5"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("zrandmember", "nokey", "1", "withscores"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("zrandmember", "one", "0"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("zrandmember", "one", "x"), Is.EqualTo("-ERR value is not an integer or out of range\r\n"));
        Assert.That(await c.CallAsync("zrandmember", "one", "1", "foo"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zrandmember", "one", "1", "withscores", "x"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("zrandmember", "one", "-9223372036854775808"), Is.EqualTo("-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n"));
        Assert.That(await c.CallAsync("zrandmember", "one", "-4611686018427387904", "withscores"), Is.EqualTo("-ERR value is out of range\r\n"));
        Assert.That(await c.CallAsync("zrandmember", "one", "4611686018427387904", "withscores"), Is.EqualTo("-ERR value is out of range\r\n"));
        Assert.That(await c.CallAsync("zrandmember", "one"), Is.EqualTo("$4\r\nonly\r\n"));
        Assert.That(await c.CallAsync("zrandmember", "one", "3", "withscores"), Is.EqualTo("*2\r\n$4\r\nonly\r\n$1\r\n5\r\n"));
        Assert.That(await c.CallAsync("zrandmember", "one", "-3", "withscores"), Is.EqualTo("*6\r\n$4\r\nonly\r\n$1\r\n5\r\n$4\r\nonly\r\n$1\r\n5\r\n$4\r\nonly\r\n$1\r\n5\r\n"));
        Assert.That(await c.CallAsync("zrandmember", "one", "-2"), Is.EqualTo("*2\r\n$4\r\nonly\r\n$4\r\nonly\r\n"));
    }

    /// <summary>Every sorted-set command refuses a key of another type.</summary>
    [Test]
    public async Task WrongType()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("set", "s", "x"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("zadd", "s", "1", "a"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("zincrby", "s", "1", "a"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("zrem", "s", "a"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("zscore", "s", "a"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("zmscore", "s", "a"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("zcard", "s"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("zcount", "s", "0", "1"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("zlexcount", "s", "-", "+"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("zrank", "s", "a"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("zrevrank", "s", "a"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("zrange", "s", "0", "-1"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("zrangebyscore", "s", "0", "1"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("zrevrangebyscore", "s", "1", "0"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("zrangebylex", "s", "-", "+"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("zrevrangebylex", "s", "+", "-"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("zrevrange", "s", "0", "-1"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("zrangestore", "d", "s", "0", "-1"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("zremrangebyrank", "s", "0", "1"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("zremrangebyscore", "s", "0", "1"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("zremrangebylex", "s", "-", "+"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("zpopmin", "s"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("zpopmax", "s", "2"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("zrandmember", "s"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("zrandmember", "s", "2"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("zscan", "s", "0"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("zunion", "1", "s"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("zunionstore", "d", "1", "s"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("zintercard", "1", "s"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("zmpop", "1", "s", "min"), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        Assert.That(await c.CallAsync("get", "s"), Is.EqualTo("$1\r\nx\r\n"));
    }

    /// <summary>OBJECT ENCODING: listpack up to 128 members of up to 64 bytes, then skiplist; small store results are packed again.</summary>
    [Test]
    public async Task Encodings()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("zadd", "lm", "1", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("object", "encoding", "lm"), Is.EqualTo("$8\r\nskiplist\r\n"));
        Assert.That(await c.CallAsync("zadd", "lm2", "1", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("object", "encoding", "lm2"), Is.EqualTo("$8\r\nlistpack\r\n"));
        Assert.That(await c.CallAsync("zadd", "lm2", "2", "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("object", "encoding", "lm2"), Is.EqualTo("$8\r\nskiplist\r\n"));
        Assert.That(await c.CallAsync("zrangestore", "small", "lm2", "0", "0"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("object", "encoding", "small"), Is.EqualTo("$8\r\nlistpack\r\n"));
        Assert.That(await c.CallAsync("zrem", "lm2", "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("object", "encoding", "lm2"), Is.EqualTo("$8\r\nskiplist\r\n"));
    }

    /// <summary>On mixed scores a listpack answers lex ranges by its walk: the tail must be above min and the head below max.</summary>
    [Test]
    public async Task LexRangesOnMixedScores_Packed()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("zadd", "m", "3", "a", "1", "d", "2", "g", "0", "c", "5", "b"), Is.EqualTo(":5\r\n"));
        Assert.That(await c.CallAsync("zrange", "m", "0", "-1"), Is.EqualTo("*5\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ng\r\n$1\r\na\r\n$1\r\nb\r\n"));
        Assert.That(await c.CallAsync("zrangebylex", "m", "(a", "+"), Is.EqualTo("*5\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ng\r\n$1\r\na\r\n$1\r\nb\r\n"));
        Assert.That(await c.CallAsync("zrangebylex", "m", "-", "(e"), Is.EqualTo("*2\r\n$1\r\nc\r\n$1\r\nd\r\n"));
        Assert.That(await c.CallAsync("zrangebylex", "m", "[c", "+"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("zrevrangebylex", "m", "+", "[b"), Is.EqualTo("*1\r\n$1\r\nb\r\n"));
        Assert.That(await c.CallAsync("zrevrangebylex", "m", "(h", "-", "limit", "1", "2"), Is.EqualTo("*2\r\n$1\r\na\r\n$1\r\ng\r\n"));
        Assert.That(await c.CallAsync("zlexcount", "m", "[b", "[e"), Is.EqualTo(":2\r\n"));
        Assert.That(await c.CallAsync("zlexcount", "m", "[c", "+"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("zlexcount", "m", "-", "+"), Is.EqualTo(":5\r\n"));
        Assert.That(await c.CallAsync("zrangestore", "d", "m", "[c", "+", "bylex"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("zremrangebylex", "m", "[c", "[e"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("zrange", "m", "0", "-1", "withscores"), Is.EqualTo("*10\r\n$1\r\nc\r\n$1\r\n0\r\n$1\r\nd\r\n$1\r\n1\r\n$1\r\ng\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n5\r\n"));
        Assert.That(await c.CallAsync("zremrangebylex", "m", "-", "+"), Is.EqualTo(":5\r\n"));
        Assert.That(await c.CallAsync("exists", "m"), Is.EqualTo(":0\r\n"));
    }

    /// <summary>ZUNION/ZINTER replies come from a skip list (a -0 shows), while a stored result is packed (0).</summary>
    [Test]
    public async Task NegativeZeroInCombinedReplies()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("zadd", "z", "0", "a", "1", "b"), Is.EqualTo(":2\r\n"));
        Assert.That(await c.CallAsync("zunion", "1", "z", "weights", "-1", "withscores"), Is.EqualTo("*4\r\n$1\r\nb\r\n$2\r\n-1\r\n$1\r\na\r\n$2\r\n-0\r\n"));
        Assert.That(await c.CallAsync("zinter", "1", "z", "weights", "-1", "withscores"), Is.EqualTo("*4\r\n$1\r\nb\r\n$2\r\n-1\r\n$1\r\na\r\n$2\r\n-0\r\n"));
        Assert.That(await c.CallAsync("zunionstore", "d", "1", "z", "weights", "-1"), Is.EqualTo(":2\r\n"));
        Assert.That(await c.CallAsync("zscore", "d", "a"), Is.EqualTo("$1\r\n0\r\n"));
        Assert.That(await c.CallAsync("zrange", "d", "0", "-1", "withscores"), Is.EqualTo("*4\r\n$1\r\nb\r\n$2\r\n-1\r\n$1\r\na\r\n$1\r\n0\r\n"));
    }

    // ==== behaviour a reply log cannot show ====

    [Test]
    public async Task ZRankWithScoreIsAcceptedAsInRedis72()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("ZADD", "z", "1.5", "a", "2", "b");
        Assert.That(await c.CallAsync("ZRANK", "z", "b", "WITHSCORE"), Is.EqualTo("*2\r\n:1\r\n$1\r\n2\r\n"));
        Assert.That(await c.CallAsync("ZREVRANK", "z", "b", "withscore"), Is.EqualTo("*2\r\n:0\r\n$1\r\n2\r\n"));
        Assert.That(await c.CallAsync("ZRANK", "z", "nosuch", "WITHSCORE"), Is.EqualTo(NilArray));
        Assert.That(await c.CallAsync("ZRANK", "nokey", "a", "WITHSCORE"), Is.EqualTo(NilArray));
        Assert.That(await c.CallAsync("ZRANK", "z", "a", "WITHSCORES"), Is.EqualTo(Syntax));
        Assert.That(await c.CallAsync("ZRANK", "z", "a", "WITHSCORE", "x"), Is.EqualTo("-ERR wrong number of arguments for 'zrank' command\r\n"));
        await c.CallAsync("HELLO", "3");
        Assert.That(await c.CallAsync("ZRANK", "z", "a", "WITHSCORE"), Is.EqualTo("*2\r\n:0\r\n,1.5\r\n"));
        Assert.That(await c.CallAsync("ZRANK", "z", "nosuch", "WITHSCORE"), Is.EqualTo("_\r\n"));
    }

    // ---- blocking pops ----

    private FakeTimeProvider _time = null!;
    private ServerState _server = null!;
    private readonly List<InMemoryClient> _clients = [];

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        _server = InMemoryClient.NewServer(time: _time);
    }

    [TearDown]
    public async Task TearDown()
    {
        foreach (var c in _clients) await c.DisposeAsync();
        _clients.Clear();
    }

    private InMemoryClient Client()
    {
        var c = new InMemoryClient(_server);
        _clients.Add(c);
        return c;
    }

    /// <summary>Sends a blocking command and waits (bounded) until the connection has parked it.</summary>
    private static async Task<Task<string>> Block(InMemoryClient c, params string[] command)
    {
        await c.SendAsync(Resp.Command(command));
        for (int attempt = 0; attempt < 500 && c.Session.PendingBlock is null; attempt++) await Task.Delay(5);
        Assert.That(c.Session.PendingBlock, Is.Not.Null, $"{string.Join(' ', command)} did not block");
        return c.ReadReplyAsync();
    }

    private static async Task AssertStillBlocked(Task<string> pending)
    {
        await Task.Delay(50);
        Assert.That(pending.IsCompleted, Is.False, () => "the blocked client was answered: " + RespReplyScanner.Escape(pending.Result));
    }

    [Test]
    public async Task BlockedClientsAreServedOldestFirstFromTheKeyThatGetsMembers()
    {
        var a = Client();
        var b = Client();
        var x = Client();
        var first = await Block(a, "BZPOPMIN", "k1", "k2", "0");
        var second = await Block(b, "BZPOPMAX", "k2", "0");
        Assert.That(await x.CallAsync("ZADD", "k2", "1", "m1", "2", "m2", "3", "m3"), Is.EqualTo(":3\r\n"));
        Assert.That(await first, Is.EqualTo("*3\r\n$2\r\nk2\r\n$2\r\nm1\r\n$1\r\n1\r\n"));
        Assert.That(await second, Is.EqualTo("*3\r\n$2\r\nk2\r\n$2\r\nm3\r\n$1\r\n3\r\n"));
        Assert.That(await x.CallAsync("ZRANGE", "k2", "0", "-1", "WITHSCORES"), Is.EqualTo("*2\r\n$2\r\nm2\r\n$1\r\n2\r\n"));
    }

    [Test]
    public async Task OneNewMemberServesOnlyTheFirstWaiterAndDeletesTheKey()
    {
        var a = Client();
        var b = Client();
        var x = Client();
        var first = await Block(a, "BZPOPMIN", "k", "0");
        var second = await Block(b, "BZPOPMIN", "k", "0");
        Assert.That(await x.CallAsync("ZADD", "k", "1", "only"), Is.EqualTo(":1\r\n"));
        Assert.That(await first, Is.EqualTo("*3\r\n$1\r\nk\r\n$4\r\nonly\r\n$1\r\n1\r\n"));
        Assert.That(await x.CallAsync("EXISTS", "k"), Is.EqualTo(":0\r\n"));
        await AssertStillBlocked(second);
        Assert.That(await x.CallAsync("ZINCRBY", "k", "7", "w"), Is.EqualTo("$1\r\n7\r\n"));
        Assert.That(await second, Is.EqualTo("*3\r\n$1\r\nk\r\n$1\r\nw\r\n$1\r\n7\r\n"));
    }

    [Test]
    public async Task BzmpopPopsUpToCountFromTheKeyThatGetsMembers()
    {
        var a = Client();
        var x = Client();
        var reply = await Block(a, "BZMPOP", "0", "2", "k3", "k4", "MAX", "COUNT", "2");
        Assert.That(await x.CallAsync("ZADD", "k4", "1", "a", "2", "b", "3", "c"), Is.EqualTo(":3\r\n"));
        Assert.That(await reply, Is.EqualTo("*2\r\n$2\r\nk4\r\n*2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"));
        Assert.That(await x.CallAsync("ZRANGE", "k4", "0", "-1"), Is.EqualTo("*1\r\n$1\r\na\r\n"));
    }

    [Test]
    public async Task StoreCommandsWakeWaitersAndStillAnswerTheStoredSize()
    {
        var a = Client();
        var x = Client();
        await x.CallAsync("ZADD", "src", "5", "q");
        var union = await Block(a, "BZPOPMIN", "dst", "0");
        Assert.That(await x.CallAsync("ZUNIONSTORE", "dst", "1", "src"), Is.EqualTo(":1\r\n"));
        Assert.That(await union, Is.EqualTo("*3\r\n$3\r\ndst\r\n$1\r\nq\r\n$1\r\n5\r\n"));
        var range = await Block(a, "BZPOPMAX", "dst2", "0");
        Assert.That(await x.CallAsync("ZRANGESTORE", "dst2", "src", "0", "-1"), Is.EqualTo(":1\r\n"));
        Assert.That(await range, Is.EqualTo("*3\r\n$4\r\ndst2\r\n$1\r\nq\r\n$1\r\n5\r\n"));
        Assert.That(await x.CallAsync("EXISTS", "dst", "dst2"), Is.EqualTo(":0\r\n"));
    }

    [Test]
    public async Task TimeoutAnswersNilArrayAtTheDeadline()
    {
        var a = Client();
        var reply = await Block(a, "BZPOPMIN", "k", "1.5");
        _time.Advance(TimeSpan.FromMilliseconds(1499));
        await AssertStillBlocked(reply);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(await reply, Is.EqualTo(NilArray));
        var mpop = await Block(a, "BZMPOP", "0.01", "1", "k", "MIN");
        _time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.That(await mpop, Is.EqualTo(NilArray));
        Assert.That(await a.CallAsync("ZADD", "k", "1", "a"), Is.EqualTo(":1\r\n"), "the timed-out waiter is gone: nobody pops the new member");
        Assert.That(await a.CallAsync("ZCARD", "k"), Is.EqualTo(":1\r\n"));
    }

    [Test]
    public async Task Resp3BlockedRepliesUseDoublesAndNull()
    {
        var a = Client();
        var x = Client();
        await a.CallAsync("HELLO", "3");
        var pop = await Block(a, "BZPOPMIN", "r", "0");
        await x.CallAsync("ZADD", "r", "1.1", "a");
        Assert.That(await pop, Is.EqualTo("*3\r\n$1\r\nr\r\n$1\r\na\r\n,1.1000000000000001\r\n"));
        var mpop = await Block(a, "BZMPOP", "0", "1", "r", "MIN");
        await x.CallAsync("ZADD", "r", "2", "b");
        Assert.That(await mpop, Is.EqualTo("*2\r\n$1\r\nr\r\n*1\r\n*2\r\n$1\r\nb\r\n,2\r\n"));
        var timeout = await Block(a, "BZPOPMIN", "r", "0.5");
        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.That(await timeout, Is.EqualTo("_\r\n"));
    }

    [Test]
    public async Task InsideMultiBlockingPopsActAsTimedOut()
    {
        var a = Client();
        Assert.That(await a.CallAsync("MULTI"), Is.EqualTo("+OK\r\n"));
        Assert.That(await a.CallAsync("BZPOPMIN", "k", "0"), Is.EqualTo("+QUEUED\r\n"));
        Assert.That(await a.CallAsync("BZMPOP", "0", "1", "k", "MIN"), Is.EqualTo("+QUEUED\r\n"));
        Assert.That(await a.CallAsync("EXEC"), Is.EqualTo("*2\r\n*-1\r\n*-1\r\n"));
    }

    [Test]
    public async Task ZAddInsideExecServesTheWaiterOnlyAfterTheTransaction()
    {
        var b = Client();
        var x = Client();
        var pop = await Block(b, "BZPOPMIN", "k", "0");
        await x.CallAsync("MULTI");
        await x.CallAsync("ZADD", "k", "1", "a");
        await x.CallAsync("ZCARD", "k");
        Assert.That(await x.CallAsync("EXEC"), Is.EqualTo("*2\r\n:1\r\n:1\r\n"), "the transaction still sees its member");
        Assert.That(await pop, Is.EqualTo("*3\r\n$1\r\nk\r\n$1\r\na\r\n$1\r\n1\r\n"));
        Assert.That(await x.CallAsync("EXISTS", "k"), Is.EqualTo(":0\r\n"));
    }

    [Test]
    public async Task DisconnectedAndUnblockedWaitersAreSkipped()
    {
        var gone = new InMemoryClient(_server);
        var unblocked = Client();
        var a = Client();
        var x = Client();
        await Block(gone, "BZPOPMIN", "k", "0");
        await gone.DisposeAsync();
        string id = (await unblocked.CallAsync("CLIENT", "ID")).Trim(':', '\r', '\n');
        var cancelled = await Block(unblocked, "BZPOPMIN", "k", "0");
        Assert.That(await x.CallAsync("CLIENT", "UNBLOCK", id), Is.EqualTo(":1\r\n"));
        Assert.That(await cancelled, Is.EqualTo(NilArray));
        var served = await Block(a, "BZPOPMAX", "k", "0");
        await x.CallAsync("ZADD", "k", "1", "z");
        Assert.That(await served, Is.EqualTo("*3\r\n$1\r\nk\r\n$1\r\nz\r\n$1\r\n1\r\n"));
    }

    [Test]
    public async Task OtherTypesAtTheKeyDoNotWakeAWaiter()
    {
        var a = Client();
        var x = Client();
        var pop = await Block(a, "BZPOPMIN", "k", "0");
        await x.CallAsync("SET", "k", "string");
        await AssertStillBlocked(pop);
        await x.CallAsync("DEL", "k");
        await x.CallAsync("ZADD", "k", "1", "q");
        Assert.That(await pop, Is.EqualTo("*3\r\n$1\r\nk\r\n$1\r\nq\r\n$1\r\n1\r\n"));
    }

    [Test]
    public async Task ZmpopTellsWatchersAboutThePoppedKey()
    {
        var watcher = Client();
        var x = Client();
        await x.CallAsync("ZADD", "p", "1", "a", "2", "b");
        await watcher.CallAsync("WATCH", "p");
        Assert.That(await x.CallAsync("ZMPOP", "2", "nokey", "p", "MIN"), Is.EqualTo("*2\r\n$1\r\np\r\n*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"));
        await watcher.CallAsync("MULTI");
        await watcher.CallAsync("PING");
        Assert.That(await watcher.CallAsync("EXEC"), Is.EqualTo(NilArray));
    }

    // ---- random replies ----

    private static List<string> Bulks(string reply)
    {
        var items = new List<string>();
        var lines = reply.Split("\r\n");
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith('$') && lines[i] != "$-1") items.Add(lines[++i]);
        }
        return items;
    }

    [Test]
    public async Task ZRandMemberSamplesDistinctOrRepeatedMembers()
    {
        await using var c = new InMemoryClient();
        var members = new HashSet<string>();
        var args = new List<string> { "ZADD", "z" };
        for (int i = 0; i < 300; i++)
        {
            args.Add(i.ToString());
            args.Add($"m{i}");
            members.Add($"m{i}");
        }
        await c.CallAsync(args.ToArray());
        await c.CallAsync("ZADD", "small", "1", "a", "2", "b", "3", "c");
        foreach (var key in new[] { "z", "small" })
        {
            var pool = key == "z" ? members : ["a", "b", "c"];
            var one = Bulks(await c.CallAsync("ZRANDMEMBER", key));
            Assert.That(one, Has.Count.EqualTo(1).And.SubsetOf(pool));
            var distinct = Bulks(await c.CallAsync("ZRANDMEMBER", key, "2"));
            Assert.That(distinct, Is.Unique.And.Count.EqualTo(2).And.SubsetOf(pool));
            var repeated = Bulks(await c.CallAsync("ZRANDMEMBER", key, "-50"));
            Assert.That(repeated, Has.Count.EqualTo(50));
            Assert.That(repeated.All(pool.Contains), Is.True, string.Join(',', repeated));
        }
        // Each member with its own score, in both protocols.
        var pairs = Bulks(await c.CallAsync("ZRANDMEMBER", "z", "-20", "WITHSCORES"));
        Assert.That(pairs, Has.Count.EqualTo(40));
        for (int i = 0; i < pairs.Count; i += 2) Assert.That(pairs[i], Is.EqualTo("m" + pairs[i + 1]));
        var many = Bulks(await c.CallAsync("ZRANDMEMBER", "z", "290", "WITHSCORES"));
        Assert.That(many, Has.Count.EqualTo(580));
        // A count at least the size answers the whole set, highest first (Redis walks its iterator from the tail).
        Assert.That(await c.CallAsync("ZRANDMEMBER", "small", "10", "WITHSCORES"),
            Is.EqualTo("*6\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n"));
        await c.CallAsync("HELLO", "3");
        Assert.That(await c.CallAsync("ZRANDMEMBER", "small", "-2", "WITHSCORES"), Does.Match(@"^\*2\r\n(\*2\r\n\$1\r\n[abc]\r\n,[123]\r\n){2}$"));
    }

    // ---- large sets (skip list) ----

    [Test]
    public async Task ZScanOfALargeSetReturnsEveryMemberAcrossCursorsEvenWhileItGrows()
    {
        await using var c = new InMemoryClient();
        var expected = new HashSet<string>();
        var args = new List<string> { "ZADD", "z" };
        for (int i = 0; i < 1000; i++)
        {
            args.Add((i * 0.5).ToString(System.Globalization.CultureInfo.InvariantCulture));
            args.Add($"member:{i}");
            expected.Add($"member:{i}");
        }
        await c.CallAsync(args.ToArray());
        Assert.That(await c.CallAsync("OBJECT", "ENCODING", "z"), Is.EqualTo("$8\r\nskiplist\r\n"));
        var seen = new HashSet<string>();
        string cursor = "0";
        int calls = 0, added = 0;
        do
        {
            var reply = await c.CallAsync("ZSCAN", "z", cursor, "COUNT", "25");
            var items = Bulks(reply);
            cursor = items[0];
            for (int i = 1; i < items.Count; i += 2)
            {
                seen.Add(items[i]);
                string id = items[i].Substring("member:".Length);
                string score = id.StartsWith('x') ? "-1" : (int.Parse(id) * 0.5).ToString(System.Globalization.CultureInfo.InvariantCulture);
                Assert.That(items[i + 1], Is.EqualTo(score), items[i]);
            }
            // Grow the set between calls (the member index rehashes): members present throughout must still come.
            if (++calls % 3 == 0 && added < 2000)
            {
                var more = new List<string> { "ZADD", "z" };
                for (int i = 0; i < 200; i++, added++) more.AddRange(["-1", $"member:x{added}"]);
                await c.CallAsync(more.ToArray());
            }
            Assert.That(calls, Is.LessThan(2000), "the cursor never came back to 0");
        } while (cursor != "0");
        Assert.That(expected.IsSubsetOf(seen), Is.True, $"missing: {string.Join(',', expected.Except(seen).Take(10))}");
        Assert.That(await c.CallAsync("ZSCAN", "z", "0", "MATCH", "member:99?", "COUNT", "5000"),
            Does.StartWith("*2\r\n$1\r\n0\r\n*20\r\n"));
    }

    [Test]
    public async Task LargeSetKeepsRanksAndRangesAfterUpdatesAndRemovals()
    {
        await using var c = new InMemoryClient();
        var args = new List<string> { "ZADD", "z" };
        for (int i = 0; i < 500; i++) args.AddRange([i.ToString(), $"m{i:D3}"]);
        Assert.That(await c.CallAsync(args.ToArray()), Is.EqualTo(":500\r\n"));
        Assert.That(await c.CallAsync("ZRANK", "z", "m250"), Is.EqualTo(":250\r\n"));
        Assert.That(await c.CallAsync("ZADD", "z", "1000", "m000"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("ZRANK", "z", "m000"), Is.EqualTo(":499\r\n"));
        Assert.That(await c.CallAsync("ZRANK", "z", "m001"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("ZCOUNT", "z", "(100", "200"), Is.EqualTo(":100\r\n"));
        Assert.That(await c.CallAsync("ZRANGE", "z", "(100", "103", "BYSCORE", "LIMIT", "1", "2"), Is.EqualTo("*2\r\n$4\r\nm102\r\n$4\r\nm103\r\n"));
        Assert.That(await c.CallAsync("ZREMRANGEBYRANK", "z", "0", "98"), Is.EqualTo(":99\r\n"));
        Assert.That(await c.CallAsync("ZRANGE", "z", "0", "0", "WITHSCORES"), Is.EqualTo("*2\r\n$4\r\nm100\r\n$3\r\n100\r\n"));
        Assert.That(await c.CallAsync("ZREMRANGEBYSCORE", "z", "(450", "+inf"), Is.EqualTo(":50\r\n"));
        Assert.That(await c.CallAsync("ZREVRANGE", "z", "0", "1"), Is.EqualTo("*2\r\n$4\r\nm450\r\n$4\r\nm449\r\n"));
        Assert.That(await c.CallAsync("ZCARD", "z"), Is.EqualTo(":351\r\n"));
        Assert.That(await c.CallAsync("COPY", "z", "copy"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("ZADD", "z", "0", "m300"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("ZSCORE", "copy", "m300"), Is.EqualTo("$3\r\n300\r\n"), "COPY shares nothing with the original");
        Assert.That(await c.CallAsync("OBJECT", "ENCODING", "copy"), Is.EqualTo("$8\r\nskiplist\r\n"));
    }

    // ---- allocation ----

    /// <summary>
    /// ZADD on an existing member (same score, and a changed score that moves it), ZINCRBY, ZSCORE, ZRANK and ZCARD
    /// allocate nothing, packed and as a skip list: batches of 100 pipelined commands through one session's
    /// CommandProcessor, counted with GC.GetAllocatedBytesForCurrentThread after a warm-up (as AllocationBudgetTests).
    /// </summary>
    [TestCase(5)]
    [TestCase(300)]
    public void HotCommandsOnExistingMembersAllocateNothing(int size)
    {
        var server = new ServerState(new ServerOptions { Port = 0 });
        var processor = new CommandProcessor(server, new ClientSession("127.0.0.1:50000", "127.0.0.1:6379", server.NowMs), NullLogger.Instance);
        var setup = new List<string> { "ZADD", "z" };
        for (int i = 0; i < size; i++) setup.AddRange([i.ToString(), $"member:{i}"]);
        Run(processor, Resp.Command(setup.ToArray()));
        var batches = new Dictionary<string, Func<int, string[]>>
        {
            ["ZADD same score"] = i => ["ZADD", "z", (i % size).ToString(), $"member:{i % size}"],
            ["ZADD moving"] = i => ["ZADD", "z", (i % 2 == 0 ? size + 1 : -1).ToString(), "member:0"],
            ["ZADD GT CH"] = i => ["ZADD", "z", "GT", "CH", (size + i).ToString(), "member:1"],
            ["ZINCRBY"] = i => ["ZINCRBY", "z", i % 2 == 0 ? "1.5" : "-1.5", $"member:{i % size}"],
            ["ZSCORE"] = i => ["ZSCORE", "z", $"member:{i % size}"],
            ["ZRANK"] = i => ["ZRANK", "z", $"member:{i % size}"],
            ["ZCARD"] = _ => ["ZCARD", "z"],
        };
        foreach (var (name, command) in batches)
        {
            var output = new MemoryStream();
            for (int i = 0; i < 100; i++) output.Write(Resp.Command(command(i)));
            var request = output.ToArray();
            AssertNoErrorReplies(processor, request, name);
            for (int i = 0; i < 50; i++) Run(processor, request);
            long total = 0;
            for (int i = 0; i < 100; i++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                Run(processor, request);
                total += GC.GetAllocatedBytesForCurrentThread() - before;
            }
            Assert.That(total / 10_000.0, Is.LessThan(0.5), $"{name} on {size} members: bytes per command");
        }
    }

    private static readonly NullBufferWriter Sink = new();

    /// <summary>The measured batch must not be the error path: 100 replies, none of them an error.</summary>
    private static void AssertNoErrorReplies(CommandProcessor processor, byte[] request, string what)
    {
        var input = new ReadOnlySequence<byte>(request);
        var output = new ArrayBufferWriter<byte>();
        processor.Process(ref input, output);
        var replies = output.WrittenSpan;
        int count = 0;
        while (!replies.IsEmpty)
        {
            int length = RespReplyScanner.CompleteLength(replies);
            Assert.That(length, Is.GreaterThan(0), what);
            if (replies[0] == (byte)'-') Assert.Fail(what + ": " + Encoding.UTF8.GetString(replies.Slice(0, length)));
            replies = replies.Slice(length);
            count++;
        }
        Assert.That(count, Is.EqualTo(100), what);
    }

    /// <summary>Runs a batch; asserts only on failure, since NUnit's constraint objects would be counted too.</summary>
    private static void Run(CommandProcessor processor, byte[] request)
    {
        var input = new ReadOnlySequence<byte>(request);
        var reason = processor.Process(ref input, Sink);
        if (reason is not null || !input.IsEmpty) Assert.Fail($"the batch did not run to its end (close reason: {reason})");
    }
}
