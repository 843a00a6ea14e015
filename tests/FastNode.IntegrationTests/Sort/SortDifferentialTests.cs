using System.Globalization;

namespace FastNode.IntegrationTests.Sort;

/// <summary>
/// SORT and SORT_RO against redis-server 7.0, reply bytes compared: seeded random lists (numbers, duplicates, words,
/// spaces, hex), integer sets and sorted sets, weight strings and hash fields, then random BY / GET / LIMIT / ASC /
/// DESC / ALPHA / STORE combinations (the stored list read back), and the error cases. Cases whose order Redis
/// leaves to its hash tables (ALPHA BY ties on sorted sets, unsorted non-integer sets) are not generated.
/// </summary>
public sealed class SortDifferentialTests : DifferentialPairTestBase
{
    [TestCase(1, 2)]
    [TestCase(2, 3)]
    [TestCase(3, 2)]
    [TestCase(4, 2)]
    public void RandomSortsMatchRedis(int seed, int protocol)
    {
        if (protocol == 3) Pair.Both("HELLO", "3");
        var random = new Random(seed);
        var values = new List<string>();
        for (int i = 0; i < 60; i++) values.Add(RandomValue(random));
        for (int i = 0; i < values.Count; i += 10) Pair.Same(["RPUSH", "list", .. values.Skip(i).Take(10)]);
        var numbers = Enumerable.Range(0, 40).Select(_ => random.Next(-50, 50).ToString(CultureInfo.InvariantCulture)).ToList();
        Pair.Same(["RPUSH", "nums", .. numbers]);
        Pair.Same(["SADD", "ints", .. numbers]);
        var zargs = new List<string> { "ZADD", "zset" };
        foreach (var n in numbers.Distinct()) zargs.AddRange([random.Next(0, 10).ToString(CultureInfo.InvariantCulture), n]);
        Pair.Same([.. zargs]);
        foreach (var v in values.Concat(numbers).Distinct())
        {
            int kind = random.Next(6);
            if (kind < 3) Pair.Same("SET", "w_" + v, random.Next(-20, 20).ToString(CultureInfo.InvariantCulture));
            else if (kind == 3) Pair.Same("SET", "w_" + v, RandomValue(random));
            if (random.Next(2) == 0) Pair.Same("HSET", "h_" + v, "f", RandomValue(random), "n", random.Next(100).ToString(CultureInfo.InvariantCulture));
        }

        string[] sources = ["list", "nums", "ints", "zset"];
        for (int q = 0; q < 150; q++)
        {
            var source = sources[random.Next(sources.Length)];
            var command = new List<string> { random.Next(4) == 0 ? "SORT_RO" : "SORT", source };
            bool alpha = random.Next(3) == 0 || source == "list";
            int by = random.Next(6);
            if (by == 1) command.AddRange(["BY", "w_*"]);
            else if (by == 2) command.AddRange(["BY", "h_*->n"]);
            else if (by == 3) command.AddRange(["BY", "nosort"]);
            else if (by == 4) command.AddRange(["BY", "missing_*"]);
            else if (by == 5) command.AddRange(["BY", "h_*->f"]);
            if (alpha && by is 1 or 2 or 4 or 5 && source == "zset") alpha = false;
            if (alpha) command.Add("ALPHA");
            int direction = random.Next(3);
            if (direction == 1) command.Add("ASC");
            if (direction == 2) command.Add("DESC");
            if (random.Next(2) == 0)
                command.AddRange(["LIMIT", random.Next(-3, 70).ToString(CultureInfo.InvariantCulture), random.Next(-2, 30).ToString(CultureInfo.InvariantCulture)]);
            for (int g = random.Next(4); g > 0; g--)
                command.AddRange(["GET", new[] { "#", "w_*", "h_*->f", "missing_*", "nostar" }[random.Next(5)]]);
            bool store = command[0] == "SORT" && random.Next(3) == 0;
            if (store) command.AddRange(["STORE", "dst"]);
            Pair.Same([.. command]);
            if (store) Pair.Same("LRANGE", "dst", "0", "-1");
        }
        if (protocol == 3) Pair.Both("HELLO", "2");
    }

    [Test]
    public void ErrorsAndEdgesMatchRedis()
    {
        Pair.Same("RPUSH", "l", "3", "x", "1");
        Pair.Same("RPUSH", "n", "3", "1", "2");
        Pair.Same("SET", "str", "v");
        Pair.Same("SET", "w_1", "1e400");
        Pair.Same("SET", "w_2", "nan");
        Pair.Same("SET", "w_3", "  4");
        string[][] commands =
        [
            ["SORT", "l"], ["SORT", "str"], ["SORT", "n", "LIMIT", "1"], ["SORT", "n", "LIMIT", "a", "1"],
            ["SORT", "n", "LIMIT", "1", "b"], ["SORT", "n", "BOGUS"], ["SORT", "n", "GET"], ["SORT", "n", "BY"],
            ["SORT", "n", "STORE"], ["SORT_RO", "n", "STORE", "d"], ["SORT", "n", "BY", "w_*"], ["SORT", "n", "BY", "w_*", "ALPHA"],
            ["SORT", "l", "STORE", "d"], ["EXISTS", "d"], ["SORT", "nokey"], ["SORT", "nokey", "STORE", "d"],
            ["SORT", "n", "LIMIT", "0", "0", "STORE", "d"], ["EXISTS", "d"], ["SORT", "n", "STORE", "str"], ["TYPE", "str"],
            ["SORT", "n", "STORE", "a", "STORE", "b"], ["EXISTS", "a"], ["LRANGE", "b", "0", "-1"],
            ["SORT", "n", "BY", "nosort", "BY", "w_*"], ["SORT", "n", "get", "#", "GET", "#"],
            ["SORT", "n", "LIMIT", "9223372036854775807", "9223372036854775807"], ["SORT", "n", "LIMIT", "-9223372036854775808", "2"],
            ["SORT"],
        ];
        foreach (var command in commands) Pair.Same(command);
    }

    private static string RandomValue(Random random) => random.Next(9) switch
    {
        0 => random.Next(-100, 100).ToString(CultureInfo.InvariantCulture),
        1 => (random.NextDouble() * 200 - 100).ToString("R", CultureInfo.InvariantCulture),
        2 => "w" + random.Next(5),
        3 => random.Next(5).ToString(CultureInfo.InvariantCulture),
        4 => " " + random.Next(10),
        5 => "0x" + random.Next(255).ToString("x", CultureInfo.InvariantCulture),
        6 => random.Next(3) == 0 ? "" : "1e" + random.Next(-5, 5),
        7 => ((char)('a' + random.Next(26))).ToString() + (char)('a' + random.Next(26)),
        _ => random.Next(1000).ToString(CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// SORT in cluster mode against a one-node redis-server 7.0 cluster: BY with a real pattern and any GET are refused
/// with Redis's errors, a constant BY still sorts, and the STORE key is routed with the source (CROSSSLOT otherwise),
/// as are GEORADIUS's STORE keys.
/// </summary>
public sealed class SortClusterDifferentialTests
{
    private DifferentialPair _pair = null!;

    [OneTimeSetUp]
    public void StartBoth()
    {
        if (!ServerProcesses.RedisInstalled) Assert.Ignore("redis-server is not installed");
        _pair = new DifferentialPair("--cluster-enabled yes --cluster-config-file fastnode-nodes.conf",
            "--cluster-enabled yes --cluster-config-file redis-nodes.conf");
        foreach (int port in new[] { _pair.FastNodePort, _pair.RedisPort })
        {
            Probe.Call(port, "CLUSTER", "ADDSLOTSRANGE", "0", "16383");
            Probe.WaitUntil(() => Probe.Call(port, "CLUSTER", "INFO").Contains("cluster_state:ok"), $"cluster_state:ok on {port}");
        }
    }

    [OneTimeTearDown]
    public void StopBoth() => _pair?.Dispose();

    [Test]
    public void PatternsAreRefusedAndStoreKeysRouted()
    {
        _pair.Same("RPUSH", "{t}l", "3", "1", "2");
        _pair.Same("SET", "{t}w_1", "5");
        string[][] commands =
        [
            ["SORT", "{t}l"], ["SORT", "{t}l", "BY", "{t}w_*"], ["SORT", "{t}l", "BY", "nosort", "DESC"],
            ["SORT", "{t}l", "GET", "#"], ["SORT", "{t}l", "LIMIT", "0", "1", "GET", "{t}w_*", "BY", "{t}w_*"],
            ["SORT_RO", "{t}l", "BY", "{t}w_*"], ["SORT", "{t}l", "STORE", "{t}d"], ["LRANGE", "{t}d", "0", "-1"],
            ["SORT", "{t}l", "STORE", "elsewhere"], ["SORT", "{t}l", "LIMIT", "0", "1", "STORE", "{t}a", "STORE", "other"],
            ["GEOADD", "{t}g", "1", "2", "m"], ["GEORADIUS", "{t}g", "1", "2", "10", "km", "STORE", "elsewhere"],
            ["GEORADIUS", "{t}g", "1", "2", "10", "km", "STOREDIST", "{t}gd"], ["GEOSEARCHSTORE", "x", "{t}g", "FROMMEMBER", "m", "BYRADIUS", "1", "km"],
        ];
        foreach (var command in commands) _pair.Same(command);
    }
}
