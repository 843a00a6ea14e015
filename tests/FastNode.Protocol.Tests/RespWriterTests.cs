using System.Buffers;
using static FastNode.Protocol.Tests.TestSequences;

namespace FastNode.Protocol.Tests;

/// <summary>
/// Exact reply bytes of every <see cref="RespWriter"/> method in RESP2 and RESP3. The shapes and the double format
/// are what redis-server 7.0.15 sends (checked with HELLO 3 and ZSCORE over a raw socket).
/// </summary>
public sealed class RespWriterTests
{
    private delegate void WriteAction(ref RespWriter writer);

    private static string Write(bool resp3, WriteAction action, IBufferWriter<byte>? output = null)
    {
        var buffer = output ?? new ArrayBufferWriter<byte>();
        var writer = new RespWriter(buffer, resp3);
        action(ref writer);
        writer.Commit();
        return output is null ? Text(((ArrayBufferWriter<byte>)buffer).WrittenSpan) : "";
    }

    private static void AssertBoth(WriteAction action, string resp2, string resp3)
    {
        Assert.That(Write(false, action), Is.EqualTo(resp2), "RESP2");
        Assert.That(Write(true, action), Is.EqualTo(resp3), "RESP3");
    }

    [Test]
    public void Raw() => AssertBoth((ref RespWriter w) => w.WriteRaw(RespReplies.Ok), "+OK\r\n", "+OK\r\n");

    [Test]
    public void SimpleString() => AssertBoth((ref RespWriter w) => w.WriteSimpleString("PONG"u8), "+PONG\r\n", "+PONG\r\n");

    [Test]
    public void ErrorFromBytes()
    {
        var writer = new ArrayBufferWriter<byte>();
        var w = new RespWriter(writer, false);
        w.WriteError(RespErrors.WrongType);
        Assert.That(w.Errors, Is.EqualTo(1));
        w.Commit();
        Assert.That(Text(writer.WrittenSpan), Is.EqualTo("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
    }

    [Test]
    public void ErrorFromStringReplacesLineBreaks() =>
        AssertBoth((ref RespWriter w) => w.WriteError("ERR bad\r\nthing"), "-ERR bad  thing\r\n", "-ERR bad  thing\r\n");

    [TestCase(0, ":0\r\n")]
    [TestCase(9, ":9\r\n")]
    [TestCase(10, ":10\r\n")]
    [TestCase(-1, ":-1\r\n")]
    [TestCase(-10, ":-10\r\n")]
    [TestCase(long.MaxValue, ":9223372036854775807\r\n")]
    [TestCase(long.MinValue, ":-9223372036854775808\r\n")]
    public void Integer(long value, string expected) => AssertBoth((ref RespWriter w) => w.WriteInteger(value), expected, expected);

    [TestCase(long.MinValue, "$20\r\n-9223372036854775808\r\n")]
    [TestCase(-5, "$2\r\n-5\r\n")]
    [TestCase(42, "$2\r\n42\r\n")]
    public void BulkInteger(long value, string expected) => AssertBoth((ref RespWriter w) => w.WriteBulkInteger(value), expected, expected);

    [Test]
    public void BulkStrings()
    {
        AssertBoth((ref RespWriter w) => w.WriteBulkString("hello"u8), "$5\r\nhello\r\n", "$5\r\nhello\r\n");
        AssertBoth((ref RespWriter w) => w.WriteBulkString(ReadOnlySpan<byte>.Empty), "$0\r\n\r\n", "$0\r\n\r\n");
        AssertBoth((ref RespWriter w) => w.WriteBulkString("a\r\nb"u8), "$4\r\na\r\nb\r\n", "$4\r\na\r\nb\r\n");
        AssertBoth((ref RespWriter w) => w.WriteBulkString("é"), "$2\r\n\xc3\xa9\r\n", "$2\r\n\xc3\xa9\r\n");
        var long300 = new string('s', 300);
        AssertBoth((ref RespWriter w) => w.WriteBulkString(long300), $"$300\r\n{long300}\r\n", $"$300\r\n{long300}\r\n");
    }

    [Test]
    public void Nulls()
    {
        AssertBoth((ref RespWriter w) => w.WriteNullBulk(), "$-1\r\n", "_\r\n");
        AssertBoth((ref RespWriter w) => w.WriteNullArray(), "*-1\r\n", "_\r\n");
    }

    [Test]
    public void AggregateHeaders()
    {
        AssertBoth((ref RespWriter w) => w.WriteArrayHeader(3), "*3\r\n", "*3\r\n");
        AssertBoth((ref RespWriter w) => w.WriteArrayHeader(0), "*0\r\n", "*0\r\n");
        AssertBoth((ref RespWriter w) => w.WriteMapHeader(2), "*4\r\n", "%2\r\n");
        AssertBoth((ref RespWriter w) => w.WriteMapHeader(0), "*0\r\n", "%0\r\n");
        AssertBoth((ref RespWriter w) => w.WriteSetHeader(5), "*5\r\n", "~5\r\n");
        AssertBoth((ref RespWriter w) => w.WritePushHeader(3), "*3\r\n", ">3\r\n");
    }

    [Test]
    public void MapWithEntries() => AssertBoth((ref RespWriter w) =>
        {
            w.WriteMapHeader(1);
            w.WriteBulkString("proto"u8);
            w.WriteInteger(3);
        }, "*2\r\n$5\r\nproto\r\n:3\r\n", "%1\r\n$5\r\nproto\r\n:3\r\n");

    [Test]
    public void Booleans()
    {
        AssertBoth((ref RespWriter w) => w.WriteBoolean(true), ":1\r\n", "#t\r\n");
        AssertBoth((ref RespWriter w) => w.WriteBoolean(false), ":0\r\n", "#f\r\n");
    }

    // redis-server 7.0.15 ZSCORE replies (addReplyDouble uses "%.17g").
    [TestCase(1.1, "1.1000000000000001")]
    [TestCase(3.0, "3")]
    [TestCase(-2.5, "-2.5")]
    [TestCase(0.0, "0")]
    [TestCase(1e20, "1e+20")]
    [TestCase(1e17, "1e+17")]
    [TestCase(1e16, "10000000000000000")]
    [TestCase(123456789012345678.0, "1.2345678901234568e+17")]
    [TestCase(1.5e-7, "1.4999999999999999e-07")]
    [TestCase(0.1, "0.10000000000000001")]
    [TestCase(0.0001, "0.0001")]
    [TestCase(0.00001, "1.0000000000000001e-05")]
    [TestCase(12345.678, "12345.678")]
    [TestCase(1.7976931348623157e308, "1.7976931348623157e+308")]
    [TestCase(5e-324, "4.9406564584124654e-324")]
    [TestCase(double.PositiveInfinity, "inf")]
    [TestCase(double.NegativeInfinity, "-inf")]
    public void Double(double value, string text) =>
        AssertBoth((ref RespWriter w) => w.WriteDouble(value), $"${text.Length}\r\n{text}\r\n", $",{text}\r\n");

    [Test]
    public void NegativeZeroDoubleIsPrintedAsPrintfDoes() =>
        AssertBoth((ref RespWriter w) => w.WriteDouble(-0.0), "$2\r\n-0\r\n", ",-0\r\n");

    [Test]
    public void Verbatim() => AssertBoth((ref RespWriter w) => w.WriteVerbatim("txt"u8, "a\r\nb"u8),
        "$4\r\na\r\nb\r\n", "=8\r\ntxt:a\r\nb\r\n");

    [Test]
    public void WrittenCountsEveryByte()
    {
        var output = new ArrayBufferWriter<byte>();
        var w = new RespWriter(output, false);
        w.WriteRaw(RespReplies.Ok);
        w.WriteInteger(long.MinValue);
        w.WriteBulkString(new byte[5000]);
        long written = w.Written;
        w.Commit();
        Assert.That(written, Is.EqualTo(output.WrittenCount));
        Assert.That(written, Is.EqualTo(5 + 23 + 5000 + 9));
    }

    [TestCase(4093)]
    [TestCase(4094)]
    [TestCase(4095)]
    [TestCase(4096)]
    [TestCase(4097)]
    [TestCase(100_000)]
    [TestCase(1_000_003)]
    public void BigBulkIsWrittenInChunks(int size)
    {
        var value = new byte[size];
        new Random(size).NextBytes(value);
        var output = new SmallChunkWriter();
        Write(false, (ref RespWriter w) =>
        {
            w.WriteRaw("+first\r\n"u8);
            w.WriteBulkString(value);
            w.WriteRaw("+last\r\n"u8);
        }, output);
        var expected = Bytes($"+first\r\n${size}\r\n").Concat(value).Concat(Bytes("\r\n+last\r\n")).ToArray();
        Assert.That(output.Written.SequenceEqual(expected), Is.True);
        Assert.That(output.LargestRequest, Is.LessThanOrEqualTo(64 * 1024), "a big payload must not ask the pipe for one huge span");
    }

    [Test]
    public void BigVerbatimAndRawAreChunkedToo()
    {
        var text = new byte[20_000];
        Array.Fill(text, (byte)'t');
        var output = new SmallChunkWriter();
        Write(true, (ref RespWriter w) => w.WriteVerbatim("txt"u8, text), output);
        Assert.That(Text(output.Written.ToArray()), Is.EqualTo($"=20004\r\ntxt:{Text(text)}\r\n"));
        Assert.That(output.LargestRequest, Is.LessThanOrEqualTo(64 * 1024));
    }

    [Test]
    public void ManySmallRepliesAcrossChunkBoundaries()
    {
        var output = new SmallChunkWriter();
        Write(true, (ref RespWriter w) =>
        {
            for (int i = 0; i < 2000; i++)
            {
                w.WriteArrayHeader(2);
                w.WriteInteger(-i);
                w.WriteDouble(i + 0.5);
            }
        }, output);
        var expected = string.Concat(Enumerable.Range(0, 2000).Select(i => $"*2\r\n:{-i}\r\n,{i}.5\r\n"));
        Assert.That(Text(output.Written.ToArray()), Is.EqualTo(expected));
    }

    /// <summary>An output that hands out spans no bigger than asked (at least 1 byte), like a pipe near a segment end.</summary>
    private sealed class SmallChunkWriter : IBufferWriter<byte>
    {
        private byte[] _current = [];
        public List<byte> Written { get; } = [];
        public int LargestRequest { get; private set; }

        public void Advance(int count) => Written.AddRange(_current.AsSpan(0, count).ToArray());

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            LargestRequest = Math.Max(LargestRequest, sizeHint);
            // An odd size, so replies straddle chunk ends at many different offsets.
            _current = new byte[Math.Max(sizeHint, 1) + 13];
            return _current;
        }

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
    }
}
