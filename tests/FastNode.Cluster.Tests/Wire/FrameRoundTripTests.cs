using FastNode.Cluster.Wire;

namespace FastNode.Cluster.Tests.Wire;

public class FrameRoundTripTests
{
    private static readonly ulong ClusterId = BusFrameCodec.ClusterIdOf("test");

    private static IEnumerable<TestCaseData> Messages() =>
        WireSamples.All().Select(m => new TestCaseData(m).SetArgDisplayNames(m.Type.ToString()));

    [TestCaseSource(nameof(Messages))]
    public void EveryMessageSurvivesEncodeAndDecode(IBusMessage message)
    {
        foreach (var codec in new[] { new BusFrameCodec(ClusterId), new BusFrameCodec(ClusterId, "s3cret"u8.ToArray()) })
        {
            byte[] frame = codec.Encode(WireSamples.Header(message, ClusterId), message);
            Assert.That(codec.TryDecode(frame, out var decoded), Is.EqualTo(FrameRejection.None));
            Assert.That(decoded!.Header.Sender, Is.EqualTo(WireSamples.A));
            Assert.That(decoded.Header.CurrentEpoch, Is.EqualTo(17));
            Assert.That(decoded.Header.ConfigDigest, Is.EqualTo(0xDEADBEEF));
            Assert.That(decoded.Header.ReplicationOffset, Is.EqualTo(123456));
            Assert.That(decoded.Header.Flags.HasFlag(FrameFlags.LeaseGrant), Is.True);
            Assert.That(decoded.Header.Flags.HasFlag(FrameFlags.Authenticated), Is.EqualTo(codec.IsAuthenticated));
            // Records compare lists by reference, so compare the re-encoding instead.
            Assert.That(codec.Encode(decoded.Header, decoded.Message), Is.EqualTo(frame));
        }
    }

    [Test]
    public void ScatteredSlotsTravelAsABitmapAndRangesAsRanges()
    {
        var small = new WireWriter();
        SlotSetCodec.Write(small, WireSamples.Config().Slots);
        var large = new WireWriter();
        SlotSetCodec.Write(large, WireSamples.Config(scattered: true).Slots);
        Assert.That(small.Position, Is.EqualTo(1 + 2 + 4));
        Assert.That(large.Position, Is.EqualTo(1 + 2048));
    }

    [Test]
    public void StreamReaderLearnsTheLengthFromEightBytes()
    {
        var codec = new BusFrameCodec(ClusterId);
        var message = new NackMessage(9);
        byte[] frame = codec.Encode(WireSamples.Header(message, ClusterId), message);
        Assert.That(codec.TryReadLength(frame.AsSpan(0, FrameHeader.PrefixSize), out int length), Is.EqualTo(FrameRejection.None));
        Assert.That(length, Is.EqualTo(frame.Length));
        Assert.That(codec.TryReadLength(frame.AsSpan(0, 7), out _), Is.EqualTo(FrameRejection.Truncated));
    }
}
