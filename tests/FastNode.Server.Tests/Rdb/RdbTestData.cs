using System.Text;
using FastNode.Server.Persistence.Rdb;

namespace FastNode.Server.Tests.Rdb;

/// <summary>Datasets written through commands, and save/load helpers over memory streams.</summary>
public static class RdbTestData
{
    public static byte[] Save(ServerState server, RdbSaveOptions? options = null)
    {
        using var output = new MemoryStream();
        RdbSnapshot.Write(server, output, options);
        return output.ToArray();
    }

    public static RdbLoadResult Load(byte[] file, ServerState server, RdbLoadOptions? options = null)
    {
        using var input = new MemoryStream(file);
        return RdbLoader.Load(input, server, options);
    }

    public static string Repeat(char c, int n) => new(c, n);

    /// <summary>A RESP array of binary bulk strings.</summary>
    public static byte[] BinaryCommand(params byte[][] args)
    {
        var output = new MemoryStream();
        output.Write(Encoding.ASCII.GetBytes($"*{args.Length}\r\n"));
        foreach (var a in args)
        {
            output.Write(Encoding.ASCII.GetBytes($"${a.Length}\r\n"));
            output.Write(a);
            output.Write("\r\n"u8);
        }
        return output.ToArray();
    }

    /// <summary>Every type at both sides of every encoding boundary.</summary>
    public static async Task FillEveryEncodingAsync(InMemoryClient c)
    {
        await c.CallAsync("SET", "empty", "");
        await c.CallAsync("SET", "int8", "-100");
        await c.CallAsync("SET", "int16", "30000");
        await c.CallAsync("SET", "int32", "-2000000000");
        await c.CallAsync("SET", "int64", "9223372036854775807");
        await c.CallAsync("SET", "notcanonical", "007");
        await c.CallAsync("SET", "short", "hello");
        await c.CallAsync("SET", "twenty", Repeat('a', 20));
        await c.CallAsync("SET", "compressible", Repeat('b', 21));
        await c.CallAsync("SET", "long", Repeat('c', 100_000));
        var random = new Random(7);
        var noise = new byte[300];
        random.NextBytes(noise);
        await c.SendAsync(BinaryCommand("SET"u8.ToArray(), [0x62, 0x00, 0xFF, 0x0D, 0x0A], noise));
        await c.ReadReplyAsync();
        await c.CallAsync("SET", "ttl", "v", "PX", "100000000");

        await c.CallAsync("RPUSH", "list-small", "a", "1", "-1", "127", "128", "-4096", "4095", "40000", "9000000", "3000000000", "x");
        var big = new List<string> { "RPUSH", "list-big" };
        for (int i = 0; i < 3000; i++) big.Add(i % 7 == 0 ? Repeat('q', i % 200) : i.ToString());
        await c.CallAsync(big.ToArray());
        await c.CallAsync("RPUSH", "list-hugeitem", Repeat('h', 20_000), "tail");

        await c.CallAsync("SADD", "intset", "1", "-5", "70000", "5000000000");
        var bigInts = new List<string> { "SADD", "intset-512" };
        for (int i = 0; i < 512; i++) bigInts.Add(i.ToString());
        await c.CallAsync(bigInts.ToArray());
        bigInts[1] = "intset-513";
        bigInts.Add("512");
        await c.CallAsync(bigInts.ToArray());
        await c.CallAsync("SADD", "set-small", "a", "b", "1");
        var bigSet = new List<string> { "SADD", "set-big" };
        for (int i = 0; i < 600; i++) bigSet.Add("m" + i);
        await c.CallAsync(bigSet.ToArray());

        await c.CallAsync("HSET", "hash-small", "f", "v", "n", "12", "e", "");
        await c.CallAsync("HSET", "hash-64", "f", Repeat('v', 64));
        await c.CallAsync("HSET", "hash-65", "f", Repeat('v', 65));
        var bigHash = new List<string> { "HSET", "hash-129" };
        for (int i = 0; i < 129; i++) { bigHash.Add("f" + i); bigHash.Add("v" + i); }
        await c.CallAsync(bigHash.ToArray());

        await c.CallAsync("ZADD", "zset-small", "1", "a", "2.5", "b", "-3", "c", "0.1", "d", "1e300", "e", "inf", "f", "-inf", "g", "4503599627370496", "h");
        await c.CallAsync("ZADD", "zset-65", "1", Repeat('m', 65));
        var bigZ = new List<string> { "ZADD", "zset-129" };
        for (int i = 0; i < 129; i++) { bigZ.Add((i * 0.5).ToString(System.Globalization.CultureInfo.InvariantCulture)); bigZ.Add("m" + i); }
        await c.CallAsync(bigZ.ToArray());

        await c.CallAsync("SELECT", "5");
        await c.CallAsync("SET", "in-db-5", "yes");
        await c.CallAsync("SELECT", "0");
    }

    /// <summary>FastNode-only types: every limiter algorithm, a lock and a semaphore.</summary>
    public static async Task FillFastNodeTypesAsync(InMemoryClient c)
    {
        Assert.That(await c.CallAsync("CL.THROTTLE", "gcra", "5", "10", "60", "1"), Does.StartWith("*5"));
        Assert.That(await c.CallAsync("RL.GCRA", "gcra2", "5", "10", "60000", "COST", "2"), Does.StartWith("*"));
        Assert.That(await c.CallAsync("RL.TOKENBUCKET", "bucket", "10", "1", "PERIOD", "1000", "COST", "3"), Does.StartWith("*"));
        Assert.That(await c.CallAsync("RL.SLIDINGLOG", "log", "10", "60000", "COST", "2"), Does.StartWith("*"));
        Assert.That(await c.CallAsync("RL.SLIDINGLOG", "log", "10", "60000"), Does.StartWith("*"));
        Assert.That(await c.CallAsync("RL.SLIDINGWINDOW", "window", "10", "60000", "COST", "4"), Does.StartWith("*"));
        Assert.That(await c.CallAsync("RL.CONCURRENCY.ACQUIRE", "conc", "3", "60000"), Does.StartWith("*"));
        Assert.That(await c.CallAsync("LOCK.ACQUIRE", "lock", "owner-1", "60000"), Does.StartWith(":"));
        Assert.That(await c.CallAsync("SEM.ACQUIRE", "sem", "owner-a", "3", "60000"), Does.StartWith(":"));
        Assert.That(await c.CallAsync("SEM.ACQUIRE", "sem", "owner-b", "3", "60000"), Does.StartWith(":"));
    }
}
