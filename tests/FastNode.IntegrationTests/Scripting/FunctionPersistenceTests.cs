using static FastNode.IntegrationTests.Probe;

namespace FastNode.IntegrationTests.Scripting;

/// <summary>
/// Function libraries travel with the dataset, as in Redis 7.0: through the RDB (opcode 245 after the AUX fields), the
/// AOF base file of a rewrite (RDB preamble or FUNCTION LOAD commands), a replica's full sync, and the change feed
/// (FUNCTION LOAD/DELETE/FLUSH/RESTORE) — between FastNode processes and with redis-server 7.0 both ways.
/// </summary>
[NonParallelizable]
public sealed class FunctionPersistenceTests : ProcessTestBase
{
    private const string LibA = "#!lua name=liba\n"
        + "redis.register_function('fa', function(keys, args) return 'a:' .. (args[1] or '') end)\n"
        + "redis.register_function{function_name='fa_ro', callback=function() return 'ro' end, flags={'no-writes'}}";

    private const string LibB = "#!lua name=libb\nredis.register_function('fb', function(keys) return redis.call('INCR', keys[1]) end)";

    private const string LibC = "#!lua name=libc\nredis.register_function{function_name='fc', callback=function() return 'c' end, flags={'no-writes'}}";

    protected override string DirPrefix => "fastnode-fn-persist-";

    private string SubDir(string name) => Directory.CreateDirectory(Path.Combine(Dir, name)).FullName;

    private ServerProcesses.Running FastNodeIn(string dir, string extra = "") =>
        Processes.FastNode(ServerProcesses.FreePort(), $"--dir {dir} {extra}").Ready();

    private ServerProcesses.Running RedisIn(string dir, string extra = "")
    {
        if (!ServerProcesses.RedisInstalled) Assert.Ignore("redis-server is not installed");
        return Processes.Redis(ServerProcesses.FreePort(), $"--dir {dir} --repl-diskless-sync-delay 0 {extra}").Ready();
    }

    private static void Load(int port, string code) =>
        Assert.That(Call(port, "FUNCTION", "LOAD", code), Does.StartWith("$"), "FUNCTION LOAD");

    /// <summary>The library names a server lists, sorted (Redis lists them in hash order).</summary>
    private static List<string> Libraries(int port)
    {
        var names = new List<string>();
        var lines = Call(port, "FUNCTION", "LIST").Split("\r\n");
        for (int i = 0; i + 2 < lines.Length; i++)
        {
            if (lines[i] == "library_name") names.Add(lines[i + 2]);
        }
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <summary>The loaded library's code is the one given, and its functions answer.</summary>
    private static void AssertLibrariesWork(int port, params string[] expected)
    {
        var names = new List<string>();
        foreach (var code in expected) names.Add(code.Split('\n')[0]["#!lua name=".Length..]);
        names.Sort(StringComparer.Ordinal);
        Assert.That(Libraries(port), Is.EqualTo(names), $"libraries on {port}");
        foreach (var code in expected)
        {
            var name = code.Split('\n')[0]["#!lua name=".Length..];
            Assert.That(Call(port, "FUNCTION", "LIST", "LIBRARYNAME", name, "WITHCODE"), Does.Contain(code), $"{name}'s code on {port}");
        }
        if (Array.IndexOf(expected, LibA) >= 0) Assert.That(Call(port, "FCALL_RO", "fa_ro", "0"), Is.EqualTo("$2\r\nro\r\n"));
        if (Array.IndexOf(expected, LibC) >= 0) Assert.That(Call(port, "FCALL_RO", "fc", "0"), Is.EqualTo("$1\r\nc\r\n"));
    }

    private static void WaitForBackgroundSave(int port) =>
        WaitUntil(() => Info(port, "persistence")["rdb_bgsave_in_progress"] == "0", "BGSAVE to finish", 60);

    private static void WaitInSync(ServerProcesses.Running primary, ServerProcesses.Running replica) =>
        WaitUntil(() =>
        {
            var r = Info(replica.Port);
            return r["master_link_status"] == "up" && r["slave_repl_offset"] == Info(primary.Port)["master_repl_offset"];
        }, $"replica {replica.Port} in sync with {primary.Port}\nprimary log:\n{primary.Log}\nreplica log:\n{replica.Log}");

    [TestCase("SAVE")]
    [TestCase("BGSAVE")]
    public void ARestartFromTheRdbKeepsTheLibraries(string save)
    {
        var first = FastNodeIn(Dir, "--save \"\"");
        Load(first.Port, LibA);
        Load(first.Port, LibB);
        Assert.That(Call(first.Port, "FCALL", "fb", "1", "counter"), Is.EqualTo(":1\r\n"));
        Assert.That(Call(first.Port, save), Does.StartWith("+"));
        if (save == "BGSAVE") WaitForBackgroundSave(first.Port);
        Assert.That(Info(first.Port, "persistence")["rdb_last_bgsave_status"], Is.EqualTo("ok"));
        first.Kill9();

        var second = FastNodeIn(Dir, "--save \"\"");
        AssertLibrariesWork(second.Port, LibA, LibB);
        Assert.That(Call(second.Port, "FCALL", "fb", "1", "counter"), Is.EqualTo(":2\r\n"));
    }

    [Test]
    public void AnRdbWithoutFunctionsLoadsNone()
    {
        var first = FastNodeIn(Dir, "--save \"\"");
        Call(first.Port, "SET", "k", "v");
        Assert.That(Call(first.Port, "SAVE"), Is.EqualTo("+OK\r\n"));
        Load(first.Port, LibA);   // after the save: not in the file
        first.Kill9();
        var second = FastNodeIn(Dir, "--save \"\"");
        Assert.That(Libraries(second.Port), Is.Empty);
        Assert.That(Call(second.Port, "GET", "k"), Is.EqualTo("$1\r\nv\r\n"));
    }

    [TestCase("yes")]
    [TestCase("no")]
    public void ARestartFromARewrittenAofKeepsTheLibraries(string preamble)
    {
        // No LZF, so that the test can find the code in the base file.
        string args = $"--save \"\" --appendonly yes --aof-use-rdb-preamble {preamble} --rdbcompression no";
        var first = FastNodeIn(Dir, args);
        Load(first.Port, LibA);
        Load(first.Port, LibC);
        using (var client = RawClient.Connect(first.Port))
        {
            Assert.That(client.Call("BGREWRITEAOF"), Does.StartWith("+"));
            WaitUntil(() => client.Call("INFO", "persistence").Contains("aof_rewrite_in_progress:0"), "the AOF rewrite to finish", 60);
        }
        var baseFile = Directory.GetFiles(Path.Combine(Dir, "appendonlydir"), "*.base.*").Single();
        var baseText = File.ReadAllText(baseFile);
        Assert.That(baseText, Does.Contain(LibA), "the rewrite's base file holds the library");
        if (preamble == "no") Assert.That(baseText, Does.StartWith($"*3\r\n$8\r\nFUNCTION\r\n$4\r\nLOAD\r\n${LibA.Length}\r\n{LibA}\r\n"));
        // After the rewrite, in the increment: a library loaded, one deleted, one replaced.
        Load(first.Port, LibB);
        Assert.That(Call(first.Port, "FUNCTION", "DELETE", "libc"), Is.EqualTo("+OK\r\n"));
        Assert.That(Call(first.Port, "FCALL", "fb", "1", "counter"), Is.EqualTo(":1\r\n"));
        first.Stop();

        var second = FastNodeIn(Dir, args);
        AssertLibrariesWork(second.Port, LibA, LibB);
        Assert.That(Call(second.Port, "FCALL", "fb", "1", "counter"), Is.EqualTo(":2\r\n"));
    }

    [Test]
    public void AFunctionFlushAndRestoreReachTheAof()
    {
        string args = "--save \"\" --appendonly yes";
        var first = FastNodeIn(Dir, args);
        Load(first.Port, LibA);
        Assert.That(Call(first.Port, "FUNCTION", "FLUSH"), Is.EqualTo("+OK\r\n"));
        Load(first.Port, LibC);
        using (var client = Rdb.ClientDataset.Connect(first.Port))
        {
            var db = client.GetDatabase();
            var libcAlone = (byte[])db.Execute("FUNCTION", "DUMP")!;
            db.Execute("FUNCTION", "FLUSH");
            Load(first.Port, LibB);
            Assert.That(db.Execute("FUNCTION", "RESTORE", libcAlone, "APPEND").ToString(), Is.EqualTo("OK"));
        }
        first.Stop();
        var second = FastNodeIn(Dir, args);
        AssertLibrariesWork(second.Port, LibB, LibC);
    }

    [Test]
    public void AFastNodeReplicasFullSyncReplacesItsLibrariesAndTheStreamCarriesChanges()
    {
        var primary = FastNodeIn(SubDir("p"), "--save \"\"");
        Load(primary.Port, LibA);
        var replica = FastNodeIn(SubDir("r"), "--save \"\"");
        Load(replica.Port, LibC);   // the replica's own: gone with the sync, as in Redis
        Assert.That(Call(replica.Port, "REPLICAOF", "127.0.0.1", primary.Port.ToString()), Is.EqualTo("+OK\r\n"));
        WaitInSync(primary, replica);
        AssertLibrariesWork(replica.Port, LibA);

        Load(primary.Port, LibB);
        Assert.That(Call(primary.Port, "FUNCTION", "DELETE", "liba"), Is.EqualTo("+OK\r\n"));
        WaitInSync(primary, replica);
        AssertLibrariesWork(replica.Port, LibB);
        Assert.That(Call(primary.Port, "FUNCTION", "FLUSH"), Is.EqualTo("+OK\r\n"));
        WaitInSync(primary, replica);
        Assert.That(Libraries(replica.Port), Is.Empty);
    }

    [Test]
    public void ARedisReplicaOfFastNodeGetsTheLibrariesInItsFullSync()
    {
        var primary = FastNodeIn(SubDir("p"), "--save \"\"");
        Load(primary.Port, LibA);
        Load(primary.Port, LibC);
        var replica = RedisIn(SubDir("r"), $"--replicaof 127.0.0.1 {primary.Port}");
        WaitUntil(() => Info(replica.Port)["master_link_status"] == "up", $"redis replica link up\n{replica.Log}");
        AssertLibrariesWork(replica.Port, LibA, LibC);
        Load(primary.Port, LibB);
        WaitUntil(() => Libraries(replica.Port).Count == 3, $"FUNCTION LOAD reaching the redis replica\n{replica.Log}");
        AssertLibrariesWork(replica.Port, LibA, LibB, LibC);
    }

    [Test]
    public void AFastNodeReplicaOfRedisGetsTheLibrariesInItsFullSync()
    {
        var primary = RedisIn(SubDir("p"));
        Load(primary.Port, LibA);
        Load(primary.Port, LibB);
        var replica = FastNodeIn(SubDir("r"), $"--save \"\" --replicaof 127.0.0.1 {primary.Port}");
        WaitInSync(primary, replica);
        AssertLibrariesWork(replica.Port, LibA, LibB);
        Assert.That(Call(primary.Port, "FUNCTION", "DELETE", "libb"), Is.EqualTo("+OK\r\n"));
        WaitInSync(primary, replica);
        AssertLibrariesWork(replica.Port, LibA);
    }

    [Test]
    public void ARedisDumpWithLibrariesLoadsIntoFastNode()
    {
        string redisDir = SubDir("redis");
        var redis = RedisIn(redisDir);
        Load(redis.Port, LibA);
        Load(redis.Port, LibB);
        Call(redis.Port, "SET", "counter", "10");
        Assert.That(Call(redis.Port, "SAVE"), Is.EqualTo("+OK\r\n"));
        string fastNodeDir = SubDir("fastnode");
        File.Copy(Path.Combine(redisDir, "dump.rdb"), Path.Combine(fastNodeDir, "dump.rdb"));

        var fastNode = FastNodeIn(fastNodeDir, "--save \"\"");
        AssertLibrariesWork(fastNode.Port, LibA, LibB);
        Assert.That(Call(fastNode.Port, "FCALL", "fb", "1", "counter"), Is.EqualTo(":11\r\n"));
    }

    [Test]
    public void AFastNodeDumpWithLibrariesPassesRedisCheckRdbAndLoadsIntoRedis()
    {
        if (!ServerProcesses.RedisInstalled) Assert.Ignore("redis-server is not installed");
        string fastNodeDir = SubDir("fastnode");
        var fastNode = FastNodeIn(fastNodeDir, "--save \"\"");
        Load(fastNode.Port, LibA);
        Load(fastNode.Port, LibB);
        Call(fastNode.Port, "SET", "counter", "20");
        Assert.That(Call(fastNode.Port, "SAVE"), Is.EqualTo("+OK\r\n"));
        string redisDir = SubDir("redis");
        File.Copy(Path.Combine(fastNodeDir, "dump.rdb"), Path.Combine(redisDir, "dump.rdb"));
        var (exitCode, output) = ServerProcesses.Run("/usr/bin/redis-check-rdb", Path.Combine(redisDir, "dump.rdb"));
        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("RDB looks OK"));

        var redis = RedisIn(redisDir);
        AssertLibrariesWork(redis.Port, LibA, LibB);
        Assert.That(Call(redis.Port, "FCALL", "fb", "1", "counter"), Is.EqualTo(":21\r\n"));
    }

    [Test]
    public void ALibraryThatFailsToLoadFailsTheStart()
    {
        // A saved library edited to register an invalid function name (checksum recomputed): Redis refuses to start
        // on such a file, and so does FastNode.
        var fastNode = FastNodeIn(Dir, "--save \"\" --rdbcompression no");
        Load(fastNode.Port, LibA);
        Assert.That(Call(fastNode.Port, "SAVE"), Is.EqualTo("+OK\r\n"));
        fastNode.Kill9();
        var file = Path.Combine(Dir, "dump.rdb");
        var bytes = File.ReadAllBytes(file);
        int at = System.Text.Encoding.Latin1.GetString(bytes).IndexOf("register_function('fa'", StringComparison.Ordinal);
        Assert.That(at, Is.GreaterThan(0));
        bytes[at + "register_function('".Length] = (byte)'!';   // 'fa' -> '!a'
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8),
            global::FastNode.Server.Persistence.Rdb.Crc64.Compute(bytes.AsSpan(0, bytes.Length - 8)));
        File.WriteAllBytes(file, bytes);
        var broken = Processes.FastNode(ServerProcesses.FreePort(), $"--dir {Dir} --save \"\"");
        Assert.That(broken.WaitForExit(30_000), Is.Not.EqualTo(0));
        Assert.That(broken.Log, Does.Contain("Failed loading library"));
    }
}
