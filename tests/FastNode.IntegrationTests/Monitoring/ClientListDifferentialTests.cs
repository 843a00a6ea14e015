using System.Text.RegularExpressions;

namespace FastNode.IntegrationTests.Monitoring;

/// <summary>
/// CLIENT LIST / CLIENT INFO against redis-server 7.0 over real sockets: the same field names in the same order, and
/// the same values wherever the value does not depend on how the server is built (flags, counts, multi-mem, the
/// asking client's argv-mem and qbuf, ...). FastNode's own values (fd, qbuf of a partial request, tot-mem) are
/// checked against what is true of the process. Processes are killed by pid in TearDown.
/// </summary>
[NonParallelizable]
public sealed class ClientListDifferentialTests : ProcessTestBase
{
    protected override string DirPrefix => "fastnode-clientlist-";

    /// <summary>Fields whose values are the server's own business (addresses, ids, clocks, buffer sizes).</summary>
    private static readonly HashSet<string> ServerSpecific =
        ["id", "addr", "laddr", "fd", "age", "idle", "qbuf-free", "rbs", "rbp", "obl", "oll", "omem", "tot-mem"];

    [Test]
    public void FieldNamesAndOrderMatchRedis()
    {
        var fastNode = FastNode();
        var redis = Redis();
        foreach (string sub in new[] { "INFO", "LIST" })
        {
            var expected = Names(FirstLine(Probe.Call(redis.Port, "CLIENT", sub)));
            var actual = Names(FirstLine(Probe.Call(fastNode.Port, "CLIENT", sub)));
            Assert.That(actual, Is.EqualTo(expected), "CLIENT " + sub);
        }
    }

    [Test]
    public void ValuesMatchRedisForTheSameClients()
    {
        var fastNode = FastNode();
        var redis = Redis();
        var expected = Script(redis.Port);
        var actual = Script(fastNode.Port);
        Assert.That(actual.Keys, Is.EquivalentTo(expected.Keys));
        foreach (var (client, fields) in expected)
        {
            foreach (var (name, value) in fields)
            {
                if (ServerSpecific.Contains(name)) continue;
                // MONITOR lines of the asking client's commands may still be on their way out when it asks (Redis has
                // written them in its previous event-loop turn): `rw` then, which is true.
                if (client == "monitor" && name == "events")
                {
                    Assert.That(actual[client][name], Is.EqualTo("r").Or.EqualTo("rw"));
                    continue;
                }
                Assert.That(actual[client][name], Is.EqualTo(value), $"{client}: {name}");
            }
        }
    }

    /// <summary>
    /// Four clients in known states (asking, in MULTI with two queued commands, subscribed, monitoring); returns each
    /// one's CLIENT LIST fields as the asking client sees them.
    /// </summary>
    private static Dictionary<string, Dictionary<string, string>> Script(int port)
    {
        using var asking = RawClient.Connect(port);
        using var multi = RawClient.Connect(port);
        using var subscriber = RawClient.Connect(port);
        using var monitor = RawClient.Connect(port);
        var ids = new Dictionary<string, string> { ["multi"] = IdOf(multi), ["subscriber"] = IdOf(subscriber), ["monitor"] = IdOf(monitor) };
        Assert.That(multi.Call("CLIENT", "SETNAME", "queued"), Is.EqualTo("+OK\r\n"));
        multi.Call("SELECT", "3");
        multi.Call("MULTI");
        Assert.That(multi.Call("SET", "key", "value"), Is.EqualTo("+QUEUED\r\n"));
        Assert.That(multi.Call("SET", "key2", "value2xx"), Is.EqualTo("+QUEUED\r\n"));
        subscriber.Call("SUBSCRIBE", "ch1");
        subscriber.Call("SUBSCRIBE", "ch2");
        subscriber.Call("PSUBSCRIBE", "p*");
        Assert.That(monitor.Call("MONITOR"), Is.EqualTo("+OK\r\n"));

        var result = new Dictionary<string, Dictionary<string, string>>
        {
            ["asking"] = Fields(FirstLine(asking.Call("CLIENT", "INFO"))),
        };
        foreach (var (name, id) in ids) result[name] = Fields(FirstLine(asking.Call("CLIENT", "LIST", "ID", id)));
        return result;
    }

    private static string IdOf(RawClient client) => client.Call("CLIENT", "ID").Trim(':', '\r', '\n');

    [TestCase("epoll")]
    [TestCase("sockets")]
    public void FdIsTheSocketOfTheConnection(string ioEngine)
    {
        var fastNode = FastNode("--io-engine " + ioEngine);
        using var a = RawClient.Connect(fastNode.Port);
        using var b = RawClient.Connect(fastNode.Port);
        var fdA = long.Parse(Fields(FirstLine(a.Call("CLIENT", "INFO")))["fd"]);
        var fdB = long.Parse(Fields(FirstLine(b.Call("CLIENT", "INFO")))["fd"]);
        Assert.That(fdA, Is.GreaterThan(2));
        Assert.That(fdB, Is.GreaterThan(2).And.Not.EqualTo(fdA));
        foreach (long fd in new[] { fdA, fdB })
        {
            // The server's descriptor table names it a socket.
            string target = new FileInfo($"/proc/{fastNode.Process.Id}/fd/{fd}").LinkTarget ?? "";
            Assert.That(target, Does.StartWith("socket:["), $"fd {fd}");
        }
    }

    [TestCase("epoll")]
    [TestCase("sockets")]
    public void QbufShowsARequestNotYetComplete(string ioEngine)
    {
        var fastNode = FastNode("--io-engine " + ioEngine);
        using var asking = RawClient.Connect(fastNode.Port);
        using var slow = RawClient.Connect(fastNode.Port);
        string id = IdOf(slow);
        const string head = "*3\r\n$3\r\nset\r\n$1\r\na";
        slow.Send(head);
        Dictionary<string, string> fields = [];
        Probe.WaitUntil(() => (fields = Fields(FirstLine(asking.Call("CLIENT", "LIST", "ID", id))))["qbuf"] == head.Length.ToString(),
            "the partial request counted in qbuf");
        Assert.That(long.Parse(fields["tot-mem"]), Is.GreaterThanOrEqualTo(head.Length));
        Assert.That(fields["argv-mem"], Is.EqualTo("0"));
        slow.Send("\r\n$1\r\nb\r\n");
        Assert.That(slow.ReadReply(), Is.EqualTo("+OK\r\n"));
        Probe.WaitUntil(() => Fields(FirstLine(asking.Call("CLIENT", "LIST", "ID", id)))["qbuf"] == "0", "qbuf back to 0");
    }

    [Test]
    public void UnsentRepliesShowInTheOutputFieldsAndTotMem()
    {
        var fastNode = FastNode();
        using var asking = RawClient.Connect(fastNode.Port);
        using var subscriber = RawClient.Connect(fastNode.Port);
        string id = IdOf(subscriber);
        subscriber.Call("SUBSCRIBE", "big");
        string payload = new('x', 64 * 1024);
        // The subscriber reads nothing: messages fill the socket's buffers, then FastNode's output buffer.
        Dictionary<string, string> fields = [];
        for (int i = 0; i < 400; i++)
        {
            asking.Call("PUBLISH", "big", payload);
            fields = Fields(FirstLine(asking.Call("CLIENT", "LIST", "ID", id)));
            if (long.Parse(fields["omem"]) > 1024 * 1024) break;
        }
        long omem = long.Parse(fields["omem"]);
        Assert.That(omem, Is.GreaterThan(1024 * 1024), string.Join(' ', fields));
        Assert.That(long.Parse(fields["tot-mem"]), Is.GreaterThanOrEqualTo(omem));
        Assert.That(long.Parse(fields["obl"]) + long.Parse(fields["oll"]), Is.GreaterThan(0));
        Assert.That(fields["events"], Is.EqualTo("rw").Or.EqualTo("r"));
    }

    private static string BulkBody(string reply)
    {
        if (reply.StartsWith('$')) return reply[(reply.IndexOf("\r\n", StringComparison.Ordinal) + 2)..];
        if (reply.StartsWith('=')) return reply[(reply.IndexOf("\r\n", StringComparison.Ordinal) + 6)..];
        return reply;
    }

    private static string FirstLine(string reply) => BulkBody(reply).Split('\n')[0];

    private static List<string> Names(string line)
    {
        var names = new List<string>();
        foreach (Match m in Regex.Matches(line, @"(?:^| )([a-z-]+)=")) names.Add(m.Groups[1].Value);
        return names;
    }

    private static Dictionary<string, string> Fields(string line)
    {
        var fields = new Dictionary<string, string>();
        foreach (string part in line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=');
            if (eq > 0) fields[part[..eq]] = part[(eq + 1)..];
        }
        return fields;
    }
}
