using System.Buffers.Binary;
using FastNode.Cluster.Nodes;
using FastNode.Cluster.Wire;

namespace FastNode.Cluster.Tests.Wire;

public class FrameRejectionTests
{
    private static readonly ulong ClusterId = BusFrameCodec.ClusterIdOf("test");
    private readonly BusFrameCodec _open = new(ClusterId);
    private readonly BusFrameCodec _secured = new(ClusterId, "s3cret"u8.ToArray());

    private static byte[] Frame(BusFrameCodec codec, IBusMessage? message = null)
    {
        message ??= new AckMessage(1, [new SuspectItem(WireSamples.B, 1, WireSamples.A)]);
        return codec.Encode(WireSamples.Header(message, ClusterId), message);
    }

    private static byte[] WithLength(byte[] frame, int length)
    {
        var copy = (byte[])frame.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(4), (uint)length);
        return copy;
    }

    private FrameRejection Decode(byte[] frame, BusFrameCodec? codec = null) => (codec ?? _open).TryDecode(frame, out _);

    [Test]
    public void Truncated() => Assert.That(Decode(Frame(_open)[..^1]), Is.EqualTo(FrameRejection.Truncated));

    [Test]
    public void ShorterThanAHeader() => Assert.That(Decode(Frame(_open)[..20]), Is.EqualTo(FrameRejection.Truncated));

    [Test]
    public void NotABusFrame() => Assert.That(Decode("*1\r\n$4\r\nPING\r\n"u8.ToArray()), Is.EqualTo(FrameRejection.BadMagic));

    [Test]
    public void OversizedLengthIsRejectedBeforeReadingFurther()
    {
        var small = new BusFrameCodec(ClusterId, limits: new FrameLimits { MaxFrameBytes = 1024 });
        Assert.That(Decode(WithLength(Frame(_open), 1025), small), Is.EqualTo(FrameRejection.TooLarge));
        Assert.That(Decode(WithLength(Frame(_open), int.MaxValue)), Is.EqualTo(FrameRejection.TooLarge));
    }

    [Test]
    public void LengthSmallerThanAHeader() => Assert.That(Decode(WithLength(Frame(_open), 10)), Is.EqualTo(FrameRejection.BadLength));

    [Test]
    public void TrailingBytesAfterTheFrame()
    {
        byte[] frame = [.. Frame(_open), 0];
        Assert.That(Decode(frame), Is.EqualTo(FrameRejection.BadLength));
    }

    [Test]
    public void NewerVersion()
    {
        byte[] frame = Frame(_open);
        frame[8] = FrameHeader.CurrentVersion + 1;
        Assert.That(Decode(frame), Is.EqualTo(FrameRejection.NewerVersion));
    }

    [Test]
    public void OlderVersion()
    {
        byte[] frame = Frame(_open);
        frame[8] = 0;
        Assert.That(Decode(frame), Is.EqualTo(FrameRejection.OlderVersion));
    }

    [Test]
    public void AnotherCluster()
    {
        var other = new BusFrameCodec(BusFrameCodec.ClusterIdOf("other"));
        Assert.That(Decode(Frame(other)), Is.EqualTo(FrameRejection.WrongCluster));
    }

    [Test]
    public void NoMacWhereASecretIsSet() => Assert.That(Decode(Frame(_open), _secured), Is.EqualTo(FrameRejection.MissingMac));

    [Test]
    public void AnyChangedByteBreaksTheMac()
    {
        byte[] good = Frame(_secured);
        // Every byte after the routing fields: header values, payload and the MAC itself.
        for (int i = 20; i < good.Length; i++)
        {
            var bad = (byte[])good.Clone();
            bad[i] ^= 0x01;
            Assert.That(Decode(bad, _secured), Is.EqualTo(FrameRejection.BadMac), $"byte {i}");
        }
    }

    [Test]
    public void WrongSecret()
    {
        var intruder = new BusFrameCodec(ClusterId, "guess"u8.ToArray());
        Assert.That(Decode(Frame(intruder), _secured), Is.EqualTo(FrameRejection.BadMac));
    }

    [Test]
    public void MacWithoutASecretIsRefused() => Assert.That(Decode(Frame(_secured)), Is.EqualTo(FrameRejection.BadMac));

    [Test]
    public void UnknownMessageType()
    {
        byte[] frame = Frame(_open);
        frame[9] = 200;
        Assert.That(Decode(frame), Is.EqualTo(FrameRejection.UnknownType));
    }

    [Test]
    public void PayloadWithBytesLeftOver()
    {
        byte[] frame = Frame(_open, new NackMessage(3));
        byte[] longer = WithLength([.. frame, 1, 2], frame.Length + 2);
        Assert.That(Decode(longer), Is.EqualTo(FrameRejection.MalformedPayload));
    }

    [Test]
    public void TooManyGossipItems()
    {
        var strict = new BusFrameCodec(ClusterId, limits: new FrameLimits { MaxGossipItems = 2 });
        var many = Enumerable.Range(0, 3).Select(i => (GossipItem)new LeftItem(WireSamples.A, i)).ToList();
        Assert.That(Decode(Frame(_open, new PingMessage(1, NodeId.None, many)), strict), Is.EqualTo(FrameRejection.LimitExceeded));
    }

    [Test]
    public void LyingMemberCountDoesNotAllocate()
    {
        byte[] frame = Frame(_open, new StateSyncMessage(false, []));
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(FrameHeader.Size + 1), 16000);
        Assert.That(Decode(frame), Is.EqualTo(FrameRejection.MalformedPayload));
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(FrameHeader.Size + 1), uint.MaxValue);
        Assert.That(Decode(frame), Is.EqualTo(FrameRejection.LimitExceeded));
    }

    [Test]
    public void IncarnationTooCloseToOverflowIsRefused()
    {
        var item = new LeftItem(WireSamples.A, long.MaxValue);
        Assert.That(Decode(Frame(_open, new GossipMessage([item]))), Is.EqualTo(FrameRejection.MalformedPayload));
    }

    [Test]
    public void NegativeEpochInTheHeader()
    {
        byte[] frame = Frame(_open);
        BinaryPrimitives.WriteInt64LittleEndian(frame.AsSpan(40), -1);
        Assert.That(Decode(frame), Is.EqualTo(FrameRejection.MalformedPayload));
    }
}
