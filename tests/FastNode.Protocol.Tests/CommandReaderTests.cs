using System.Buffers;
using System.Text;
using static FastNode.Protocol.Tests.RequestCases;
using static FastNode.Protocol.Tests.TestSequences;

namespace FastNode.Protocol.Tests;

/// <summary>
/// Every request case read whole, split in two segments at every byte, and fed one byte at a time (merged into one
/// segment, as a pipe usually hands it over, and as separate segments). All must agree, and when fed byte by byte
/// each command must come out exactly when its last byte arrives: never earlier, never twice, never lost.
/// </summary>
public sealed class CommandReaderTests
{
    private static IEnumerable<TestCaseData> AllCases() => All().Select(c => new TestCaseData(c).SetArgDisplayNames(c.Name));

    private static IEnumerable<TestCaseData> SmallCases() =>
        All().Where(c => c.Input.Length <= 4096).Select(c => new TestCaseData(c).SetArgDisplayNames(c.Name));

    [TestCaseSource(nameof(AllCases))]
    public void Whole(Case c)
    {
        var run = ReaderRun.Whole(c.Input, c.Authenticated, c.Limits);
        Assert.That(Describe(run.Commands), Is.EqualTo(Describe(c.Commands)));
        Assert.That(run.Error, Is.EqualTo(c.Error));
        Assert.That(run.Pending, Is.EqualTo(c.ExpectedPending));
    }

    [TestCaseSource(nameof(AllCases))]
    public void SplitInTwoSegmentsAtEveryByte(Case c)
    {
        var whole = ReaderRun.Whole(c.Input, c.Authenticated, c.Limits);
        foreach (int at in SplitPoints(c.Input.Length))
        {
            var split = ReaderRun.Split(c.Input, at, c.Authenticated, c.Limits);
            Assert.That(split.Summary, Is.EqualTo(whole.Summary), $"split at {at}");
            Assert.That(split.EmittedAt, Is.EqualTo(whole.EmittedAt), $"split at {at}");
        }
    }

    [TestCaseSource(nameof(AllCases))]
    public void OneByteAtATimeInOneSegment(Case c) => AssertByteByByte(c, segmented: false);

    [TestCaseSource(nameof(AllCases))]
    public void OneByteAtATimeInSeparateSegments(Case c) => AssertByteByByte(c, segmented: true);

    private static void AssertByteByByte(Case c, bool segmented)
    {
        var whole = ReaderRun.Whole(c.Input, c.Authenticated, c.Limits);
        var run = ReaderRun.Incremental(c.Input, 1, segmented, c.Authenticated, c.Limits);
        Assert.That(run.Summary, Is.EqualTo(whole.Summary));
        // Whole's EmittedAt is where each command ends; fed bytewise it must come out on exactly that byte.
        Assert.That(run.EmittedAt, Is.EqualTo(whole.EmittedAt));
    }

    [TestCaseSource(nameof(SmallCases))]
    public void EveryByteItsOwnSegmentInOneRead(Case c)
    {
        var whole = ReaderRun.Whole(c.Input, c.Authenticated, c.Limits);
        var parts = c.Input.Select(b => new[] { b }).ToList();
        parts.Insert(0, []);
        var run = ReaderRun.Once(FromSegments(parts), c.Authenticated, c.Limits);
        Assert.That(run.Summary, Is.EqualTo(whole.Summary));
    }

    [Test]
    public void TenMegabyteArgumentIn4KSegmentsIsParsedOnceComplete()
    {
        var value = new byte[10 * 1024 * 1024];
        new Random(42).NextBytes(value);
        var request = Encode([Bytes("SET"), Bytes("big"), value]);
        foreach (bool segmented in new[] { true, false })
        {
            var reader = ReaderRun.NewReader();
            var run = segmented ? ReaderRun.Incremental(request, 4096, segmented: true, reader: reader) : FeedPipeLike(request, 4096, reader);
            Assert.That(run.Error, Is.Null);
            Assert.That(run.Commands, Has.Count.EqualTo(1));
            Assert.That(run.Commands[0][0], Is.EqualTo("SET"));
            Assert.That(run.Commands[0][2].Length, Is.EqualTo(value.Length));
            Assert.That(Bytes(run.Commands[0][2]).AsSpan().SequenceEqual(value), Is.True, "value bytes");
            Assert.That(run.Pending, Is.Zero);
            // 2,561 reads: the request is parsed a few times while it is small, then once more when complete; a reader
            // that re-scanned from the start on every read would pay about 2,561 * 5 MB here.
            Assert.That(reader.ParseCalls, Is.LessThan(10), $"segmented={segmented}");
            Assert.That(reader.ParsedBytes, Is.LessThan(2L * request.Length), $"segmented={segmented}");
        }
    }

    [Test]
    public void ManySmallArgumentsIn4KSegmentsAreNotRescannedEveryRead()
    {
        var args = new List<byte[]> { Bytes("RPUSH"), Bytes("list") };
        for (int i = 0; i < 100_000; i++) args.Add(Bytes("v" + (i % 10_000).ToString("D4")));
        var request = Encode(args);
        var reader = ReaderRun.NewReader();
        var run = ReaderRun.Incremental(request, 4096, segmented: true, reader: reader);
        Assert.That(run.Error, Is.Null);
        Assert.That(run.Commands, Has.Count.EqualTo(1));
        Assert.That(run.Commands[0], Has.Length.EqualTo(args.Count));
        Assert.That(run.Commands[0][^1], Is.EqualTo("v9999"));
        // About 280 reads, each resuming where the last one stopped: the request is scanned about once, where
        // restarting from its first byte on every read would scan about 280 * 0.6 MB.
        Assert.That(reader.ParsedBytes, Is.LessThan(2L * request.Length));
    }

    /// <summary>A pipe that coalesces what arrived into one growing buffer, like Pipe does within a segment.</summary>
    private static ReaderRun FeedPipeLike(byte[] data, int chunk, CommandReader reader) =>
        ReaderRun.Incremental(data, chunk, segmented: false, reader: reader);

    [Test]
    public void CommandsAfterALargeCarriedOneAreReadFromTheCarryBuffer()
    {
        var big = new string('x', 100_000);
        var request = Encode("SET", "k", big).Concat(Encode("GET", "k")).Concat(Bytes("PING\r\n")).Concat(Encode("ECHO", "e")).ToArray();
        var run = ReaderRun.Once(FromSegments([request[..10], request[10..]]));
        Assert.That(Describe(run.Commands), Is.EqualTo(Describe([["SET", "k", big], ["GET", "k"], ["PING"], ["ECHO", "e"]])));
        Assert.That(run.Pending, Is.Zero);
    }

    [Test]
    public void CarriedCommandAfterAHugeOneKeepsItsArguments()
    {
        // Regression: finishing a carried command used to shrink the argument list (grown by an earlier command of
        // more than 1024 arguments) while the command being returned still used it, so its arguments read as empty.
        var reader = ReaderRun.NewReader();
        var huge = Encode(Enumerable.Range(0, 2000).Select(i => "a" + i).ToArray());
        var input = new ReadOnlySequence<byte>(huge);
        Assert.That(reader.TryRead(ref input, out var first), Is.True);
        Assert.That(first.Count, Is.EqualTo(2000));

        var set = Encode("SET", "k", "v");
        input = FromSegments([set[..5], set[5..]]);
        Assert.That(reader.TryRead(ref input, out var command), Is.True);
        Assert.That(ReaderRun.ToStrings(command), Is.EqualTo(new[] { "SET", "k", "v" }));
    }

    [Test]
    public void CarriedCommandArgumentsSurviveUntilTheNextCall()
    {
        // Regression: the carry buffer went back to the shared pool as soon as the command that drained it was
        // parsed, while that command's arguments still pointed into it; whoever rented it next could overwrite them.
        var reader = ReaderRun.NewReader();
        var value = new string('v', 100_000);
        var request = Encode("SET", "k", value);
        var input = FromSegments([request[..100], request[100..]]);
        Assert.That(reader.TryRead(ref input, out var command), Is.True);
        var rented = ArrayPool<byte>.Shared.Rent(value.Length); // the carry buffer's pool bucket
        try
        {
            Array.Fill(rented, (byte)'!');
            Assert.That(Text(command[2]), Is.EqualTo(value));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    [Test]
    public void ReaderIsReusableAfterAnError()
    {
        var reader = ReaderRun.NewReader();
        var input = new ReadOnlySequence<byte>(Bytes("*x\r\n"));
        Assert.Throws<RespProtocolException>(() => reader.TryRead(ref input, out _));
        reader.Reset();
        Assert.That(ReaderRun.Incremental(Encode("PING"), 1, segmented: true, reader: reader).Summary, Is.EqualTo("[PING] pending:0"));
    }

    [Test]
    public void QueryBufferLimitClosesWithoutAReply()
    {
        var limits = new ProtocolLimits { MaxQueryBuffer = 100_000 };
        var request = Encode("SET", "k", new string('x', 200_000));
        var reader = new CommandReader(limits);
        var ex = Assert.Throws<RespProtocolException>(() => ReaderRun.IncrementalOrThrow(request, 4096, reader));
        Assert.That(ex!.ReplyBeforeClose, Is.False);
        Assert.That(ex.Message, Is.EqualTo("client reached max query buffer length"));
    }

    [Test]
    public void AnnouncedBulkGrowsTheBufferOnlyWithTheBytesReceived()
    {
        var reader = ReaderRun.NewReader();
        long released = 0;
        reader.LargeBufferReleased = bytes => released += bytes;
        var header = Bytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$536870912\r\n");
        var first = new byte[header.Length + 20_000];
        header.CopyTo(first, 0);
        var input = new ReadOnlySequence<byte>(first);
        Assert.That(reader.TryRead(ref input, out _), Is.False);
        Assert.That(reader.BufferCapacity, Is.LessThan(64 * 1024), "the announced 512 MB is not reserved");

        // 3 MB more: the buffer doubles with the data (past the pool's size, so the dropped buffers are reported).
        for (int i = 0; i < 3; i++)
        {
            input = new ReadOnlySequence<byte>(new byte[1024 * 1024]);
            Assert.That(reader.TryRead(ref input, out _), Is.False);
        }
        Assert.That(reader.PendingBytes, Is.EqualTo(first.Length + 3 * 1024 * 1024));
        Assert.That(reader.BufferCapacity, Is.InRange(reader.PendingBytes, 2L * reader.PendingBytes));
        int capacity = reader.BufferCapacity;
        reader.Reset();
        Assert.That(reader.BufferCapacity, Is.Zero);
        Assert.That(released, Is.GreaterThanOrEqualTo(capacity), "the client left: its large buffer is reported as freed");
    }

    [Test]
    public void LargeBufferIsReleasedWhenItsRequestCompletes()
    {
        var reader = ReaderRun.NewReader();
        long released = 0;
        reader.LargeBufferReleased = bytes => released += bytes;
        var request = Encode("SET", "k", new string('x', 3_000_000));
        var input = new ReadOnlySequence<byte>(request[..20_000]);
        Assert.That(reader.TryRead(ref input, out _), Is.False);
        input = new ReadOnlySequence<byte>(request[20_000..]);
        Assert.That(reader.TryRead(ref input, out var command), Is.True);
        Assert.That(command[2].Length, Is.EqualTo(3_000_000));
        Assert.That(reader.BufferCapacity, Is.GreaterThanOrEqualTo(3_000_000));
        reader.ReleaseIdleBuffer();
        Assert.That(reader.BufferCapacity, Is.Zero, "dropped between batches, not kept until the client's next request");
        Assert.That(released, Is.GreaterThanOrEqualTo(3_000_000));
    }

    [Test]
    public void SmallPartialRequestStaysInThePipe()
    {
        var reader = ReaderRun.NewReader();
        var input = new ReadOnlySequence<byte>(Bytes("*2\r\n$3\r\nGET\r\n$1"));
        Assert.That(reader.TryRead(ref input, out _), Is.False);
        Assert.That(input.Length, Is.EqualTo(15), "not consumed: the pipe keeps it until the rest arrives");
        Assert.That(reader.PendingBytes, Is.Zero);
    }

    [Test]
    public void LargePartialRequestMovesToTheCarryBuffer()
    {
        var reader = ReaderRun.NewReader();
        var request = Encode("SET", "k", new string('x', 40_000));
        var input = new ReadOnlySequence<byte>(request[..30_000]);
        Assert.That(reader.TryRead(ref input, out _), Is.False);
        Assert.That(input.IsEmpty, Is.True, "consumed, so a pipe never waits on its pause threshold");
        Assert.That(reader.PendingBytes, Is.EqualTo(30_000));
        input = new ReadOnlySequence<byte>(request[30_000..]);
        Assert.That(reader.TryRead(ref input, out var command), Is.True);
        Assert.That(command.Count, Is.EqualTo(3));
        Assert.That(command[2].Length, Is.EqualTo(40_000));
        Assert.That(reader.PendingBytes, Is.Zero);
    }

    [Test]
    public void AuthenticatedCanChangeBetweenCommands()
    {
        var reader = new CommandReader(new ProtocolLimits()) { Authenticated = false };
        var input = new ReadOnlySequence<byte>(Encode("AUTH", "pw").Concat(Encode(Enumerable.Repeat("x", 11).ToArray())).ToArray());
        Assert.That(reader.TryRead(ref input, out var auth), Is.True);
        Assert.That(Encoding.ASCII.GetString(auth[0]), Is.EqualTo("AUTH"));
        reader.Authenticated = true;
        Assert.That(reader.TryRead(ref input, out var next), Is.True);
        Assert.That(next.Count, Is.EqualTo(11));
    }
}
