using System.Text;
using FastNode.Server.Commands;
using FastNode.Server.Storage.Sets;

namespace FastNode.Server.Tests;

/// <summary>The set data structure on its own: intset, packed and table encodings, conversions, and a randomized model check.</summary>
public sealed class SetValueTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static List<string> Members(SetValue set)
    {
        var all = new List<string>();
        Span<byte> scratch = stackalloc byte[SetValue.ScratchLength];
        for (int pos = set.First(); pos >= 0; pos = set.Next(pos)) all.Add(Encoding.UTF8.GetString(set.MemberAt(pos, scratch)));
        return all;
    }

    private static string Encoding_(SetValue set) => Encoding.ASCII.GetString(set.ObjectEncoding);

    [Test]
    public void IntegersMakeASortedIntSet()
    {
        var set = new SetValue();
        foreach (var m in new[] { "3", "-5", "100", "3", "0" }) set.Add(B(m));
        Assert.That(set.IsIntSet, Is.True);
        Assert.That(Encoding_(set), Is.EqualTo("intset"));
        Assert.That(Members(set), Is.EqualTo(new[] { "-5", "0", "3", "100" }));
        Assert.That(set.Contains(B("100")), Is.True);
        Assert.That(set.Contains(B("0100")), Is.False, "not the canonical form of an integer");
        Assert.That(set.Contains(B("x")), Is.False);
        Assert.That(set.Remove(B("3")), Is.True);
        Assert.That(set.Remove(B("3")), Is.False);
        Assert.That(Members(set), Is.EqualTo(new[] { "-5", "0", "100" }));
    }

    [Test]
    public void IntSetWidensFrom16To32To64Bits()
    {
        var set = new SetValue();
        set.Add(B("1"));
        set.Add(B("-32768"));
        set.Add(B("32767"));
        set.Add(B("40000"));
        set.Add(B("-2147483649"));
        set.Add(B("9223372036854775807"));
        set.Add(B("-9223372036854775808"));
        Assert.That(set.IsIntSet, Is.True);
        Assert.That(Members(set), Is.EqualTo(new[]
        {
            "-9223372036854775808", "-2147483649", "-32768", "1", "32767", "40000", "9223372036854775807",
        }));
        foreach (var m in Members(set)) Assert.That(set.Contains(B(m)), Is.True, m);
    }

    [TestCase("01")]
    [TestCase("+1")]
    [TestCase(" 1")]
    [TestCase("-0")]
    [TestCase("1.0")]
    [TestCase("9223372036854775808")]
    [TestCase("abc")]
    public void ANonCanonicalIntegerLeavesTheIntSet(string member)
    {
        var set = new SetValue();
        set.Add(B("1"));
        set.Add(B("2"));
        Assert.That(set.Add(B(member)), Is.True);
        Assert.That(set.IsIntSet, Is.False);
        Assert.That(set.IsPacked, Is.True);
        Assert.That(Encoding_(set), Is.EqualTo("hashtable"), "Redis 7.0 has no listpack sets");
        Assert.That(Members(set), Is.EquivalentTo(new[] { "1", "2", member }));
        Assert.That(set.Contains(B("1")), Is.True);
        Assert.That(set.Contains(B(member)), Is.True);
    }

    [Test]
    public void The513thIntegerConvertsToATable()
    {
        var set = new SetValue();
        for (int i = 0; i < SetValue.MaxIntSetEntries; i++) set.Add(B((i * 7).ToString()));
        Assert.That(set.IsIntSet, Is.True);
        set.Add(B("-1"));
        Assert.That(set.IsIntSet, Is.False);
        Assert.That(set.Table, Is.Not.Null);
        Assert.That(set.Count, Is.EqualTo(SetValue.MaxIntSetEntries + 1));
        for (int i = 0; i < SetValue.MaxIntSetEntries; i++) Assert.That(set.Contains(B((i * 7).ToString())), Is.True);
        Assert.That(set.Contains(B("-1")), Is.True);
    }

    [Test]
    public void ALargeIntSetGoesStraightToATableOnAString()
    {
        var set = new SetValue();
        for (int i = 0; i < 200; i++) set.Add(B(i.ToString()));
        set.Add(B("x"));
        Assert.That(set.Table, Is.Not.Null);
        Assert.That(set.Count, Is.EqualTo(201));
        Assert.That(set.Contains(B("199")), Is.True);
    }

    [TestCase(64, true)]
    [TestCase(65, false)]
    public void PackedSetConvertsOnLongMembers(int length, bool staysPacked)
    {
        var set = new SetValue();
        set.Add(B("a"));
        set.Add(B(new string('m', length)));
        Assert.That(set.IsPacked, Is.EqualTo(staysPacked));
        Assert.That(Members(set), Is.EquivalentTo(new[] { "a", new string('m', length) }));
    }

    [Test]
    public void The129thStringConvertsToATable()
    {
        var set = new SetValue();
        for (int i = 0; i < SetValue.MaxPackedEntries; i++) set.Add(B("m" + i));
        Assert.That(set.IsPacked, Is.True);
        set.Add(B("m0"));
        Assert.That(set.IsPacked, Is.True);
        set.Add(B("last"));
        Assert.That(set.Table, Is.Not.Null);
        Assert.That(Members(set), Is.EquivalentTo(Enumerable.Range(0, 128).Select(i => "m" + i).Append("last")));
    }

    [Test]
    public void RemoveAtRandomPositionsDrainsEveryEncoding()
    {
        foreach (var members in new[]
        {
            Enumerable.Range(0, 300).Select(i => i.ToString()).ToArray(),          // intset
            Enumerable.Range(0, 100).Select(i => "s" + i).ToArray(),               // packed
            Enumerable.Range(0, 3000).Select(i => "member:" + i).ToArray(),        // table
        })
        {
            var set = new SetValue();
            foreach (var m in members) set.Add(B(m));
            var popped = new List<string>();
            var scratch = new byte[SetValue.ScratchLength];
            while (set.Count > 0)
            {
                int pos = set.RandomPosition();
                popped.Add(Encoding.UTF8.GetString(set.MemberAt(pos, scratch)));
                set.RemoveAt(pos);
            }
            Assert.That(popped, Is.EquivalentTo(members));
            Assert.That(set.First(), Is.EqualTo(-1));
        }
    }

    [TestCase(5)]
    [TestCase(20)]
    [TestCase(1000)]
    public void DeepCopySharesNothing(int size)
    {
        foreach (var prefix in new[] { "", "s" })
        {
            var set = new SetValue();
            for (int i = 0; i < size; i++) set.Add(B(prefix + i));
            var copy = (SetValue)set.DeepCopy();
            set.Remove(B(prefix + "1"));
            set.Add(B("new"));
            Assert.That(copy.Count, Is.EqualTo(size));
            Assert.That(copy.Contains(B(prefix + "1")), Is.True);
            Assert.That(copy.Contains(B("new")), Is.False);
        }
    }

    /// <summary>Random operations on a SetValue and a HashSet must always agree, across every encoding change.</summary>
    [TestCase(1, 30, 0)]
    [TestCase(2, 600, 0)]
    [TestCase(3, 100, 3)]
    [TestCase(4, 5000, 10)]
    public void RandomizedOperationsMatchAHashSet(int seed, int keySpace, int stringsPerHundred)
    {
        var random = new Random(seed);
        var set = new SetValue();
        var model = new HashSet<string>();
        for (int step = 0; step < 20_000; step++)
        {
            int n = random.Next(keySpace);
            string member = random.Next(100) < stringsPerHundred ? "s" + n : (n - keySpace / 2).ToString();
            if (random.Next(200) == 0) member = new string('L', 70) + n;
            int op = random.Next(10);
            if (op < 5) Assert.That(set.Add(B(member)), Is.EqualTo(model.Add(member)));
            else if (op < 8) Assert.That(set.Remove(B(member)), Is.EqualTo(model.Remove(member)));
            else Assert.That(set.Contains(B(member)), Is.EqualTo(model.Contains(member)));
            Assert.That(set.Count, Is.EqualTo(model.Count));
            if (step % 500 == 0) AssertSameContent(set, model);
        }
        AssertSameContent(set, model);
        var members = Members(set);
        if (set.IsIntSet) Assert.That(members.Select(long.Parse), Is.Ordered);
    }

    /// <summary>Iteration yields each member exactly once (NUnit's EquivalentTo is quadratic, so compare by hand).</summary>
    private static void AssertSameContent(SetValue set, HashSet<string> model)
    {
        var members = Members(set);
        Assert.That(members, Has.Count.EqualTo(model.Count));
        Assert.That(new HashSet<string>(members).SetEquals(model), Is.True);
    }

    [Test]
    public void TableScanReturnsEveryStableMemberAcrossResizes()
    {
        var set = new SetValue();
        for (int i = 0; i < 300; i++) set.Add(B("stable" + i));
        var returned = new HashSet<string>();
        ulong cursor = 0;
        int steps = 0, churn = 0;
        do
        {
            var collector = new SlotCollector(5);
            cursor = set.Table!.Scan(cursor, 5, ref collector);
            foreach (int slot in collector.Slots) returned.Add(Encoding.UTF8.GetString(set.Table.KeyAt(slot)));
            collector.Dispose();
            if (steps < 100) for (int i = 0; i < 100; i++) set.Add(B("churn" + churn++));
            else for (int i = 0; i < 200 && churn > 0; i++) set.Remove(B("churn" + --churn));
            steps++;
        } while (cursor != 0 && steps < 100_000);
        Assert.That(cursor, Is.EqualTo(0UL));
        for (int i = 0; i < 300; i++) Assert.That(returned, Does.Contain("stable" + i));
    }
}
