using System.Text;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Lists;

namespace FastNode.Server.Tests;

/// <summary>
/// The store's side of maxmemory without a server: the shard's byte count, the per-key access word (LRU stamp or LFU
/// counter) and the sampled eviction by each policy.
/// </summary>
public sealed class EvictionTests
{
    private const long Now = 1_800_000_000_000;

    private static byte[] K(string name) => Encoding.ASCII.GetBytes(name);

    private static Database NewDatabase(bool lfu = false) => new(1) { Usage = new MemoryCounter(), Lfu = lfu };

    private static void Set(Database db, string key, int valueBytes, long nowMs = Now, long expireAt = 0)
    {
        using var k = db.Open(K(key), nowMs, Lookup.Write);
        k.SetString(new byte[valueBytes]);
        if (expireAt != 0) k.SetExpireAt(expireAt);
    }

    [Test]
    public void UsedBytesCountsStringsExactlyAndReturnsToZero()
    {
        var db = NewDatabase();
        var shard = db.ShardAt(0);
        Set(db, "small", 10);
        Assert.That(shard.UsedBytes, Is.EqualTo(Shard.EntryBytes + Shard.ArrayBytes(5) + 16), "a 10-byte value takes a 16-byte chunk");
        Set(db, "big", 1_000_000);
        Assert.That(shard.UsedBytes, Is.EqualTo(2 * Shard.EntryBytes + Shard.ArrayBytes(5) + 16 + Shard.ArrayBytes(3) + Shard.ArrayBytes(1_000_000)));
        Set(db, "big", 20);   // replaced by a small value: the array's bytes go
        using (var k = db.Open(K("list"), Now, Lookup.Write)) k.GetOrAdd<ListValue>(ValueKind.List)!.Push(ListEnd.Right, K("a"));
        Assert.That(shard.UsedBytes, Is.GreaterThan(3 * Shard.EntryBytes));
        foreach (var key in new[] { "small", "big", "list" })
        {
            Delete(db, key);
        }
        Assert.That(shard.UsedBytes, Is.Zero);
        Assert.That(Math.Abs(db.Usage!.Bytes), Is.LessThanOrEqualTo(Shard.PublishStep), "the server-wide counter lags by less than a step");
        shard.PublishUsage();
        Assert.That(db.Usage.Bytes, Is.Zero, "and sees every change once published");
    }

    private static void Delete(Database db, string key)
    {
        using var k = db.Open(K(key), Now, Lookup.Write);
        Assert.That(k.Delete(), Is.True);
    }

    [Test]
    public void LfuCounterStartsAtFiveGrowsLogarithmicallyAndDecays()
    {
        uint word = AccessClock.NewLfu(Now);
        Assert.That(AccessClock.DecayedCounter(word, Now, 1), Is.EqualTo(5));
        var random = new Random(7);
        var bits = new byte[8];
        for (int i = 0; i < 10_000; i++)
        {
            random.NextBytes(bits);
            word = AccessClock.LfuTouch(word, Now, 1, 10, BitConverter.ToUInt64(bits));
        }
        int counter = AccessClock.DecayedCounter(word, Now, 1);
        // About 5 (c - 5)^2 hits reach c at factor 10: 10k hits give about 50 (Redis's table: 1K hits 18, 100K 142).
        Assert.That(counter, Is.InRange(38, 62));
        Assert.That(AccessClock.DecayedCounter(word, Now + 10 * 60_000, 1), Is.EqualTo(counter - 10), "one less per idle minute");
        Assert.That(AccessClock.DecayedCounter(word, Now + 10 * 60_000, 0), Is.EqualTo(counter), "lfu-decay-time 0: no decay");
        Assert.That(AccessClock.DecayedCounter(word, Now + 1000L * 60_000, 1), Is.Zero);
    }

    [Test]
    public void VolatileTtlEvictsTheNearestExpiryAndNeverAPersistentKey()
    {
        var db = NewDatabase();
        Set(db, "persistent", 10);
        for (int i = 0; i < 50; i++) Set(db, "t" + i, 10, expireAt: Now + 1_000_000 + i * 1000L);
        var shard = db.ShardAt(0);
        var evicted = new List<string>();
        var observer = new RecordingObserver(evicted);
        db.Observer = observer;
        for (int i = 0; i < 50; i++) Assert.That(shard.EvictOne(EvictionPolicy.VolatileTtl, 64, Now), Is.GreaterThan(0));
        Assert.That(shard.EvictOne(EvictionPolicy.VolatileTtl, 64, Now), Is.EqualTo(-1), "only the persistent key is left");
        Assert.That(shard.Count, Is.EqualTo(1));
        for (int i = 0; i < 10; i++)
            Assert.That(int.Parse(evicted[i][1..]), Is.LessThan(20), $"eviction {i}: the pool keeps the nearest expiries first ({string.Join(' ', evicted)})");
        Assert.That(shard.Evicted, Is.EqualTo(50));
    }

    [Test]
    public void LruEvictsTheIdlestAndLfuTheLeastUsed()
    {
        var db = NewDatabase();
        for (int i = 0; i < 20; i++) Set(db, "k" + i, 10, nowMs: Now + i * 1000L);
        var evicted = new List<string>();
        db.Observer = new RecordingObserver(evicted);
        db.ShardAt(0).EvictOne(EvictionPolicy.AllKeysLru, 64, Now + 100_000);
        Assert.That(evicted, Is.EqualTo(new[] { "k0" }));

        var lfu = NewDatabase(lfu: true);
        for (int i = 0; i < 20; i++) Set(lfu, "k" + i, 10);
        for (int i = 1; i < 20; i++)
        {
            for (int hit = 0; hit < 200; hit++)
            {
                using var k = lfu.Open(K("k" + i), Now, Lookup.Read);
            }
        }
        var gone = new List<string>();
        lfu.Observer = new RecordingObserver(gone);
        lfu.ShardAt(0).EvictOne(EvictionPolicy.AllKeysLfu, 64, Now);
        Assert.That(gone, Is.EqualTo(new[] { "k0" }), "the key never read has the lowest counter");
    }

    private sealed class RecordingObserver(List<string> evicted) : IKeyspaceObserver
    {
        public void KeyExpired(Database db, byte[] key) => throw new InvalidOperationException("nothing expires here");
        public void KeyEvicted(Database db, byte[] key) => evicted.Add(Encoding.ASCII.GetString(key));
        public void ServedWaiter(Database db, scoped ref FastNode.Server.Persistence.ChangeRecord record) { }
        public void RunAsWriter(Action change) => change();
    }
}
