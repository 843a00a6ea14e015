using System.Globalization;
using System.Net;
using StackExchange.Redis;

namespace FastNode.IntegrationTests.Rdb;

/// <summary>
/// Fills a server (redis-server or FastNode) through a client with every type in every encoding, and describes a
/// server's whole dataset through a client as canonical text, so redis-server and FastNode can be compared.
/// </summary>
public static class ClientDataset
{
    public static ConnectionMultiplexer Connect(int port)
    {
        var config = new ConfigurationOptions { AllowAdmin = true, ConnectTimeout = 10000, SyncTimeout = 20000, AbortOnConnectFail = true };
        config.EndPoints.Add(new IPEndPoint(IPAddress.Loopback, port));
        return ConnectionMultiplexer.Connect(config);
    }

    public static void FillEveryType(IConnectionMultiplexer mux)
    {
        var db = mux.GetDatabase(0);
        db.StringSet("empty", "");
        db.StringSet("int8", "-100");
        db.StringSet("int32", "-2000000000");
        db.StringSet("int64", "9223372036854775807");
        db.StringSet("notcanonical", "007");
        db.StringSet("compressible", new string('b', 500));
        db.StringSet("long", new string('c', 100_000) + "end");
        var noise = new byte[2000];
        new Random(3).NextBytes(noise);
        db.StringSet(new byte[] { 0, 0xFF, 0x0D, 0x0A, 0x80 }, noise);
        db.StringSet("ttl", "v", TimeSpan.FromHours(5));

        db.ListRightPush("list-small", ["a", "1", "-1", "127", "128", "-4096", "4095", "40000", "9000000", "3000000000", "x"]);
        db.ListRightPush("list-big", Enumerable.Range(0, 3000).Select(i => (RedisValue)(i % 7 == 0 ? new string('q', i % 300) : i.ToString(CultureInfo.InvariantCulture))).ToArray());
        db.ListRightPush("list-hugeitem", [new string('h', 20_000), "tail"]);

        db.SetAdd("intset", ["1", "-5", "70000", "5000000000"]);
        db.SetAdd("intset-600", Enumerable.Range(0, 600).Select(i => (RedisValue)i).ToArray());
        db.SetAdd("set-small", ["a", "b", "1"]);
        db.SetAdd("set-big", Enumerable.Range(0, 600).Select(i => (RedisValue)("m" + i)).ToArray());

        db.HashSet("hash-small", [new("f", "v"), new("n", "12"), new("e", "")]);
        db.HashSet("hash-longvalue", [new("f", new string('v', 65))]);
        db.HashSet("hash-big", Enumerable.Range(0, 300).Select(i => new HashEntry("f" + i, "v" + i)).ToArray());
        db.KeyExpire("hash-big", TimeSpan.FromDays(2));

        db.SortedSetAdd("zset-small", [new("a", 1), new("b", 2.5), new("c", -3), new("d", 0.1), new("e", 1e300), new("f", double.PositiveInfinity), new("g", double.NegativeInfinity)]);
        db.SortedSetAdd("zset-longmember", [new(new string('m', 65), 1)]);
        db.SortedSetAdd("zset-big", Enumerable.Range(0, 300).Select(i => new SortedSetEntry("m" + i, i * 0.25 - 7)).ToArray());

        for (int n = 1; n < 4; n++)
        {
            var other = mux.GetDatabase(n * 4);
            other.StringSet("in-db", "db" + n);
            other.ListRightPush("list", ["x", "y"]);
            other.StringSet("expiring", "v", TimeSpan.FromMinutes(n * 10));
        }
    }

    /// <summary>"db key" -> "type expiretime value", every value as hex in a fixed order.</summary>
    public static SortedDictionary<string, string> Describe(IConnectionMultiplexer mux, int databases = 16)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var server = mux.GetServers()[0];
        for (int d = 0; d < databases; d++)
        {
            var db = mux.GetDatabase(d);
            foreach (var key in server.Keys(d, "*", pageSize: 500))
            {
                string type = db.Execute("TYPE", key).ToString();
                string expire = db.Execute("PEXPIRETIME", key).ToString();
                result[$"{d} {Hex(key)}"] = $"{type} {expire} {Value(db, key, type)}";
            }
        }
        return result;
    }

    private static string Value(IDatabase db, RedisKey key, string type) => type switch
    {
        "string" => Hex((byte[])db.StringGet(key)!),
        "list" => string.Join(",", db.ListRange(key).Select(v => Hex((byte[])v!))),
        "set" => string.Join(",", db.SetMembers(key).Select(v => Hex((byte[])v!)).Order(StringComparer.Ordinal)),
        "hash" => string.Join(",", db.HashGetAll(key).Select(e => Hex((byte[])e.Name!) + "=" + Hex((byte[])e.Value!)).Order(StringComparer.Ordinal)),
        "zset" => string.Join(",", db.SortedSetRangeByRankWithScores(key).Select(e => Hex((byte[])e.Element!) + "=" + e.Score.ToString("R", CultureInfo.InvariantCulture))),
        _ => "",
    };

    private static string Hex(RedisKey key) => Convert.ToHexString((byte[])key!);

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes);
}
