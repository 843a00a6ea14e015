namespace FastNode.Server.Tests.Geo;

/// <summary>
/// What SORT ... STORE, GEOSEARCHSTORE and GEORADIUS ... STORE do besides storing, as Redis 7.0: they wake clients
/// blocked on the destination, invalidate a WATCH on it, publish their keyspace event; and as plain reads (SORT,
/// GEOSEARCH, GEORADIUS without STORE) they leave a WATCH on the source alone.
/// </summary>
public sealed class StoreSideEffectsTests : MultiClientTestBase
{
    private const string Pair = "*2\r\n$3\r\ndst\r\n$1\r\n1\r\n";

    [Test]
    public async Task SortStoreWakesAClientBlockedOnTheDestination()
    {
        var waiter = Client();
        var sorter = Client();
        await sorter.CallAsync("RPUSH", "src", "3", "1", "2");
        await SendAndWaitParkedAsync(waiter, "BLPOP", "dst", "0");
        Assert.That(await sorter.CallAsync("SORT", "src", "STORE", "dst"), Is.EqualTo(":3\r\n"));
        Assert.That(await waiter.ReadReplyAsync(), Is.EqualTo(Pair));
        Assert.That(await sorter.CallAsync("LRANGE", "dst", "0", "-1"), Is.EqualTo("*2\r\n$1\r\n2\r\n$1\r\n3\r\n"));
    }

    [Test]
    public async Task GeoSearchStoreWakesAClientBlockedOnTheDestination()
    {
        var waiter = Client();
        var writer = Client();
        await writer.CallAsync("GEOADD", "src", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania");
        await SendAndWaitParkedAsync(waiter, "BZPOPMIN", "dst", "0");
        Assert.That(await writer.CallAsync("GEOSEARCHSTORE", "dst", "src", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "STOREDIST"), Is.EqualTo(":2\r\n"));
        Assert.That(await waiter.ReadReplyAsync(), Does.StartWith("*3\r\n$3\r\ndst\r\n$7\r\nCatania\r\n"));
        Assert.That(await writer.CallAsync("ZCARD", "dst"), Is.EqualTo(":1\r\n"));
    }

    [TestCase("SORT", "src", "STORE", "dst")]
    [TestCase("GEOSEARCHSTORE", "dst", "src", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km")]
    [TestCase("GEORADIUS", "src", "15", "37", "200", "km", "STORE", "dst")]
    public async Task StoringInvalidatesAWatchOnTheDestination(params string[] command)
    {
        var watcher = Client();
        var writer = Client();
        await Seed(writer, command[0]);
        Assert.That(await watcher.CallAsync("WATCH", "dst"), Is.EqualTo("+OK\r\n"));
        await writer.CallAsync(command);
        await watcher.CallAsync("MULTI");
        await watcher.CallAsync("PING");
        Assert.That(await watcher.CallAsync("EXEC"), Is.EqualTo("*-1\r\n"));
    }

    [TestCase("SORT", "src")]
    [TestCase("SORT", "src", "STORE", "dst")]
    [TestCase("GEOSEARCH", "src", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km")]
    [TestCase("GEORADIUS", "src", "15", "37", "200", "km")]
    [TestCase("GEOSEARCHSTORE", "dst", "src", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km")]
    public async Task ReadingTheSourceLeavesItsWatchAlone(params string[] command)
    {
        var watcher = Client();
        var reader = Client();
        await Seed(reader, command[0]);
        Assert.That(await watcher.CallAsync("WATCH", "src"), Is.EqualTo("+OK\r\n"));
        await reader.CallAsync(command);
        await watcher.CallAsync("MULTI");
        await watcher.CallAsync("PING");
        Assert.That(await watcher.CallAsync("EXEC"), Is.EqualTo("*1\r\n+PONG\r\n"));
    }

    [TestCase("SORT", "src", "STORE", "dst", "__keyevent@0__:sortstore")]
    [TestCase("GEOSEARCHSTORE", "dst", "src", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "__keyevent@0__:geosearchstore")]
    [TestCase("GEORADIUS", "src", "15", "37", "200", "km", "STORE", "dst", "__keyevent@0__:georadiusstore")]
    [TestCase("GEOADD", "dst", "1", "2", "m", "__keyevent@0__:zadd")]
    public async Task StoresPublishTheirKeyspaceEvent(params string[] commandAndChannel)
    {
        var subscriber = Client();
        var writer = Client();
        var command = commandAndChannel[..^1];
        string channel = commandAndChannel[^1];
        await Seed(writer, command[0]);
        await writer.CallAsync("CONFIG", "SET", "notify-keyspace-events", "KEA");
        await subscriber.CallAsync("SUBSCRIBE", channel);
        await writer.CallAsync(command);
        Assert.That(await subscriber.ReadReplyAsync(), Is.EqualTo($"*3\r\n$7\r\nmessage\r\n${channel.Length}\r\n{channel}\r\n$3\r\ndst\r\n"));
    }

    private static async Task Seed(InMemoryClient client, string command)
    {
        if (command == "SORT") await client.CallAsync("RPUSH", "src", "3", "1", "2");
        else await client.CallAsync("GEOADD", "src", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania");
    }
}
