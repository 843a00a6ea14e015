using System.Text;
using FastNode.Server.Storage;
using FastNode.Tests.Shared;

namespace FastNode.Server.Tests;

/// <summary>
/// The pipelined-lookup warmer is only a hint, so what matters is that it covers the right requests and that its
/// lock-free reads survive writers changing the shards underneath it.
/// </summary>
public sealed class LookupWarmerTests
{
    private static byte[] Pipeline(int count) =>
        Enumerable.Range(0, count).SelectMany(i => Resp.Command("GET", "key:" + i)).ToArray();

    /// <summary>A database just large enough to be warmed.</summary>
    private static Database LargeDatabase()
    {
        var db = new Database(4);
        for (int i = 0; i < LookupWarmer.WarmFromKeys; i++)
        {
            var key = Encoding.ASCII.GetBytes("filler:" + i);
            var shard = db.ShardFor(KeyHasher.Hash(key));
            lock (shard.Lock) shard.Add(KeyHasher.Hash(key), key, ValueKind.String);
        }
        return db;
    }

    [Test]
    public void CoversUpToOneGroupOfWholeRequests()
    {
        var db = LargeDatabase();
        Assert.That(LookupWarmer.Warm(Pipeline(5), db), Is.EqualTo(5));
        Assert.That(LookupWarmer.Warm(Pipeline(40), db), Is.EqualTo(LookupWarmer.GroupSize));
        var cut = Pipeline(3);
        Assert.That(LookupWarmer.Warm(cut.AsSpan(0, cut.Length - 2), db), Is.EqualTo(2), "the cut third request is left to the parser");
        Assert.That(LookupWarmer.Warm("PING\r\n"u8, db), Is.Zero);
    }

    [Test]
    public void LeavesASmallDatabaseAlone()
    {
        Assert.That(LookupWarmer.Warm(Pipeline(16), new Database(4)), Is.Zero, "its data is in the caches anyway");
    }

    [Test]
    public void SurvivesWritersGrowingAndClearingTheShardsMeanwhile()
    {
        var db = new Database(1);
        var shard = db.ShardAt(0);
        var input = Pipeline(LookupWarmer.GroupSize);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Exception? failure = null;
        var writer = new Thread(() =>
        {
            try
            {
                for (int round = 0; round < 30 && !stop.IsCancellationRequested; round++)
                {
                    // Past the warming threshold, so the reads race with growth (rehash, new chunks), then a clear.
                    for (int i = 0; i < LookupWarmer.WarmFromKeys + 4000; i++)
                    {
                        var key = Encoding.ASCII.GetBytes("key:" + (i % 64) + ":" + round + ":" + i);
                        lock (shard.Lock) shard.Add(KeyHasher.Hash(key), key, ValueKind.String);
                    }
                    lock (shard.Lock) shard.Clear();
                }
            }
            catch (Exception ex) { failure = ex; }
        });
        writer.Start();
        int warmed = 0;
        while (writer.IsAlive && !stop.IsCancellationRequested) warmed += LookupWarmer.Warm(input, db);
        while (warmed == 0 && !stop.IsCancellationRequested)
        {
            // The writer may have finished before any read ran past the threshold: fill once more and warm.
            for (int i = 0; i < LookupWarmer.WarmFromKeys; i++)
            {
                var key = Encoding.ASCII.GetBytes("late:" + i);
                lock (shard.Lock) shard.Add(KeyHasher.Hash(key), key, ValueKind.String);
            }
            warmed += LookupWarmer.Warm(input, db);
        }
        writer.Join();
        Assert.That(failure, Is.Null);
        Assert.That(warmed, Is.GreaterThan(0));
    }
}
