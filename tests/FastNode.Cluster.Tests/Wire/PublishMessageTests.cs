using System.Buffers.Binary;
using FastNode.Cluster.Wire;

namespace FastNode.Cluster.Tests.Wire;

/// <summary>The Publish frame's own checks: lengths that lie, a bad shard flag, and the size limit.</summary>
public class PublishMessageTests
{
    private static readonly ulong ClusterId = BusFrameCodec.ClusterIdOf("test");
    private readonly BusFrameCodec _codec = new(ClusterId);

    private byte[] Frame(PublishMessage message) => _codec.Encode(WireSamples.Header(message, ClusterId), message);

    [Test]
    public void ChannelAndMessageComeBackByteForByte()
    {
        byte[] channel = [.. "news:"u8, 0, 200];
        byte[] payload = new byte[70_000];
        new Random(3).NextBytes(payload);
        Assert.That(_codec.TryDecode(Frame(new PublishMessage(true, channel, payload)), out var decoded), Is.EqualTo(FrameRejection.None));
        var message = (PublishMessage)decoded!.Message;
        Assert.That(message.Shard, Is.True);
        Assert.That(message.Channel, Is.EqualTo(channel));
        Assert.That(message.Message, Is.EqualTo(payload));
    }

    [Test]
    public void AChannelLengthPastTheEndIsMalformed()
    {
        byte[] frame = Frame(new PublishMessage(false, "ch"u8.ToArray(), "msg"u8.ToArray()));
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(FrameHeader.Size + 1), uint.MaxValue);
        Assert.That(_codec.TryDecode(frame, out _), Is.EqualTo(FrameRejection.MalformedPayload));
    }

    [Test]
    public void AMessageLengthPastTheEndIsMalformed()
    {
        byte[] frame = Frame(new PublishMessage(false, "ch"u8.ToArray(), "msg"u8.ToArray()));
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(FrameHeader.Size + 1 + 4 + 2), 4);
        Assert.That(_codec.TryDecode(frame, out _), Is.EqualTo(FrameRejection.MalformedPayload));
    }

    [Test]
    public void AShardFlagOtherThanZeroOrOneIsMalformed()
    {
        byte[] frame = Frame(new PublishMessage(false, "ch"u8.ToArray(), "msg"u8.ToArray()));
        frame[FrameHeader.Size] = 2;
        Assert.That(_codec.TryDecode(frame, out _), Is.EqualTo(FrameRejection.MalformedPayload));
    }

    [Test]
    public void BytesLeftOverAreMalformed()
    {
        byte[] frame = Frame(new PublishMessage(false, "ch"u8.ToArray(), "msg"u8.ToArray()));
        // Claim one byte less of message than is there: the last byte is then left over.
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(FrameHeader.Size + 1 + 4 + 2), 2);
        Assert.That(_codec.TryDecode(frame, out _), Is.EqualTo(FrameRejection.MalformedPayload));
    }

    [Test]
    public void OverThePublishLimitIsRefusedAsALimit()
    {
        var small = new BusFrameCodec(ClusterId, limits: new FrameLimits { MaxPublishBytes = 100 });
        var message = new PublishMessage(false, "ch"u8.ToArray(), new byte[99]);
        Assert.That(PublishMessage.Fits(2, 99, small.Limits), Is.False);
        Assert.That(PublishMessage.Fits(2, 98, small.Limits), Is.True);
        byte[] frame = _codec.Encode(WireSamples.Header(message, ClusterId), message);
        Assert.That(small.TryDecode(frame, out _), Is.EqualTo(FrameRejection.LimitExceeded));
    }
}
