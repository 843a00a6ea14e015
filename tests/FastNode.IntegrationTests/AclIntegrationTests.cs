using StackExchange.Redis;

namespace FastNode.IntegrationTests;

/// <summary>
/// ACL against redis-server 7.0: the same ACL calls on both, replies byte for byte (rule lists, GETUSER, errors,
/// DRYRUN, NOPERM texts through a second connection logged in as the user).
/// </summary>
public sealed class AclDifferentialTests : DifferentialPairTestBase
{
    [SetUp]
    public void ResetUsers()
    {
        Pair.Both("ACL", "DELUSER", "t", "u");
        Pair.Both("ACL", "LOG", "RESET");
    }

    private static readonly string[][] Rules =
    [
        ["+get", "+set", "-get"], ["+@all", "-@dangerous", "+get"], ["allcommands", "-get"], ["+config|get"],
        ["+config", "-config|set"], ["+config|get", "+config"], ["~a", "~b", "~a"], ["%W~x", "%R~x"], ["%R~r*", "%W~w*", "~k*"],
        ["&a", "&b"], ["allchannels"], [">p1", ">p2", "<p1"], ["nopass", ">x"], [">x", "nopass"], ["(+get ~a)", "(+set", "~b)"],
        ["+select|0"], ["+@hash", "-@hash", "+@hash"], ["+@read", "-get"], ["skip-sanitize-payload"],
        ["+foo"], ["+@foo"], ["+config|foo"], ["allkeys", "~a"], ["allchannels", "&x"], ["%X~x"], ["#abc"], ["<nothere"],
        ["(+get", "~a"], ["(+get", "~a", "b)"], ["bogus"],
    ];

    [TestCaseSource(nameof(Rules))]
    public void SetuserListAndGetuserMatchRedis(string[] rules)
    {
        Pair.Same(["ACL", "SETUSER", "t", "reset", .. rules]);
        Pair.Same("ACL", "LIST");
        Pair.Same("ACL", "GETUSER", "t");
    }

    [Test]
    public void AdministrationRepliesMatchRedis()
    {
        Pair.Same("ACL", "SETUSER", "t", "on", ">pw", "%R~r*", "~k*", "&ch", "+get", "+publish", "+config|get");
        Pair.Same("ACL", "USERS");
        Pair.Same("ACL", "WHOAMI");
        Pair.Same("ACL", "GETUSER", "nosuch");
        Pair.Same("ACL", "DELUSER", "default");
        Pair.Same("ACL", "CAT");
        Pair.Same("ACL", "CAT", "nosuch");
        Pair.Same("ACL", "GENPASS", "0");
        Pair.Same("ACL", "GENPASS", "x");
        Pair.Same("ACL", "LOG", "x");
        Pair.Same("ACL", "LOG", "1", "2");
        Pair.Same("ACL", "SAVE");
        Pair.Same("ACL", "LOAD");
        Pair.Same("ACL", "SETUSER", "a b", "on");
        foreach (var call in new[] { "get x", "get r1", "set r1 v", "hget x y", "hget x", "get", "nocmd", "config get x", "config set x y",
                     "publish ch m", "publish q m" })
        {
            Pair.Same(["ACL", "DRYRUN", "t", .. call.Split(' ')]);
        }
        Pair.Same("ACL", "LOG");
    }

    /// <summary>
    /// Every category holds the same commands on both servers (ignoring commands only one of them has); the order differs
    /// (Redis lists its hash table's order).
    /// </summary>
    [Test]
    public void CategoriesMatchRedis()
    {
        var categories = Names(Pair.Same("ACL", "CAT"));
        var known = new HashSet<string>();
        foreach (var category in categories) known.UnionWith(Names(Pair.FastNode.Call("ACL", "CAT", category)));
        var redisAll = new HashSet<string>();
        foreach (var category in categories) redisAll.UnionWith(Names(Pair.Redis.Call("ACL", "CAT", category)));
        foreach (var category in categories)
        {
            var redis = Names(Pair.Redis.Call("ACL", "CAT", category));
            var fastNode = Names(Pair.FastNode.Call("ACL", "CAT", category));
            redis.IntersectWith(known);
            fastNode.IntersectWith(redisAll);
            Assert.That(fastNode, Is.EquivalentTo(redis), category);
        }
    }

    private static HashSet<string> Names(string reply)
    {
        var names = new HashSet<string>();
        var lines = reply.Split("\r\n");
        for (int i = 1; i + 1 < lines.Length; i += 2) names.Add(lines[i + 1]);
        return names;
    }

    [Test]
    public void RefusalsMatchRedisWordForWord()
    {
        Pair.Same("ACL", "SETUSER", "u", "on", ">pw", "%R~r*", "%W~w*", "~k*", "&ch", "+get", "+set", "+incr", "+publish", "+subscribe",
            "+psubscribe", "+lmove", "+multi", "+exec", "+sort", "+lpush", "+acl|log");
        using var fastNode = RawClient.Connect(Pair.FastNodePort);
        using var redis = RawClient.Connect(Pair.RedisPort);
        foreach (var call in new[]
                 {
                     "AUTH u wrong", "AUTH u pw", "GET x", "GET r1", "GET w1", "SET w1 1", "SET r1 1", "INCR w1", "INCR k1",
                     "LMOVE r1 w1 LEFT LEFT", "HGET x y", "PUBLISH x y", "PUBLISH ch y", "LPUSH k2 1", "SORT k2", "SORT k2 BY w*",
                     "SORT k2 GET #", "MULTI", "GET zz", "EXEC", "PSUBSCRIBE c*",
                 })
        {
            var args = call.Split(' ');
            Assert.That(RespReplyScanner.Escape(fastNode.Call(args)), Is.EqualTo(RespReplyScanner.Escape(redis.Call(args))), call);
        }
    }
}

/// <summary>Real clients logging in as ACL users: StackExchange.Redis, redis-cli --user --pass and ioredis.</summary>
[NonParallelizable]
public sealed class AclClientTests : ProcessTestBase
{
    protected override string DirPrefix => "fastnode-acl-";

    private const string AppUser = "app on >pw ~app:* &* +@all -@dangerous";

    [Test]
    public void StackExchangeRedisLogsInAsAUser()
    {
        var server = FastNode($"--user \"{AppUser}\"");
        using var redis = ConnectionMultiplexer.Connect($"127.0.0.1:{server.Port},user=app,password=pw,syncTimeout=20000");
        var db = redis.GetDatabase();
        db.StringSet("app:k", "v");
        Assert.That((string?)db.StringGet("app:k"), Is.EqualTo("v"));
        var error = Assert.Throws<RedisServerException>(() => db.StringGet("other"));
        Assert.That(error!.Message, Does.StartWith("NOPERM this user has no permissions to access one of the keys"));
        Assert.That((string?)db.Execute("ACL", "WHOAMI"), Is.EqualTo("app"));

        using var raw = RawClient.Connect(server.Port);
        Assert.That(raw.Call("AUTH", "app", "nope"), Is.EqualTo("-WRONGPASS invalid username-password pair or user is disabled.\r\n"));
    }

    [Test]
    public void RedisCliLogsInWithUserAndPass()
    {
        if (!File.Exists(ClusterReshardTests.RedisCli)) Assert.Ignore("redis-cli is not installed");
        var server = FastNode($"--user \"{AppUser}\"");
        var (code, output) = ServerProcesses.Run(ClusterReshardTests.RedisCli, $"-p {server.Port} --user app --pass pw --no-auth-warning ACL WHOAMI");
        Assert.That(code, Is.Zero, output);
        Assert.That(output.Trim(), Is.EqualTo("app"));
        (code, output) = ServerProcesses.Run(ClusterReshardTests.RedisCli, $"-p {server.Port} --user app --pass pw --no-auth-warning FLUSHALL");
        Assert.That(output.Trim(), Is.EqualTo("NOPERM this user has no permissions to run the 'flushall' command"));
        (code, output) = ServerProcesses.Run(ClusterReshardTests.RedisCli, $"-p {server.Port} --user app --pass bad --no-auth-warning PING");
        Assert.That(output, Does.Contain("WRONGPASS"));
    }

    [Test]
    public void IoredisAuthenticatesWithAUsername()
    {
        string scripts = ClientScripts.Directory("ioredis");
        var server = FastNode($"--user \"{AppUser}\"");
        var (code, output) = ServerProcesses.Run("node", $"\"{Path.Combine(scripts, "acl-auth.js")}\" {server.Port}", timeoutMs: 60_000);
        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Contain("ok resp2 user app"));
        Assert.That(output, Does.Contain("ok resp3 user app"));
        Assert.That(output, Does.Contain("ok wrong password refused"));
    }
}
