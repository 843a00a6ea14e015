using FastNode.Server.Commands.HyperLogLog;

namespace FastNode.Server.Tests;

/// <summary>
/// The HyperLogLog encoding as pure functions: sparse edits agree with the dense form they stand for, and the
/// estimate is the same whichever form holds the registers. (Equality with Redis's own bytes and estimates is
/// checked against redis-server in the integration tests' BitsDifferentialTests.)
/// </summary>
public sealed class HllTests
{
    [Test]
    public void AnEmptyHllIsOneXZeroAndCountsZero()
    {
        var value = new byte[Hll.EmptySize];
        Hll.WriteEmpty(value);
        Assert.That(Hll.HasValidHeader(value), Is.True);
        Assert.That(value.AsSpan(Hll.HeaderSize).ToArray(), Is.EqualTo(new byte[] { 0x7F, 0xFF }));
        Assert.That(Hll.Count(value, out bool invalid), Is.EqualTo(0));
        Assert.That(invalid, Is.False);
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void SparseEditsMatchTheDenseFormTheyStandFor(int seed)
    {
        var random = new Random(seed);
        var sparse = new byte[Hll.DenseSize + 8];
        Hll.WriteEmpty(sparse);
        int length = Hll.EmptySize;
        var expected = new byte[Hll.DenseSize];
        "HYLL"u8.CopyTo(expected);
        var registers = expected.AsSpan(Hll.HeaderSize);
        for (int step = 0; step < 3000; step++)
        {
            // Clustered registers make runs that split and merge; values stay sparse-representable.
            int register = random.Next(2) == 0 ? random.Next(Hll.Registers) : 8000 + random.Next(40);
            int count = random.Next(1, 33);
            var result = Hll.SparseSet(sparse, ref length, register, count, long.MaxValue);
            bool raised = Hll.DenseRaise(registers, register, count);
            Assert.That(result, Is.EqualTo(raised ? Hll.SetResult.Updated : Hll.SetResult.Unchanged), $"step {step}");
        }
        var dense = new byte[Hll.DenseSize];
        Assert.That(Hll.SparseToDense(sparse.AsSpan(0, length), dense), Is.True);
        Assert.That(dense.AsSpan(Hll.HeaderSize).ToArray(), Is.EqualTo(registers.ToArray()));
        Assert.That(Hll.Count(sparse.AsSpan(0, length), out _), Is.EqualTo(Hll.Count(expected, out _)));
        var max = new byte[Hll.Registers];
        Assert.That(Hll.MergeInto(max, sparse.AsSpan(0, length)), Is.True);
        Assert.That(Hll.CountRaw(max), Is.EqualTo(Hll.Count(expected, out _)));
    }

    [Test]
    public void ValuesAbove32OrPastTheSparseLimitAskForTheDenseForm()
    {
        var sparse = new byte[64];
        Hll.WriteEmpty(sparse);
        int length = Hll.EmptySize;
        Assert.That(Hll.SparseSet(sparse, ref length, 5, 33, 3000), Is.EqualTo(Hll.SetResult.Promote));
        Assert.That(Hll.SparseSet(sparse, ref length, 5000, 3, Hll.EmptySize + 2), Is.EqualTo(Hll.SetResult.Promote));
        Assert.That(length, Is.EqualTo(Hll.EmptySize), "a promotion leaves the sparse form untouched");
        Assert.That(Hll.SparseSet(sparse, ref length, 5000, 3, 3000), Is.EqualTo(Hll.SetResult.Updated));
    }

    [Test]
    public void CorruptSparseBodiesAreReportedNotThrown()
    {
        byte[] header = [(byte)'H', (byte)'Y', (byte)'L', (byte)'L', Hll.Sparse, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80];
        byte[][] bodies = [[0x7F, 0xFE], [0x7F, 0xFF, 0x00], [0xFF], [], [0x7F]];
        foreach (var body in bodies)
        {
            var value = header.Concat(body).Concat(new byte[3]).ToArray();
            int length = header.Length + body.Length;
            Hll.Count(value.AsSpan(0, length), out bool invalid);
            Assert.That(invalid, Is.True, $"body {Convert.ToHexString(body)}");
            Assert.That(Hll.MergeInto(new byte[Hll.Registers], value.AsSpan(0, length)), Is.False);
            Assert.That(Hll.SparseToDense(value.AsSpan(0, length), new byte[Hll.DenseSize]), Is.False);
        }
    }

    [Test]
    public void TheHashIsMurmurHash64AWithRedisSeed()
    {
        // MurmurHash64A of the empty input with seed 0 is 0; the tail bytes and whole words both feed the hash.
        Assert.That(Hll.MurmurHash64A([], 0), Is.EqualTo(0UL));
        Assert.That(Hll.MurmurHash64A("abcdefgh"u8, 0xadc83b19), Is.Not.EqualTo(Hll.MurmurHash64A("abcdefgi"u8, 0xadc83b19)));
        int count = Hll.PatternLength("a"u8, out int register);
        Assert.That(register, Is.InRange(0, Hll.Registers - 1));
        Assert.That(count, Is.InRange(1, 51));
    }
}
