using System.Text;
using FastNode.Server.Storage;
using Microsoft.Extensions.Time.Testing;

namespace FastNode.Server.Tests;

/// <summary>
/// The shard's allocator for string values: size classes, reuse of freed chunks, and, through a real server under a
/// random mix of every command that creates, grows, moves or kills a string, the invariant that matters: no two live
/// values share bytes, no live value sits in a free chunk, and every chunk belongs to its own shard's allocator.
/// </summary>
public sealed class StringSlabsTests
{
    [Test]
    public void EveryCapacityGetsTheSmallestClassThatHoldsIt()
    {
        for (int capacity = 0; capacity <= StringSlabs.MaxChunk; capacity++)
        {
            int c = StringSlabs.ClassOf(capacity);
            Assert.That(StringSlabs.ChunkSize(c), Is.GreaterThanOrEqualTo(capacity), $"capacity {capacity}");
            if (c > 0) Assert.That(StringSlabs.ChunkSize(c - 1), Is.LessThan(capacity), $"capacity {capacity}");
            Assert.That(StringSlabs.ChunkSize(c) % 8, Is.Zero, "chunks stay 8-byte aligned");
        }
        Assert.That(StringSlabs.ChunkSize(StringSlabs.ClassOf(StringSlabs.MaxChunk)), Is.EqualTo(StringSlabs.MaxChunk));
        Assert.That(StringSlabs.ChunkSize(StringSlabs.ClassOf(1024)), Is.EqualTo(1024), "a 1 KB value wastes nothing");
    }

    [Test]
    public void ChunksOfEveryClassNeverOverlapAndFreedOnesAreReusedBeforeNewSlabs()
    {
        var slabs = new StringSlabs();
        var random = new Random(11);
        var live = new List<(byte[] Slab, int Offset, int Capacity)>();
        // Fill: enough chunks of every class to need several slabs of the small classes.
        for (int c = 0; c <= StringSlabs.ClassOf(StringSlabs.MaxChunk); c++)
        {
            int size = StringSlabs.ChunkSize(c);
            for (int n = 0; n < Math.Max(8, 40_000 / size); n++) live.Add(Take(slabs, size));
        }
        AssertDisjoint(live, []);
        long filled = slabs.SlabBytes;

        // Free every other chunk (no slab empties: each holds at least four), in random order, then refill as many of
        // the same sizes: no new slab is needed.
        var freed = live.Where((_, i) => i % 2 == 0).OrderBy(_ => random.Next()).ToList();
        foreach (var chunk in freed) slabs.Free(chunk.Slab, chunk.Offset);
        live = live.Except(freed).ToList();
        Assert.That(slabs.FreeBytes, Is.EqualTo(freed.Sum(f => (long)f.Capacity)));
        AssertDisjoint(live, slabs.FreeChunks());
        foreach (var chunk in freed) live.Add(Take(slabs, chunk.Capacity));
        Assert.That(slabs.SlabBytes, Is.EqualTo(filled), "freed chunks are reused before a slab is added");
        Assert.That(slabs.FreeBytes, Is.Zero);
        Assert.That(slabs.LiveBytes, Is.EqualTo(live.Sum(l => (long)l.Capacity)));
        AssertDisjoint(live, slabs.FreeChunks());
    }

    [Test]
    public void ASlabWhoseChunksAreAllFreedGoesBackAndItsPlaceIsReused()
    {
        var slabs = new StringSlabs();
        var chunks = new List<(byte[] Slab, int Offset, int Capacity)>();
        while (chunks.Select(c => c.Slab).Distinct().Count() < 3) chunks.Add(Take(slabs, 1000));
        var first = chunks[0].Slab;
        long before = slabs.SlabBytes;
        var ofFirst = chunks.Where(c => c.Slab == first).ToList();
        foreach (var chunk in ofFirst.Skip(1)) slabs.Free(chunk.Slab, chunk.Offset);
        Assert.That(slabs.Owns(first), Is.True, "one chunk is still live");
        slabs.Free(first, ofFirst[0].Offset);
        Assert.That(slabs.Owns(first), Is.False);
        Assert.That(slabs.SlabBytes, Is.EqualTo(before - first.Length));
        Assert.That(slabs.FreeBytes, Is.Zero, "the given-back slab's chunks are no longer counted free");
        Assert.That(slabs.FreeChunks(), Is.Empty);
        var rest = chunks.Where(c => c.Slab != first).ToList();
        Assert.That(slabs.LiveBytes, Is.EqualTo(rest.Sum(c => (long)c.Capacity)));

        // Values keep coming: the current slab fills, and the next slab takes the given-back one's place.
        for (int i = 0; i < 2000 && slabs.SlabBytes <= before - first.Length; i++) rest.Add(Take(slabs, 1000));
        AssertDisjoint(rest, slabs.FreeChunks());
        Assert.That(rest.All(c => slabs.Owns(c.Slab)), Is.True);
    }

    [Test]
    public void AChunkFreedToAnAllocatorThatDoesNotOwnItIsRefused()
    {
        var mine = new StringSlabs();
        var other = new StringSlabs();
        other.Allocate(16, out _);   // the same class exists there too, with a slab of the same index
        int offset = mine.Allocate(16, out var slab);
        Assert.Throws<InvalidOperationException>(() => other.Free(slab, offset));
        Assert.That(other.FreeChunks(), Is.Empty);
        mine.Free(slab, offset);
        Assert.That(mine.FreeChunks(), Has.Count.EqualTo(1));
    }

    [Test]
    public void ResetGivesEverySlabBack()
    {
        var slabs = new StringSlabs();
        int offset = slabs.Allocate(100, out var slab);
        slabs.Free(slab, offset);
        slabs.Allocate(5000, out _);
        Assert.That(slabs.SlabBytes, Is.GreaterThan(0));
        slabs.Reset();
        Assert.That((slabs.SlabBytes, slabs.FreeBytes, slabs.LiveBytes), Is.EqualTo((0L, 0L, 0L)));
        Assert.That(slabs.Owns(slab), Is.False);
        Assert.That(slabs.FreeChunks(), Is.Empty);
    }

    [Test]
    public async Task AReusedChunkShowsNothingOfTheValueItHeldBefore()
    {
        await using var c = new InMemoryClient();
        // Same key, so the same shard; a 7-byte value and then SETRANGE's 7-byte result share a size class, and the
        // freed chunk is the first one handed out again.
        await c.CallAsync("SET", "k", "xxxxxxx");
        await c.CallAsync("DEL", "k");
        Assert.That(await c.CallAsync("SETRANGE", "k", "5", "ab"), Is.EqualTo(":7\r\n"));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo("$7\r\n\0\0\0\0\0ab\r\n"));
        await c.CallAsync("SET", "k", "yyyyyyyyyyyy");
        await c.CallAsync("SET", "k", "z");   // another class: the 16-byte chunk holding the y's is freed
        Assert.That(await c.CallAsync("SETRANGE", "k", "10", "!"), Is.EqualTo(":11\r\n"));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo("$11\r\nz\0\0\0\0\0\0\0\0\0!\r\n"));
    }

    /// <summary>
    /// Thousands of random string commands over a few keys in two databases, checked against a model after each step
    /// (the value read back) and audited every 50 steps (chunks disjoint, owned by their shard).
    /// </summary>
    [Test]
    public async Task RandomStringTrafficKeepsEveryValueInAChunkOfItsOwn()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        await using var c = new InMemoryClient(InMemoryClient.NewServer(time: time));
        var model = new Dictionary<(int Db, string Key), string>();
        var random = new Random(5);
        string[] keys = Enumerable.Range(0, 24).Select(i => "k" + i).ToArray();
        int db = 0;
        for (int step = 0; step < 4000; step++)
        {
            string key = keys[random.Next(keys.Length)], other = keys[random.Next(keys.Length)];
            model.TryGetValue((db, key), out var current);
            switch (random.Next(12))
            {
                case 0 or 1 or 2:
                    string value = RandomValue(random);
                    Assert.That(await c.CallAsync("SET", key, value), Is.EqualTo("+OK\r\n"));
                    model[(db, key)] = value;
                    break;
                case 3:
                    string tail = RandomValue(random, 3000);
                    await c.CallAsync("APPEND", key, tail);
                    model[(db, key)] = (current ?? "") + tail;
                    break;
                case 4:
                    int offset = random.Next(300);
                    string patch = RandomValue(random, 200);
                    await c.CallAsync("SETRANGE", key, offset.ToString(), patch);
                    if (patch.Length > 0)
                    {
                        var text = (current ?? "").PadRight(offset + patch.Length, '\0').ToCharArray();
                        patch.CopyTo(0, text, offset, patch.Length);
                        model[(db, key)] = new string(text, 0, Math.Max((current ?? "").Length, offset + patch.Length));
                    }
                    break;
                case 5:
                    int start = random.Next(1000);
                    await c.CallAsync("SET", key, start.ToString());
                    Assert.That(await c.CallAsync("INCRBY", key, "123456789012"), Is.EqualTo($":{start + 123456789012L}\r\n"));
                    model[(db, key)] = (start + 123456789012L).ToString();
                    break;
                case 6:
                    await c.CallAsync(random.Next(2) == 0 ? "DEL" : "GETDEL", key);
                    model.Remove((db, key));
                    break;
                case 7:
                    await c.CallAsync("RENAME", key, other);
                    if (current is not null)
                    {
                        model.Remove((db, key));
                        model[(db, other)] = current;
                    }
                    break;
                case 8:
                    if (await c.CallAsync("MOVE", key, (1 - db).ToString()) == ":1\r\n")
                    {
                        model.Remove((db, key));
                        model[(1 - db, key)] = current!;
                    }
                    break;
                case 9:
                    int target = random.Next(2);
                    if (await c.CallAsync("COPY", key, other, "DB", target.ToString(), "REPLACE") == ":1\r\n") model[(target, other)] = current!;
                    break;
                case 10:
                    // The key becomes a set (SUNIONSTORE replaces any type, freeing a string's chunk), then a string again.
                    await c.CallAsync("SADD", "members", "a", "b");
                    Assert.That(await c.CallAsync("SUNIONSTORE", key, "members"), Is.EqualTo(":2\r\n"));
                    Assert.That(await c.CallAsync("TYPE", key), Is.EqualTo("+set\r\n"));
                    string again = RandomValue(random);
                    await c.CallAsync("SET", key, again);
                    model[(db, key)] = again;
                    break;
                case 11:
                    // Lazy expiry frees the chunk when the key is next touched.
                    await c.CallAsync("PEXPIRE", key, "5");
                    time.Advance(TimeSpan.FromMilliseconds(10));
                    Assert.That(await c.CallAsync("EXISTS", key), Is.EqualTo(":0\r\n"));
                    model.Remove((db, key));
                    break;
            }
            if (random.Next(20) == 0)
            {
                db = 1 - db;
                await c.CallAsync("SELECT", db.ToString());
            }
            Assert.That(await Get(c, key), Is.EqualTo(model.GetValueOrDefault((db, key))), $"step {step}: {key} in db {db}");
            if (step % 50 == 0) AuditServer(c.Server);
        }
        AuditServer(c.Server);
        foreach (var ((d, k), v) in model)
        {
            await c.CallAsync("SELECT", d.ToString());
            Assert.That(await Get(c, k), Is.EqualTo(v), $"{k} in db {d}");
        }
    }

    /// <summary>Values of every size class and past it (own arrays), weighted towards small ones.</summary>
    private static string RandomValue(Random random, int max = 20_000)
    {
        int length = random.Next(4) switch
        {
            0 => random.Next(Math.Min(max, 16) + 1),
            1 => random.Next(Math.Min(max, 200) + 1),
            2 => random.Next(Math.Min(max, 2000) + 1),
            _ => random.Next(max + 1),
        };
        return new string((char)('a' + random.Next(26)), length);
    }

    private static async Task<string?> Get(InMemoryClient c, string key) => (string?)RespTree.Parse(await c.CallAsync("GET", key));

    private static (byte[] Slab, int Offset, int Capacity) Take(StringSlabs slabs, int capacity)
    {
        int offset = slabs.Allocate(capacity, out var slab);
        Assert.That(StringSlabs.CapacityOf(slab), Is.GreaterThanOrEqualTo(capacity));
        return (slab, offset, StringSlabs.CapacityOf(slab));
    }

    private static void AssertDisjoint(IEnumerable<(byte[] Slab, int Offset, int Capacity)> live, List<(byte[] Slab, int Offset)> free)
    {
        var all = live.Select(l => (l.Slab, l.Offset, l.Capacity, Free: false))
            .Concat(free.Select(f => (f.Slab, f.Offset, Capacity: StringSlabs.CapacityOf(f.Slab), Free: true)));
        foreach (var slab in all.GroupBy(x => x.Slab, ReferenceEqualityComparer.Instance))
        {
            var chunks = slab.OrderBy(x => x.Offset).ToList();
            for (int i = 0; i < chunks.Count; i++)
            {
                Assert.That(chunks[i].Offset, Is.GreaterThanOrEqualTo(StringSlabs.HeaderBytes));
                Assert.That(chunks[i].Offset + chunks[i].Capacity, Is.LessThanOrEqualTo(chunks[i].Slab.Length));
                if (i > 0)
                    Assert.That(chunks[i - 1].Offset + chunks[i - 1].Capacity, Is.LessThanOrEqualTo(chunks[i].Offset),
                        $"chunks at {chunks[i - 1].Offset} ({(chunks[i - 1].Free ? "free" : "live")}) and {chunks[i].Offset} ({(chunks[i].Free ? "free" : "live")}) overlap");
            }
        }
    }

    private struct CollectChunks : IEntryVisitor
    {
        public List<(byte[] Slab, int Offset, int Capacity)> Chunks;

        public void Visit(Shard shard, int index)
        {
            ref var e = ref shard.At(index);
            if (!e.IsString || !e.InSlab) return;
            Assert.That(shard.Strings.Owns(e.StringBytes), Is.True, "a value sits in another shard's slab");
            Assert.That(e.ValueLength, Is.LessThanOrEqualTo(StringValue.Capacity(e)));
            Chunks.Add((e.StringBytes, e.ValueOffset, StringValue.Capacity(e)));
        }
    }

    private static void AuditServer(ServerState server)
    {
        for (int d = 0; d < 2; d++)
        {
            var database = server.Database(d);
            for (int s = 0; s < database.ShardCount; s++)
            {
                var shard = database.ShardAt(s);
                lock (shard.Lock)
                {
                    var visitor = new CollectChunks { Chunks = [] };
                    ulong cursor = 0;
                    do cursor = shard.Scan(cursor, 1000, ref visitor); while (cursor != 0);
                    AssertDisjoint(visitor.Chunks, shard.Strings.FreeChunks());
                    Assert.That(visitor.Chunks.Sum(x => (long)x.Capacity), Is.EqualTo(shard.Strings.LiveBytes),
                        "every chunk handed out is held by a key or was freed (none leaked)");
                }
            }
        }
    }
}
