using System.Globalization;
using System.Text;

namespace FastNode.IntegrationTests;

/// <summary>
/// maxmemory and its policies on real processes: a cache filled past the limit stays under it, evicts the keys its
/// policy names, refuses writes under noeviction with Redis's OOM error, and its replica sees the evictions as DELs.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class MaxMemoryTests : ProcessTestBase
{
    protected override string DirPrefix => "fastnode-maxmemory-";

    private const string OomReply = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";

    /// <summary>
    /// Sends <paramref name="count"/> SETs of <paramref name="valueBytes"/>-byte values pipelined in chunks and reads
    /// every reply; returns how many were not +OK. Bounded by the count and by RawClient's read timeout.
    /// </summary>
    internal static int Fill(int port, string prefix, int count, int valueBytes, int ttlSeconds = 0, int start = 0)
    {
        using var client = RawClient.Connect(port);
        string value = new('v', valueBytes);
        int failed = 0;
        const int Chunk = 500;
        for (int first = start; first < start + count; first += Chunk)
        {
            int n = Math.Min(Chunk, start + count - first);
            var batch = new MemoryStream();
            for (int i = first; i < first + n; i++)
            {
                var command = ttlSeconds > 0
                    ? Resp.Command("SET", prefix + i.ToString(CultureInfo.InvariantCulture), value, "EX", ttlSeconds.ToString(CultureInfo.InvariantCulture))
                    : Resp.Command("SET", prefix + i.ToString(CultureInfo.InvariantCulture), value);
                batch.Write(command);
            }
            client.Send(batch.ToArray());
            for (int i = 0; i < n; i++)
            {
                if (client.ReadReply(30_000) != "+OK\r\n") failed++;
            }
        }
        return failed;
    }

    private static long InfoLong(int port, string section, string field) =>
        long.Parse(Probe.Info(port, section)[field], CultureInfo.InvariantCulture);

    /// <summary>How many of prefix0..prefix{count-1} still exist (EXISTS with many keys, in chunks).</summary>
    internal static int Surviving(int port, string prefix, int count)
    {
        using var client = RawClient.Connect(port);
        int total = 0;
        for (int first = 0; first < count; first += 1000)
        {
            var args = new List<string> { "EXISTS" };
            for (int i = first; i < Math.Min(count, first + 1000); i++) args.Add(prefix + i.ToString(CultureInfo.InvariantCulture));
            var reply = client.Call([.. args]);
            total += int.Parse(reply.AsSpan(1, reply.Length - 3), CultureInfo.InvariantCulture);
        }
        return total;
    }

    [Test]
    public void AllKeysLruCacheStaysUnderMaxmemoryAndKeepsRecentlyUsedKeys()
    {
        var server = FastNode("--maxmemory 16mb --maxmemory-policy allkeys-lru --maxmemory-samples 10");
        Assert.That(Fill(server.Port, "old:", 20_000, 200), Is.Zero);
        // LRU stamps have a one-second resolution, as in Redis: let the old keys age.
        Thread.Sleep(2200);
        Assert.That(Fill(server.Port, "hot:", 2_000, 200), Is.Zero);
        Assert.That(Fill(server.Port, "new:", 60_000, 200), Is.Zero, "allkeys-lru never refuses a write");

        long used = InfoLong(server.Port, "memory", "used_memory");
        Assert.That(used, Is.LessThanOrEqualTo(16L * 1024 * 1024 + 1024 * 1024), "used_memory stays at maxmemory (plus a request's worth)");
        long evicted = InfoLong(server.Port, "stats", "evicted_keys");
        Assert.That(evicted, Is.GreaterThan(10_000));
        int oldLeft = Surviving(server.Port, "old:", 20_000);
        int hotLeft = Surviving(server.Port, "hot:", 2_000);
        TestContext.Out.WriteLine($"used {used}, evicted {evicted}, old left {oldLeft}/20000, hot left {hotLeft}/2000");
        Assert.That((double)hotLeft / 2_000, Is.GreaterThan(2.0 * oldLeft / 20_000), "the keys used later survive better than the idle ones");
    }

    [Test]
    public void VolatileTtlEvictsTheNearestExpiryFirstAndNeverPersistentKeys()
    {
        var server = FastNode("--maxmemory 12mb --maxmemory-policy volatile-ttl");
        Assert.That(Fill(server.Port, "persistent:", 5_000, 200), Is.Zero);
        Assert.That(Fill(server.Port, "soon:", 10_000, 200, ttlSeconds: 1_000), Is.Zero);
        Assert.That(Fill(server.Port, "late:", 10_000, 200, ttlSeconds: 100_000), Is.Zero);
        Assert.That(Fill(server.Port, "later:", 20_000, 200, ttlSeconds: 200_000), Is.Zero);

        Assert.That(InfoLong(server.Port, "memory", "used_memory"), Is.LessThanOrEqualTo(13L * 1024 * 1024));
        Assert.That(Surviving(server.Port, "persistent:", 5_000), Is.EqualTo(5_000), "volatile-* never evicts a key without a TTL");
        int soon = Surviving(server.Port, "soon:", 10_000);
        int late = Surviving(server.Port, "late:", 10_000);
        TestContext.Out.WriteLine($"soon left {soon}, late left {late}");
        Assert.That(soon, Is.LessThan(late / 2), "keys nearest to expiring go first");
    }

    [Test]
    public void VolatilePolicyWithOnlyPersistentKeysAnswersOomAndReadsGoOn()
    {
        var server = FastNode("--maxmemory 8mb --maxmemory-policy volatile-lru");
        int refused = Fill(server.Port, "k:", 60_000, 200);
        Assert.That(refused, Is.GreaterThan(0), "nothing evictable: writes are refused once over the limit");
        // Well under the dataset, so the filling client's buffers leaving cannot bring used_memory back under it.
        Assert.That(Probe.Call(server.Port, "CONFIG", "SET", "maxmemory", "4mb"), Is.EqualTo("+OK\r\n"));
        Assert.That(Probe.Call(server.Port, "SET", "x", "y"), Is.EqualTo(OomReply));
        Assert.That(Probe.Call(server.Port, "GET", "k:1"), Does.StartWith("$200\r\n"));
        Assert.That(InfoLong(server.Port, "stats", "evicted_keys"), Is.Zero);
    }

    [Test]
    public void NoEvictionAnswersRedisOomErrorForWritesOnlyLikeRedis()
    {
        var fast = FastNode("--maxmemory 8mb --maxmemory-policy noeviction");
        var redis = Redis("--maxmemory 8mb --maxmemory-policy noeviction");
        foreach (var port in new[] { fast.Port, redis.Port })
        {
            Assert.That(Fill(port, "k:", 80_000, 200), Is.GreaterThan(0));
            Assert.That(Probe.Call(port, "CONFIG", "SET", "maxmemory", "4mb"), Is.EqualTo("+OK\r\n"));
            Assert.That(Probe.Call(port, "SET", "x", "y"), Is.EqualTo(OomReply), $"port {port}");
            Assert.That(Probe.Call(port, "LPUSH", "l", "a"), Is.EqualTo(OomReply));
            Assert.That(Probe.Call(port, "GET", "k:1"), Does.StartWith("$200\r\n"), "reads go on");
            Assert.That(Probe.Call(port, "DEL", "k:1"), Is.EqualTo(":1\r\n"), "DEL is a write that frees memory: not denyoom");
            Assert.That(Probe.Call(port, "EXPIRE", "k:2", "100"), Is.EqualTo(":1\r\n"), "EXPIRE is not denyoom either");
            using var client = RawClient.Connect(port);
            Assert.That(client.Call("MULTI"), Is.EqualTo("+OK\r\n"));
            Assert.That(client.Call("GET", "k:3"), Is.EqualTo(OomReply), "inside MULTI every command but EXEC/DISCARD is refused");
            Assert.That(client.Call("EXEC"), Does.StartWith("-EXECABORT"));
        }
    }

    [Test]
    public void OomDisappearsWhenMaxmemoryIsRaisedAndPolicyCanBeChangedAtRunTime()
    {
        var server = FastNode("--maxmemory 8mb");
        Assert.That(Fill(server.Port, "k:", 60_000, 200), Is.GreaterThan(0));
        Assert.That(Probe.Call(server.Port, "CONFIG", "SET", "maxmemory", "6mb"), Is.EqualTo("+OK\r\n"));
        Assert.That(Probe.Call(server.Port, "SET", "x", "y"), Is.EqualTo(OomReply));
        Assert.That(Probe.Call(server.Port, "CONFIG", "SET", "maxmemory-policy", "allkeys-random"), Is.EqualTo("+OK\r\n"));
        Assert.That(Probe.Call(server.Port, "SET", "x", "y"), Is.EqualTo("+OK\r\n"));
        Assert.That(Probe.Call(server.Port, "CONFIG", "SET", "maxmemory", "4mb"), Is.EqualTo("+OK\r\n"));
        // The cron evicts down to the new limit without any command arriving.
        Probe.WaitUntil(() => InfoLong(server.Port, "memory", "used_memory") <= 4L * 1024 * 1024, "eviction down to the lowered maxmemory");
        Assert.That(Probe.Call(server.Port, "CONFIG", "GET", "maxmemory-policy"), Does.Contain("allkeys-random"));
    }

    [Test]
    public void EvictionsReachTheReplicaAsDelsAndFireEvictedNotifications()
    {
        var primary = FastNode("--maxmemory 10mb --maxmemory-policy allkeys-lru --notify-keyspace-events Ee");
        var replica = FastNode($"--replicaof 127.0.0.1 {primary.Port}");
        Probe.WaitUntil(() => Probe.Info(replica.Port)["master_link_status"] == "up", "replica linked");
        using var subscriber = RawClient.Connect(primary.Port);
        Assert.That(subscriber.Call("SUBSCRIBE", "__keyevent@0__:evicted"), Does.Contain("subscribe"));

        Assert.That(Fill(primary.Port, "k:", 40_000, 200), Is.Zero);
        long evicted = InfoLong(primary.Port, "stats", "evicted_keys");
        Assert.That(evicted, Is.GreaterThan(0));
        var message = subscriber.ReadReply();
        Assert.That(message, Does.Contain("__keyevent@0__:evicted").And.Contain("k:"));

        long primaryKeys = long.Parse(Probe.Call(primary.Port, "DBSIZE").AsSpan(1).Trim(), CultureInfo.InvariantCulture);
        Probe.WaitUntil(() => Probe.Call(replica.Port, "DBSIZE") == $":{primaryKeys}\r\n", "the replica deleted what the primary evicted");
        Assert.That(InfoLong(replica.Port, "stats", "evicted_keys"), Is.Zero, "a replica ignores maxmemory and follows the DELs");
    }

    [Test]
    public void ObjectFreqCountsAccessesUnderLfuAndAnswersRedisErrorsOtherwise()
    {
        var fast = FastNode();
        var redis = Redis();
        foreach (var port in new[] { fast.Port, redis.Port })
        {
            Assert.That(Probe.Call(port, "SET", "k", "v"), Is.EqualTo("+OK\r\n"));
            string freqUnderLru = Probe.Call(port, "OBJECT", "FREQ", "k");
            Assert.That(freqUnderLru, Does.StartWith("-ERR An LFU maxmemory policy is not selected"));
            Assert.That(Probe.Call(port, "CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"), Is.EqualTo("+OK\r\n"));
            Assert.That(Probe.Call(port, "OBJECT", "IDLETIME", "k"), Does.StartWith("-ERR An LFU maxmemory policy is selected"));
            Assert.That(Probe.Call(port, "SET", "fresh", "v"), Is.EqualTo("+OK\r\n"));
            Assert.That(Probe.Call(port, "OBJECT", "FREQ", "fresh"), Is.EqualTo(":5\r\n"), "a new key starts at LFU_INIT_VAL");
            using (var client = RawClient.Connect(port))
            {
                for (int i = 0; i < 300; i++) client.Call("GET", "fresh");
            }
            long freq = long.Parse(Probe.Call(port, "OBJECT", "FREQ", "fresh").AsSpan(1).Trim(), CultureInfo.InvariantCulture);
            Assert.That(freq, Is.InRange(6, 40), $"port {port}: 300 hits raise a log-factor-10 counter a little");
        }
    }

    [Test]
    public void AllKeysLfuKeepsFrequentlyReadKeys()
    {
        var server = FastNode("--maxmemory 12mb --maxmemory-policy allkeys-lfu --maxmemory-samples 10");
        Assert.That(Fill(server.Port, "hot:", 1_000, 200), Is.Zero);
        using (var client = RawClient.Connect(server.Port))
        {
            // Pipelined rounds of GETs over the hot keys.
            for (int round = 0; round < 20; round++)
            {
                var batch = new MemoryStream();
                for (int i = 0; i < 1_000; i++) batch.Write(Resp.Command("GET", "hot:" + i.ToString(CultureInfo.InvariantCulture)));
                client.Send(batch.ToArray());
                for (int i = 0; i < 1_000; i++) client.ReadReply(30_000);
            }
        }
        Assert.That(Fill(server.Port, "cold:", 80_000, 200), Is.Zero);
        int hot = Surviving(server.Port, "hot:", 1_000);
        int cold = Surviving(server.Port, "cold:", 80_000);
        TestContext.Out.WriteLine($"hot left {hot}/1000, cold left {cold}/80000");
        Assert.That((double)hot / 1_000, Is.GreaterThan(2.0 * cold / 80_000));
    }

    [Test]
    public void UsedMemoryFollowsTheDatasetWithinTenPercentOfTheGcHeap()
    {
        var server = FastNode();
        Probe.Call(server.Port, "MEMORY", "PURGE");
        long usedBefore = InfoLong(server.Port, "memory", "used_memory");
        long heapBefore = InfoLong(server.Port, "memory", "gc_heap_size");
        Assert.That(Fill(server.Port, "key:", 200_000, 100), Is.Zero);
        Probe.Call(server.Port, "MEMORY", "PURGE");
        long used = InfoLong(server.Port, "memory", "used_memory") - usedBefore;
        long heap = InfoLong(server.Port, "memory", "gc_heap_size") - heapBefore;
        TestContext.Out.WriteLine($"used_memory grew {used}, GC heap grew {heap}");
        Assert.That(used, Is.InRange(heap * 0.9, heap * 1.1));

        Assert.That(Probe.Call(server.Port, "FLUSHALL"), Is.EqualTo("+OK\r\n"));
        Assert.That(InfoLong(server.Port, "memory", "used_memory_dataset"), Is.Zero);
    }
}
