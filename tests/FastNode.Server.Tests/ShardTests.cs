using System.Runtime.CompilerServices;
using System.Text;
using FastNode.Server.Storage;

namespace FastNode.Server.Tests;

/// <summary>
/// The shard's hash table on its own: entries spread over several chunks, slot reuse, the TTL index and the SCAN
/// cursor across growth, checked against a Dictionary model.
/// </summary>
public sealed class ShardTests
{
    private static byte[] K(int i) => Encoding.ASCII.GetBytes("key:" + i);

    private static int Add(Shard shard, int i)
    {
        var key = K(i);
        int index = shard.Add(KeyHasher.Hash(key), key, ValueKind.String);
        StringValue.Assign(shard, ref shard.At(index), Encoding.ASCII.GetBytes("v" + i));
        return index;
    }

    private static int Find(Shard shard, int i) => shard.FindIncludingExpired(KeyHasher.Hash(K(i)), K(i));

    private struct CollectKeys : IEntryVisitor
    {
        public List<string> Keys;
        public void Visit(Shard shard, int index) => Keys.Add(Encoding.ASCII.GetString(shard.At(index).Key!));
    }

    [Test]
    public void EntryIs48Bytes()
    {
        Assert.That(Unsafe.SizeOf<Entry>(), Is.EqualTo(48), "the per-key memory budget in perf/README assumes this");
    }

    [Test]
    public void KeysSpreadOverManyChunksAreAllFoundWithTheirValues()
    {
        var shard = new Shard();
        const int n = 5000;   // several 1024-entry chunks, after the first chunk's doublings
        for (int i = 0; i < n; i++) Add(shard, i);
        Assert.That(shard.Count, Is.EqualTo(n));
        for (int i = 0; i < n; i++)
        {
            int index = Find(shard, i);
            Assert.That(index, Is.GreaterThanOrEqualTo(0), $"key {i}");
            Assert.That(Encoding.ASCII.GetString(shard.At(index).StringSpan), Is.EqualTo("v" + i));
        }
        Assert.That(Find(shard, n), Is.EqualTo(-1));
    }

    [Test]
    public void RandomAddsAndRemovesMatchADictionaryAndReuseFreedSlots()
    {
        var shard = new Shard();
        var model = new Dictionary<int, int>();   // key number -> entry index
        var random = new Random(7);
        int highest = -1;
        for (int step = 0; step < 20000; step++)
        {
            int i = random.Next(3000);
            if (model.TryGetValue(i, out int index))
            {
                Assert.That(Find(shard, i), Is.EqualTo(index));
                shard.Remove(index);
                model.Remove(i);
            }
            else
            {
                Assert.That(Find(shard, i), Is.EqualTo(-1));
                index = Add(shard, i);
                model[i] = index;
                highest = Math.Max(highest, index);
            }
            Assert.That(shard.Count, Is.EqualTo(model.Count));
        }
        foreach (var (i, index) in model) Assert.That(Find(shard, i), Is.EqualTo(index));
        Assert.That(highest, Is.LessThan(3000), "freed slots are reused before new ones are handed out");
    }

    [Test]
    public void ExpiredKeysInLaterChunksAreFoundAndRemovedBySampling()
    {
        var shard = new Shard();
        for (int i = 0; i < 3000; i++)
        {
            int index = Add(shard, i);
            if (i % 2 == 1) shard.SetExpireAt(index, 1000);
        }
        Assert.That(shard.VolatileCount, Is.EqualTo(1500));
        Assert.That(shard.FindLive(KeyHasher.Hash(K(2999)), K(2999), nowMs: 2000), Is.EqualTo(-1), "lazy expiry");
        int removed = 0;
        for (int round = 0; round < 1000 && shard.VolatileCount > 0; round++) removed += shard.ExpireSample(2000, 20);
        Assert.That(shard.VolatileCount, Is.Zero);
        Assert.That(removed, Is.EqualTo(1499));
        Assert.That(shard.Count, Is.EqualTo(1500));
        for (int i = 0; i < 3000; i += 2) Assert.That(Find(shard, i), Is.GreaterThanOrEqualTo(0));
    }

    [Test]
    public void ScanReturnsEveryKeyPresentThroughoutEvenWhenTheTableGrowsMidScan()
    {
        var shard = new Shard();
        for (int i = 0; i < 500; i++) Add(shard, i);
        var visitor = new CollectKeys { Keys = [] };
        ulong cursor = 0;
        int added = 500, calls = 0;
        do
        {
            cursor = shard.Scan(cursor, 10, ref visitor);
            // Grow the table (several rehashes and new chunks) while the scan is under way.
            if (added < 4000) for (int j = 0; j < 100; j++) Add(shard, added++);
            calls++;
        } while (cursor != 0 && calls < 100000);
        Assert.That(cursor, Is.Zero);
        var seen = visitor.Keys.ToHashSet();
        for (int i = 0; i < 500; i++) Assert.That(seen, Does.Contain("key:" + i));
    }

    [Test]
    public void ClearAndShrinkGiveBackTheChunks()
    {
        var shard = new Shard();
        for (int i = 0; i < 3000; i++) Add(shard, i);
        for (int i = 0; i < 3000; i++) shard.Remove(Find(shard, i));
        shard.ShrinkIfEmpty();
        Assert.That(shard.Count, Is.Zero);
        Add(shard, 1);
        Assert.That(Find(shard, 1), Is.EqualTo(0), "a fresh table hands out slot 0 again");
    }
}
