using System.Buffers.Binary;
using System.Diagnostics;
using FastNode.Cluster.Nodes;
using FastNode.Cluster.Wire;

namespace FastNode.IntegrationTests;

/// <summary>
/// 10,000 bad frames to a live node's bus port over TCP, one link each: garbage, frames cut short, oversized length
/// fields, another cluster's id, a newer protocol version, and valid frames with bytes flipped (only those the codec
/// rejects: on an open bus a well-formed frame is trusted, as Redis's bus trusts the network). Every link must be
/// closed by the node, the node must answer PING with cluster_state:ok, the three nodes must keep their configuration
/// (CLUSTER NODES ids, roles, epochs, slots, and currentEpoch), and the warning about dropped frames must be
/// rate-limited (at most one a second in the process output).
/// </summary>
[NonParallelizable]
public sealed class ClusterBusFuzzTests : ProcessTestBase
{
    private const int Frames = 10_000;

    protected override string DirPrefix => "fastnode-clfuzz-";

    private LocalCluster _cluster = null!;

    [SetUp]
    public void NewCluster() => _cluster = new LocalCluster(Processes, Dir);

    [TearDown]
    public void PrintLogsOnFailure()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed) TestContext.Out.WriteLine(_cluster.Logs());
    }

    private enum Kind { Garbage, CutShort, Oversized, OtherCluster, NewerVersion, Mutated, StreamEndsEarly }

    private sealed record BadFrame(Kind Kind, byte[] Bytes, bool EndOfInput);

    [Test]
    public void TenThousandBadFramesLeaveTheClusterAsItWas()
    {
        _cluster.FormPrimaries();
        var before = Enumerable.Range(0, 3).Select(Snapshot).ToList();
        int bus = _cluster.Nodes[0].Bus;
        var frames = Generate(new Random(2026), bus);

        var watch = Stopwatch.StartNew();
        int notClosed = 0;
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.ForEach(frames, new ParallelOptions { MaxDegreeOfParallelism = 8 }, frame =>
        {
            if (BusFrames.SendAndSeeClosed(bus, frame.Bytes, frame.EndOfInput)) return;
            Interlocked.Increment(ref notClosed);
            failures.Add($"{frame.Kind}: {Convert.ToHexString(frame.Bytes.AsSpan(0, Math.Min(80, frame.Bytes.Length)))}");
        });
        double seconds = watch.Elapsed.TotalSeconds;
        TestContext.Out.WriteLine($"{Frames} frames in {seconds:F1} s");
        Assert.That(notClosed, Is.Zero, "links left open:\n" + string.Join("\n", failures.Take(5)));

        for (int node = 0; node < 3; node++)
        {
            Assert.That(_cluster.Call(node, "PING"), Is.EqualTo("+PONG\r\n"));
            _cluster.WaitForOk(node, knownNodes: 3);
            Assert.That(Snapshot(node), Is.EqualTo(before[node]), $"node {node}'s configuration");
        }
        int warnings = _cluster.Running[0].Log.Split('\n').Count(l => l.Contains("Cluster bus: dropped a frame"));
        Assert.That(warnings, Is.InRange(1, (int)Math.Ceiling(seconds) + 2), "one warning a second at most");
    }

    private string Snapshot(int node)
    {
        string epoch = _cluster.Call(node, "CLUSTER", "INFO").Split("\r\n").Single(l => l.StartsWith("cluster_current_epoch:"));
        return epoch + "\n" + BusFrames.Configuration(_cluster.Call(node, "CLUSTER", "NODES"));
    }

    private static List<BadFrame> Generate(Random random, int bus)
    {
        var codec = BusFrames.Codec();
        var someone = NodeId.NewRandom(random);
        var samples = BusFrames.Samples(someone, bus).Select(m => BusFrames.Encode(codec, m, someone, 5)).ToArray();
        var otherCluster = BusFrames.Codec(clusterId: BusFrameCodec.ClusterIdOf("another cluster"));
        var frames = new List<BadFrame>(Frames);
        var kinds = Enum.GetValues<Kind>();
        for (int i = 0; i < Frames; i++)
        {
            var kind = kinds[i % kinds.Length];
            byte[] valid = samples[random.Next(samples.Length)];
            frames.Add(kind switch
            {
                Kind.Garbage => new(kind, Garbage(random), false),
                Kind.CutShort => new(kind, CutShort(random, valid), false),
                Kind.Oversized => new(kind, WithLength(valid[..random.Next(8, 64)], (uint)random.Next(4 * 1024 * 1024 + 1, int.MaxValue)), false),
                Kind.OtherCluster => new(kind, BusFrames.Encode(otherCluster, BusFrames.Samples(someone, bus)[random.Next(samples.Length)], someone), false),
                Kind.NewerVersion => new(kind, WithVersion(valid, (byte)random.Next(FrameHeader.CurrentVersion + 1, 256)), false),
                Kind.Mutated => new(kind, Mutated(random, valid, codec), false),
                _ => new(kind, valid[..random.Next(1, valid.Length)], true),
            });
        }
        return frames;
    }

    // Random bytes that do not start with the bus magic.
    private static byte[] Garbage(Random random)
    {
        var bytes = new byte[random.Next(8, 300)];
        random.NextBytes(bytes);
        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes) == FrameHeader.Magic) bytes[0] ^= 0xFF;
        return bytes;
    }

    // A valid frame cut at a random point whose length field says it ends there: what arrives is complete but short.
    private static byte[] CutShort(Random random, byte[] valid) => WithLength(valid[..random.Next(8, valid.Length)], 0);

    private static byte[] WithLength(byte[] frame, uint length)
    {
        var copy = (byte[])frame.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(4), length == 0 ? (uint)copy.Length : length);
        return copy;
    }

    private static byte[] WithVersion(byte[] frame, byte version)
    {
        var copy = (byte[])frame.Clone();
        copy[8] = version;
        return copy;
    }

    // One to four bytes flipped past the length field, until the codec rejects the result.
    private static byte[] Mutated(Random random, byte[] valid, BusFrameCodec codec)
    {
        while (true)
        {
            var copy = (byte[])valid.Clone();
            int flips = random.Next(1, 5);
            for (int f = 0; f < flips; f++) copy[random.Next(8, copy.Length)] ^= (byte)random.Next(1, 256);
            if (codec.TryDecode(copy, out _) != FrameRejection.None) return copy;
        }
    }
}
