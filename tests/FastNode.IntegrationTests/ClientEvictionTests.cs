using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace FastNode.IntegrationTests;

/// <summary>
/// maxmemory-clients on real processes, with raw sockets that fill request and output buffers: the client with the
/// largest buffers is closed once all together reach the limit, CLIENT NO-EVICT exempts, INFO counts evicted_clients,
/// and CLIENT LIST tot-mem shows what is counted. The setting's syntax and errors are checked against redis-server.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed partial class ClientEvictionTests : ProcessTestBase
{
    protected override string DirPrefix => "fastnode-client-eviction-";

    private const int Mb = 1024 * 1024;

    private static long EvictedClients(int port) =>
        long.Parse(Probe.Info(port, "stats")["evicted_clients"], CultureInfo.InvariantCulture);

    /// <summary>
    /// Starts a SET whose value never completes, and sends <paramref name="bytes"/> of it (fewer if the server closes
    /// the connection meanwhile). A null <paramref name="name"/> skips CLIENT SETNAME.
    /// </summary>
    private static RawClient PartialSet(int port, string? name, int bytes, bool noEvict = false)
    {
        var client = RawClient.Connect(port);
        if (name is not null) Assert.That(client.Call("CLIENT", "SETNAME", name), Is.EqualTo("+OK\r\n"));
        if (noEvict) Assert.That(client.Call("CLIENT", "NO-EVICT", "on"), Is.EqualTo("+OK\r\n"));
        var chunk = new byte[16 * 1024];
        chunk.AsSpan().Fill((byte)'x');
        try
        {
            client.Send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + (64 * Mb).ToString(CultureInfo.InvariantCulture) + "\r\n");
            for (int sent = 0; sent < bytes; sent += chunk.Length) client.Send(chunk);
        }
        catch (System.Net.Sockets.SocketException)
        {
            // Evicted while sending: the caller checks that the connection is closed.
        }
        return client;
    }

    /// <summary>tot-mem of the client named <paramref name="name"/>, or -1 when it is not connected.</summary>
    private static long TotMem(int port, string name)
    {
        var list = Probe.Call(port, "CLIENT", "LIST");
        foreach (var line in list.Split('\n'))
        {
            if (!line.Contains(" name=" + name + " ", StringComparison.Ordinal)) continue;
            return long.Parse(TotMemField().Match(line).Groups[1].Value, CultureInfo.InvariantCulture);
        }
        return -1;
    }

    [GeneratedRegex(@" tot-mem=(\d+)")]
    private static partial Regex TotMemField();

    [Test]
    public void ClientWithTheLargestRequestBufferIsEvicted()
    {
        var server = FastNode("--save \"\" --maxmemory-clients 3mb");
        using var small = PartialSet(server.Port, "small", 512 * 1024);
        Probe.WaitUntil(() => TotMem(server.Port, "small") >= 512 * 1024, "the small client's buffer counted in tot-mem");
        using var large = PartialSet(server.Port, "large", 4 * Mb);

        Assert.That(large.IsClosedByServer(15_000), Is.True, "the client over the limit is closed");
        Assert.That(EvictedClients(server.Port), Is.EqualTo(1));
        Assert.That(TotMem(server.Port, "large"), Is.EqualTo(-1));
        Assert.That(TotMem(server.Port, "small"), Is.GreaterThanOrEqualTo(512 * 1024), "the smaller client stays");
        Assert.That(small.IsClosedByServer(200), Is.False);
    }

    [Test]
    public void NoEvictClientIsNeverEvictedButStillCounts()
    {
        var server = FastNode("--save \"\" --maxmemory-clients 3mb");
        // 1.5 MB received: a 2 MB buffer, under the limit on its own.
        using var exempt = PartialSet(server.Port, "exempt", 1536 * 1024, noEvict: true);
        Probe.WaitUntil(() => TotMem(server.Port, "exempt") >= 1536 * 1024, "the exempt client's buffer counted in tot-mem");
        Assert.That(Probe.Call(server.Port, "CLIENT", "LIST"), Does.Match(@"name=exempt [^\n]*flags=e"));

        // A smaller client takes the sum to the limit: it goes, although the exempt one is the largest.
        using var other = PartialSet(server.Port, "other", 600 * 1024);
        Assert.That(other.IsClosedByServer(15_000), Is.True, "the evictable client is closed");
        Assert.That(EvictedClients(server.Port), Is.EqualTo(1));
        Assert.That(exempt.IsClosedByServer(500), Is.False, "CLIENT NO-EVICT on keeps the largest client");
        Assert.That(TotMem(server.Port, "exempt"), Is.GreaterThanOrEqualTo(1536 * 1024));
    }

    [Test]
    public void SubscriberWithALargeOutputBufferIsEvicted()
    {
        // client-output-buffer-limit is off for pub/sub here, so only maxmemory-clients can stop the queue growing.
        var server = FastNode("--save \"\" --maxmemory-clients 4mb --client-output-buffer-limit \"pubsub 0 0 0\"");
        using var subscriber = RawClient.Connect(server.Port);
        subscriber.Send("*2\r\n$9\r\nSUBSCRIBE\r\n$2\r\nch\r\n");
        Assert.That(subscriber.ReadReply(), Does.Contain("subscribe"));
        using var publisher = RawClient.Connect(server.Port);
        string message = new('m', 256 * 1024);
        // The subscriber never reads: the socket buffers take some megabytes, then the server's queue grows.
        for (int i = 0; i < 400 && EvictedClients(server.Port) == 0; i++)
        {
            Assert.That(publisher.Call("PUBLISH", "ch", message), Is.EqualTo(":1\r\n").Or.EqualTo(":0\r\n"));
        }
        Probe.WaitUntil(() => EvictedClients(server.Port) == 1, "the subscriber evicted");
        Probe.WaitUntil(() => Probe.Call(server.Port, "PUBLISH", "ch", "x") == ":0\r\n", "no subscriber left");
        Assert.That(publisher.Call("PING"), Is.EqualTo("+PONG\r\n"), "the publisher, with no buffer, stays");
    }

    [Test]
    public void PercentOfMaxMemoryAppliesAndLimitsHaveAFloor()
    {
        // 10% of 10 MB is 1 MB: a 2 MB request goes.
        var server = FastNode("--save \"\" --maxmemory 10mb --maxmemory-clients 10%");
        Assert.That(Probe.Call(server.Port, "CONFIG", "GET", "maxmemory-clients"), Does.Contain("10%"));
        using var large = PartialSet(server.Port, "large", 2 * Mb);
        Assert.That(large.IsClosedByServer(15_000), Is.True);

        // 1% of 10 MB would be 100 KB, under Redis's 128 KB floor: a 64 KB buffer (40 KB received) stays.
        using var admin = RawClient.Connect(server.Port);
        Assert.That(admin.Call("CONFIG", "SET", "maxmemory-clients", "1%"), Is.EqualTo("+OK\r\n"));
        using var small = PartialSet(server.Port, "small", 40 * 1024);
        Probe.WaitUntil(() => TotMem(server.Port, "small") >= 40 * 1024, "the small buffer counted");
        Assert.That(small.IsClosedByServer(500), Is.False);

        // Percent of no maxmemory is no limit.
        Assert.That(admin.Call("CONFIG", "SET", "maxmemory", "0"), Is.EqualTo("+OK\r\n"));
        using var big = PartialSet(server.Port, "big", 2 * Mb);
        Probe.WaitUntil(() => TotMem(server.Port, "big") >= 2 * Mb, "the 2 MB buffer counted");
        Assert.That(big.IsClosedByServer(500), Is.False);
        Assert.That(EvictedClients(server.Port), Is.EqualTo(1));
    }

    [Test]
    public void SettingSyntaxMatchesRedis()
    {
        var fastNode = FastNode("--save \"\"");
        var redis = Redis("--save \"\"");
        string[][] commands =
        [
            ["CONFIG", "SET", "maxmemory-clients", "10%"], ["CONFIG", "GET", "maxmemory-clients"],
            ["CONFIG", "SET", "maxmemory-clients", "1mb"], ["CONFIG", "GET", "maxmemory-clients"],
            ["CONFIG", "SET", "maxmemory-clients", "0%"], ["CONFIG", "GET", "maxmemory-clients"],
            ["CONFIG", "SET", "maxmemory-clients", "100%"], ["CONFIG", "GET", "maxmemory-clients"],
            ["CONFIG", "SET", "maxmemory-clients", "101%"], ["CONFIG", "SET", "maxmemory-clients", "-5%"],
            ["CONFIG", "SET", "maxmemory-clients", "-5"], ["CONFIG", "SET", "maxmemory-clients", "5.5%"],
            ["CONFIG", "SET", "maxmemory-clients", "abc"], ["CONFIG", "GET", "maxmemory-clients"],
            ["CLIENT", "NO-EVICT", "maybe"], ["CLIENT", "NO-EVICT", "on"], ["CLIENT", "NO-EVICT", "OFF"],
        ];
        using var a = RawClient.Connect(fastNode.Port);
        using var b = RawClient.Connect(redis.Port);
        var diffs = new StringBuilder();
        foreach (var command in commands)
        {
            string mine = a.Call(command), theirs = b.Call(command);
            if (mine != theirs) diffs.Append(string.Join(' ', command)).Append(": ").Append(mine.Trim()).Append(" vs ").Append(theirs.Trim()).Append('\n');
        }
        Assert.That(diffs.ToString(), Is.Empty);
        Assert.That(Probe.Info(fastNode.Port, "stats"), Does.ContainKey("evicted_clients"));
    }
}
