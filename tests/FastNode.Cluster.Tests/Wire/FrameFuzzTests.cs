using FastNode.Cluster.Wire;
using FsCheck;
using FsCheck.Fluent;

namespace FastNode.Cluster.Tests.Wire;

/// <summary>
/// Garbage in, typed rejection out: random and mutated frames never make the decoder throw, and with a shared
/// secret no mutated frame is ever accepted.
/// </summary>
public class FrameFuzzTests
{
    private static readonly ulong ClusterId = BusFrameCodec.ClusterIdOf("test");
    private static readonly byte[][] Valid = WireSamples.All()
        .Select(m => new BusFrameCodec(ClusterId).Encode(WireSamples.Header(m, ClusterId), m)).ToArray();

    [Test]
    public void TenThousandRandomFramesAreRejected()
    {
        var codec = new BusFrameCodec(ClusterId);
        var random = new Random(14);
        for (int i = 0; i < 10_000; i++)
        {
            var frame = new byte[random.Next(0, 600)];
            random.NextBytes(frame);
            // Half of them get a correct magic and length, so the checks behind those are exercised too.
            if (i % 2 == 0 && frame.Length >= FrameHeader.PrefixSize)
            {
                BitConverter.TryWriteBytes(frame.AsSpan(0), FrameHeader.Magic);
                BitConverter.TryWriteBytes(frame.AsSpan(4), frame.Length);
            }
            Assert.That(codec.TryDecode(frame, out _), Is.Not.EqualTo(FrameRejection.None), $"frame {i}");
        }
    }

    [Test]
    public void TenThousandMutatedFramesNeverThrow()
    {
        var codec = new BusFrameCodec(ClusterId);
        var random = new Random(1414);
        var outcomes = new Dictionary<FrameRejection, int>();
        for (int i = 0; i < 10_000; i++)
        {
            byte[] frame = Mutate(Valid[i % Valid.Length], random, keepPrefix: i % 4 != 0);
            var rejection = codec.TryDecode(frame, out var decoded);
            Assert.That(decoded is null, Is.EqualTo(rejection != FrameRejection.None));
            outcomes[rejection] = outcomes.GetValueOrDefault(rejection) + 1;
        }
        TestContext.Out.WriteLine(string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}={o.Value}")));
        // Most mutations must be caught by structure alone (a flipped bit in an epoch can still parse).
        Assert.That(outcomes.GetValueOrDefault(FrameRejection.None), Is.LessThan(5_000));
    }

    [Test]
    public void WithASecretNoMutatedFrameIsAccepted()
    {
        var codec = new BusFrameCodec(ClusterId, "s3cret"u8.ToArray());
        byte[][] valid = WireSamples.All().Select(m => codec.Encode(WireSamples.Header(m, ClusterId), m)).ToArray();
        var random = new Random(2828);
        for (int i = 0; i < 10_000; i++)
        {
            byte[] original = valid[i % valid.Length];
            byte[] frame = Mutate(original, random, keepPrefix: true);
            if (frame.AsSpan().SequenceEqual(original)) continue;
            Assert.That(codec.TryDecode(frame, out _), Is.Not.EqualTo(FrameRejection.None), $"mutation {i}");
        }
    }

    private static Gen<byte> AnyByte => Gen.Choose(0, 255).Select(i => (byte)i);

    /// <summary>Random bytes, half of them behind a valid magic and length so the decoder reads past the prefix.</summary>
    private static Gen<byte[]> Frames =>
        Gen.OneOf(
            Gen.ArrayOf(AnyByte),
            Gen.ArrayOf(AnyByte).Select(body =>
            {
                var frame = new byte[FrameHeader.PrefixSize + body.Length];
                BitConverter.TryWriteBytes(frame.AsSpan(0), FrameHeader.Magic);
                BitConverter.TryWriteBytes(frame.AsSpan(4), frame.Length);
                body.CopyTo(frame, FrameHeader.PrefixSize);
                return frame;
            }));

    [FsCheck.NUnit.Property(MaxTest = 2000)]
    public Property ArbitraryBytesGiveARejectionOrAFrameButNeverThrow() =>
        Prop.ForAll(Frames.ToArbitrary(), bytes =>
        {
            var rejection = new BusFrameCodec(ClusterId).TryDecode(bytes, out var decoded);
            return (rejection == FrameRejection.None) == (decoded is not null);
        });

    /// <summary>Flips, overwrites, inserts, deletes or truncates bytes; with keepPrefix the length field is fixed up.</summary>
    private static byte[] Mutate(byte[] original, Random random, bool keepPrefix)
    {
        var bytes = new List<byte>(original);
        int edits = random.Next(1, 6);
        for (int e = 0; e < edits && bytes.Count > 0; e++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes[at] = (byte)random.Next(256); break;
                case 2: bytes.Insert(at, (byte)random.Next(256)); break;
                case 3: if (bytes.Count > 1) bytes.RemoveAt(at); break;
                default: bytes.RemoveRange(at, bytes.Count - at); break;
            }
        }
        byte[] frame = [.. bytes];
        if (keepPrefix && frame.Length >= FrameHeader.PrefixSize)
        {
            BitConverter.TryWriteBytes(frame.AsSpan(0), FrameHeader.Magic);
            BitConverter.TryWriteBytes(frame.AsSpan(4), frame.Length);
        }
        return frame;
    }
}
