using static FastNode.Protocol.Tests.TestSequences;

namespace FastNode.Protocol.Tests;

/// <summary>
/// The span-level parser: exact argument ranges, what "incomplete" promises, resuming a half-parsed request, and every
/// protocol error with the text Redis 7.0 sends (checked against redis-server 7.0.15 over raw sockets).
/// </summary>
public sealed class RespRequestParserTests
{
    private static readonly ProtocolLimits Limits = new();

    private static string[] Args(ReadOnlySpan<byte> source, ArgRangeList args)
    {
        var result = new string[args.Count];
        for (int i = 0; i < args.Count; i++) result[i] = Text(source.Slice(args.AsSpan()[i].Offset, args.AsSpan()[i].Length));
        return result;
    }

    [Test]
    public void MultiBulkRangesPointIntoTheInput()
    {
        var input = Bytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\nrest");
        var args = new ArgRangeList();
        var status = RespRequestParser.TryParseMultiBulk(input, args, Limits, true, out int consumed, out _);
        Assert.That(status, Is.EqualTo(ParseStatus.Complete));
        Assert.That(consumed, Is.EqualTo(input.Length - 4));
        Assert.That(args.AsSpan().ToArray(), Is.EqualTo(new[] { new ArgRange(8, 3), new ArgRange(17, 1), new ArgRange(24, 0) }));
    }

    [TestCase("*0\r\n")]
    [TestCase("*-1\r\n")]
    [TestCase("*-100\r\n")]
    public void EmptyOrNegativeMultiBulkIsACompleteRequestWithNoArguments(string text)
    {
        var args = new ArgRangeList();
        args.Add(new ArgRange(1, 1));
        var status = RespRequestParser.TryParseMultiBulk(Bytes(text), args, Limits, true, out int consumed, out _);
        Assert.That(status, Is.EqualTo(ParseStatus.Complete));
        Assert.That(consumed, Is.EqualTo(text.Length));
        Assert.That(args.Count, Is.Zero);
    }

    [Test]
    public void EveryPrefixOfARequestIsIncompleteAndNeededNeverOvershoots()
    {
        var input = Encode("SET", "key", new string('x', 300), "EX", "10");
        for (int length = 1; length < input.Length; length++)
        {
            var args = new ArgRangeList();
            var status = RespRequestParser.TryParseMultiBulk(input.AsSpan(0, length), args, Limits, true, out int consumed, out long needed);
            Assert.That(status, Is.EqualTo(ParseStatus.Incomplete), $"prefix {length}");
            Assert.That(consumed, Is.Zero);
            Assert.That(needed, Is.GreaterThan(length).And.LessThanOrEqualTo(input.Length), $"prefix {length}");
        }
    }

    [Test]
    public void NeededDoesNotSkipPastAMalformedHeader()
    {
        // "*2" promises two arguments, but the bytes right after the first one are already an error: the reader must
        // be told to look again as soon as they can be seen, not after some guessed size of the rest.
        var input = Bytes("*2\r\n$1\r\na\r\n!\r\n");
        var args = new ArgRangeList();
        var status = RespRequestParser.TryParseMultiBulk(input.AsSpan(0, 11), args, Limits, true, out _, out long needed);
        Assert.That(status, Is.EqualTo(ParseStatus.Incomplete));
        Assert.That(needed, Is.LessThanOrEqualTo(input.Length));
        var ex = Assert.Throws<RespProtocolException>(() => RespRequestParser.TryParseMultiBulk(input, new ArgRangeList(), Limits, true, out _, out _));
        Assert.That(ex!.Message, Is.EqualTo("expected '$', got '!'"));
    }

    [Test]
    public void ResumedParseGivesTheSameArgumentsAsAFreshOne()
    {
        var input = Encode("MSET", "a", "1", "bb", "22", "ccc", new string('3', 1000));
        var args = new ArgRangeList();
        var progress = new MultiBulkProgress();
        ParseStatus status = ParseStatus.Incomplete;
        int consumed = 0;
        for (int length = 1; length <= input.Length && status == ParseStatus.Incomplete; length += 7)
        {
            status = RespRequestParser.TryParseMultiBulk(input.AsSpan(0, Math.Min(length, input.Length)), args, Limits, true,
                ref progress, out consumed, out _);
        }
        if (status == ParseStatus.Incomplete)
            status = RespRequestParser.TryParseMultiBulk(input, args, Limits, true, ref progress, out consumed, out _);
        Assert.That(status, Is.EqualTo(ParseStatus.Complete));
        Assert.That(consumed, Is.EqualTo(input.Length));
        Assert.That(progress.IsStarted, Is.False, "progress is reset once the request is complete");
        Assert.That(Args(input, args), Is.EqualTo(new[] { "MSET", "a", "1", "bb", "22", "ccc", new string('3', 1000) }));
    }

    [TestCase("*abc\r\n", "invalid multibulk length")]
    [TestCase("*\r\n", "invalid multibulk length")]
    [TestCase("*1048577\r\n", "invalid multibulk length")]
    [TestCase("* 1\r\n", "invalid multibulk length")]
    [TestCase("*99999999999999999999\r\n", "invalid multibulk length")]
    [TestCase("*1\r\n$-1\r\n", "invalid bulk length")]
    [TestCase("*1\r\n$1x\r\n", "invalid bulk length")]
    [TestCase("*1\r\n$536870913\r\n", "invalid bulk length")]
    [TestCase("*1\r\n*1\r\n", "expected '$', got '*'")]
    [TestCase("*1\r\nPING\r\n", "expected '$', got 'P'")]
    public void MultiBulkErrors(string text, string error)
    {
        var ex = Assert.Throws<RespProtocolException>(() =>
            RespRequestParser.TryParseMultiBulk(Bytes(text), new ArgRangeList(), Limits, true, out _, out _));
        Assert.That(ex!.Message, Is.EqualTo(error));
        Assert.That(ex.ReplyBeforeClose, Is.True);
    }

    [TestCase("*11\r\n", "unauthenticated multibulk length")]
    [TestCase("*1048577\r\n", "unauthenticated multibulk length")]
    [TestCase("*1\r\n$16385\r\n", "unauthenticated bulk length")]
    [TestCase("*1\r\n$-1\r\n", "invalid bulk length")]
    [TestCase("*x\r\n", "invalid multibulk length")]
    public void UnauthenticatedErrors(string text, string error)
    {
        var ex = Assert.Throws<RespProtocolException>(() =>
            RespRequestParser.TryParseMultiBulk(Bytes(text), new ArgRangeList(), Limits, false, out _, out _));
        Assert.That(ex!.Message, Is.EqualTo(error));
    }

    [Test]
    public void MultiBulkLimitCanBeLowered()
    {
        var limits = new ProtocolLimits { MaxArguments = 3 };
        Assert.That(RespRequestParser.TryParseMultiBulk(Bytes("*3\r\n"), new ArgRangeList(), limits, true, out _, out _), Is.EqualTo(ParseStatus.Incomplete));
        var ex = Assert.Throws<RespProtocolException>(() => RespRequestParser.TryParseMultiBulk(Bytes("*4\r\n"), new ArgRangeList(), limits, true, out _, out _));
        Assert.That(ex!.Message, Is.EqualTo("invalid multibulk length"));
    }

    [Test]
    public void HeaderLinesAreLimitedTo64KiB()
    {
        var exactly = Bytes("*" + new string('1', 65535));          // 65,536 bytes, no CR yet: wait
        Assert.That(RespRequestParser.TryParseMultiBulk(exactly, new ArgRangeList(), Limits, true, out _, out _), Is.EqualTo(ParseStatus.Incomplete));
        var over = Bytes("*" + new string('1', 65536));             // 65,537 bytes, no CR: too big
        var ex = Assert.Throws<RespProtocolException>(() => RespRequestParser.TryParseMultiBulk(over, new ArgRangeList(), Limits, true, out _, out _));
        Assert.That(ex!.Message, Is.EqualTo("too big mbulk count string"));
        var bulk = Bytes("*1\r\n$" + new string('1', 65536));
        ex = Assert.Throws<RespProtocolException>(() => RespRequestParser.TryParseMultiBulk(bulk, new ArgRangeList(), Limits, true, out _, out _));
        Assert.That(ex!.Message, Is.EqualTo("too big bulk count string"));
    }

    [Test]
    public void InlineRangesPointIntoTheScratchBuffer()
    {
        var input = Bytes("SET \"a b\" c\r\nGET a\r\n");
        var args = new ArgRangeList();
        byte[] scratch = [];
        var status = RespRequestParser.TryParseInline(input, args, ref scratch, out int consumed);
        Assert.That(status, Is.EqualTo(ParseStatus.Complete));
        Assert.That(consumed, Is.EqualTo(13));
        Assert.That(Args(scratch, args), Is.EqualTo(new[] { "SET", "a b", "c" }));
    }

    [TestCase("PING")]
    [TestCase("PING\r")]
    [TestCase("PING\0\r\n")]
    public void InlineWithoutANewlineWaits(string text)
    {
        byte[] scratch = [];
        Assert.That(RespRequestParser.TryParseInline(Bytes(text), new ArgRangeList(), ref scratch, out int consumed), Is.EqualTo(ParseStatus.Incomplete));
        Assert.That(consumed, Is.Zero);
    }

    [TestCase("SET k \"v\r\n")]
    [TestCase("SET k 'v\r\n")]
    [TestCase("SET k \"v\"x\r\n")]
    [TestCase("SET k 'v'x\r\n")]
    [TestCase("SET k \"v\\\r\n")]
    public void InlineUnbalancedQuotes(string text)
    {
        byte[] scratch = [];
        var ex = Assert.Throws<RespProtocolException>(() => RespRequestParser.TryParseInline(Bytes(text), new ArgRangeList(), ref scratch, out _));
        Assert.That(ex!.Message, Is.EqualTo("unbalanced quotes in request"));
    }

    [Test]
    public void InlineTooBig()
    {
        byte[] scratch = [];
        Assert.That(RespRequestParser.TryParseInline(Enumerable.Repeat((byte)'a', 65536).ToArray(), new ArgRangeList(), ref scratch, out _),
            Is.EqualTo(ParseStatus.Incomplete));
        var ex = Assert.Throws<RespProtocolException>(() =>
            RespRequestParser.TryParseInline(Enumerable.Repeat((byte)'a', 65537).ToArray(), new ArgRangeList(), ref scratch, out _));
        Assert.That(ex!.Message, Is.EqualTo("too big inline request"));
    }

    // sdssplitargs, as redis-server 7.0.15 splits these lines (checked with ECHO over a raw socket).
    [TestCase("a b  c", new[] { "a", "b", "c" })]
    [TestCase("\"a\\x41\\n\\t\\r\\b\\a\\\\\\\"b\\z\\xZZ\"", new[] { "aA\n\t\r\b\a\\\"bzxZZ" })]
    [TestCase("'it\\'s \\n'", new[] { "it's \\n" })]
    [TestCase("\"\" ''", new[] { "", "" })]
    [TestCase("ab\"c d\"", new[] { "abc d" })]
    [TestCase("ab'c d'", new[] { "abc d" })]
    [TestCase("a\vb", new[] { "a\vb" })]
    [TestCase("a\fb", new[] { "a\fb" })]
    [TestCase("\f\va", new[] { "a" })]
    [TestCase("\"x\"\v\"y\"", new[] { "x", "y" })]
    [TestCase("a\0b c", new[] { "a" })]
    [TestCase("", new string[0])]
    public void InlineSplitter(string line, string[] expected)
    {
        var bytes = Bytes(line);
        var output = new byte[bytes.Length];
        var args = new ArgRangeList();
        Assert.That(FastNode.Protocol.InlineSplitter.TrySplit(bytes, output, args), Is.True);
        Assert.That(Args(output, args), Is.EqualTo(expected));
    }

    [TestCase("\"a\0\"")]
    [TestCase("'a")]
    [TestCase("\"a\"b")]
    public void InlineSplitterRejects(string line)
    {
        var bytes = Bytes(line);
        Assert.That(FastNode.Protocol.InlineSplitter.TrySplit(bytes, new byte[bytes.Length], new ArgRangeList()), Is.False);
    }
}
