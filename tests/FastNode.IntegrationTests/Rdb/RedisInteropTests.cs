using FastNode.Server.Persistence.Rdb;
using StackExchange.Redis;

namespace FastNode.IntegrationTests.Rdb;

/// <summary>
/// RDB files and DUMP payloads between FastNode and the installed redis-server 7.0, both ways. Fixtures are made at
/// test time by a redis-server child process in a temporary directory. Ignored when redis-server is missing.
/// </summary>
[NonParallelizable]
public sealed class RedisInteropTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        if (!ChildProcess.OnPath("redis-server") || !ChildProcess.OnPath("redis-check-rdb")) Assert.Ignore("redis-server and redis-check-rdb are needed");
        _dir = Directory.CreateTempSubdirectory("fastnode-rdb-interop-").FullName;
    }

    [TearDown]
    public void TearDown()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Test]
    public void ARedisDumpLoadsIntoFastNodeAtStartUp()
    {
        int redisPort = ChildProcess.FreePort();
        SortedDictionary<string, string> expected;
        using (var redis = ChildProcess.StartRedis(redisPort, _dir))
        {
            redis.WaitUntilReady(redisPort);
            using var mux = ClientDataset.Connect(redisPort);
            ClientDataset.FillEveryType(mux);
            Assert.That(mux.GetServers()[0].Execute("SAVE").ToString(), Is.EqualTo("OK"));
            expected = ClientDataset.Describe(mux);
        }
        Assert.That(expected, Has.Count.GreaterThan(20));

        int port = ChildProcess.FreePort();
        using var fastNode = ChildProcess.StartFastNode(port, _dir, "--save \"\"");
        fastNode.WaitUntilReady(port);
        using var client = ClientDataset.Connect(port);
        Assert.That(ClientDataset.Describe(client), Is.EqualTo(expected));
        Assert.That(fastNode.Output, Does.Contain($"keys loaded: {expected.Count}"));
        var info = client.GetServers()[0].Execute("INFO", "persistence").ToString();
        Assert.That(info, Does.Contain($"rdb_last_load_keys_loaded:{expected.Count}"));
    }

    [Test]
    public async Task AFastNodeSavePassesRedisCheckRdbAndLoadsIntoRedis()
    {
        await using var server = TestServer.Start();
        SortedDictionary<string, string> expected;
        using (var mux = server.ConnectMultiplexer())
        {
            ClientDataset.FillEveryType(mux);
            Assert.That(mux.GetServers()[0].Execute("SAVE").ToString(), Is.EqualTo("OK"));
            expected = ClientDataset.Describe(mux);
        }
        string file = server.State.Options.RdbPath;
        File.Copy(file, Path.Combine(_dir, "dump.rdb"));
        AssertCheckRdbPasses(Path.Combine(_dir, "dump.rdb"));

        int redisPort = ChildProcess.FreePort();
        using var redis = ChildProcess.StartRedis(redisPort, _dir);
        redis.WaitUntilReady(redisPort);
        using var client = ClientDataset.Connect(redisPort);
        Assert.That(ClientDataset.Describe(client), Is.EqualTo(expected));
    }

    [Test]
    public async Task FastNodeOnlyTypesPassTheCheckerAreRefusedByRedisAndReloadIntact()
    {
        await using var server = TestServer.Start();
        string[] lockInfo;
        SortedDictionary<string, string> expected;
        using (var mux = server.ConnectMultiplexer())
        {
            var db = mux.GetDatabase();
            db.StringSet("plain", "v");
            db.Execute("CL.THROTTLE", "gcra", "5", "10", "60", "1");
            db.Execute("RL.TOKENBUCKET", "bucket", "10", "1", "PERIOD", "1000", "COST", "3");
            db.Execute("RL.SLIDINGLOG", "log", "10", "60000", "COST", "2");
            db.Execute("RL.SLIDINGWINDOW", "window", "10", "60000", "COST", "4");
            db.Execute("RL.CONCURRENCY.ACQUIRE", "conc", "3", "60000");
            db.Execute("LOCK.ACQUIRE", "lock", "owner-1", "60000");
            db.Execute("SEM.ACQUIRE", "sem", "owner-a", "3", "60000");
            lockInfo = [db.Execute("LOCK.INFO", "lock").ToString(), db.Execute("SEM.INFO", "sem").ToString()];
            expected = DescribeWithTypes(mux);
            Assert.That(mux.GetServers()[0].Execute("SAVE").ToString(), Is.EqualTo("OK"));
        }
        string copy = Path.Combine(_dir, "dump.rdb");
        File.Copy(server.State.Options.RdbPath, copy);
        AssertCheckRdbPasses(copy);

        int redisPort = ChildProcess.FreePort();
        using (var redis = ChildProcess.StartRedis(redisPort, _dir))
        {
            Assert.That(redis.WaitForExit(30_000), Is.True, "redis-server must refuse the file and exit");
            Assert.That(redis.Output, Does.Contain("The RDB file contains module data I can't load: no matching module type 'FN"));
        }

        await using var reloaded = TestServer.Start();
        using (var input = File.OpenRead(copy)) RdbLoader.Load(input, reloaded.State);
        using var client = reloaded.ConnectMultiplexer();
        Assert.That(DescribeWithTypes(client), Is.EqualTo(expected));
        var rdb = client.GetDatabase();
        Assert.That(new[] { rdb.Execute("LOCK.INFO", "lock").ToString(), rdb.Execute("SEM.INFO", "sem").ToString() }, Is.EqualTo(lockInfo));
    }

    [Test]
    public async Task DumpPayloadsRestoreBothWays()
    {
        int redisPort = ChildProcess.FreePort();
        using var redisProcess = ChildProcess.StartRedis(redisPort, _dir);
        redisProcess.WaitUntilReady(redisPort);
        using var redis = ClientDataset.Connect(redisPort);
        await using var server = TestServer.Start();
        using var fastNode = server.ConnectMultiplexer();

        // redis-server -> FastNode
        ClientDataset.FillEveryType(redis);
        CopyByDumpRestore(redis, fastNode);
        Assert.That(WithoutTtl(ClientDataset.Describe(fastNode)), Is.EqualTo(WithoutTtl(ClientDataset.Describe(redis))));

        // FastNode -> redis-server (a fresh Redis dataset)
        redis.GetServers()[0].FlushAllDatabases();
        fastNode.GetDatabase(0).StringSet("only-in-fastnode", "x");
        CopyByDumpRestore(fastNode, redis);
        Assert.That(WithoutTtl(ClientDataset.Describe(redis)), Is.EqualTo(WithoutTtl(ClientDataset.Describe(fastNode))));

        // Same value, same bytes where no LZF is involved (FastNode's LZF compressor is its own, so compressed
        // strings differ in bytes from Redis's while both decompress to the same value; hash-table sets iterate in another order).
        foreach (var key in new[] { "hash-small", "int8", "list-small", "zset-small" })
        {
            var ours = (byte[])fastNode.GetDatabase(0).KeyDump(key)!;
            var theirs = (byte[])redis.GetDatabase(0).KeyDump(key)!;
            Assert.That(ours, Is.EqualTo(theirs), key);
        }
    }

    private static void CopyByDumpRestore(IConnectionMultiplexer from, IConnectionMultiplexer to)
    {
        var server = from.GetServers()[0];
        for (int d = 0; d < 16; d++)
        {
            foreach (var key in server.Keys(d, "*", pageSize: 500))
            {
                var payload = from.GetDatabase(d).KeyDump(key);
                Assert.That(payload, Is.Not.Null);
                to.GetDatabase(d).Execute("RESTORE", key, 0, payload!, "REPLACE");
            }
        }
    }

    private static Dictionary<string, string> WithoutTtl(SortedDictionary<string, string> dataset) =>
        dataset.ToDictionary(p => p.Key, p => string.Join(' ', p.Value.Split(' ').Where((_, i) => i != 1)));

    /// <summary>Keys with TYPE and PEXPIRETIME (FastNode's own types have no client-readable value).</summary>
    private static SortedDictionary<string, string> DescribeWithTypes(IConnectionMultiplexer mux)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var db = mux.GetDatabase(0);
        foreach (var key in mux.GetServers()[0].Keys(0, "*"))
            result[key.ToString()] = db.Execute("TYPE", key) + " " + db.Execute("PEXPIRETIME", key) + " " + db.Execute("OBJECT", "ENCODING", key);
        return result;
    }

    private static void AssertCheckRdbPasses(string file)
    {
        using var check = ChildProcess.Start("redis-check-rdb", file);
        Assert.That(check.WaitForExit(60_000), Is.True);
        Assert.That(check.ExitCode, Is.EqualTo(0), check.Output);
        Assert.That(check.Output, Does.Contain("RDB looks OK"));
    }
}
