using System.Text.RegularExpressions;

namespace FastNode.IntegrationTests.Tracking;

/// <summary>
/// CLIENT TRACKING against redis-server 7.0 itself: the same script of commands, over four connections (two RESP3,
/// two RESP2, one of them subscribed for REDIRECT), runs on both servers and every reply and every push a connection
/// received must be byte for byte the same: option errors, TRACKINGINFO and GETREDIR in both protocols, invalidation
/// pushes and `__redis__:invalidate` messages, BCAST batches, OPTIN/OPTOUT, NOLOOP, MULTI/EXEC, flushes, a broken
/// redirect and the INFO counters. Client ids differ between the servers, so a transcript names them by connection.
/// Processes are killed by pid in TearDown.
/// </summary>
[NonParallelizable]
public sealed class ClientTrackingDifferentialTests : ProcessTestBase
{
    protected override string DirPrefix => "fastnode-tracking-";

    // Connections: 0 and 1 speak RESP3, 2 speaks RESP2, 3 is a RESP2 subscriber to __redis__:invalidate, 4 is closed
    // mid-script (its id breaks a redirect). "{N}" in an argument is connection N's id; ["PENDING"] reads what the
    // connection was sent up to a PING's reply.
    private static readonly (int Client, string[] Command)[] Script =
    [
        (0, ["CLIENT", "TRACKINGINFO"]), (2, ["CLIENT", "TRACKINGINFO"]), (0, ["CLIENT", "GETREDIR"]),
        (0, ["CLIENT", "TRACKING", "maybe"]), (0, ["CLIENT", "TRACKING", "on", "FOO"]), (0, ["CLIENT", "TRACKING", "on", "PREFIX"]),
        (0, ["CLIENT", "TRACKING", "on", "REDIRECT", "abc"]), (0, ["CLIENT", "TRACKING", "on", "REDIRECT", "999999"]),
        (0, ["CLIENT", "TRACKING", "on", "REDIRECT", "{3}", "REDIRECT", "{3}"]), (0, ["CLIENT", "TRACKING", "on", "PREFIX", "a"]),
        (0, ["CLIENT", "TRACKING", "on", "BCAST", "OPTIN"]), (0, ["CLIENT", "TRACKING", "on", "OPTOUT", "BCAST"]),
        (0, ["CLIENT", "TRACKING", "on", "OPTIN", "OPTOUT"]), (0, ["CLIENT", "CACHING", "yes"]), (0, ["CLIENT", "CACHING", "maybe"]),
        (0, ["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "FOOBAR", "PREFIX", "FOO"]),
        (0, ["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "FOO", "PREFIX", "FOOBAR"]),
        (0, ["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "FOO", "PREFIX", "BAR"]), (0, ["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "FO"]),
        (0, ["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "FOO"]), (0, ["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "BARB"]),
        (0, ["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "BAZ"]), (0, ["CLIENT", "TRACKING", "on"]), (0, ["CLIENT", "TRACKINGINFO"]),
        (0, ["CLIENT", "CACHING", "yes"]), (1, ["MSET", "FOO1", "1", "BAZ", "2", "FOO0", "3", "BAR", "4", "other", "5"]), (0, ["PENDING"]),
        (0, ["CLIENT", "TRACKING", "on", "BCAST"]), (0, ["CLIENT", "TRACKINGINFO"]), (1, ["SET", "x", "1"]), (0, ["PENDING"]),
        (0, ["CLIENT", "TRACKING", "off"]), (0, ["CLIENT", "TRACKINGINFO"]),

        // Default mode, RESP3, NOLOOP, OPTIN and OPTOUT.
        (0, ["CLIENT", "TRACKING", "on"]), (0, ["CLIENT", "GETREDIR"]), (0, ["GET", "k"]), (0, ["MGET", "k", "j"]), (0, ["HGET", "h", "f"]),
        (1, ["MSET", "k", "1", "j", "2"]), (1, ["HSET", "h", "f", "v"]), (1, ["SET", "k", "again"]), (0, ["PENDING"]),
        (0, ["GET", "k"]), (0, ["SET", "k", "mine"]), (0, ["PENDING"]),
        (0, ["CLIENT", "TRACKING", "on", "NOLOOP"]), (0, ["CLIENT", "TRACKINGINFO"]), (0, ["GET", "k"]), (0, ["SET", "k", "mine2"]),
        (0, ["PENDING"]), (1, ["SET", "k", "theirs"]), (0, ["PENDING"]),
        (0, ["CLIENT", "TRACKING", "on", "OPTIN"]), (0, ["CLIENT", "TRACKING", "off"]), (0, ["CLIENT", "TRACKING", "on", "OPTIN"]),
        (0, ["CLIENT", "CACHING", "no"]), (0, ["GET", "o1"]), (0, ["CLIENT", "CACHING", "yes"]), (0, ["CLIENT", "TRACKINGINFO"]),
        (0, ["GET", "o2"]), (0, ["GET", "o3"]), (1, ["MSET", "o1", "1", "o2", "2", "o3", "3"]), (0, ["PENDING"]),
        (0, ["CLIENT", "TRACKING", "on", "OPTOUT"]), (0, ["CLIENT", "TRACKING", "off"]), (0, ["CLIENT", "TRACKING", "on", "OPTOUT"]),
        (0, ["GET", "o1"]), (0, ["CLIENT", "CACHING", "no"]), (0, ["CLIENT", "TRACKINGINFO"]), (0, ["GET", "o2"]), (0, ["GET", "o3"]),
        (1, ["MSET", "o1", "1", "o2", "2", "o3", "3"]), (0, ["PENDING"]), (0, ["CLIENT", "TRACKING", "off"]),

        // MULTI/EXEC on both sides, a script, FLUSHDB.
        (0, ["CLIENT", "TRACKING", "on"]), (0, ["MGET", "m1", "m2", "s"]), (1, ["MULTI"]), (1, ["SET", "m1", "1"]), (1, ["INCR", "m2"]),
        (0, ["PENDING"]), (1, ["EXEC"]), (1, ["EVAL", "return redis.call('set', KEYS[1], 'x')", "1", "s"]), (0, ["PENDING"]),
        (0, ["GET", "m1"]), (0, ["MULTI"]), (0, ["SET", "m1", "3"]), (0, ["GET", "m1"]), (0, ["EXEC"]), (0, ["PENDING"]),
        (0, ["GET", "m1"]), (1, ["FLUSHDB"]), (0, ["PENDING"]), (0, ["FLUSHALL"]), (0, ["PENDING"]), (0, ["CLIENT", "TRACKING", "off"]),

        // RESP2 with REDIRECT to a subscriber, and to a RESP3 connection.
        (3, ["SUBSCRIBE", "__redis__:invalidate"]), (2, ["CLIENT", "TRACKING", "on", "REDIRECT", "{3}"]), (2, ["CLIENT", "GETREDIR"]),
        (2, ["CLIENT", "TRACKINGINFO"]), (2, ["GET", "r"]), (1, ["SET", "r", "1"]), (3, ["PENDING"]), (2, ["PENDING"]),
        (2, ["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "r"]), (2, ["CLIENT", "TRACKING", "off"]),
        (2, ["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "r", "REDIRECT", "{3}"]), (1, ["MSET", "r2", "1", "r1", "1"]), (3, ["PENDING"]),
        (1, ["FLUSHALL"]), (3, ["PENDING"]), (2, ["CLIENT", "TRACKING", "off"]),
        (2, ["CLIENT", "TRACKING", "on", "REDIRECT", "{1}"]), (2, ["GET", "q"]), (0, ["SET", "q", "1"]), (1, ["PENDING"]),
        (0, ["FLUSHALL"]), (0, ["PENDING"]), (1, ["PENDING"]), (2, ["CLIENT", "TRACKING", "off"]),

        // Keys found by their arguments: XREAD's streams are remembered, XREADGROUP's are not (a write, as in Redis);
        // SORT ... STORE, GEORADIUS ... STORE and GEOSEARCHSTORE invalidate their destinations. Then a client that turns
        // tracking off and on again is still told about the key it read before.
        (1, ["XADD", "st", "1-0", "a", "1"]), (1, ["XADD", "st2", "1-0", "a", "1"]), (1, ["XGROUP", "CREATE", "st2", "g", "0"]),
        (1, ["RPUSH", "src", .. Numbered("", 24)]), (1, ["GEOADD", "geo", .. Numbered("geo", 24)]),
        (0, ["CLIENT", "TRACKING", "on"]), (0, ["XREAD", "COUNT", "1", "STREAMS", "st", "0"]),
        (0, ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "st2", ">"]), (0, ["GET", "dst"]), (0, ["GET", "gdst"]), (0, ["GET", "gdst2"]),
        (1, ["XADD", "st", "2-0", "a", "2"]), (1, ["XADD", "st2", "2-0", "a", "2"]), (0, ["PENDING"]),
        (0, ["XREAD", "STREAMS", "st", "st2", "0", "0"]), (1, ["XADD", "st2", "3-0", "a", "3"]), (1, ["XADD", "st", "3-0", "a", "3"]), (0, ["PENDING"]),
        (1, ["SORT", "src", "STORE", "dst"]), (1, ["GEORADIUS", "geo", "15", "37", "200", "km", "STORE", "gdst"]),
        (1, ["GEOSEARCHSTORE", "gdst2", "geo", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"]), (0, ["PENDING"]),
        (0, ["LLEN", "dst"]), (0, ["CLIENT", "TRACKING", "off"]), (0, ["CLIENT", "TRACKING", "on"]), (1, ["SORT", "src", "STORE", "dst"]),
        (0, ["PENDING"]), (0, ["LLEN", "dst"]), (1, ["DEL", "dst"]), (0, ["PENDING"]), (0, ["CLIENT", "TRACKING", "off"]),

        // A redirect client that goes away.
        (0, ["CLIENT", "TRACKING", "on", "REDIRECT", "{4}"]), (0, ["GET", "b"]), (4, ["QUIT"]), (1, ["SET", "b", "1"]), (0, ["PENDING"]),
        (0, ["CLIENT", "TRACKINGINFO"]), (0, ["CLIENT", "GETREDIR"]), (0, ["GET", "b"]), (0, ["CLIENT", "TRACKING", "on"]),
        (0, ["CLIENT", "TRACKINGINFO"]), (0, ["RESET"]), (0, ["CLIENT", "TRACKINGINFO"]),
    ];

    /// <summary>
    /// n arguments: "0".."n-1", or with a prefix n geo members (longitude latitude name) within 200 km of (15, 37). Counts
    /// above any client id, which the transcript would otherwise name as a connection.
    /// </summary>
    private static string[] Numbered(string prefix, int n)
    {
        var args = new List<string>();
        for (int i = 0; i < n; i++)
        {
            if (prefix.Length == 0) args.Add(i.ToString());
            else args.AddRange([$"15.{i:D2}", $"37.{i:D2}", $"{prefix}{i}"]);
        }
        return [.. args];
    }

    [Test]
    public void RepliesAndPushesMatchRedis()
    {
        var redis = Redis();
        var fastnode = FastNode();
        var expected = Transcript(redis.Port);
        var actual = Transcript(fastnode.Port);
        Assert.That(expected, Has.Some.Contains("invalidate"), "redis-server sent no invalidation: the script tests nothing");
        Assert.That(expected.Where(line => line.Contains(" -> >")), Is.Empty, "a push was read as a command's reply: the script needs a PENDING");
        for (int i = 0; i < Math.Min(expected.Count, actual.Count); i++)
            Assert.That(actual[i], Is.EqualTo(expected[i]), $"line {i} differs");
        Assert.That(actual, Has.Count.EqualTo(expected.Count));
    }

    [Test]
    public void InfoCountersMatchRedis()
    {
        var redis = Redis();
        var fastnode = FastNode();
        Assert.That(Counters(fastnode.Port), Is.EqualTo(Counters(redis.Port)));
    }

    private static string Counters(int port)
    {
        using var a = RawClient.Connect(port);
        using var b = RawClient.Connect(port);
        a.Call("CLIENT", "TRACKING", "on");
        a.Call("MGET", "x", "y", "z");
        b.Call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "p", "PREFIX", "q");
        using var c = RawClient.Connect(port);
        c.Call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "p");
        c.Call("GET", "x");
        var clients = Probe.Info(port, "clients");
        var stats = Probe.Info(port, "stats");
        return $"clients={clients["tracking_clients"]} keys={stats["tracking_total_keys"]} items={stats["tracking_total_items"]} "
            + $"prefixes={stats["tracking_total_prefixes"]}";
    }

    private static List<string> Transcript(int port)
    {
        var clients = new RawClient[5];
        var ids = new string[5];
        try
        {
            for (int i = 0; i < clients.Length; i++)
            {
                clients[i] = RawClient.Connect(port);
                ids[i] = clients[i].Call("CLIENT", "ID")[1..].TrimEnd();
                if (i < 2) clients[i].Call("HELLO", "3");
            }
            var lines = new List<string>();
            foreach (var (client, command) in Script)
            {
                var connection = clients[client];
                if (command[0] == "PENDING")
                {
                    lines.Add($"{client} pending: " + Normalize(string.Join(" | ", ClientTrackingTests.Pending(connection)), ids));
                    continue;
                }
                var args = command.Select(a => Regex.Replace(a, @"\{(\d)\}", m => ids[int.Parse(m.Groups[1].Value)])).ToArray();
                string reply = connection.Call(args);
                if (command[0] == "QUIT")
                {
                    connection.IsClosedByServer();
                    Probe.WaitUntil(() => !Probe.Call(port, "CLIENT", "LIST").Contains($"id={ids[client]} "), "the closed client is gone");
                }
                lines.Add($"{client} {string.Join(' ', command)} -> {Normalize(reply, ids)}");
            }
            return lines;
        }
        finally
        {
            foreach (var client in clients) client?.Dispose();
        }
    }

    /// <summary>Replaces the connections' ids (in integer replies) by their index.</summary>
    private static string Normalize(string reply, string[] ids)
    {
        for (int i = 0; i < ids.Length; i++) reply = reply.Replace($":{ids[i]}\r\n", $":{{{i}}}\r\n");
        return reply;
    }
}
