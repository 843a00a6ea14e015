using System.Text;
using System.Text.RegularExpressions;
using FastNode.Server.Config;

namespace FastNode.Server.Tests;

/// <summary>HELLO, AUTH, SELECT, SWAPDB and CLIENT, byte for byte as Redis 7.0 answers them.</summary>
public sealed class ConnectionCommandsTests
{
    private const string Syntax = "-ERR syntax error\r\n";
    private const string NoAuth = "-NOAUTH Authentication required.\r\n";
    private const string WrongPass = "-WRONGPASS invalid username-password pair or user is disabled.\r\n";

    private static string HelloBody(int proto, long id) =>
        "$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:" + proto + "\r\n$2\r\nid\r\n:" + id +
        "\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n";

    private static ServerState ServerWithPassword(string password = "secret") =>
        InMemoryClient.NewServer(new ServerOptions { Port = 0, RequirePass = password });

    /// <summary>Sends the commands in one write, then an ECHO marker; returns every reply before the marker's.</summary>
    private static async Task<string> PipelineAsync(InMemoryClient c, params string[][] commands)
    {
        var bytes = new List<byte>();
        foreach (var command in commands) bytes.AddRange(Resp.Command(command));
        bytes.AddRange(Resp.Command("ECHO", "end-of-batch"));
        await c.SendAsync(bytes.ToArray());
        var replies = new StringBuilder();
        while (true)
        {
            string reply = await c.ReadReplyAsync();
            if (reply == "$12\r\nend-of-batch\r\n") return replies.ToString();
            replies.Append(reply);
        }
    }

    [Test]
    public async Task Hello2AndHello3RepliesAreExact()
    {
        await using var c = new InMemoryClient();
        long id = c.Session.Id;
        Assert.That(await c.CallAsync("HELLO", "2"), Is.EqualTo("*14\r\n" + HelloBody(2, id)));
        Assert.That(await c.CallAsync("HELLO", "3"), Is.EqualTo("%7\r\n" + HelloBody(3, id)));
        Assert.That(await c.CallAsync("HELLO"), Is.EqualTo("%7\r\n" + HelloBody(3, id)));
    }

    [Test]
    public async Task Hello3SwitchesTheProtocolForLaterRepliesAndHello2SwitchesBack()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("HELLO", "3");
        Assert.That(await c.CallAsync("GET", "missing"), Is.EqualTo("_\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "GET", "hz"), Is.EqualTo("%1\r\n$2\r\nhz\r\n$2\r\n10\r\n"));
        Assert.That(c.Session.Protocol, Is.EqualTo(3));
        await c.CallAsync("HELLO", "2");
        Assert.That(await c.CallAsync("GET", "missing"), Is.EqualTo("$-1\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "GET", "hz"), Is.EqualTo("*2\r\n$2\r\nhz\r\n$2\r\n10\r\n"));
    }

    [Test]
    public async Task Hello3InAPipelineAppliesToTheCommandsAfterIt()
    {
        await using var c = new InMemoryClient();
        string replies = await PipelineAsync(c, ["GET", "k"], ["HELLO", "3"], ["GET", "k"]);
        Assert.That(replies, Is.EqualTo("$-1\r\n%7\r\n" + HelloBody(3, c.Session.Id) + "_\r\n"));
    }

    [Test]
    public async Task HelloErrors()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("HELLO", "4"), Is.EqualTo("-NOPROTO unsupported protocol version\r\n"));
        Assert.That(await c.CallAsync("HELLO", "1"), Is.EqualTo("-NOPROTO unsupported protocol version\r\n"));
        Assert.That(await c.CallAsync("HELLO", "abc"), Is.EqualTo("-ERR Protocol version is not an integer or out of range\r\n"));
        Assert.That(await c.CallAsync("HELLO", "3", "foo"), Is.EqualTo("-ERR Syntax error in HELLO option 'foo'\r\n"));
        Assert.That(await c.CallAsync("HELLO", "3", "AUTH", "default"), Is.EqualTo("-ERR Syntax error in HELLO option 'AUTH'\r\n"));
        Assert.That(await c.CallAsync("HELLO", "3", "SETNAME"), Is.EqualTo("-ERR Syntax error in HELLO option 'SETNAME'\r\n"));
        Assert.That(await c.CallAsync("HELLO", "3", "SETNAME", "a b"),
            Is.EqualTo("-ERR Client names cannot contain spaces, newlines or special characters.\r\n"));
        Assert.That(await c.CallAsync("HELLO", "3", "AUTH", "bob", "x"), Is.EqualTo(WrongPass));
        // A failed HELLO does not switch the protocol.
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo("$-1\r\n"));
    }

    [Test]
    public async Task HelloSetNameNamesTheConnection()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("HELLO", "2", "SETNAME", "worker-1");
        Assert.That(await c.CallAsync("CLIENT", "GETNAME"), Is.EqualTo("$8\r\nworker-1\r\n"));
    }

    [Test]
    public async Task AuthWithoutAConfiguredPassword()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("AUTH", "x"), Is.EqualTo(
            "-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n"));
        Assert.That(await c.CallAsync("AUTH", "default", "anything"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("AUTH", "bob", "anything"), Is.EqualTo(WrongPass));
        Assert.That(await c.CallAsync("AUTH", "a", "b", "c"), Is.EqualTo(Syntax));
        Assert.That(await c.CallAsync("AUTH"), Is.EqualTo("-ERR wrong number of arguments for 'auth' command\r\n"));
    }

    [Test]
    public async Task RequirePassRefusesCommandsUntilAuth()
    {
        await using var c = new InMemoryClient(ServerWithPassword());
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo(NoAuth));
        Assert.That(await c.CallAsync("PING"), Is.EqualTo(NoAuth));
        Assert.That(await c.CallAsync("CLIENT", "SETNAME", "x"), Is.EqualTo(NoAuth));
        Assert.That(await c.CallAsync("HELLO", "3"), Is.EqualTo(
            "-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time\r\n"));
        Assert.That(await c.CallAsync("HELLO", "4"), Is.EqualTo("-NOPROTO unsupported protocol version\r\n"));
        Assert.That(await c.CallAsync("AUTH", "wrong"), Is.EqualTo(WrongPass));
        Assert.That(await c.CallAsync("AUTH", "default", "wrong"), Is.EqualTo(WrongPass));
        Assert.That(await c.CallAsync("AUTH", "bob", "secret"), Is.EqualTo(WrongPass));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo(NoAuth));
        Assert.That(await c.CallAsync("AUTH", "secret"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo("$-1\r\n"));
        // A later failed AUTH does not log the client out (Redis 7).
        Assert.That(await c.CallAsync("AUTH", "wrong"), Is.EqualTo(WrongPass));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo("$-1\r\n"));
    }

    [Test]
    public async Task HelloAuthAuthenticatesNamesAndSwitchesInOneCommand()
    {
        await using var c = new InMemoryClient(ServerWithPassword());
        Assert.That(await c.CallAsync("HELLO", "3", "AUTH", "default", "wrong"), Is.EqualTo(WrongPass));
        Assert.That(await c.CallAsync("HELLO", "3", "AUTH", "default", "secret", "SETNAME", "app"),
            Is.EqualTo("%7\r\n" + HelloBody(3, c.Session.Id)));
        Assert.That(await c.CallAsync("CLIENT", "GETNAME"), Is.EqualTo("$3\r\napp\r\n"));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo("_\r\n"));
    }

    [Test]
    public async Task UnauthenticatedClientsGetSmallerProtocolLimits()
    {
        await using (var c = new InMemoryClient(ServerWithPassword()))
        {
            await c.SendAsync("*11\r\n");
            Assert.That(await c.ReadToEndAsync(), Is.EqualTo("-ERR Protocol error: unauthenticated multibulk length\r\n"));
        }
        await using (var c = new InMemoryClient(ServerWithPassword()))
        {
            await c.SendAsync("*2\r\n$20000\r\n");
            Assert.That(await c.ReadToEndAsync(), Is.EqualTo("-ERR Protocol error: unauthenticated bulk length\r\n"));
        }
        await using (var c = new InMemoryClient(ServerWithPassword()))
        {
            await c.CallAsync("AUTH", "secret");
            var mget = new[] { "MGET", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "k10" };
            Assert.That(await c.CallAsync(mget), Is.EqualTo("*10\r\n" + string.Concat(Enumerable.Repeat("$-1\r\n", 10))));
        }
    }

    [Test]
    public async Task SelectChoosesTheDatabase()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("SELECT", "1"), Is.EqualTo("+OK\r\n"));
        await c.CallAsync("SET", "k", "in-1");
        Assert.That(await c.CallAsync("SELECT", "0"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo("$-1\r\n"));
        Assert.That(await c.CallAsync("SELECT", "16"), Is.EqualTo("-ERR DB index is out of range\r\n"));
        Assert.That(await c.CallAsync("SELECT", "-1"), Is.EqualTo("-ERR DB index is out of range\r\n"));
        Assert.That(await c.CallAsync("SELECT", "abc"), Is.EqualTo("-ERR value is not an integer or out of range\r\n"));
        Assert.That(await c.CallAsync("SELECT", "99999999999"), Is.EqualTo("-ERR value is not an integer or out of range\r\n"));
        Assert.That(c.Session.DbIndex, Is.Zero);
    }

    [Test]
    public async Task SwapDbIsSeenByEveryClient()
    {
        var server = InMemoryClient.NewServer();
        await using var a = new InMemoryClient(server);
        await using var b = new InMemoryClient(server);
        await a.CallAsync("SELECT", "1");
        await a.CallAsync("SET", "k", "from-1");
        Assert.That(await b.CallAsync("GET", "k"), Is.EqualTo("$-1\r\n"));
        Assert.That(await b.CallAsync("SWAPDB", "0", "1"), Is.EqualTo("+OK\r\n"));
        Assert.That(await b.CallAsync("GET", "k"), Is.EqualTo("$6\r\nfrom-1\r\n"));
        Assert.That(await a.CallAsync("GET", "k"), Is.EqualTo("$-1\r\n"));
        Assert.That(await b.CallAsync("SWAPDB", "0", "0"), Is.EqualTo("+OK\r\n"));
        Assert.That(await b.CallAsync("SWAPDB", "a", "1"), Is.EqualTo("-ERR invalid first DB index\r\n"));
        Assert.That(await b.CallAsync("SWAPDB", "1", "b"), Is.EqualTo("-ERR invalid second DB index\r\n"));
        Assert.That(await b.CallAsync("SWAPDB", "0", "16"), Is.EqualTo("-ERR DB index is out of range\r\n"));
        Assert.That(await b.CallAsync("SWAPDB", "-1", "0"), Is.EqualTo("-ERR DB index is out of range\r\n"));
    }

    [Test]
    public async Task ClientReplyOffSkipAndOn()
    {
        await using var c = new InMemoryClient();
        Assert.That(await PipelineAsync(c,
            ["CLIENT", "REPLY", "OFF"], ["PING"], ["SET", "k", "v"], ["CLIENT", "REPLY", "SKIP"], ["PING"], ["CLIENT", "REPLY", "ON"], ["PING"]),
            Is.EqualTo("+OK\r\n+PONG\r\n"));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo("$1\r\nv\r\n"), "commands still run while replies are off");
        Assert.That(await PipelineAsync(c, ["CLIENT", "REPLY", "SKIP"], ["PING"], ["PING"]), Is.EqualTo("+PONG\r\n"));
        Assert.That(await PipelineAsync(c, ["CLIENT", "REPLY", "SKIP"], ["CLIENT", "REPLY", "ON"], ["PING"]), Is.EqualTo("+OK\r\n+PONG\r\n"));
        Assert.That(await PipelineAsync(c, ["CLIENT", "REPLY", "ON"], ["CLIENT", "REPLY", "On"]), Is.EqualTo("+OK\r\n+OK\r\n"));
        Assert.That(await c.CallAsync("CLIENT", "REPLY", "maybe"), Is.EqualTo(Syntax));
    }

    [Test]
    public async Task ClientNameIdAndLibraryInfo()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("CLIENT", "ID"), Is.EqualTo($":{c.Session.Id}\r\n"));
        Assert.That(await c.CallAsync("CLIENT", "GETNAME"), Is.EqualTo("$-1\r\n"));
        Assert.That(await c.CallAsync("CLIENT", "SETNAME", "a b"),
            Is.EqualTo("-ERR Client names cannot contain spaces, newlines or special characters.\r\n"));
        Assert.That(await c.CallAsync("CLIENT", "SETNAME", "web-1"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("CLIENT", "GETNAME"), Is.EqualTo("$5\r\nweb-1\r\n"));
        Assert.That(await c.CallAsync("CLIENT", "SETNAME", ""), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("CLIENT", "GETNAME"), Is.EqualTo("$-1\r\n"));
        Assert.That(await c.CallAsync("CLIENT", "SETINFO", "lib-name", "SE.Redis"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("CLIENT", "SETINFO", "LIB-VER", "2.8.16"), Is.EqualTo("+OK\r\n"));
        Assert.That(c.Session.LibraryName, Is.EqualTo("SE.Redis"));
        Assert.That(c.Session.LibraryVersion, Is.EqualTo("2.8.16"));
        Assert.That(await c.CallAsync("CLIENT", "SETINFO", "foo", "x"), Is.EqualTo("-ERR Unrecognized option 'foo'\r\n"));
        Assert.That(await c.CallAsync("CLIENT", "SETINFO", "lib-name", "a b"),
            Is.EqualTo("-ERR lib-name cannot contain spaces, newlines or special characters.\r\n"));
        Assert.That(await c.CallAsync("CLIENT", "NO-EVICT", "on"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("CLIENT", "NO-EVICT", "maybe"), Is.EqualTo(Syntax));
        Assert.That(await c.CallAsync("CLIENT", "FOO"), Is.EqualTo("-ERR unknown subcommand 'FOO'. Try CLIENT HELP.\r\n"));
    }

    [Test]
    public async Task ClientTrackingStartsOff()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("CLIENT", "TRACKING", "off"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("CLIENT", "TRACKING", "maybe"), Is.EqualTo(Syntax));
        Assert.That(await c.CallAsync("CLIENT", "GETREDIR"), Is.EqualTo(":-1\r\n"));
        Assert.That(await c.CallAsync("CLIENT", "TRACKINGINFO"),
            Is.EqualTo("*6\r\n$5\r\nflags\r\n*1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n"));
        Assert.That(await c.CallAsync("CLIENT", "CACHING", "yes"), Is.EqualTo(
            "-ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled\r\n"));
    }

    [Test]
    public async Task ClientListHasRedis70FieldsInOrder()
    {
        var server = InMemoryClient.NewServer();
        await using var a = new InMemoryClient(server);
        await using var b = new InMemoryClient(server);
        await b.CallAsync("CLIENT", "SETNAME", "bee");
        await b.CallAsync("SELECT", "2");
        string reply = await a.CallAsync("CLIENT", "LIST");
        var lines = BulkText(reply).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(2));
        var pattern = new Regex(@"^id=(\d+) addr=127\.0\.0\.1:50000 laddr=127\.0\.0\.1:6379 fd=-?\d+ name=(\S*) age=\d+ idle=\d+ flags=N db=(\d+) " +
            @"sub=0 psub=0 ssub=0 multi=-1 qbuf=\d+ qbuf-free=\d+ argv-mem=\d+ multi-mem=\d+ rbs=\d+ rbp=\d+ obl=\d+ oll=\d+ omem=\d+ " +
            @"tot-mem=\d+ events=r cmd=(\S+) user=default redir=-1 resp=2$");
        var first = pattern.Match(lines[0]);
        var second = pattern.Match(lines[1]);
        Assert.That(first.Success, Is.True, lines[0]);
        Assert.That(second.Success, Is.True, lines[1]);
        Assert.That(first.Groups[1].Value, Is.EqualTo(a.Session.Id.ToString()));
        Assert.That(first.Groups[4].Value, Is.EqualTo("client|list"));
        Assert.That(second.Groups[2].Value, Is.EqualTo("bee"));
        Assert.That(second.Groups[3].Value, Is.EqualTo("2"));
        Assert.That(second.Groups[4].Value, Is.EqualTo("select"));

        Assert.That(BulkText(await a.CallAsync("CLIENT", "LIST", "ID", b.Session.Id.ToString(), "99999")), Does.StartWith($"id={b.Session.Id} "));
        Assert.That(await a.CallAsync("CLIENT", "LIST", "ID", "99999"), Is.EqualTo("$0\r\n\r\n"));
        Assert.That(BulkText(await a.CallAsync("CLIENT", "LIST", "TYPE", "normal")).Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(2));
        Assert.That(await a.CallAsync("CLIENT", "LIST", "TYPE", "pubsub"), Is.EqualTo("$0\r\n\r\n"));
        Assert.That(await a.CallAsync("CLIENT", "LIST", "TYPE", "foo"), Is.EqualTo("-ERR Unknown client type 'foo'\r\n"));
        Assert.That(await a.CallAsync("CLIENT", "LIST", "ID", "1", "abc"), Is.EqualTo("-ERR Invalid client ID\r\n"));
        Assert.That(await a.CallAsync("CLIENT", "LIST", "foo"), Is.EqualTo(Syntax));
    }

    [Test]
    public async Task ClientInfoDescribesTheCallerInResp2AndResp3()
    {
        await using var c = new InMemoryClient();
        string line = BulkText(await c.CallAsync("CLIENT", "INFO"));
        Assert.That(line, Does.StartWith($"id={c.Session.Id} addr=127.0.0.1:50000 "));
        Assert.That(line, Does.EndWith(" cmd=client|info user=default redir=-1 resp=2\n"));
        await c.CallAsync("HELLO", "3");
        string verbatim = await c.CallAsync("CLIENT", "INFO");
        Assert.That(verbatim, Does.StartWith("=").And.Contain("\r\ntxt:id=").And.EndWith(" resp=3\n\r\n"));
    }

    [Test]
    public async Task ClientKillByIdClosesTheOtherConnection()
    {
        var server = InMemoryClient.NewServer();
        await using var killer = new InMemoryClient(server);
        await using var victim = new InMemoryClient(server);
        await victim.CallAsync("PING");  // the connection loop has registered the client
        Assert.That(await killer.CallAsync("CLIENT", "KILL", "ID", victim.Session.Id.ToString()), Is.EqualTo(":1\r\n"));
        await victim.Closed.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(await killer.CallAsync("CLIENT", "KILL", "ID", victim.Session.Id.ToString()), Is.EqualTo(":0\r\n"));
        Assert.That(await killer.CallAsync("PING"), Is.EqualTo("+PONG\r\n"));
    }

    [Test]
    public async Task ClientKillSkipsTheCallerUnlessToldNot()
    {
        await using var c = new InMemoryClient();
        string id = c.Session.Id.ToString();
        Assert.That(await c.CallAsync("CLIENT", "KILL", "ID", id), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("CLIENT", "KILL", "ID", id, "SKIPME", "no"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.ReadToEndAsync(), Is.Empty);
        await c.Closed.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Test]
    public async Task ClientKillOldFormKillsByAddressAndRepliesOk()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("CLIENT", "KILL", "1.2.3.4:5"), Is.EqualTo("-ERR No such client\r\n"));
        Assert.That(await c.CallAsync("CLIENT", "KILL", "127.0.0.1:50000"), Is.EqualTo("+OK\r\n"));
        await c.Closed.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Test]
    public async Task ClientKillFilterErrors()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("CLIENT", "KILL", "ID", "abc"), Is.EqualTo("-ERR client-id should be greater than 0\r\n"));
        Assert.That(await c.CallAsync("CLIENT", "KILL", "ID", "0"), Is.EqualTo("-ERR client-id should be greater than 0\r\n"));
        Assert.That(await c.CallAsync("CLIENT", "KILL", "TYPE", "foo"), Is.EqualTo("-ERR Unknown client type 'foo'\r\n"));
        Assert.That(await c.CallAsync("CLIENT", "KILL", "USER", "nobody"), Is.EqualTo("-ERR No such user 'nobody'\r\n"));
        Assert.That(await c.CallAsync("CLIENT", "KILL", "SKIPME", "maybe"), Is.EqualTo(Syntax));
        Assert.That(await c.CallAsync("CLIENT", "KILL", "MAXAGE", "1"), Is.EqualTo(Syntax));
        Assert.That(await c.CallAsync("CLIENT", "KILL", "ID", "1", "ID"), Is.EqualTo(Syntax));
        Assert.That(await c.CallAsync("CLIENT", "KILL", "ADDR", "1.2.3.4:5", "LADDR", "127.0.0.1:6379"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("CLIENT", "KILL", "USER", "default", "TYPE", "normal"), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("CLIENT", "KILL"), Is.EqualTo("-ERR wrong number of arguments for 'client|kill' command\r\n"));
    }

    [Test]
    public async Task ClientUnblockOfAClientThatIsNotBlocked()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("CLIENT", "UNBLOCK", c.Session.Id.ToString()), Is.EqualTo(":0\r\n"));
        Assert.That(await c.CallAsync("CLIENT", "UNBLOCK", "abc"), Is.EqualTo("-ERR value is not an integer or out of range\r\n"));
        Assert.That(await c.CallAsync("CLIENT", "UNBLOCK", "1", "foo"), Is.EqualTo("-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n"));
    }

    [Test]
    public async Task ClientUnblockEndsAWaitAsATimeout()
    {
        var server = InMemoryClient.NewServer();
        await using var waiter = new InMemoryClient(server);
        await using var admin = new InMemoryClient(server);
        await waiter.SendAsync(Resp.Command("WAIT", "1", "0"));
        await WaitUntilAsync(() => waiter.Session.PendingBlock is not null);
        Assert.That(await admin.CallAsync("CLIENT", "UNBLOCK", waiter.Session.Id.ToString(), "TIMEOUT"), Is.EqualTo(":1\r\n"));
        Assert.That(await waiter.ReadReplyAsync(), Is.EqualTo(":0\r\n"));
        Assert.That(await waiter.CallAsync("PING"), Is.EqualTo("+PONG\r\n"));
    }

    [Test]
    public async Task ClientHelpListsSubcommands()
    {
        await using var c = new InMemoryClient();
        string help = await c.CallAsync("CLIENT", "HELP");
        Assert.That(help, Does.StartWith("*").And.Contain("+CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"));
        Assert.That(help, Does.Contain("+KILL <ip:port>\r\n").And.EndWith("+HELP\r\n+    Print this help.\r\n"));
    }

    [Test]
    public async Task PingEchoAndQuit()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("PING"), Is.EqualTo("+PONG\r\n"));
        Assert.That(await c.CallAsync("PING", "hi"), Is.EqualTo("$2\r\nhi\r\n"));
        Assert.That(await c.CallAsync("PING", "a", "b"), Is.EqualTo("-ERR wrong number of arguments for 'ping' command\r\n"));
        Assert.That(await c.CallAsync("ECHO", "x y"), Is.EqualTo("$3\r\nx y\r\n"));
        await c.SendAsync(Resp.Command("QUIT"));
        Assert.That(await c.ReadToEndAsync(), Is.EqualTo("+OK\r\n"));
    }

    internal static string BulkText(string reply)
    {
        Assert.That(reply, Does.StartWith("$"));
        int header = reply.IndexOf("\r\n", StringComparison.Ordinal);
        return reply.Substring(header + 2, reply.Length - header - 4);
    }

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("condition not met within 5 s");
            await Task.Delay(5);
        }
    }
}
