using System.Text;
using StackExchange.Redis;

namespace FastNode.IntegrationTests;

/// <summary>
/// Every key of a server (FastNode or redis-server) in a canonical text form: database, key, type, content (sets and
/// hashes sorted) and absolute expiry, one line each, sorted. Two servers hold the same dataset when the dumps match.
/// </summary>
public static class DatasetDump
{
    public static string Read(int port, int databases = 16)
    {
        var config = new ConfigurationOptions { AllowAdmin = true, ConnectTimeout = 10_000, SyncTimeout = 10_000 };
        config.EndPoints.Add("127.0.0.1", port);
        using var connection = ConnectionMultiplexer.Connect(config);
        var server = connection.GetServer("127.0.0.1", port);
        var lines = new List<string>();
        for (int d = 0; d < databases; d++)
        {
            var db = connection.GetDatabase(d);
            foreach (var key in server.Keys(d, pageSize: 1000))
            {
                string content = db.KeyType(key) switch
                {
                    RedisType.String => "string " + Show(db.StringGet(key)),
                    RedisType.List => "list " + string.Join(",", db.ListRange(key).Select(Show)),
                    RedisType.Set => "set " + string.Join(",", db.SetMembers(key).Select(Show).Order(StringComparer.Ordinal)),
                    RedisType.Hash => "hash " + string.Join(",", db.HashGetAll(key).Select(e => Show(e.Name) + "=" + Show(e.Value)).Order(StringComparer.Ordinal)),
                    RedisType.SortedSet => "zset " + string.Join(",", db.SortedSetRangeByRankWithScores(key).Select(e => Show(e.Element) + "=" + e.Score.ToString("R"))),
                    var other => other.ToString(),
                };
                var expiry = db.KeyExpireTime(key);
                lines.Add($"{d} {Show(key)} {content} ttl={(expiry is { } at ? new DateTimeOffset(at).ToUnixTimeMilliseconds() : 0)}");
            }
        }
        lines.Sort(StringComparer.Ordinal);
        return string.Join("\n", lines);
    }

    private static string Show(RedisValue value) => Convert.ToHexString((byte[])value!);

    private static string Show(RedisKey key) => Convert.ToHexString((byte[])key!);

    /// <summary>A dataset with every type, both small and large encodings, TTLs, binary data and several databases.</summary>
    public static void Fill(int port)
    {
        var config = new ConfigurationOptions { AllowAdmin = true, ConnectTimeout = 10_000, SyncTimeout = 10_000 };
        config.EndPoints.Add("127.0.0.1", port);
        using var connection = ConnectionMultiplexer.Connect(config);
        var random = new Random(7);
        for (int d = 0; d < 3; d++)
        {
            var db = connection.GetDatabase(d);
            db.StringSet($"s:{d}", "plain");
            db.StringSet($"n:{d}", 12345);
            db.StringSet(new byte[] { 0, 1, 2, 0xff }, new byte[] { 0xfe, 0, 13, 10 });
            db.StringSet($"big:{d}", new string('x', 20_000));
            db.StringSet($"ttl:{d}", "v", TimeSpan.FromHours(1));
            db.ListRightPush($"l:{d}", Enumerable.Range(0, 5).Select(i => (RedisValue)("e" + i)).ToArray());
            db.ListRightPush($"L:{d}", Enumerable.Range(0, 500).Select(i => (RedisValue)("element-" + i)).ToArray());
            db.SetAdd($"iset:{d}", Enumerable.Range(0, 10).Select(i => (RedisValue)(i * 1000)).ToArray());
            db.SetAdd($"set:{d}", Enumerable.Range(0, 300).Select(i => (RedisValue)("m" + i)).ToArray());
            db.HashSet($"h:{d}", Enumerable.Range(0, 5).Select(i => new HashEntry("f" + i, "v" + i)).ToArray());
            db.HashSet($"H:{d}", Enumerable.Range(0, 300).Select(i => new HashEntry("field" + i, random.Next())).ToArray());
            db.SortedSetAdd($"z:{d}", Enumerable.Range(0, 5).Select(i => new SortedSetEntry("z" + i, i * 1.5)).ToArray());
            db.SortedSetAdd($"Z:{d}", Enumerable.Range(0, 300).Select(i => new SortedSetEntry("zm" + i, random.NextDouble() * 1000)).ToArray());
            db.KeyExpire($"L:{d}", TimeSpan.FromDays(2));
        }
    }
}
