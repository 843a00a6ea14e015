namespace FastNode.Server.Tests;

/// <summary>
/// The list commands byte for byte as redis-server 7.0 answers them (checked side by side): replies, nil shapes in
/// RESP2 and RESP3, errors and their order, deletion of emptied lists, WRONGTYPE.
/// </summary>
public sealed class ListCommandsTests
{
    private const string Nil = "$-1\r\n";
    private const string NilArray = "*-1\r\n";
    private const string Null3 = "_\r\n";
    private const string Ok = "+OK\r\n";
    private const string Empty = "*0\r\n";
    private const string WrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
    private const string NotInteger = "-ERR value is not an integer or out of range\r\n";
    private const string Syntax = "-ERR syntax error\r\n";
    private const string MustBePositive = "-ERR value is out of range, must be positive\r\n";

    private static string Bulk(string s) => $"${s.Length}\r\n{s}\r\n";

    private static string Arr(params string[] items) => $"*{items.Length}\r\n" + string.Concat(items);

    private static string Bulks(params string[] items)
    {
        var parts = new string[items.Length];
        for (int i = 0; i < items.Length; i++) parts[i] = Bulk(items[i]);
        return Arr(parts);
    }

    private static string Int(long n) => $":{n}\r\n";

    [Test]
    public async Task PushesReturnTheLengthAndKeepTheOrder()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("LPUSH", "l", "a", "b", "c"), Is.EqualTo(Int(3)));
        Assert.That(await c.CallAsync("RPUSH", "l", "d", "e"), Is.EqualTo(Int(5)));
        Assert.That(await c.CallAsync("LRANGE", "l", "0", "-1"), Is.EqualTo(Bulks("c", "b", "a", "d", "e")));
        Assert.That(await c.CallAsync("LPUSHX", "l", "z"), Is.EqualTo(Int(6)));
        Assert.That(await c.CallAsync("RPUSHX", "l", "y", "x"), Is.EqualTo(Int(8)));
        Assert.That(await c.CallAsync("LPUSHX", "nx", "a"), Is.EqualTo(Int(0)));
        Assert.That(await c.CallAsync("RPUSHX", "nx", "a"), Is.EqualTo(Int(0)));
        Assert.That(await c.CallAsync("EXISTS", "nx"), Is.EqualTo(Int(0)));
        Assert.That(await c.CallAsync("LLEN", "l"), Is.EqualTo(Int(8)));
        Assert.That(await c.CallAsync("LLEN", "missing"), Is.EqualTo(Int(0)));
        Assert.That(await c.CallAsync("TYPE", "l"), Is.EqualTo("+list\r\n"));
        Assert.That(await c.CallAsync("OBJECT", "ENCODING", "l"), Is.EqualTo(Bulk("quicklist")));
    }

    [Test]
    public async Task PopShapesAsRedis70()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("LPOP", "missing"), Is.EqualTo(Nil));
        Assert.That(await c.CallAsync("LPOP", "missing", "2"), Is.EqualTo(NilArray));
        Assert.That(await c.CallAsync("RPOP", "missing", "0"), Is.EqualTo(NilArray));
        await c.CallAsync("RPUSH", "l", "a", "b", "c", "d", "e");
        Assert.That(await c.CallAsync("LPOP", "l", "0"), Is.EqualTo(Empty));
        Assert.That(await c.CallAsync("LPOP", "l", "1"), Is.EqualTo(Bulks("a")));
        Assert.That(await c.CallAsync("LPOP", "l"), Is.EqualTo(Bulk("b")));
        Assert.That(await c.CallAsync("RPOP", "l"), Is.EqualTo(Bulk("e")));
        Assert.That(await c.CallAsync("RPOP", "l", "10"), Is.EqualTo(Bulks("d", "c")));
        Assert.That(await c.CallAsync("EXISTS", "l"), Is.EqualTo(Int(0)), "an emptied list is deleted");
        Assert.That(await c.CallAsync("LPOP", "l", "-1"), Is.EqualTo(MustBePositive));
        Assert.That(await c.CallAsync("LPOP", "l", "abc"), Is.EqualTo(MustBePositive));
        Assert.That(await c.CallAsync("LPOP", "l", "9223372036854775808"), Is.EqualTo(MustBePositive));
        Assert.That(await c.CallAsync("LPOP", "l", "1", "2"), Is.EqualTo("-ERR wrong number of arguments for 'lpop' command\r\n"));
    }

    [Test]
    public async Task Resp3NullShapes()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("HELLO", "3");
        Assert.That(await c.CallAsync("LPOP", "missing"), Is.EqualTo(Null3));
        Assert.That(await c.CallAsync("LPOP", "missing", "2"), Is.EqualTo(Null3));
        Assert.That(await c.CallAsync("LINDEX", "missing", "0"), Is.EqualTo(Null3));
        Assert.That(await c.CallAsync("LPOS", "missing", "a"), Is.EqualTo(Null3));
        Assert.That(await c.CallAsync("LPOS", "missing", "a", "COUNT", "0"), Is.EqualTo(Empty));
        Assert.That(await c.CallAsync("LMPOP", "1", "missing", "LEFT"), Is.EqualTo(Null3));
        Assert.That(await c.CallAsync("LMOVE", "missing", "d", "LEFT", "LEFT"), Is.EqualTo(Null3));
        Assert.That(await c.CallAsync("BLPOP", "missing", "0.001"), Is.EqualTo(Null3));
        await c.CallAsync("RPUSH", "l", "a", "b", "c");
        Assert.That(await c.CallAsync("LINDEX", "l", "10"), Is.EqualTo(Null3));
        Assert.That(await c.CallAsync("LMPOP", "1", "l", "LEFT", "COUNT", "1"), Is.EqualTo(Arr(Bulk("l"), Bulks("a"))));
        Assert.That(await c.CallAsync("BLPOP", "l", "0"), Is.EqualTo(Bulks("l", "b")));
    }

    [Test]
    public async Task RangeAndIndexFollowRedisRules()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("RPUSH", "l", "a", "b", "c", "d", "e", "f");
        Assert.That(await c.CallAsync("LRANGE", "l", "1", "2"), Is.EqualTo(Bulks("b", "c")));
        Assert.That(await c.CallAsync("LRANGE", "l", "-100", "100"), Is.EqualTo(Bulks("a", "b", "c", "d", "e", "f")));
        Assert.That(await c.CallAsync("LRANGE", "l", "-2", "-1"), Is.EqualTo(Bulks("e", "f")));
        Assert.That(await c.CallAsync("LRANGE", "l", "5", "1"), Is.EqualTo(Empty));
        Assert.That(await c.CallAsync("LRANGE", "l", "6", "10"), Is.EqualTo(Empty));
        Assert.That(await c.CallAsync("LRANGE", "missing", "0", "-1"), Is.EqualTo(Empty));
        Assert.That(await c.CallAsync("LRANGE", "missing", "a", "1"), Is.EqualTo(NotInteger));
        Assert.That(await c.CallAsync("LINDEX", "l", "0"), Is.EqualTo(Bulk("a")));
        Assert.That(await c.CallAsync("LINDEX", "l", "-1"), Is.EqualTo(Bulk("f")));
        Assert.That(await c.CallAsync("LINDEX", "l", "-7"), Is.EqualTo(Nil));
        Assert.That(await c.CallAsync("LINDEX", "l", "6"), Is.EqualTo(Nil));
        Assert.That(await c.CallAsync("LINDEX", "l", "x"), Is.EqualTo(NotInteger));
        Assert.That(await c.CallAsync("LINDEX", "missing", "x"), Is.EqualTo(Nil), "the key is looked up before the index is parsed");
    }

    [Test]
    public async Task LSetErrorsAndReplacement()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("LSET", "missing", "0", "x"), Is.EqualTo("-ERR no such key\r\n"));
        Assert.That(await c.CallAsync("LSET", "missing", "x", "x"), Is.EqualTo("-ERR no such key\r\n"));
        await c.CallAsync("RPUSH", "l", "a", "b", "c");
        Assert.That(await c.CallAsync("LSET", "l", "3", "x"), Is.EqualTo("-ERR index out of range\r\n"));
        Assert.That(await c.CallAsync("LSET", "l", "-4", "x"), Is.EqualTo("-ERR index out of range\r\n"));
        Assert.That(await c.CallAsync("LSET", "l", "x", "x"), Is.EqualTo(NotInteger));
        Assert.That(await c.CallAsync("LSET", "l", "-1", "zzz"), Is.EqualTo(Ok));
        Assert.That(await c.CallAsync("LSET", "l", "0", ""), Is.EqualTo(Ok));
        Assert.That(await c.CallAsync("LRANGE", "l", "0", "-1"), Is.EqualTo(Bulks("", "b", "zzz")));
    }

    [Test]
    public async Task LInsertBeforeAndAfter()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("LINSERT", "missing", "BEFORE", "a", "b"), Is.EqualTo(Int(0)));
        Assert.That(await c.CallAsync("LINSERT", "missing", "middle", "a", "b"), Is.EqualTo(Syntax));
        await c.CallAsync("RPUSH", "l", "a", "c");
        Assert.That(await c.CallAsync("LINSERT", "l", "before", "c", "b"), Is.EqualTo(Int(3)));
        Assert.That(await c.CallAsync("LINSERT", "l", "AFTER", "c", "d"), Is.EqualTo(Int(4)));
        Assert.That(await c.CallAsync("LINSERT", "l", "BEFORE", "a", "0"), Is.EqualTo(Int(5)));
        Assert.That(await c.CallAsync("LINSERT", "l", "AFTER", "nope", "x"), Is.EqualTo(Int(-1)));
        Assert.That(await c.CallAsync("LRANGE", "l", "0", "-1"), Is.EqualTo(Bulks("0", "a", "b", "c", "d")));
    }

    [Test]
    public async Task LRemFromHeadTailOrAll()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("RPUSH", "r", "a", "b", "a", "c", "a", "d", "a");
        Assert.That(await c.CallAsync("LREM", "r", "2", "a"), Is.EqualTo(Int(2)));
        Assert.That(await c.CallAsync("LREM", "r", "-1", "a"), Is.EqualTo(Int(1)));
        Assert.That(await c.CallAsync("LRANGE", "r", "0", "-1"), Is.EqualTo(Bulks("b", "c", "a", "d")));
        Assert.That(await c.CallAsync("LREM", "r", "0", "a"), Is.EqualTo(Int(1)));
        Assert.That(await c.CallAsync("LREM", "r", "0", "zz"), Is.EqualTo(Int(0)));
        Assert.That(await c.CallAsync("LREM", "r", "x", "a"), Is.EqualTo(NotInteger));
        Assert.That(await c.CallAsync("LREM", "missing", "x", "a"), Is.EqualTo(NotInteger));
        Assert.That(await c.CallAsync("LREM", "missing", "0", "a"), Is.EqualTo(Int(0)));
        Assert.That(await c.CallAsync("LREM", "r", "0", "b"), Is.EqualTo(Int(1)));
        Assert.That(await c.CallAsync("LREM", "r", "-5", "c"), Is.EqualTo(Int(1)));
        Assert.That(await c.CallAsync("LREM", "r", "1", "d"), Is.EqualTo(Int(1)));
        Assert.That(await c.CallAsync("EXISTS", "r"), Is.EqualTo(Int(0)));
    }

    [Test]
    public async Task LTrimKeepsARangeAndDeletesWhenEmpty()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("RPUSH", "l", "a", "b", "c", "d", "e");
        Assert.That(await c.CallAsync("LTRIM", "l", "1", "-2"), Is.EqualTo(Ok));
        Assert.That(await c.CallAsync("LRANGE", "l", "0", "-1"), Is.EqualTo(Bulks("b", "c", "d")));
        Assert.That(await c.CallAsync("LTRIM", "l", "-100", "100"), Is.EqualTo(Ok));
        Assert.That(await c.CallAsync("LLEN", "l"), Is.EqualTo(Int(3)));
        Assert.That(await c.CallAsync("LTRIM", "l", "5", "10"), Is.EqualTo(Ok));
        Assert.That(await c.CallAsync("EXISTS", "l"), Is.EqualTo(Int(0)));
        Assert.That(await c.CallAsync("LTRIM", "missing", "0", "1"), Is.EqualTo(Ok));
        Assert.That(await c.CallAsync("LTRIM", "missing", "a", "1"), Is.EqualTo(NotInteger));
    }

    [Test]
    public async Task LPosOptions()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("RPUSH", "l", "a", "b", "c", "a", "b", "c", "a");
        Assert.That(await c.CallAsync("LPOS", "l", "a"), Is.EqualTo(Int(0)));
        Assert.That(await c.CallAsync("LPOS", "l", "a", "RANK", "2"), Is.EqualTo(Int(3)));
        Assert.That(await c.CallAsync("LPOS", "l", "a", "RANK", "-1"), Is.EqualTo(Int(6)));
        Assert.That(await c.CallAsync("LPOS", "l", "a", "RANK", "-2"), Is.EqualTo(Int(3)));
        Assert.That(await c.CallAsync("LPOS", "l", "a", "COUNT", "0"), Is.EqualTo(Arr(Int(0), Int(3), Int(6))));
        Assert.That(await c.CallAsync("LPOS", "l", "a", "COUNT", "2"), Is.EqualTo(Arr(Int(0), Int(3))));
        Assert.That(await c.CallAsync("LPOS", "l", "a", "COUNT", "0", "RANK", "-1"), Is.EqualTo(Arr(Int(6), Int(3), Int(0))));
        Assert.That(await c.CallAsync("LPOS", "l", "b", "MAXLEN", "1"), Is.EqualTo(Nil));
        Assert.That(await c.CallAsync("LPOS", "l", "b", "MAXLEN", "2", "COUNT", "0"), Is.EqualTo(Arr(Int(1))));
        Assert.That(await c.CallAsync("LPOS", "l", "zz"), Is.EqualTo(Nil));
        Assert.That(await c.CallAsync("LPOS", "l", "zz", "COUNT", "0"), Is.EqualTo(Empty));
        Assert.That(await c.CallAsync("LPOS", "l", "a", "RANK", "9223372036854775807"), Is.EqualTo(Nil));
        Assert.That(await c.CallAsync("LPOS", "l", "a", "RANK", "-9223372036854775808"), Is.EqualTo(Int(6)));
        Assert.That(await c.CallAsync("LPOS", "l", "a", "RANK", "0"), Is.EqualTo(
            "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"));
        Assert.That(await c.CallAsync("LPOS", "l", "a", "RANK", "x"), Is.EqualTo(NotInteger));
        Assert.That(await c.CallAsync("LPOS", "l", "a", "COUNT", "-1"), Is.EqualTo("-ERR COUNT can't be negative\r\n"));
        Assert.That(await c.CallAsync("LPOS", "l", "a", "COUNT", "x"), Is.EqualTo("-ERR COUNT can't be negative\r\n"));
        Assert.That(await c.CallAsync("LPOS", "l", "a", "MAXLEN", "-1"), Is.EqualTo("-ERR MAXLEN can't be negative\r\n"));
        Assert.That(await c.CallAsync("LPOS", "l", "a", "FOO", "1"), Is.EqualTo(Syntax));
        Assert.That(await c.CallAsync("LPOS", "l", "a", "RANK"), Is.EqualTo(Syntax));
        Assert.That(await c.CallAsync("LPOS", "missing", "a", "RANK", "0"), Does.StartWith("-ERR RANK can't be zero"), "options are checked before the key");
    }

    [Test]
    public async Task LMoveAndRPopLPush()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("RPUSH", "a", "1", "2", "3");
        Assert.That(await c.CallAsync("LMOVE", "a", "b", "LEFT", "RIGHT"), Is.EqualTo(Bulk("1")));
        Assert.That(await c.CallAsync("LMOVE", "a", "b", "right", "left"), Is.EqualTo(Bulk("3")));
        Assert.That(await c.CallAsync("LRANGE", "b", "0", "-1"), Is.EqualTo(Bulks("3", "1")));
        Assert.That(await c.CallAsync("LMOVE", "a", "b", "UP", "LEFT"), Is.EqualTo(Syntax));
        Assert.That(await c.CallAsync("LMOVE", "missing", "b", "LEFT", "LEFT"), Is.EqualTo(Nil));
        await c.CallAsync("SET", "s", "v");
        Assert.That(await c.CallAsync("LMOVE", "missing", "s", "LEFT", "LEFT"), Is.EqualTo(Nil), "the source is looked at first");
        Assert.That(await c.CallAsync("LMOVE", "a", "s", "LEFT", "LEFT"), Is.EqualTo(WrongType));
        Assert.That(await c.CallAsync("LRANGE", "a", "0", "-1"), Is.EqualTo(Bulks("2")), "nothing moved on WRONGTYPE");
        Assert.That(await c.CallAsync("RPOPLPUSH", "b", "b"), Is.EqualTo(Bulk("1")));
        Assert.That(await c.CallAsync("LRANGE", "b", "0", "-1"), Is.EqualTo(Bulks("1", "3")));
        Assert.That(await c.CallAsync("LMOVE", "b", "b", "LEFT", "LEFT"), Is.EqualTo(Bulk("1")));
        Assert.That(await c.CallAsync("RPOPLPUSH", "a", "c"), Is.EqualTo(Bulk("2")));
        Assert.That(await c.CallAsync("EXISTS", "a"), Is.EqualTo(Int(0)));
        Assert.That(await c.CallAsync("LRANGE", "c", "0", "-1"), Is.EqualTo(Bulks("2")));
        Assert.That(await c.CallAsync("RPOPLPUSH", "s", "c"), Is.EqualTo(WrongType));
    }

    [Test]
    public async Task LMPopParsesLikeRedis()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("RPUSH", "b", "1", "2", "3");
        Assert.That(await c.CallAsync("LMPOP", "2", "a", "b", "LEFT"), Is.EqualTo(Arr(Bulk("b"), Bulks("1"))));
        Assert.That(await c.CallAsync("LMPOP", "2", "a", "b", "RIGHT", "COUNT", "5"), Is.EqualTo(Arr(Bulk("b"), Bulks("3", "2"))));
        Assert.That(await c.CallAsync("EXISTS", "b"), Is.EqualTo(Int(0)));
        Assert.That(await c.CallAsync("LMPOP", "2", "a", "b", "LEFT"), Is.EqualTo(NilArray));
        Assert.That(await c.CallAsync("LMPOP", "0", "a", "LEFT"), Is.EqualTo("-ERR numkeys should be greater than 0\r\n"));
        Assert.That(await c.CallAsync("LMPOP", "x", "a", "LEFT"), Is.EqualTo("-ERR numkeys should be greater than 0\r\n"));
        Assert.That(await c.CallAsync("LMPOP", "3", "a", "LEFT"), Is.EqualTo(Syntax));
        Assert.That(await c.CallAsync("LMPOP", "9223372036854775807", "a", "LEFT"), Is.EqualTo(Syntax));
        Assert.That(await c.CallAsync("LMPOP", "1", "a", "UP"), Is.EqualTo(Syntax));
        Assert.That(await c.CallAsync("LMPOP", "1", "a", "LEFT", "COUNT", "0"), Is.EqualTo("-ERR count should be greater than 0\r\n"));
        Assert.That(await c.CallAsync("LMPOP", "1", "a", "LEFT", "COUNT", "x"), Is.EqualTo("-ERR count should be greater than 0\r\n"));
        Assert.That(await c.CallAsync("LMPOP", "1", "a", "LEFT", "COUNT"), Is.EqualTo(Syntax));
        Assert.That(await c.CallAsync("LMPOP", "1", "a", "LEFT", "COUNT", "1", "COUNT", "2"), Is.EqualTo(Syntax));
        Assert.That(await c.CallAsync("LMPOP", "1", "a", "LEFT", "FOO"), Is.EqualTo(Syntax));
        Assert.That(await c.CallAsync("LMPOP", "1", "a"), Is.EqualTo("-ERR wrong number of arguments for 'lmpop' command\r\n"));
        await c.CallAsync("SET", "s", "v");
        Assert.That(await c.CallAsync("LMPOP", "2", "missing", "s", "LEFT"), Is.EqualTo(WrongType));
    }

    [Test]
    public async Task WrongTypeEverywhere()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SET", "s", "v");
        string[][] commands =
        [
            ["LPUSH", "s", "a"], ["RPUSH", "s", "a"], ["LPUSHX", "s", "a"], ["RPUSHX", "s", "a"],
            ["LPOP", "s"], ["RPOP", "s", "0"], ["LLEN", "s"], ["LRANGE", "s", "0", "1"], ["LINDEX", "s", "x"],
            ["LSET", "s", "x", "y"], ["LINSERT", "s", "BEFORE", "a", "b"], ["LREM", "s", "0", "a"], ["LTRIM", "s", "0", "1"],
            ["LPOS", "s", "a"], ["LMOVE", "s", "d", "LEFT", "LEFT"], ["RPOPLPUSH", "s", "d"], ["LMPOP", "1", "s", "LEFT"],
            ["BLPOP", "s", "0"], ["BRPOP", "missing", "s", "0"], ["BLMOVE", "s", "d", "LEFT", "LEFT", "0"],
            ["BRPOPLPUSH", "s", "d", "0"], ["BLMPOP", "0", "1", "s", "LEFT"],
        ];
        foreach (var command in commands)
        {
            Assert.That(await c.CallAsync(command), Is.EqualTo(WrongType), string.Join(' ', command));
        }
        Assert.That(await c.CallAsync("GET", "s"), Is.EqualTo(Bulk("v")));
    }

    [Test]
    public async Task BlockingArgumentErrorsInRedisOrder()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SET", "s", "v");
        Assert.That(await c.CallAsync("BLPOP", "k", "-1"), Is.EqualTo("-ERR timeout is negative\r\n"));
        Assert.That(await c.CallAsync("BLPOP", "k", "x"), Is.EqualTo("-ERR timeout is not a float or out of range\r\n"));
        Assert.That(await c.CallAsync("BLPOP", "k", "nan"), Is.EqualTo("-ERR timeout is not a float or out of range\r\n"));
        Assert.That(await c.CallAsync("BLPOP", "k", " 1"), Is.EqualTo("-ERR timeout is not a float or out of range\r\n"));
        Assert.That(await c.CallAsync("BLPOP", "k", "inf"), Is.EqualTo("-ERR timeout is negative\r\n"));
        Assert.That(await c.CallAsync("BLPOP", "k", "1e20"), Is.EqualTo("-ERR timeout is negative\r\n"));
        Assert.That(await c.CallAsync("BLPOP", "s", "x"), Is.EqualTo("-ERR timeout is not a float or out of range\r\n"), "timeout before type");
        Assert.That(await c.CallAsync("BLMOVE", "k", "d", "UP", "LEFT", "x"), Is.EqualTo(Syntax), "directions before timeout");
        Assert.That(await c.CallAsync("BLMOVE", "k", "d", "LEFT", "LEFT", "-1"), Is.EqualTo("-ERR timeout is negative\r\n"));
        Assert.That(await c.CallAsync("BRPOPLPUSH", "k", "d", "-1"), Is.EqualTo("-ERR timeout is negative\r\n"));
        Assert.That(await c.CallAsync("BLMPOP", "x", "0", "a", "LEFT"), Is.EqualTo("-ERR numkeys should be greater than 0\r\n"), "numkeys before timeout");
        Assert.That(await c.CallAsync("BLMPOP", "-1", "1", "a", "UP"), Is.EqualTo(Syntax));
        Assert.That(await c.CallAsync("BLMPOP", "-1", "1", "a", "LEFT", "COUNT", "0"), Is.EqualTo("-ERR count should be greater than 0\r\n"));
        Assert.That(await c.CallAsync("BLMPOP", "-1", "1", "a", "LEFT"), Is.EqualTo("-ERR timeout is negative\r\n"));
    }

    [Test]
    public async Task BlockingFormsAnswerAtOnceWhenAnElementIsThere()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("RPUSH", "x", "1", "2", "3", "4");
        Assert.That(await c.CallAsync("BLPOP", "missing", "x", "0"), Is.EqualTo(Bulks("x", "1")));
        Assert.That(await c.CallAsync("BRPOP", "missing", "x", "0"), Is.EqualTo(Bulks("x", "4")));
        Assert.That(await c.CallAsync("BLMOVE", "x", "y", "LEFT", "RIGHT", "0"), Is.EqualTo(Bulk("2")));
        Assert.That(await c.CallAsync("BRPOPLPUSH", "x", "y", "0"), Is.EqualTo(Bulk("3")));
        Assert.That(await c.CallAsync("EXISTS", "x"), Is.EqualTo(Int(0)));
        Assert.That(await c.CallAsync("BLMPOP", "0", "2", "x", "y", "LEFT", "COUNT", "9"), Is.EqualTo(Arr(Bulk("y"), Bulks("3", "2"))));
        Assert.That(await c.CallAsync("EXISTS", "y"), Is.EqualTo(Int(0)));
    }

    [Test]
    public async Task BinarySafeAndLargeElements()
    {
        await using var c = new InMemoryClient();
        var big = new string('x', 20_000);
        Assert.That(await c.CallAsync("RPUSH", "l", "a\r\nb", "", big), Is.EqualTo(Int(3)));
        Assert.That(await c.CallAsync("LRANGE", "l", "0", "-1"), Is.EqualTo(Bulks("a\r\nb", "", big)));
        Assert.That(await c.CallAsync("LPOS", "l", ""), Is.EqualTo(Int(1)));
        Assert.That(await c.CallAsync("RPOP", "l"), Is.EqualTo(Bulk(big)));
    }

    [Test]
    public async Task LongListsStayInOrder()
    {
        await using var c = new InMemoryClient();
        for (int i = 0; i < 300; i++) await c.CallAsync("RPUSH", "l", i.ToString());
        Assert.That(await c.CallAsync("LLEN", "l"), Is.EqualTo(Int(300)));
        Assert.That(await c.CallAsync("LINDEX", "l", "150"), Is.EqualTo(Bulk("150")));
        Assert.That(await c.CallAsync("LRANGE", "l", "-2", "-1"), Is.EqualTo(Bulks("298", "299")));
        Assert.That(await c.CallAsync("LINSERT", "l", "AFTER", "0", "x"), Is.EqualTo(Int(301)));
        Assert.That(await c.CallAsync("LPOS", "l", "299"), Is.EqualTo(Int(300)));
        Assert.That(await c.CallAsync("LTRIM", "l", "0", "2"), Is.EqualTo(Ok));
        Assert.That(await c.CallAsync("LRANGE", "l", "0", "-1"), Is.EqualTo(Bulks("0", "x", "1")));
    }

    [Test]
    public async Task CopyGivesAnIndependentList()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("RPUSH", "l", "a", "b");
        Assert.That(await c.CallAsync("COPY", "l", "l2"), Is.EqualTo(Int(1)));
        await c.CallAsync("LSET", "l", "0", "z");
        Assert.That(await c.CallAsync("LRANGE", "l2", "0", "-1"), Is.EqualTo(Bulks("a", "b")));
    }

    [Test]
    public async Task ExpiredListIsGone()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        await using var c = new InMemoryClient(InMemoryClient.NewServer(time: time));
        await c.CallAsync("RPUSH", "l", "a");
        await c.CallAsync("PEXPIRE", "l", "100");
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.That(await c.CallAsync("LLEN", "l"), Is.EqualTo(Int(0)));
        Assert.That(await c.CallAsync("RPUSH", "l", "b"), Is.EqualTo(Int(1)));
        Assert.That(await c.CallAsync("PTTL", "l"), Is.EqualTo(Int(-1)));
    }

    /// <summary>
    /// Pushes and pops on existing lists, LINDEX, LLEN, LRANGE and LMOVE allocate nothing (the pushed bytes go into
    /// the list's packed buffer), measured like AllocationBudgetTests: 100 pipelined commands through one session.
    /// </summary>
    [Test]
    public void HotListCommandsAllocateNothing()
    {
        var server = new ServerState(new Config.ServerOptions { Port = 0 });
        var processor = new Network.CommandProcessor(server,
            new Sessions.ClientSession("127.0.0.1:50000", "127.0.0.1:6379", server.NowMs), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var setup = new MemoryStream();
        for (int k = 0; k < 10; k++) setup.Write(Resp.Command("RPUSH", $"list:{k}", "alpha", "beta", "gamma", "delta", "epsilon"));
        var batch = new MemoryStream();
        for (int g = 0; g < 20; g++)
        {
            // Groups of five that leave every list as they found it, so the batch can run again and again.
            string key = $"list:{g % 10}", next = $"list:{(g + 1) % 10}";
            batch.Write(Resp.Command("RPUSH", key, "value"));
            batch.Write(Resp.Command("LPOP", key));
            batch.Write(Resp.Command("LMOVE", key, next, "LEFT", "RIGHT"));
            batch.Write(Resp.Command("LMOVE", next, key, "RIGHT", "LEFT"));
            batch.Write((g % 3) switch
            {
                0 => Resp.Command("LINDEX", key, "2"),
                1 => Resp.Command("LRANGE", key, "0", "-1"),
                _ => Resp.Command("LLEN", key),
            });
        }
        var sink = new Network.NullBufferWriter();
        var setupInput = new System.Buffers.ReadOnlySequence<byte>(setup.ToArray());
        processor.Process(ref setupInput, sink);
        var request = new System.Buffers.ReadOnlySequence<byte>(batch.ToArray());
        for (int i = 0; i < 50; i++)
        {
            var input = request;
            processor.Process(ref input, sink);
        }
        // As AllocationBudgetTests: one-off runtime allocations (a method re-jitted mid-run) may show up in a batch
        // or two; an allocation per command would show up in every batch.
        long total = 0;
        int allocatingBatches = 0;
        for (int i = 0; i < 200; i++)
        {
            var input = request;
            long before = GC.GetAllocatedBytesForCurrentThread();
            processor.Process(ref input, sink);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            total += allocated;
            if (allocated > 0) allocatingBatches++;
            Assert.That(input.IsEmpty, Is.True);
        }
        Assert.That(total / (200.0 * 100), Is.LessThan(0.5), "bytes per command");
        Assert.That(allocatingBatches, Is.LessThanOrEqualTo(2), "batches that allocated anything");
    }

    [Test]
    public async Task LmpopTouchesWatchers()
    {
        var server = InMemoryClient.NewServer();
        await using var a = new InMemoryClient(server);
        await using var b = new InMemoryClient(server);
        await a.CallAsync("RPUSH", "l", "x", "y");
        Assert.That(await a.CallAsync("WATCH", "l"), Is.EqualTo(Ok));
        Assert.That(await b.CallAsync("LMPOP", "1", "l", "LEFT"), Is.EqualTo(Arr(Bulk("l"), Bulks("x"))));
        await a.CallAsync("MULTI");
        await a.CallAsync("LLEN", "l");
        Assert.That(await a.CallAsync("EXEC"), Is.EqualTo(NilArray));
    }
}
