using System.Buffers;
using System.Globalization;
using System.Text;
using FastNode.Server;
using FastNode.Server.Persistence;

namespace FastNode.Server.Tests;

/// <summary>
/// The change feed's contract (DESIGN "One write path"): replaying the records of any run on an empty server rebuilds
/// exactly the dataset of that run, TTLs included, even for commands that read the clock or draw at random.
/// </summary>
public sealed class ChangeFeedReplayTests
{
    /// <summary>Keeps every byte the feed hands out.</summary>
    private sealed class CapturingSink : IFeedSink
    {
        public readonly ArrayBufferWriter<byte> Bytes = new();

        public void Write(ReadOnlySpan<byte> records) => Bytes.Write(records);
    }

    private static readonly string[] Keys = ["a", "b", "c", "d", "e"];

    /// <summary>One random write (or read) command; blocking pops are handled by the test itself.</summary>
    private static string[] RandomCommand(Random random)
    {
        string k = Keys[random.Next(Keys.Length)], k2 = Keys[random.Next(Keys.Length)];
        string v = random.Next(100).ToString(CultureInfo.InvariantCulture);
        return random.Next(40) switch
        {
            0 => ["SET", k, v],
            1 => ["SET", k, v, "EX", "100"],
            2 => ["SET", k, v, "PX", "5", "NX"],
            3 => ["SETEX", k, "50", v],
            4 => ["INCR", k],
            5 => ["INCRBYFLOAT", k, "0.1"],
            6 => ["APPEND", k, v],
            7 => ["GETEX", k, "EX", "30"],
            8 => ["GETEX", k, "PERSIST"],
            9 => ["GETDEL", k],
            10 => ["EXPIRE", k, random.Next(-1, 100).ToString(CultureInfo.InvariantCulture)],
            11 => ["PEXPIRE", k, "3"],
            12 => ["PERSIST", k],
            13 => ["DEL", k, k2],
            14 => ["RPUSH", k, v, v + "x"],
            15 => ["LPUSH", k, v],
            16 => ["LPOP", k],
            17 => ["RPOP", k, "2"],
            18 => ["LMOVE", k, k2, "LEFT", "RIGHT"],
            19 => ["LMPOP", "2", k, k2, "RIGHT", "COUNT", "2"],
            20 => ["SADD", k, v, "m" + v, "n"],
            21 => ["SPOP", k],
            22 => ["SPOP", k, "2"],
            23 => ["SMOVE", k, k2, "n"],
            24 => ["HSET", k, "f" + v, v],
            25 => ["HINCRBYFLOAT", k, "f", "1.5"],
            26 => ["HDEL", k, "f" + v],
            27 => ["ZADD", k, v, "m" + v],
            28 => ["ZINCRBY", k, "2.5", "m"],
            29 => ["ZPOPMIN", k],
            30 => ["ZMPOP", "1", k, "MAX", "COUNT", "2"],
            31 => ["RENAME", k, k2],
            32 => ["COPY", k, k2, "REPLACE"],
            33 => ["SINTERSTORE", k, k, k2],
            34 => ["ZUNIONSTORE", k, "2", k, k2],
            35 => ["SETRANGE", k, "3", v],
            36 => ["MSET", k, v, k2, v],
            37 => ["SELECT", random.Next(3).ToString(CultureInfo.InvariantCulture)],
            38 => ["MOVE", k, "1"],
            _ => ["FLUSHDB"],
        };
    }

    [Test]
    public async Task ReplayingTheFeedRebuildsTheDataset([Range(1, 25)] int seed)
    {
        var primary = InMemoryClient.NewServer();
        var sink = new CapturingSink();
        primary.Feed.Gate.Pause(() => primary.Feed.AddSink(sink));
        var random = new Random(seed);
        await using (var client = new InMemoryClient(primary))
        await using (var other = new InMemoryClient(primary))
        {
            for (int step = 0; step < 300; step++)
            {
                int roll = random.Next(30);
                if (roll == 0) await Transaction(client, random);
                else if (roll == 1) await ServedBlockingPop(client, other, random);
                else await client.CallAsync(RandomCommand(random));
                if (roll == 2) await Task.Delay(4);   // lets PX 3-5 keys expire, so lazy expiry shows up in the feed
            }
        }
        string expected = Dataset(primary);

        var replica = InMemoryClient.NewServer();
        for (int d = 0; d < replica.DatabaseCount; d++) replica.Database(d).ExpiryPaused = true;
        var replayer = new FeedReplayer(replica, "test");
        var bytes = new ReadOnlySequence<byte>(sink.Bytes.WrittenMemory);
        replayer.Apply(ref bytes);
        for (int d = 0; d < replica.DatabaseCount; d++) replica.Database(d).ExpiryPaused = false;

        Assert.That(bytes.Length, Is.Zero, "every record is a whole command");
        Assert.That(replayer.FirstError, Is.Null, Encoding.UTF8.GetString(sink.Bytes.WrittenSpan).Replace("\r\n", " "));
        Assert.That(Dataset(replica), Is.EqualTo(expected));
    }

    [Test]
    public async Task RecordsAreTheEffectsWithAbsoluteTimes()
    {
        var server = InMemoryClient.NewServer();
        var sink = new CapturingSink();
        server.Feed.Gate.Pause(() => server.Feed.AddSink(sink));
        await using var client = new InMemoryClient(server);
        await client.CallAsync("SET", "k", "v", "EX", "100");
        await client.CallAsync("SET", "k", "w", "NX");
        await client.CallAsync("INCRBYFLOAT", "f", "1.5");
        await client.CallAsync("SADD", "s", "only");
        await client.CallAsync("SPOP", "s");
        await client.CallAsync("EXPIRE", "f", "-1");
        await client.CallAsync("MULTI");
        await client.CallAsync("INCR", "n");
        await client.CallAsync("INCR", "n");
        await client.CallAsync("EXEC");
        string text = Encoding.UTF8.GetString(sink.Bytes.WrittenSpan).Replace("\r\n", " ");

        long at = long.Parse(text.Split("PXAT $13 ")[1][..13], CultureInfo.InvariantCulture);
        Assert.That(at, Is.InRange(server.NowMs + 99_000, server.NowMs + 100_000));
        Assert.That(text, Is.EqualTo(
            "*2 $6 SELECT $1 0 " +
            $"*5 $3 SET $1 k $1 v $4 PXAT $13 {at} " +
            "*4 $3 SET $1 f $3 1.5 $7 KEEPTTL " +
            "*3 $4 SADD $1 s $4 only " +
            "*3 $4 SREM $1 s $4 only " +
            "*2 $3 DEL $1 f " +
            "*1 $5 MULTI *2 $4 INCR $1 n *2 $4 INCR $1 n *1 $4 EXEC "));
    }

    private static async Task Transaction(InMemoryClient client, Random random)
    {
        await client.CallAsync("MULTI");
        for (int i = 0; i < 3; i++) await client.CallAsync(RandomCommand(random) is var c && c[0] is "SELECT" or "MOVE" or "FLUSHDB" ? ["INCR", "t"] : c);
        await client.CallAsync("EXEC");
    }

    /// <summary>A client blocks on an empty key, another pushes: the pop it is served with must be in the feed.</summary>
    private static async Task ServedBlockingPop(InMemoryClient blocked, InMemoryClient pusher, Random random)
    {
        await blocked.CallAsync("SELECT", "0");
        await pusher.CallAsync("SELECT", "0");
        string key = "q" + random.Next(3);
        await blocked.CallAsync("DEL", key, "dst");
        string[] command = random.Next(3) switch
        {
            0 => ["BLPOP", key, "0"],
            1 => ["BLMOVE", key, "dst", "RIGHT", "LEFT", "0"],
            _ => ["BZPOPMIN", key, "0"],
        };
        await blocked.SendAsync(Resp.Command(command));
        while (blocked.Session.PendingBlock is null) await Task.Delay(1);
        if (command[0] == "BZPOPMIN") await pusher.CallAsync("ZADD", key, "1", "x", "2", "y");
        else await pusher.CallAsync("RPUSH", key, "x", "y");
        await blocked.ReadReplyAsync();
    }

    private static string Dataset(ServerState server) =>
        string.Join("\n", Rdb.DatasetDescription.Of(server).Select(entry => entry.Key + " " + entry.Value));
}
