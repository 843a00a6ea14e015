using System.Text;
using FastNode.Server.Storage.SortedSets;

namespace FastNode.Server.Tests;

/// <summary>
/// <see cref="SortedSetValue"/> against a reference model (a List kept sorted by score, then member bytes): random
/// adds with every ZADD condition, increments, removals, rank lookups, rank/score/lex ranges and range deletions,
/// checked after every step, on sets that start packed and convert to a skip list (by size or by a long member).
/// Seeded, so a failure replays.
/// </summary>
public sealed class SortedSetValueTests
{
    private sealed class Model
    {
        public readonly List<(double Score, byte[] Member)> Items = [];

        private static int Compare((double Score, byte[] Member) a, (double Score, byte[] Member) b) =>
            a.Score != b.Score ? a.Score.CompareTo(b.Score) : a.Member.AsSpan().SequenceCompareTo(b.Member);

        public int IndexOf(byte[] member) => Items.FindIndex(e => e.Member.AsSpan().SequenceEqual(member));

        public void Insert(byte[] member, double score)
        {
            var item = (score, member);
            int i = 0;
            while (i < Items.Count && Compare(Items[i], item) < 0) i++;
            Items.Insert(i, item);
        }

        /// <summary>Redis zsetAdd, written the plain way.</summary>
        public ZAddOutcome Add(byte[] member, double score, ZAddFlags flags, out double newScore)
        {
            newScore = score;
            int i = IndexOf(member);
            if (i < 0)
            {
                if ((flags & ZAddFlags.Xx) != 0) return ZAddOutcome.Skipped;
                Insert(member, score);
                return ZAddOutcome.Added;
            }
            if ((flags & ZAddFlags.Nx) != 0) return ZAddOutcome.Skipped;
            double current = Items[i].Score;
            if ((flags & ZAddFlags.Incr) != 0)
            {
                score += current;
                if (double.IsNaN(score)) return ZAddOutcome.NaN;
                newScore = score;
            }
            if ((flags & ZAddFlags.Lt) != 0 && score >= current) return ZAddOutcome.Skipped;
            if ((flags & ZAddFlags.Gt) != 0 && score <= current) return ZAddOutcome.Skipped;
            if (score == current)
            {
                newScore = current;
                return ZAddOutcome.Unchanged;
            }
            Items.RemoveAt(i);
            Insert(member, score);
            return ZAddOutcome.Updated;
        }
    }

    private static readonly double[] SpecialScores = [double.NegativeInfinity, double.PositiveInfinity, 0.0, -0.0, 1e300, -1e-300];

    private static double RandomScore(Random random) => random.Next(10) switch
    {
        0 => SpecialScores[random.Next(SpecialScores.Length)],
        < 5 => random.Next(-5, 6),
        _ => Math.Round(random.NextDouble() * 200 - 100, random.Next(0, 4)),
    };

    private static byte[] RandomMember(Random random, int alphabet, bool allowLong)
    {
        if (allowLong && random.Next(500) == 0) return Encoding.ASCII.GetBytes(new string('L', 65 + random.Next(10)));
        int length = random.Next(0, 4);
        var bytes = new byte[length];
        for (int i = 0; i < length; i++) bytes[i] = (byte)('a' + random.Next(alphabet));
        return bytes;
    }

    private static ZAddFlags RandomFlags(Random random)
    {
        var flags = ZAddFlags.None;
        switch (random.Next(6))
        {
            case 1: flags |= ZAddFlags.Nx; break;
            case 2: flags |= ZAddFlags.Xx; break;
            case 3: flags |= ZAddFlags.Gt; break;
            case 4: flags |= ZAddFlags.Lt; break;
            case 5: flags |= ZAddFlags.Xx | (random.Next(2) == 0 ? ZAddFlags.Gt : ZAddFlags.Lt); break;
        }
        if (random.Next(4) == 0 && (flags & ZAddFlags.Nx) == 0) flags |= ZAddFlags.Incr;
        return flags;
    }

    [TestCase(1, 4, 60)]      // few distinct members: stays packed
    [TestCase(2, 6, 400)]     // grows past 128 members: converts to a skip list
    [TestCase(3, 26, 2000)]
    [TestCase(4, 5, 300)]
    public void MatchesTheReferenceModel(int seed, int alphabet, int targetSize)
    {
        var random = new Random(seed);
        var value = new SortedSetValue();
        var model = new Model();
        bool everLarge = false;
        for (int step = 0; step < 6000; step++)
        {
            int op = random.Next(100);
            string what = $"seed {seed} step {step} op {op}";
            if (op < 55 || model.Items.Count < targetSize / 4)
            {
                var member = random.Next(3) == 0 && model.Items.Count > 0
                    ? model.Items[random.Next(model.Items.Count)].Member
                    : RandomMember(random, alphabet, allowLong: true);
                if (model.Items.Count >= targetSize && model.IndexOf(member) < 0) continue;
                double score = RandomScore(random);
                var flags = RandomFlags(random);
                var expected = model.Add(member, score, flags, out double expectedScore);
                var actual = value.Add(member, score, flags, out double actualScore);
                Assert.That(actual, Is.EqualTo(expected), what);
                if (actual is ZAddOutcome.Added or ZAddOutcome.Updated or ZAddOutcome.Unchanged)
                    Assert.That(actualScore, Is.EqualTo(expectedScore), what);
            }
            else if (op < 70)
            {
                var member = model.Items.Count > 0 && random.Next(4) != 0
                    ? model.Items[random.Next(model.Items.Count)].Member
                    : RandomMember(random, alphabet, allowLong: false);
                int i = model.IndexOf(member);
                if (i >= 0) model.Items.RemoveAt(i);
                Assert.That(value.Remove(member), Is.EqualTo(i >= 0), what);
            }
            else if (op < 75 && model.Items.Count > 0)
            {
                int start = random.Next(model.Items.Count);
                int end = Math.Min(model.Items.Count - 1, start + random.Next(5));
                model.Items.RemoveRange(start, end - start + 1);
                Assert.That(value.RemoveRankRange(start, end), Is.EqualTo(end - start + 1), what);
            }
            else if (op < 90)
            {
                CheckScoreRange(value, model, random, what);
            }
            else
            {
                var member = model.Items.Count > 0 && random.Next(3) != 0
                    ? model.Items[random.Next(model.Items.Count)].Member
                    : RandomMember(random, alphabet, allowLong: false);
                int i = model.IndexOf(member);
                int rank = value.RankOf(member, out double score);
                int expectedRank = i < 0 ? -1 : model.Items.FindIndex(e => ReferenceEquals(e.Member, model.Items[i].Member));
                Assert.That(rank, Is.EqualTo(expectedRank), what);
                if (i >= 0) Assert.That(score, Is.EqualTo(model.Items[i].Score), what);
                Assert.That(value.TryGetScore(member, out _), Is.EqualTo(i >= 0), what);
            }

            everLarge |= model.Items.Count > SortedSetValue.MaxPackedEntries || model.Items.Exists(e => e.Member.Length > SortedSetValue.MaxPackedLength);
            Assert.That(value.IsPacked, Is.EqualTo(!everLarge), $"{what}: encoding (a set never converts back)");
            if (step % 50 == 0 || model.Items.Count < 20) AssertSameContent(value, model, what);
        }
        AssertSameContent(value, model, "end");
        AssertCopyIsIndependent(value, model);
    }

    private static void CheckScoreRange(SortedSetValue value, Model model, Random random, string what)
    {
        double a = RandomScore(random), b = RandomScore(random);
        var range = new ScoreRange(Math.Min(a, b), random.Next(2) == 0, Math.Max(a, b), random.Next(2) == 0);
        int first = value.FirstRank(range), end = value.EndRank(range);
        Assert.That(first, Is.EqualTo(model.Items.Count(e => !range.AboveMin(e.Score))), $"{what}: first rank");
        Assert.That(end, Is.EqualTo(model.Items.Count(e => range.BelowMax(e.Score))), $"{what}: end rank");
        int count = range.IsEmpty ? 0 : Math.Max(0, end - first);
        Assert.That(count, Is.EqualTo(model.Items.Count(e => range.Contains(e.Score))), $"{what}: count");
    }

    private static void AssertSameContent(SortedSetValue value, Model model, string what)
    {
        Assert.That(value.Count, Is.EqualTo(model.Items.Count), $"{what}: count");
        int rank = 0;
        for (var p = value.AtRank(0); p.IsValid; p = value.Next(p), rank++)
        {
            Assert.That(value.MemberAt(p).ToArray(), Is.EqualTo(model.Items[rank].Member), $"{what}: member at rank {rank}");
            Assert.That(value.ScoreAt(p), Is.EqualTo(model.Items[rank].Score), $"{what}: score at rank {rank}");
        }
        Assert.That(rank, Is.EqualTo(model.Items.Count), $"{what}: forward walk");
        for (var p = value.AtRank(value.Count - 1); p.IsValid; p = value.Previous(p))
        {
            rank--;
            Assert.That(value.MemberAt(p).ToArray(), Is.EqualTo(model.Items[rank].Member), $"{what}: backward walk at rank {rank}");
        }
        Assert.That(rank, Is.EqualTo(0), $"{what}: backward walk");
        if (model.Items.Count > 0)
        {
            int probe = model.Items.Count / 2;
            Assert.That(value.MemberAt(value.AtRank(probe)).ToArray(), Is.EqualTo(model.Items[probe].Member), $"{what}: AtRank");
        }
        Assert.That(value.AtRank(model.Items.Count).IsValid, Is.False, $"{what}: AtRank past the end");
    }

    private static void AssertCopyIsIndependent(SortedSetValue value, Model model)
    {
        var copy = (SortedSetValue)value.DeepCopy();
        AssertSameContent(copy, model, "copy");
        Assert.That(copy.IsPacked, Is.EqualTo(value.IsPacked));
        if (model.Items.Count == 0) return;
        var member = model.Items[0].Member;
        value.Add(member, 12345, ZAddFlags.None, out _);
        Assert.That(copy.TryGetScore(member, out double score) && score == model.Items[0].Score, Is.True, "the copy changed with the original");
    }

    /// <summary>Lex ranges are meaningful on equal scores: checked against the model in both encodings.</summary>
    [TestCase(10, 5)]
    [TestCase(11, 200)]
    public void LexRangesMatchTheReferenceModel(int seed, int size)
    {
        var random = new Random(seed);
        var value = new SortedSetValue();
        var model = new Model();
        while (model.Items.Count < size)
        {
            var member = RandomMember(random, 6, allowLong: false);   // 259 distinct members of 0-3 letters
            if (model.Add(member, 0, ZAddFlags.None, out _) == ZAddOutcome.Added) value.Add(member, 0, ZAddFlags.None, out _);
        }
        Assert.That(value.IsPacked, Is.EqualTo(size <= SortedSetValue.MaxPackedEntries));
        string[] bounds = ["-", "+", "[", "(", "[a", "(a", "[b", "(bb", "[c", "(cab", "[dd", "(d", "[ddd"];
        foreach (var min in bounds)
        {
            foreach (var max in bounds)
            {
                Assert.That(LexRange.TryParse(Encoding.ASCII.GetBytes(min), Encoding.ASCII.GetBytes(max), out var range), Is.True);
                int expectedFirst = 0, expectedEnd = 0, expectedCount = 0;
                foreach (var (_, member) in model.Items)
                {
                    if (!range.AboveMin(member)) expectedFirst++;
                    if (range.BelowMax(member)) expectedEnd++;
                    if (range.Contains(member)) expectedCount++;
                }
                Assert.That(value.FirstRank(range), Is.EqualTo(expectedFirst), $"first rank of {min} {max}");
                Assert.That(value.EndRank(range), Is.EqualTo(expectedEnd), $"end rank of {min} {max}");
                Assert.That(range.IsEmpty ? 0 : Math.Max(0, expectedEnd - expectedFirst), Is.EqualTo(expectedCount), $"count of {min} {max}");
            }
        }
        Assert.That(LexRange.TryParse("a"u8, "+"u8, out _), Is.False);
        Assert.That(LexRange.TryParse("-"u8, "+x"u8, out _), Is.False);
        Assert.That(LexRange.TryParse(""u8, "+"u8, out _), Is.False);
    }

    [Test]
    public void ConvertsAtTheRedisThresholds()
    {
        var value = new SortedSetValue();
        for (int i = 0; i < SortedSetValue.MaxPackedEntries; i++) value.Add(Encoding.ASCII.GetBytes($"m{i}"), i, ZAddFlags.None, out _);
        Assert.That(Encoding.ASCII.GetString(value.ObjectEncoding), Is.EqualTo("listpack"));
        value.Add("m0"u8, 99, ZAddFlags.None, out _);
        Assert.That(Encoding.ASCII.GetString(value.ObjectEncoding), Is.EqualTo("listpack"), "updating a member does not grow the set");
        value.Add("one more"u8, 1, ZAddFlags.None, out _);
        Assert.That(Encoding.ASCII.GetString(value.ObjectEncoding), Is.EqualTo("skiplist"));

        var longMember = new SortedSetValue();
        longMember.Add(new byte[SortedSetValue.MaxPackedLength], 1, ZAddFlags.None, out _);
        Assert.That(longMember.IsPacked, Is.True);
        longMember.Add(new byte[SortedSetValue.MaxPackedLength + 1], 1, ZAddFlags.None, out _);
        Assert.That(longMember.IsPacked, Is.False);
        Assert.That(longMember.Count, Is.EqualTo(2));

        Assert.That(SortedSetValue.Create(129, 1).IsPacked, Is.False);
        Assert.That(SortedSetValue.Create(128, 65).IsPacked, Is.False);
        Assert.That(SortedSetValue.Create(128, 64, 1000).IsPacked, Is.True);
    }

    [Test]
    public void PackedStoresNegativeZeroAsZeroAndTheSkipListKeepsIt()
    {
        var packed = new SortedSetValue();
        packed.Add("a"u8, -0.0, ZAddFlags.None, out _);
        Assert.That(packed.TryGetScore("a"u8, out double score), Is.True);
        Assert.That(double.IsNegative(score), Is.False);
        var large = SortedSetValue.Create(1000, 1);
        large.Add("a"u8, -0.0, ZAddFlags.None, out _);
        Assert.That(large.TryGetScore("a"u8, out score), Is.True);
        Assert.That(double.IsNegative(score), Is.True);
        Assert.That(large.Add("a"u8, 0.0, ZAddFlags.None, out _), Is.EqualTo(ZAddOutcome.Unchanged), "-0 == 0: not an update");
    }

    /// <summary>The skip list's member index hands every member to a full scan, across growth and shrinking.</summary>
    [Test]
    public void SkipListScanVisitsEveryMember()
    {
        var value = SortedSetValue.Create(10_000, 8);
        for (int i = 0; i < 5000; i++) value.Add(Encoding.ASCII.GetBytes($"m{i}"), i % 7, ZAddFlags.None, out _);
        for (int i = 0; i < 5000; i += 2) value.Remove(Encoding.ASCII.GetBytes($"m{i}"));
        var collector = new Collector { Seen = [] };
        ulong cursor = 0;
        int calls = 0;
        do
        {
            cursor = value.SkipList!.Scan(cursor, 100, ref collector);
            Assert.That(++calls, Is.LessThan(10_000));
        } while (cursor != 0);
        Assert.That(collector.Seen, Has.Count.EqualTo(2500));
        for (int i = 1; i < 5000; i += 2) Assert.That(collector.Seen.Contains($"m{i}"), Is.True, $"m{i}");
    }

    private struct Collector : ISkipNodeVisitor
    {
        public HashSet<string> Seen;

        public void Visit(SkipNode node) => Seen.Add(Encoding.ASCII.GetString(node.Member));
    }
}
