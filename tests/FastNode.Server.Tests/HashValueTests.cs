using System.Text;
using FastNode.Server.Commands;
using FastNode.Server.Storage.Collections;
using FastNode.Server.Storage.Hashes;

namespace FastNode.Server.Tests;

/// <summary>The hash data structure on its own: both encodings, the conversion between them, and a randomized model check.</summary>
public sealed class HashValueTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static string S(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    private static string? Get(HashValue h, string field) => h.TryGet(B(field), out var value) ? S(value) : null;

    private static List<(string Field, string Value)> Entries(HashValue h)
    {
        var all = new List<(string, string)>();
        for (int pos = h.First(); pos >= 0; pos = h.Next(pos)) all.Add((S(h.FieldAt(pos)), S(h.ValueAt(pos))));
        return all;
    }

    [Test]
    public void SmallHashIsPackedAndKeepsInsertionOrder()
    {
        var h = new HashValue();
        Assert.That(h.Set(B("b"), B("2")), Is.True);
        Assert.That(h.Set(B("a"), B("1")), Is.True);
        Assert.That(h.Set(B(""), B("empty")), Is.True);
        Assert.That(h.Set(B("a"), B("one")), Is.False);
        Assert.That(h.IsPacked, Is.True);
        Assert.That(Encoding.ASCII.GetString(h.ObjectEncoding), Is.EqualTo("listpack"));
        Assert.That(h.Count, Is.EqualTo(3));
        Assert.That(Entries(h), Is.EqualTo(new[] { ("b", "2"), ("a", "one"), ("", "empty") }));
        Assert.That(Get(h, "missing"), Is.Null);
        Assert.That(Get(h, ""), Is.EqualTo("empty"));
    }

    [Test]
    public void PackedValueReplacementShiftsTheFollowingEntries()
    {
        var h = new HashValue();
        h.Set(B("f1"), B("short"));
        h.Set(B("f2"), B("middle"));
        h.Set(B("f3"), B("end"));
        h.Set(B("f2"), B("a much longer value than before"));
        Assert.That(Entries(h), Is.EqualTo(new[] { ("f1", "short"), ("f2", "a much longer value than before"), ("f3", "end") }));
        h.Set(B("f2"), B(""));
        Assert.That(Entries(h), Is.EqualTo(new[] { ("f1", "short"), ("f2", ""), ("f3", "end") }));
        h.Set(B("f1"), B("SHORT"));
        Assert.That(Get(h, "f1"), Is.EqualTo("SHORT"));
        Assert.That(h.Remove(B("f1")), Is.True);
        Assert.That(h.Remove(B("f1")), Is.False);
        Assert.That(Entries(h), Is.EqualTo(new[] { ("f2", ""), ("f3", "end") }));
        Assert.That(h.IsPacked, Is.True);
    }

    [Test]
    public void The129thFieldConvertsToATableAndKeepsEverything()
    {
        var h = new HashValue();
        for (int i = 0; i < HashValue.MaxPackedEntries; i++) h.Set(B("field:" + i), B("value:" + i));
        Assert.That(h.IsPacked, Is.True);
        h.Set(B("field:0"), B("still packed"));
        Assert.That(h.IsPacked, Is.True);
        h.Set(B("one more"), B("x"));
        Assert.That(h.IsPacked, Is.False);
        Assert.That(Encoding.ASCII.GetString(h.ObjectEncoding), Is.EqualTo("hashtable"));
        Assert.That(h.Count, Is.EqualTo(HashValue.MaxPackedEntries + 1));
        Assert.That(Get(h, "field:0"), Is.EqualTo("still packed"));
        for (int i = 1; i < HashValue.MaxPackedEntries; i++) Assert.That(Get(h, "field:" + i), Is.EqualTo("value:" + i));
        Assert.That(Get(h, "one more"), Is.EqualTo("x"));
    }

    [TestCase(64, true)]
    [TestCase(65, false)]
    public void LongValuesOrFieldsConvertToATable(int length, bool staysPacked)
    {
        var value = new HashValue();
        value.Set(B("a"), B("1"));
        value.Set(B("b"), B(new string('v', length)));
        Assert.That(value.IsPacked, Is.EqualTo(staysPacked));
        Assert.That(Get(value, "a"), Is.EqualTo("1"));
        Assert.That(Get(value, "b"), Is.EqualTo(new string('v', length)));

        var field = new HashValue();
        field.Set(B("a"), B("1"));
        field.Set(B(new string('f', length)), B("2"));
        Assert.That(field.IsPacked, Is.EqualTo(staysPacked));
        Assert.That(Get(field, new string('f', length)), Is.EqualTo("2"));

        // Replacing an existing packed field's value with a long one converts too.
        var replaced = new HashValue();
        replaced.Set(B("a"), B("1"));
        replaced.Set(B("a"), B(new string('r', length)));
        Assert.That(replaced.IsPacked, Is.EqualTo(staysPacked));
        Assert.That(Get(replaced, "a"), Is.EqualTo(new string('r', length)));
    }

    [Test]
    public void ATableNeverGoesBackToPacked()
    {
        var h = new HashValue();
        h.Set(B("big"), B(new string('x', 100)));
        h.Remove(B("big"));
        h.Set(B("a"), B("1"));
        Assert.That(h.IsPacked, Is.False);
        Assert.That(Entries(h), Is.EqualTo(new[] { ("a", "1") }));
    }

    [Test]
    public void SameSizeValueIsRewrittenInPlaceInATable()
    {
        var h = new HashValue();
        for (int i = 0; i < 200; i++) h.Set(B("f" + i), B("v" + i));
        int slot = h.Find(B("f7"));
        var before = h.Table!.ValueAt(slot);
        h.Set(B("f7"), B("V7"));
        Assert.That(h.Table!.ValueAt(slot), Is.SameAs(before));
        Assert.That(Get(h, "f7"), Is.EqualTo("V7"));
        h.Set(B("f7"), B("longer"));
        Assert.That(Get(h, "f7"), Is.EqualTo("longer"));
    }

    [TestCase(10)]
    [TestCase(1000)]
    public void DeepCopySharesNothing(int fields)
    {
        var h = new HashValue();
        for (int i = 0; i < fields; i++) h.Set(B("f" + i), B("v" + i));
        var copy = (HashValue)h.DeepCopy();
        h.Set(B("f1"), B("changed"));
        h.Remove(B("f2"));
        h.Set(B("new"), B("x"));
        Assert.That(copy.Count, Is.EqualTo(fields));
        Assert.That(Get(copy, "f1"), Is.EqualTo("v1"));
        Assert.That(Get(copy, "f2"), Is.EqualTo("v2"));
        Assert.That(Get(copy, "new"), Is.Null);
        Assert.That(copy.IsPacked, Is.EqualTo(h.IsPacked));
    }

    [Test]
    public void RandomPositionsAndPackedPositionsPointAtEntries()
    {
        foreach (int size in new[] { 1, 5, 128, 500 })
        {
            var h = new HashValue();
            for (int i = 0; i < size; i++) h.Set(B("f" + i), B("v" + i));
            var seen = new HashSet<string>();
            for (int i = 0; i < size * 40; i++)
            {
                int pos = h.RandomPosition();
                string field = S(h.FieldAt(pos));
                Assert.That(S(h.ValueAt(pos)), Is.EqualTo("v" + field.Substring(1)));
                seen.Add(field);
            }
            Assert.That(seen, Has.Count.EqualTo(size), $"every field of a {size}-field hash comes up");
            int n = h.PackedPositions(new int[HashValue.MaxPackedEntries]);
            Assert.That(n, Is.EqualTo(h.IsPacked ? size : -1));
        }
    }

    /// <summary>Random operations on a HashValue and on a Dictionary must always agree, in both encodings.</summary>
    [TestCase(1, 40)]
    [TestCase(2, 200)]
    [TestCase(3, 3000)]
    public void RandomizedOperationsMatchADictionary(int seed, int keySpace)
    {
        var random = new Random(seed);
        var h = new HashValue();
        var model = new Dictionary<string, string>();
        for (int step = 0; step < 20_000; step++)
        {
            string field = "f" + random.Next(keySpace);
            int op = random.Next(10);
            if (op < 5)
            {
                // Mostly short values, sometimes one over the packed limit.
                string value = random.Next(50) == 0 ? new string('L', 65 + random.Next(10)) : new string('v', random.Next(12)) + step;
                Assert.That(h.Set(B(field), B(value)), Is.EqualTo(!model.ContainsKey(field)));
                model[field] = value;
            }
            else if (op < 8)
            {
                Assert.That(h.Remove(B(field)), Is.EqualTo(model.Remove(field)));
            }
            else
            {
                Assert.That(Get(h, field), Is.EqualTo(model.GetValueOrDefault(field)));
            }
            Assert.That(h.Count, Is.EqualTo(model.Count));
            if (step % 500 == 0) AssertSameContent(h, model);
        }
        AssertSameContent(h, model);
    }

    /// <summary>Iteration yields each field exactly once, with its value (NUnit's EquivalentTo is quadratic, so compare by hand).</summary>
    private static void AssertSameContent(HashValue h, Dictionary<string, string> model)
    {
        var entries = Entries(h);
        Assert.That(entries, Has.Count.EqualTo(model.Count));
        var fields = new HashSet<string>();
        foreach (var (field, value) in entries)
        {
            Assert.That(fields.Add(field), Is.True, "each field once");
            Assert.That(model.GetValueOrDefault(field), Is.EqualTo(value));
        }
    }

    /// <summary>HSCAN's promise: every field present for the whole scan is returned, though the table grows and shrinks between steps.</summary>
    [Test]
    public void TableScanReturnsEveryStableFieldAcrossResizes()
    {
        var h = new HashValue();
        for (int i = 0; i < 300; i++) h.Set(B("stable" + i), B("v"));
        var returned = new HashSet<string>();
        ulong cursor = 0;
        int steps = 0, churn = 0;
        do
        {
            var collector = new SlotCollector(5);
            cursor = h.Table!.Scan(cursor, 5, ref collector);
            foreach (int slot in collector.Slots) returned.Add(S(h.FieldAt(slot)));
            collector.Dispose();
            // Grow a lot, then shrink a lot, while the scan runs.
            if (steps < 100) for (int i = 0; i < 100; i++) h.Set(B("churn" + churn++), B("x"));
            else for (int i = 0; i < 200 && churn > 0; i++) h.Remove(B("churn" + --churn));
            steps++;
        } while (cursor != 0 && steps < 100_000);
        Assert.That(cursor, Is.EqualTo(0UL));
        for (int i = 0; i < 300; i++) Assert.That(returned, Does.Contain("stable" + i));
    }
}
