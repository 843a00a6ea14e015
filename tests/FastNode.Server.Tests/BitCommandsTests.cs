using System.Buffers;
using System.Globalization;
using System.Text;
using FastNode.Server.Persistence;

namespace FastNode.Server.Tests;

/// <summary>
/// What redis-server cannot be asked about directly: the change records the bit and HLL commands leave (replaying them
/// rebuilds the dataset; a write that changes nothing leaves none), the memory accounting of a growing bitmap, and
/// that bitmaps and HLLs stay plain strings. Replies themselves are compared with Redis in BitsDifferentialTests.
/// </summary>
public sealed class BitCommandsTests
{
    private sealed class CapturingSink : IFeedSink
    {
        public readonly ArrayBufferWriter<byte> Bytes = new();

        public void Write(ReadOnlySpan<byte> records) => Bytes.Write(records);
    }

    private static readonly string[] Keys = ["a", "b", "c"];

    private static string[] RandomCommand(Random random)
    {
        string k = Keys[random.Next(Keys.Length)], k2 = Keys[random.Next(Keys.Length)];
        string n = random.Next(3000).ToString(CultureInfo.InvariantCulture);
        return random.Next(12) switch
        {
            0 or 1 => ["SETBIT", k, n, random.Next(2).ToString(CultureInfo.InvariantCulture)],
            2 => ["BITFIELD", k, "SET", "u8", "#" + random.Next(40), random.Next(300).ToString(CultureInfo.InvariantCulture), "INCRBY", "i5", n, "7"],
            3 => ["BITFIELD", k, "OVERFLOW", "FAIL", "INCRBY", "u4", n, "9", "GET", "u8", "0"],
            4 => ["BITOP", random.Next(2) == 0 ? "XOR" : "NOT", k, k2],
            5 => ["PFADD", "h" + k, "e" + n, "f" + random.Next(50)],
            6 => ["PFMERGE", "h" + k, "h" + k2],
            7 => ["PFDEBUG", "TODENSE", "h" + k],
            8 => ["PFCOUNT", "h" + k],
            9 => ["APPEND", k, "xy"],
            10 => ["DEL", k],
            _ => ["SETRANGE", k, n, "z"],
        };
    }

    [Test]
    public async Task ReplayingTheFeedRebuildsTheDataset([Range(1, 8)] int seed)
    {
        var primary = InMemoryClient.NewServer();
        var sink = new CapturingSink();
        primary.Feed.Gate.Pause(() => primary.Feed.AddSink(sink));
        var random = new Random(seed);
        await using (var client = new InMemoryClient(primary))
        {
            for (int step = 0; step < 300; step++) await client.CallAsync(RandomCommand(random));
        }
        var replica = InMemoryClient.NewServer();
        var replayer = new FeedReplayer(replica, "test");
        var bytes = new ReadOnlySequence<byte>(sink.Bytes.WrittenMemory);
        replayer.Apply(ref bytes);
        Assert.That(replayer.FirstError, Is.Null);
        Assert.That(Dataset(replica), Is.EqualTo(Dataset(primary)));
    }

    [Test]
    public async Task WritesThatChangeNothingLeaveNoRecord()
    {
        var server = InMemoryClient.NewServer();
        var sink = new CapturingSink();
        server.Feed.Gate.Pause(() => server.Feed.AddSink(sink));
        await using var client = new InMemoryClient(server);
        Assert.That(await client.CallAsync("SETBIT", "k", "7", "1"), Is.EqualTo(":0\r\n"));
        Assert.That(await client.CallAsync("SETBIT", "k", "7", "1"), Is.EqualTo(":1\r\n"));
        Assert.That(await client.CallAsync("SETBIT", "k", "6", "0"), Is.EqualTo(":0\r\n"));
        Assert.That(await client.CallAsync("BITFIELD", "k", "GET", "u8", "0"), Is.EqualTo("*1\r\n:1\r\n"));
        Assert.That(await client.CallAsync("BITFIELD", "k", "SET", "u8", "0", "1"), Is.EqualTo("*1\r\n:1\r\n"));
        Assert.That(await client.CallAsync("BITFIELD", "k", "INCRBY", "u8", "0", "1"), Is.EqualTo("*1\r\n:2\r\n"));
        Assert.That(await client.CallAsync("PFADD", "h", "a"), Is.EqualTo(":1\r\n"));
        Assert.That(await client.CallAsync("PFADD", "h", "a"), Is.EqualTo(":0\r\n"));
        Assert.That(await client.CallAsync("PFDEBUG", "ENCODING", "h"), Is.EqualTo("+sparse\r\n"));
        Assert.That(await client.CallAsync("PFDEBUG", "TODENSE", "h"), Is.EqualTo(":1\r\n"));
        Assert.That(await client.CallAsync("PFDEBUG", "TODENSE", "h"), Is.EqualTo(":0\r\n"));
        Assert.That(await client.CallAsync("PFCOUNT", "h"), Is.EqualTo(":1\r\n"));
        Assert.That(await client.CallAsync("PFCOUNT", "h"), Is.EqualTo(":1\r\n"));
        string text = Encoding.UTF8.GetString(sink.Bytes.WrittenSpan).Replace("\r\n", " ");
        Assert.That(text, Is.EqualTo(
            "*2 $6 SELECT $1 0 " +
            "*4 $6 SETBIT $1 k $1 7 $1 1 " +
            "*6 $8 BITFIELD $1 k $6 INCRBY $2 u8 $1 0 $1 1 " +
            "*3 $5 PFADD $1 h $1 a " +
            "*3 $7 PFDEBUG $7 TODENSE $1 h " +
            "*2 $7 PFCOUNT $1 h "));
    }

    [Test]
    public async Task AGrowingBitmapIsCountedInUsedMemory()
    {
        await using var c = new InMemoryClient();
        long before = UsedMemory(await c.CallAsync("INFO", "memory"));
        Assert.That(await c.CallAsync("SETBIT", "big", "1000000", "1"), Is.EqualTo(":0\r\n"));
        long grown = UsedMemory(await c.CallAsync("INFO", "memory"));
        Assert.That(grown - before, Is.InRange(125_000, 300_000), "a 125,001-byte string");
        Assert.That(await c.CallAsync("SETBIT", "big", "4000000", "1"), Is.EqualTo(":0\r\n"));
        long regrown = UsedMemory(await c.CallAsync("INFO", "memory"));
        Assert.That(regrown - before, Is.InRange(500_000, 700_000), "the old buffer is no longer counted");
        Assert.That(await c.CallAsync("DEL", "big"), Is.EqualTo(":1\r\n"));
        long after = UsedMemory(await c.CallAsync("INFO", "memory"));
        Assert.That(after - before, Is.LessThan(10_000));
    }

    [Test]
    public async Task BitmapsAndHllsArePlainStrings()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SETBIT", "k", "1", "1");
        await c.CallAsync("SETBIT", "k", "14", "1");
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo("$2\r\n@\u0002\r\n"));
        Assert.That(await c.CallAsync("TYPE", "k"), Is.EqualTo("+string\r\n"));
        Assert.That(await c.CallAsync("APPEND", "k", "A"), Is.EqualTo(":3\r\n"));
        Assert.That(await c.CallAsync("BITCOUNT", "k"), Is.EqualTo(":4\r\n"));
        Assert.That(await c.CallAsync("SETRANGE", "k", "0", "\u0001"), Is.EqualTo(":3\r\n"));
        Assert.That(await c.CallAsync("BITPOS", "k", "1"), Is.EqualTo(":7\r\n"));
        await c.CallAsync("PFADD", "h", "a", "b");
        Assert.That(await c.CallAsync("TYPE", "h"), Is.EqualTo("+string\r\n"));
        Assert.That(await c.CallAsync("GETRANGE", "h", "0", "3"), Is.EqualTo("$4\r\nHYLL\r\n"));
        long length = long.Parse((await c.CallAsync("STRLEN", "h"))[1..^2], CultureInfo.InvariantCulture);
        Assert.That(await c.CallAsync("APPEND", "h", "x"), Is.EqualTo($":{length + 1}\r\n"));
        Assert.That(await c.CallAsync("PFCOUNT", "h"), Is.EqualTo("-INVALIDOBJ Corrupted HLL object detected\r\n"));
        Assert.That(await c.CallAsync("PING"), Is.EqualTo("+PONG\r\n"));
    }

    private static long UsedMemory(string info)
    {
        foreach (var line in info.Split("\r\n"))
        {
            if (line.StartsWith("used_memory:", StringComparison.Ordinal)) return long.Parse(line["used_memory:".Length..], CultureInfo.InvariantCulture);
        }
        throw new AssertionException("no used_memory in INFO");
    }

    private static string Dataset(ServerState server) =>
        string.Join("\n", Rdb.DatasetDescription.Of(server).Select(entry => entry.Key + " " + entry.Value));
}
