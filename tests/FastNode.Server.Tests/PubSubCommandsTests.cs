using System.Text;
using System.Text.RegularExpressions;
using FastNode.Server.Config;

namespace FastNode.Server.Tests;

/// <summary>
/// SUBSCRIBE and the rest of pub/sub over in-memory connections, byte for byte as redis-server 7.0.15 answers the same
/// requests (the expected bytes were taken from it): RESP2 arrays and subscribed mode, RESP3 pushes, PUBSUB, RESET,
/// CLIENT LIST / KILL, INFO, client-output-buffer-limit and the cleanup when a subscriber goes.
/// </summary>
public sealed class PubSubCommandsTests
{
    private const string SubscribedModeError =
        "only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n";

    private static string Bulk(string s) => $"${Encoding.UTF8.GetByteCount(s)}\r\n{s}\r\n";

    /// <summary>[kind, name, count]: an array in RESP2, a push in RESP3; a null name for an unsubscribe with nothing to drop.</summary>
    private static string Confirm(string kind, string? name, int count, bool resp3 = false) =>
        (resp3 ? ">3\r\n" : "*3\r\n") + Bulk(kind) + (name is null ? (resp3 ? "_\r\n" : "$-1\r\n") : Bulk(name)) + $":{count}\r\n";

    private static string Message(string channel, string payload, bool resp3 = false) =>
        (resp3 ? ">3\r\n" : "*3\r\n") + Bulk("message") + Bulk(channel) + Bulk(payload);

    private static string PMessage(string pattern, string channel, string payload, bool resp3 = false) =>
        (resp3 ? ">4\r\n" : "*4\r\n") + Bulk("pmessage") + Bulk(pattern) + Bulk(channel) + Bulk(payload);

    private static string SMessage(string channel, string payload) => "*3\r\n" + Bulk("smessage") + Bulk(channel) + Bulk(payload);

    /// <summary>Sends one command and reads <paramref name="replies"/> replies, concatenated.</summary>
    private static async Task<string> CallManyAsync(InMemoryClient c, int replies, params string[] args)
    {
        await c.SendAsync(Resp.Command(args));
        var all = new StringBuilder();
        for (int i = 0; i < replies; i++) all.Append(await c.ReadReplyAsync());
        return all.ToString();
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds.</summary>
    private static async Task EventuallyAsync(Func<bool> condition, string what, int timeoutMs = 5000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("timed out waiting: " + what);
            await Task.Delay(10);
        }
    }

    [Test]
    public async Task SubscribeAndUnsubscribeRepliesInResp2()
    {
        await using var c = new InMemoryClient();
        Assert.That(await CallManyAsync(c, 2, "SUBSCRIBE", "a", "b"), Is.EqualTo(Confirm("subscribe", "a", 1) + Confirm("subscribe", "b", 2)));
        Assert.That(await c.CallAsync("SUBSCRIBE", "a"), Is.EqualTo(Confirm("subscribe", "a", 2)), "already subscribed: same count");
        Assert.That(await CallManyAsync(c, 2, "PSUBSCRIBE", "p*", "q?"), Is.EqualTo(Confirm("psubscribe", "p*", 3) + Confirm("psubscribe", "q?", 4)));
        Assert.That(await c.CallAsync("UNSUBSCRIBE", "x"), Is.EqualTo(Confirm("unsubscribe", "x", 4)), "never subscribed: the count as it is");
        Assert.That(await c.CallAsync("UNSUBSCRIBE", "a"), Is.EqualTo(Confirm("unsubscribe", "a", 3)));
        Assert.That(await CallManyAsync(c, 2, "PUNSUBSCRIBE"), Is.EqualTo(Confirm("punsubscribe", "p*", 2) + Confirm("punsubscribe", "q?", 1)),
            "all patterns, in the order they were subscribed");
        Assert.That(await c.CallAsync("PUNSUBSCRIBE"), Is.EqualTo(Confirm("punsubscribe", null, 1)));
        Assert.That(await c.CallAsync("UNSUBSCRIBE"), Is.EqualTo(Confirm("unsubscribe", "b", 0)));
        Assert.That(await c.CallAsync("UNSUBSCRIBE"), Is.EqualTo(Confirm("unsubscribe", null, 0)));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo("$-1\r\n"), "no subscription left: out of subscribed mode");
    }

    [Test]
    public async Task ShardChannelsCountApartFromChannelsAndPatterns()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("SUBSCRIBE", "a"), Is.EqualTo(Confirm("subscribe", "a", 1)));
        Assert.That(await CallManyAsync(c, 2, "SSUBSCRIBE", "s1", "s2"), Is.EqualTo(Confirm("ssubscribe", "s1", 1) + Confirm("ssubscribe", "s2", 2)));
        Assert.That(await c.CallAsync("UNSUBSCRIBE", "a"), Is.EqualTo(Confirm("unsubscribe", "a", 0)));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo("-ERR Can't execute 'get': " + SubscribedModeError), "shard channels keep the mode");
        Assert.That(await c.CallAsync("SUNSUBSCRIBE", "s1"), Is.EqualTo(Confirm("sunsubscribe", "s1", 1)));
        Assert.That(await c.CallAsync("SUNSUBSCRIBE"), Is.EqualTo(Confirm("sunsubscribe", "s2", 0)));
        Assert.That(await c.CallAsync("SUNSUBSCRIBE"), Is.EqualTo(Confirm("sunsubscribe", null, 0)));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo("$-1\r\n"));
    }

    [Test]
    public async Task Resp2SubscribedModeAllowsOnlyPubSubPingQuitAndReset()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SUBSCRIBE", "a");
        Assert.That(await c.CallAsync("PING"), Is.EqualTo("*2\r\n$4\r\npong\r\n$0\r\n\r\n"));
        Assert.That(await c.CallAsync("PING", "x"), Is.EqualTo("*2\r\n$4\r\npong\r\n$1\r\nx\r\n"));
        Assert.That(await c.CallAsync("PING", "a", "b"), Is.EqualTo("-ERR wrong number of arguments for 'ping' command\r\n"));
        // Existence and arity come first, as in Redis's processCommand.
        Assert.That(await c.CallAsync("NOSUCH", "x"), Is.EqualTo("-ERR unknown command 'NOSUCH', with args beginning with: 'x' \r\n"));
        Assert.That(await c.CallAsync("GET"), Is.EqualTo("-ERR wrong number of arguments for 'get' command\r\n"));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo("-ERR Can't execute 'get': " + SubscribedModeError));
        Assert.That(await c.CallAsync("CLIENT", "ID"), Is.EqualTo("-ERR Can't execute 'client|id': " + SubscribedModeError));
        Assert.That(await c.CallAsync("HELLO", "3"), Is.EqualTo("-ERR Can't execute 'hello': " + SubscribedModeError));
        Assert.That(await c.CallAsync("MULTI"), Is.EqualTo("-ERR Can't execute 'multi': " + SubscribedModeError));
        Assert.That(await c.CallAsync("PUBLISH", "a", "b"), Is.EqualTo("-ERR Can't execute 'publish': " + SubscribedModeError));
        Assert.That(await c.CallAsync("PUBSUB", "NUMPAT"), Is.EqualTo("-ERR Can't execute 'pubsub|numpat': " + SubscribedModeError));
        Assert.That(await c.CallAsync("RESET"), Is.EqualTo("+RESET\r\n"));
        Assert.That(await c.CallAsync("PING"), Is.EqualTo("+PONG\r\n"));
        await c.CallAsync("SUBSCRIBE", "a");
        Assert.That(await c.CallAsync("QUIT"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.ReadToEndAsync(), Is.Empty);
    }

    [Test]
    public async Task Resp3SubscriptionsArePushesAndOtherCommandsStillRun()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("HELLO", "3");
        Assert.That(await c.CallAsync("SUBSCRIBE", "a"), Is.EqualTo(Confirm("subscribe", "a", 1, resp3: true)));
        Assert.That(await c.CallAsync("PSUBSCRIBE", "a*"), Is.EqualTo(Confirm("psubscribe", "a*", 2, resp3: true)));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo("_\r\n"));
        Assert.That(await c.CallAsync("PING"), Is.EqualTo("+PONG\r\n"));
        Assert.That(await c.CallAsync("PING", "x"), Is.EqualTo("$1\r\nx\r\n"));
        // Publishing to itself: its own pushes come before the PUBLISH reply, as in Redis.
        Assert.That(await CallManyAsync(c, 3, "PUBLISH", "a", "hello"),
            Is.EqualTo(Message("a", "hello", resp3: true) + PMessage("a*", "a", "hello", resp3: true) + ":2\r\n"));
        Assert.That(await c.CallAsync("SPUBLISH", "a", "x"), Is.EqualTo(":0\r\n"), "shard channels are apart");
        Assert.That(await c.CallAsync("SSUBSCRIBE", "a"), Is.EqualTo(Confirm("ssubscribe", "a", 1, resp3: true)));
        Assert.That(await CallManyAsync(c, 2, "SPUBLISH", "a", "x"), Is.EqualTo(">3\r\n" + Bulk("smessage") + Bulk("a") + Bulk("x") + ":1\r\n"));
        Assert.That(await c.CallAsync("UNSUBSCRIBE"), Is.EqualTo(Confirm("unsubscribe", "a", 1, resp3: true)));
        Assert.That(await c.CallAsync("PUNSUBSCRIBE"), Is.EqualTo(Confirm("punsubscribe", "a*", 0, resp3: true)));
        Assert.That(await c.CallAsync("SUNSUBSCRIBE"), Is.EqualTo(Confirm("sunsubscribe", "a", 0, resp3: true)));
        Assert.That(await c.CallAsync("UNSUBSCRIBE"), Is.EqualTo(Confirm("unsubscribe", null, 0, resp3: true)));
    }

    [Test]
    public async Task MessagesReachChannelPatternAndShardSubscribersOfOtherConnections()
    {
        var server = InMemoryClient.NewServer();
        await using var sub = new InMemoryClient(server);
        await using var resp3 = new InMemoryClient(server);
        await using var pub = new InMemoryClient(server);
        await CallManyAsync(sub, 2, "SUBSCRIBE", "news", "other");
        await sub.CallAsync("PSUBSCRIBE", "n*");
        await sub.CallAsync("SSUBSCRIBE", "shard");
        await resp3.CallAsync("HELLO", "3");
        await resp3.CallAsync("SUBSCRIBE", "news");

        Assert.That(await pub.CallAsync("PUBLISH", "news", "hi"), Is.EqualTo(":3\r\n"), "two channel subscriptions and one pattern");
        Assert.That(await sub.ReadReplyAsync(), Is.EqualTo(Message("news", "hi")));
        Assert.That(await sub.ReadReplyAsync(), Is.EqualTo(PMessage("n*", "news", "hi")));
        Assert.That(await resp3.ReadReplyAsync(), Is.EqualTo(Message("news", "hi", resp3: true)));
        // RESP3 pushes and ordinary replies share the connection.
        Assert.That(await resp3.CallAsync("ECHO", "still here"), Is.EqualTo(Bulk("still here")));

        Assert.That(await pub.CallAsync("PUBLISH", "nope", "x"), Is.EqualTo(":1\r\n"));
        Assert.That(await sub.ReadReplyAsync(), Is.EqualTo(PMessage("n*", "nope", "x")));
        Assert.That(await pub.CallAsync("PUBLISH", "shard", "x"), Is.EqualTo(":0\r\n"), "PUBLISH never reaches SSUBSCRIBE");
        Assert.That(await pub.CallAsync("SPUBLISH", "shard", "y"), Is.EqualTo(":1\r\n"));
        Assert.That(await sub.ReadReplyAsync(), Is.EqualTo(SMessage("shard", "y")));
        Assert.That(await pub.CallAsync("SPUBLISH", "news", "y"), Is.EqualTo(":0\r\n"), "SPUBLISH never reaches SUBSCRIBE or patterns");

        // Binary-safe, and a message published before an UNSUBSCRIBE is read before its confirmation.
        await pub.SendAsync(Encoding.UTF8.GetBytes("*3\r\n$7\r\nPUBLISH\r\n$5\r\nother\r\n$4\r\na\r\n\0\r\n"));
        Assert.That(await pub.ReadReplyAsync(), Is.EqualTo(":1\r\n"));
        Assert.That(await sub.CallAsync("UNSUBSCRIBE", "other"), Is.EqualTo(Message("other", "a\r\n\0")));
        Assert.That(await sub.ReadReplyAsync(), Is.EqualTo(Confirm("unsubscribe", "other", 2)));
    }

    [Test]
    public async Task PubSubIntrospection()
    {
        var server = InMemoryClient.NewServer();
        await using var a = new InMemoryClient(server);
        await using var b = new InMemoryClient(server);
        await using var c = new InMemoryClient(server);
        await CallManyAsync(a, 2, "SUBSCRIBE", "chan1", "chan2");
        await CallManyAsync(a, 2, "PSUBSCRIBE", "p*", "q*");
        await a.CallAsync("SSUBSCRIBE", "sh1");
        await b.CallAsync("SUBSCRIBE", "chan1");
        await b.CallAsync("PSUBSCRIBE", "p*");

        var channels = await c.CallAsync("PUBSUB", "CHANNELS");
        Assert.That(channels, Does.StartWith("*2\r\n").And.Contain(Bulk("chan1")).And.Contain(Bulk("chan2")));
        Assert.That(await c.CallAsync("PUBSUB", "CHANNELS", "*1"), Is.EqualTo("*1\r\n" + Bulk("chan1")));
        Assert.That(await c.CallAsync("pubsub", "channels", "x*"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("PUBSUB", "NUMSUB"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("PUBSUB", "NUMSUB", "chan1", "chan2", "nochan"),
            Is.EqualTo("*6\r\n" + Bulk("chan1") + ":2\r\n" + Bulk("chan2") + ":1\r\n" + Bulk("nochan") + ":0\r\n"));
        Assert.That(await c.CallAsync("PUBSUB", "NUMPAT"), Is.EqualTo(":2\r\n"), "distinct patterns");
        Assert.That(await c.CallAsync("PUBSUB", "SHARDCHANNELS"), Is.EqualTo("*1\r\n" + Bulk("sh1")));
        Assert.That(await c.CallAsync("PUBSUB", "SHARDCHANNELS", "x*"), Is.EqualTo("*0\r\n"));
        Assert.That(await c.CallAsync("PUBSUB", "SHARDNUMSUB", "sh1", "chan1"), Is.EqualTo("*4\r\n" + Bulk("sh1") + ":1\r\n" + Bulk("chan1") + ":0\r\n"));
        Assert.That(await c.CallAsync("PUBLISH", "pa", "m"), Is.EqualTo(":2\r\n"));

        Assert.That(await c.CallAsync("PUBSUB"), Is.EqualTo("-ERR wrong number of arguments for 'pubsub' command\r\n"));
        Assert.That(await c.CallAsync("PUBSUB", "FOO"), Is.EqualTo("-ERR unknown subcommand 'FOO'. Try PUBSUB HELP.\r\n"));
        Assert.That(await c.CallAsync("PUBSUB", "NUMPAT", "x"), Is.EqualTo("-ERR wrong number of arguments for 'pubsub|numpat' command\r\n"));
        Assert.That(await c.CallAsync("PUBSUB", "CHANNELS", "a", "b"),
            Is.EqualTo("-ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.\r\n"));
        Assert.That(await c.CallAsync("pubsub", "shardchannels", "a", "b"),
            Is.EqualTo("-ERR unknown subcommand or wrong number of arguments for 'shardchannels'. Try PUBSUB HELP.\r\n"));
        Assert.That(await c.CallAsync("PUBLISH", "chan1"), Is.EqualTo("-ERR wrong number of arguments for 'publish' command\r\n"));
        Assert.That(await c.CallAsync("SUBSCRIBE"), Is.EqualTo("-ERR wrong number of arguments for 'subscribe' command\r\n"));

        var help = await c.CallAsync("PUBSUB", "HELP");
        Assert.That(help, Does.StartWith("*14\r\n+PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+CHANNELS [<pattern>]\r\n"));
        Assert.That(help, Does.EndWith("+HELP\r\n+    Prints this help.\r\n"));

        string info = await c.CallAsync("INFO", "stats");
        Assert.That(info, Does.Contain("\r\npubsub_channels:2\r\npubsub_patterns:2\r\npubsubshard_channels:1\r\n"));
    }

    [Test]
    public async Task PublishCountsEverySubscriptionOfAClient()
    {
        var server = InMemoryClient.NewServer();
        await using var sub = new InMemoryClient(server);
        await using var pub = new InMemoryClient(server);
        await sub.CallAsync("SUBSCRIBE", "a.b");
        await CallManyAsync(sub, 2, "PSUBSCRIBE", "a.*", "*");
        Assert.That(await pub.CallAsync("PUBLISH", "a.b", "m"), Is.EqualTo(":3\r\n"));
        Assert.That(await sub.ReadReplyAsync(), Is.EqualTo(Message("a.b", "m")));
        Assert.That(await sub.ReadReplyAsync(), Is.EqualTo(PMessage("a.*", "a.b", "m")));
        Assert.That(await sub.ReadReplyAsync(), Is.EqualTo(PMessage("*", "a.b", "m")));
        // Glob classes and escapes, as KEYS matches them.
        await CallManyAsync(sub, 2, "PSUBSCRIBE", "h[ae]llo", "x\\*");
        Assert.That(await pub.CallAsync("PUBLISH", "hello", "1"), Is.EqualTo(":2\r\n"));
        Assert.That(await pub.CallAsync("PUBLISH", "x*", "2"), Is.EqualTo(":2\r\n"));
        Assert.That(await pub.CallAsync("PUBLISH", "xy", "3"), Is.EqualTo(":1\r\n"));
    }

    [Test]
    public async Task ClosingAConnectionDropsItsSubscriptionsAndQueuedMessages()
    {
        var server = InMemoryClient.NewServer();
        await using var pub = new InMemoryClient(server);
        var sub = new InMemoryClient(server);
        await CallManyAsync(sub, 2, "SUBSCRIBE", "a", "b");
        await sub.CallAsync("PSUBSCRIBE", "p*");
        await sub.CallAsync("SSUBSCRIBE", "s");
        Assert.That(await pub.CallAsync("PUBLISH", "a", "unread"), Is.EqualTo(":1\r\n"));
        await sub.DisposeAsync();
        Assert.That(await pub.CallAsync("PUBSUB", "NUMSUB", "a", "b"), Is.EqualTo("*4\r\n" + Bulk("a") + ":0\r\n" + Bulk("b") + ":0\r\n"));
        Assert.That(await pub.CallAsync("PUBSUB", "NUMPAT"), Is.EqualTo(":0\r\n"));
        Assert.That(await pub.CallAsync("PUBLISH", "a", "x"), Is.EqualTo(":0\r\n"));
        Assert.That(await pub.CallAsync("SPUBLISH", "s", "x"), Is.EqualTo(":0\r\n"));
        Assert.That(await pub.CallAsync("INFO", "stats"), Does.Contain("\r\npubsub_channels:0\r\npubsub_patterns:0\r\npubsubshard_channels:0\r\n"));
    }

    [Test]
    public async Task ResetDropsSubscriptionsAndConnectionState()
    {
        var server = InMemoryClient.NewServer(new ServerOptions { Port = 0, RequirePass = "pw", Dir = InMemoryClient.TempDir() });
        await using var c = new InMemoryClient(server);
        await using var other = new InMemoryClient(server);
        await other.CallAsync("AUTH", "pw");
        Assert.That(await c.CallAsync("RESET"), Is.EqualTo("+RESET\r\n"), "RESET needs no AUTH");
        await c.CallAsync("AUTH", "pw");
        await c.CallAsync("SELECT", "3");
        await c.CallAsync("CLIENT", "SETNAME", "foo");
        await c.CallAsync("HELLO", "3");
        await c.CallAsync("SUBSCRIBE", "a");
        await c.CallAsync("PSUBSCRIBE", "a*");
        Assert.That(await c.CallAsync("RESET"), Is.EqualTo("+RESET\r\n"));
        Assert.That(await c.CallAsync("PING"), Is.EqualTo("-NOAUTH Authentication required.\r\n"));
        await c.CallAsync("AUTH", "pw");
        Assert.That(await c.CallAsync("CLIENT", "GETNAME"), Is.EqualTo("$-1\r\n"), "RESP2 again, and no name");
        Assert.That(c.Session.DbIndex, Is.EqualTo(0));
        Assert.That(await other.CallAsync("PUBLISH", "a", "x"), Is.EqualTo(":0\r\n"));
        Assert.That(await other.CallAsync("PUBSUB", "NUMPAT"), Is.EqualTo(":0\r\n"));

        // A transaction and watches go too; RESET runs at once inside MULTI.
        Assert.That(await c.CallAsync("MULTI"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("SET", "k", "v"), Is.EqualTo("+QUEUED\r\n"));
        Assert.That(await c.CallAsync("RESET"), Is.EqualTo("+RESET\r\n"));
        await c.CallAsync("AUTH", "pw");
        Assert.That(await c.CallAsync("EXEC"), Is.EqualTo("-ERR EXEC without MULTI\r\n"));
        Assert.That(await c.CallAsync("RESET", "x"), Is.EqualTo("-ERR wrong number of arguments for 'reset' command\r\n"));
    }

    [Test]
    public async Task ReplyOffSilencesRepliesButNotSubscriptionConfirmationsOrMessages()
    {
        var server = InMemoryClient.NewServer();
        await using var c = new InMemoryClient(server);
        await using var pub = new InMemoryClient(server);
        await c.SendAsync(Resp.Command("CLIENT", "REPLY", "OFF"));
        Assert.That(await c.CallAsync("SUBSCRIBE", "x"), Is.EqualTo(Confirm("subscribe", "x", 1)));
        Assert.That(await pub.CallAsync("PUBLISH", "x", "m"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo(Message("x", "m")));
        await c.SendAsync(Resp.Command("PING"));
        Assert.That(await c.CallAsync("UNSUBSCRIBE"), Is.EqualTo(Confirm("unsubscribe", "x", 0)), "the PING's reply was silenced");
        Assert.That(await c.CallAsync("CLIENT", "REPLY", "ON"), Is.EqualTo("+OK\r\n"));

        // RESP3, publishing to itself with replies off: the push still comes, the reply does not.
        await c.CallAsync("HELLO", "3");
        await c.CallAsync("SUBSCRIBE", "a");
        await c.SendAsync(Resp.Command("CLIENT", "REPLY", "OFF"));
        await c.SendAsync(Resp.Command("PUBLISH", "a", "y"));
        Assert.That(await c.CallAsync("CLIENT", "REPLY", "ON"), Is.EqualTo(Message("a", "y", resp3: true)));
        Assert.That(await c.ReadReplyAsync(), Is.EqualTo("+OK\r\n"));
        // RESET answers +RESET even with replies off.
        await c.SendAsync(Resp.Command("CLIENT", "REPLY", "OFF"));
        Assert.That(await c.CallAsync("RESET"), Is.EqualTo("+RESET\r\n"));
    }

    [Test]
    public async Task SubscribeInsideMultiAndSsubscribeRefusedInExec()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("MULTI");
        Assert.That(await c.CallAsync("SUBSCRIBE", "a", "b"), Is.EqualTo("+QUEUED\r\n"));
        // EXEC's array counts one reply per queued command, and SUBSCRIBE of two channels writes two, as in Redis.
        Assert.That(await CallManyAsync(c, 2, "EXEC"), Is.EqualTo("*1\r\n" + Confirm("subscribe", "a", 1) + Confirm("subscribe", "b", 2)));
        Assert.That(await c.CallAsync("GET", "x"), Is.EqualTo("-ERR Can't execute 'get': " + SubscribedModeError));
        await c.CallAsync("RESET");
        await c.CallAsync("MULTI");
        await c.CallAsync("SSUBSCRIBE", "a");
        await c.CallAsync("PING");
        Assert.That(await c.CallAsync("EXEC"), Is.EqualTo("*2\r\n-ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client\r\n+PONG\r\n"));
    }

    [Test]
    public async Task ClientListInfoAndKillKnowSubscribers()
    {
        var server = InMemoryClient.NewServer();
        await using var sub = new InMemoryClient(server);
        await using var admin = new InMemoryClient(server);
        await CallManyAsync(sub, 2, "SUBSCRIBE", "a", "b");
        await sub.CallAsync("PSUBSCRIBE", "p*");
        await CallManyAsync(sub, 3, "SSUBSCRIBE", "x", "y", "z");

        string list = await admin.CallAsync("CLIENT", "LIST");
        var line = list.Split('\n').Single(l => l.Contains($"id={sub.Session.Id} "));
        Assert.That(line, Does.Contain(" flags=P db=0 sub=2 psub=1 ssub=3 multi=-1 "));
        Assert.That(await admin.CallAsync("CLIENT", "LIST", "TYPE", "pubsub"), Does.Contain($"id={sub.Session.Id} "));
        Assert.That(await admin.CallAsync("CLIENT", "LIST", "TYPE", "normal"), Does.Not.Contain($"id={sub.Session.Id} "));
        Assert.That(await admin.CallAsync("CLIENT", "INFO"), Does.Contain(" flags=N db=0 sub=0 psub=0 ssub=0 "));

        Assert.That(await admin.CallAsync("CLIENT", "KILL", "TYPE", "pubsub"), Is.EqualTo(":1\r\n"));
        await sub.Closed.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(await admin.CallAsync("PUBSUB", "NUMSUB", "a"), Is.EqualTo("*2\r\n" + Bulk("a") + ":0\r\n"));
        Assert.That(await admin.CallAsync("PUBSUB", "SHARDNUMSUB", "x"), Is.EqualTo("*2\r\n" + Bulk("x") + ":0\r\n"));
    }

    [Test]
    public async Task ClientOutputBufferLimitGetAndSetAsRedis()
    {
        await using var c = new InMemoryClient();
        const string Name = "client-output-buffer-limit";
        static string Value(string v) => "*2\r\n" + Bulk(Name) + Bulk(v);
        Assert.That(await c.CallAsync("CONFIG", "GET", Name), Is.EqualTo(Value("normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60")));
        Assert.That(await c.CallAsync("CONFIG", "SET", Name, "pubsub 1mb 512kb 10"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "SET", Name, "normal 0 0 0 replica 1 2 3"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "SET", Name, "PUBSUB 1k 2K 3"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "SET", Name, ""), Is.EqualTo("+OK\r\n"), "an empty value changes nothing");
        Assert.That(await c.CallAsync("CONFIG", "GET", Name), Is.EqualTo(Value("normal 0 0 0 slave 1 2 3 pubsub 1000 2000 3")));
        const string Failed = "-ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - ";
        Assert.That(await c.CallAsync("CONFIG", "SET", Name, "foo 1 2 3"), Is.EqualTo(Failed + "Invalid client class specified in buffer limit configuration.\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "SET", Name, "master 1 2 3"), Is.EqualTo(Failed + "Invalid client class specified in buffer limit configuration.\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "SET", Name, "pubsub 1 2"), Is.EqualTo(Failed + "Wrong number of arguments in buffer limit configuration.\r\n"));
        foreach (var bad in new[] { "pubsub x 2 3", "pubsub 1 2 -3", "pubsub 1 2 x", "pubsub -1 0 0" })
        {
            Assert.That(await c.CallAsync("CONFIG", "SET", Name, bad),
                Is.EqualTo(Failed + "Error in hard, soft or soft_seconds setting in buffer limit configuration.\r\n"), bad);
        }
        Assert.That(await c.CallAsync("CONFIG", "SET", Name, "pubsub 100 200 3 pubsub 1 2 4"), Is.EqualTo("+OK\r\n"), "the last one wins");
        Assert.That(await c.CallAsync("CONFIG", "GET", Name), Is.EqualTo(Value("normal 0 0 0 slave 1 2 3 pubsub 1 2 4")));
    }

    [Test]
    public async Task ASubscriberThatStopsReadingIsClosedAtTheHardLimit()
    {
        var server = InMemoryClient.NewServer();
        await using var admin = new InMemoryClient(server);
        await admin.CallAsync("CONFIG", "SET", "client-output-buffer-limit", "pubsub 256kb 0 0");
        var sub = new InMemoryClient(server);
        await sub.CallAsync("SUBSCRIBE", "flood");
        // The subscriber reads nothing more: its output pipe fills (the in-memory pipe pauses at 64 KB), its loop stops
        // draining, and its queue grows to the limit.
        var payload = new string('x', 10_000);
        int published = 0;
        for (int i = 0; i < 500 && !sub.Closed.IsCompleted; i++)
        {
            Assert.That(await admin.CallAsync("PUBLISH", "flood", payload), Is.EqualTo(":1\r\n").Or.EqualTo(":0\r\n"));
            published++;
            if (i % 10 == 9) await Task.Delay(5);
        }
        await sub.Closed.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(published, Is.LessThan(100), "closed once about 256 KB waited, plus the pipe's 64 KB");
        Assert.That(await admin.CallAsync("PUBLISH", "flood", "x"), Is.EqualTo(":0\r\n"));
        var info = await admin.CallAsync("INFO", "clients");
        long peak = long.Parse(Regex.Match(info, @"client_recent_max_output_buffer:(\d+)").Groups[1].Value);
        Assert.That(peak, Is.GreaterThanOrEqualTo(256 * 1024 - 10_100), "the dropped subscriber's buffer shows in INFO");
        await sub.DisposeAsync();
    }

    [Test]
    public async Task ASubscriberOverTheSoftLimitForLongerThanItsSecondsIsClosed()
    {
        var server = InMemoryClient.NewServer();
        await using var admin = new InMemoryClient(server);
        await admin.CallAsync("CONFIG", "SET", "client-output-buffer-limit", "pubsub 0 100kb 1");
        var sub = new InMemoryClient(server);
        await sub.CallAsync("SUBSCRIBE", "flood");
        var payload = new string('x', 10_000);
        for (int i = 0; i < 30; i++) await admin.CallAsync("PUBLISH", "flood", payload);
        await Task.Delay(300);
        Assert.That(sub.Closed.IsCompleted, Is.False, "over the soft limit, but not for a second yet");
        await Task.Delay(1200);
        await admin.CallAsync("PUBLISH", "flood", payload);
        await sub.Closed.WaitAsync(TimeSpan.FromSeconds(5));
        await sub.DisposeAsync();
    }

    [Test]
    public async Task ClientListShowsTheMessagesWaitingForASubscriber()
    {
        var server = InMemoryClient.NewServer();
        await using var admin = new InMemoryClient(server);
        await using var sub = new InMemoryClient(server);
        await sub.CallAsync("SUBSCRIBE", "flood");
        var payload = new string('x', 10_000);
        for (int i = 0; i < 50; i++) await admin.CallAsync("PUBLISH", "flood", payload);
        await EventuallyAsync(() => sub.Session.PubSub!.QueuedCount > 0, "messages wait in the queue behind the full pipe");
        string list = await admin.CallAsync("CLIENT", "LIST", "ID", sub.Session.Id.ToString());
        long omem = long.Parse(Regex.Match(list, @" omem=(\d+)").Groups[1].Value);
        int oll = int.Parse(Regex.Match(list, @" oll=(\d+)").Groups[1].Value);
        Assert.That(oll, Is.GreaterThan(0));
        Assert.That(omem, Is.GreaterThanOrEqualTo(oll * 10_000L));
        // Once the subscriber reads, everything arrives in order.
        for (int i = 0; i < 50; i++) Assert.That(await sub.ReadReplyAsync(), Is.EqualTo(Message("flood", payload)), $"message {i}");
    }
}
