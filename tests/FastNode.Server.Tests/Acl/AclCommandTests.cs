using FastNode.Server.Config;

namespace FastNode.Server.Tests.Acl;

/// <summary>
/// ACL through connections: AUTH as a user, NOPERM replies word for word, and every way around the check (MULTI/EXEC,
/// scripts, SORT BY/GET, MIGRATE, pub/sub) refused and recorded in ACL LOG. Expected texts are redis-server 7.0.15's.
/// </summary>
public sealed class AclCommandTests
{
    private const string NoPermKey = "-NOPERM this user has no permissions to access one of the keys used as arguments\r\n";
    private const string NoPermChannel = "-NOPERM this user has no permissions to access one of the channels used as arguments\r\n";
    private ServerState _server = null!;
    private InMemoryClient _admin = null!;

    [SetUp]
    public async Task CreateServer()
    {
        _server = InMemoryClient.NewServer();
        _admin = new InMemoryClient(_server);
        Assert.That(await _admin.CallAsync("ACL", "SETUSER", "t", "on", ">pw", "%R~r*", "%W~w*", "~k*", "&ch", "+get", "+set", "+incr",
            "+publish", "+subscribe", "+psubscribe", "+ssubscribe", "+spublish", "+config|get", "+multi", "+exec", "+eval", "+sort",
            "+lpush", "+migrate", "+acl|whoami", "+client|info", "+fcall", "+function|load"), Is.EqualTo("+OK\r\n"));
    }

    [TearDown]
    public async Task Dispose() => await _admin.DisposeAsync();

    private async Task<InMemoryClient> AsUser(string user = "t", string password = "pw")
    {
        var c = new InMemoryClient(_server);
        Assert.That(await c.CallAsync("AUTH", user, password), Is.EqualTo("+OK\r\n"));
        return c;
    }

    /// <summary>The newest ACL LOG entry's reason, context, object and username.</summary>
    private async Task<string> LastLogEntry()
    {
        var entries = (List<object?>)RespTree.Parse(await _admin.CallAsync("ACL", "LOG", "1"))!;
        Assert.That(entries, Has.Count.EqualTo(1), "a refusal is logged");
        var e = (List<object?>)entries[0]!;
        return $"{RespTree.Field(e, "reason")} {RespTree.Field(e, "context")} {RespTree.Field(e, "object")} {RespTree.Field(e, "username")}";
    }

    [Test]
    public async Task AuthAsUserChangesWhoAmIAndClientInfo()
    {
        await using var c = await AsUser();
        Assert.That(await c.CallAsync("ACL", "WHOAMI"), Is.EqualTo("$1\r\nt\r\n"));
        Assert.That(await c.CallAsync("CLIENT", "INFO"), Does.Contain(" user=t "));
        Assert.That(await c.CallAsync("AUTH", "t", "wrong"), Is.EqualTo("-WRONGPASS invalid username-password pair or user is disabled.\r\n"));
        Assert.That(await LastLogEntry(), Is.EqualTo("auth toplevel auth t"));
        Assert.That(await c.CallAsync("ACL", "WHOAMI"), Is.EqualTo("$1\r\nt\r\n"), "a failed AUTH keeps the user");
    }

    [Test]
    public async Task AclCheckCmdAnswersForTheUserRunningTheScriptWithoutLogging()
    {
        await using var c = await AsUser();
        Assert.That(await c.CallAsync("EVAL", "return redis.acl_check_cmd('GET', 'k1')", "0"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("EVAL", "return redis.acl_check_cmd('SET', 'w1', 'v')", "0"), Is.EqualTo(":1\r\n"));
        Assert.That(await c.CallAsync("EVAL", "return redis.acl_check_cmd('SET', 'r1', 'v')", "0"), Is.EqualTo("$-1\r\n"), "r* is read-only");
        Assert.That(await c.CallAsync("EVAL", "return redis.acl_check_cmd('DEL', 'k1')", "0"), Is.EqualTo("$-1\r\n"), "DEL is not allowed");
        Assert.That(await c.CallAsync("EVAL", "return redis.acl_check_cmd('GET')", "0"), Is.EqualTo(":1\r\n"), "wrong arity: the command alone");
        Assert.That(await c.CallAsync("EVAL", "return redis.acl_check_cmd('NOPE')", "0"), Does.StartWith("-ERR Invalid command passed to redis.acl_check_cmd()"));
        Assert.That(await _admin.CallAsync("ACL", "LOG"), Is.EqualTo("*0\r\n"), "a check is not a refusal");
    }

    [Test]
    public async Task HelloAuthAuthenticatesAsUser()
    {
        await using var c = new InMemoryClient(_server);
        Assert.That(await c.CallAsync("HELLO", "3", "AUTH", "t", "nope"), Does.StartWith("-WRONGPASS"));
        Assert.That(await LastLogEntry(), Is.EqualTo("auth toplevel hello t"));
        Assert.That(await c.CallAsync("HELLO", "3", "AUTH", "t", "pw"), Does.StartWith("%7"));
        Assert.That(await c.CallAsync("ACL", "WHOAMI"), Is.EqualTo("$1\r\nt\r\n"));
    }

    [Test]
    public async Task RefusedCommandsKeysAndChannelsGetRedisTexts()
    {
        await using var c = await AsUser();
        Assert.That(await c.CallAsync("HGET", "k", "f"), Is.EqualTo("-NOPERM this user has no permissions to run the 'hget' command\r\n"));
        Assert.That(await LastLogEntry(), Is.EqualTo("command toplevel hget t"));
        Assert.That(await c.CallAsync("CONFIG", "SET", "hz", "10"), Is.EqualTo("-NOPERM this user has no permissions to run the 'config|set' command\r\n"));
        Assert.That(await LastLogEntry(), Is.EqualTo("command toplevel config|set t"));
        Assert.That(await c.CallAsync("GET", "w1"), Is.EqualTo(NoPermKey));
        Assert.That(await LastLogEntry(), Is.EqualTo("key toplevel w1 t"));
        Assert.That(await c.CallAsync("GET", "r1"), Is.EqualTo("$-1\r\n"));
        Assert.That(await c.CallAsync("SET", "w1", "1"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("INCR", "w1"), Is.EqualTo(NoPermKey));
        Assert.That(await c.CallAsync("PUBLISH", "other", "m"), Is.EqualTo(NoPermChannel));
        Assert.That(await LastLogEntry(), Is.EqualTo("channel toplevel other t"));
        Assert.That(await c.CallAsync("PUBLISH", "ch", "m"), Is.EqualTo(":0\r\n"));
    }

    [Test]
    public async Task SubscribeRefusalsAreChannelRefusals()
    {
        await using var c = await AsUser();
        Assert.That(await c.CallAsync("SUBSCRIBE", "ch", "other"), Is.EqualTo(NoPermChannel));
        Assert.That(await LastLogEntry(), Is.EqualTo("channel toplevel other t"));
        Assert.That(await c.CallAsync("PSUBSCRIBE", "c*"), Is.EqualTo(NoPermChannel));
        Assert.That(await LastLogEntry(), Is.EqualTo("channel toplevel c* t"));
        Assert.That(await c.CallAsync("SSUBSCRIBE", "x"), Is.EqualTo(NoPermChannel));
        Assert.That(await c.CallAsync("SPUBLISH", "x", "m"), Is.EqualTo(NoPermChannel));
        Assert.That(await LastLogEntry(), Is.EqualTo("channel toplevel x t"));
    }

    [Test]
    public async Task MultiChecksAtQueueTimeAndAgainAtExec()
    {
        await using var c = await AsUser();
        Assert.That(await c.CallAsync("MULTI"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("GET", "zz"), Is.EqualTo(NoPermKey));
        Assert.That(await LastLogEntry(), Is.EqualTo("key multi zz t"));
        Assert.That(await c.CallAsync("EXEC"), Is.EqualTo("-EXECABORT Transaction discarded because of previous errors.\r\n"));

        // Allowed when queued, revoked before EXEC: refused inside EXEC.
        Assert.That(await c.CallAsync("MULTI"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("GET", "k1"), Is.EqualTo("+QUEUED\r\n"));
        Assert.That(await _admin.CallAsync("ACL", "SETUSER", "t", "-get"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("EXEC"), Is.EqualTo("*1\r\n-NOPERM this user has no permissions to run the 'get' command\r\n"));
        Assert.That(await LastLogEntry(), Is.EqualTo("command multi get t"));
    }

    [Test]
    public async Task ScriptCallsAreCheckedWithTheLuaContext()
    {
        await using var c = await AsUser();
        Assert.That(await c.CallAsync("EVAL", "return redis.call('get','zz')", "0"),
            Does.StartWith("-ERR The user executing the script can't access at least one of the keys mentioned in the command arguments"));
        Assert.That(await LastLogEntry(), Is.EqualTo("key lua zz t"));
        Assert.That(await c.CallAsync("EVAL", "return redis.pcall('hgetall','k1')", "0"),
            Is.EqualTo("-ERR The user executing the script can't run this command or subcommand\r\n"));
        Assert.That(await LastLogEntry(), Is.EqualTo("command lua hgetall t"));
        Assert.That(await c.CallAsync("EVAL", "return redis.call('get',KEYS[1])", "1", "zz"), Is.EqualTo(NoPermKey), "declared keys are checked first");
        Assert.That(await c.CallAsync("EVAL", "return redis.call('set','k1','v')", "0"), Is.EqualTo("+OK\r\n"));
    }

    [Test]
    public async Task FunctionCallsAreCheckedToo()
    {
        Assert.That(await _admin.CallAsync("FUNCTION", "LOAD", "#!lua name=acllib\nredis.register_function('rd', function(keys, args) return redis.call('get', args[1]) end)"),
            Is.EqualTo("$6\r\nacllib\r\n"));
        await using var c = await AsUser();
        Assert.That(await c.CallAsync("FCALL", "rd", "0", "zz"), Does.StartWith("-ERR The user executing the script can't access at least one of the keys"));
        Assert.That(await LastLogEntry(), Is.EqualTo("key lua zz t"));
    }

    [Test]
    public async Task SortByAndGetNeedFullKeyAccess()
    {
        await using var c = await AsUser();
        Assert.That(await c.CallAsync("LPUSH", "k1", "3", "1"), Is.EqualTo(":2\r\n"));
        Assert.That(await c.CallAsync("SORT", "k1"), Is.EqualTo("*2\r\n$1\r\n1\r\n$1\r\n3\r\n"));
        Assert.That(await c.CallAsync("SORT", "k1", "BY", "nosort"), Does.StartWith("*2"));
        Assert.That(await c.CallAsync("SORT", "k1", "BY", "w*"), Is.EqualTo("-ERR BY option of SORT denied due to insufficient ACL permissions.\r\n"));
        Assert.That(await c.CallAsync("SORT", "k1", "GET", "#"), Is.EqualTo("-ERR GET option of SORT denied due to insufficient ACL permissions.\r\n"));
        Assert.That(await c.CallAsync("SORT", "zz"), Is.EqualTo(NoPermKey));
        Assert.That(await LastLogEntry(), Is.EqualTo("key toplevel zz t"));
    }

    [Test]
    public async Task MigrateKeysAreChecked()
    {
        await using var c = await AsUser();
        Assert.That(await c.CallAsync("MIGRATE", "127.0.0.1", "1", "zz", "0", "10"), Is.EqualTo(NoPermKey));
        Assert.That(await LastLogEntry(), Is.EqualTo("key toplevel zz t"));
        Assert.That(await c.CallAsync("MIGRATE", "127.0.0.1", "1", "", "0", "10", "KEYS", "k1", "zz"), Is.EqualTo(NoPermKey));
    }

    [Test]
    public async Task DeletingAUserDisconnectsItsClients()
    {
        var c = await AsUser();
        Assert.That(await _admin.CallAsync("ACL", "DELUSER", "t", "nosuch"), Is.EqualTo(":1\r\n"));
        var closed = await Task.WhenAny(c.Closed, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.That(closed, Is.SameAs(c.Closed), "the deleted user's connection is closed");
        await c.DisposeAsync();
        Assert.That(await _admin.CallAsync("ACL", "DELUSER", "default"), Is.EqualTo("-ERR The 'default' user cannot be removed\r\n"));
    }

    [Test]
    public async Task DisablingAUserRefusesNewLoginsOnly()
    {
        await using var c = await AsUser();
        Assert.That(await _admin.CallAsync("ACL", "SETUSER", "t", "off"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("GET", "k1"), Is.EqualTo("$-1\r\n"), "as in Redis 7.0, an open connection keeps working");
        await using var d = new InMemoryClient(_server);
        Assert.That(await d.CallAsync("AUTH", "t", "pw"), Does.StartWith("-WRONGPASS"));
    }

    [Test]
    public async Task RequirePassAndResetUseTheDefaultUser()
    {
        await using var c = await AsUser();
        Assert.That(await _admin.CallAsync("CONFIG", "SET", "requirepass", "secret"), Is.EqualTo("+OK\r\n"));
        await using var fresh = new InMemoryClient(_server);
        Assert.That(await fresh.CallAsync("GET", "k"), Is.EqualTo("-NOAUTH Authentication required.\r\n"));
        Assert.That(await fresh.CallAsync("AUTH", "secret"), Is.EqualTo("+OK\r\n"));
        Assert.That(await fresh.CallAsync("ACL", "WHOAMI"), Is.EqualTo("$7\r\ndefault\r\n"));
        Assert.That(await c.CallAsync("RESET"), Is.EqualTo("+RESET\r\n"));
        Assert.That(await c.CallAsync("ACL", "WHOAMI"), Is.EqualTo("-NOAUTH Authentication required.\r\n"));
    }

    [Test]
    public async Task AuthWithOnePasswordNeedsADefaultPassword() =>
        Assert.That(await _admin.CallAsync("AUTH", "x"), Does.StartWith("-ERR AUTH <password> called without any password configured for the default user"));

    [Test]
    public async Task DryRunAnswersWithoutLogging()
    {
        Assert.That(await _admin.CallAsync("ACL", "DRYRUN", "t", "get", "r1"), Is.EqualTo("+OK\r\n"));
        Assert.That(await _admin.CallAsync("ACL", "DRYRUN", "t", "get", "x"), Is.EqualTo("$50\r\nThis user has no permissions to access the 'x' key\r\n"));
        Assert.That(await _admin.CallAsync("ACL", "DRYRUN", "t", "hget", "x", "y"), Is.EqualTo("$54\r\nThis user has no permissions to run the 'hget' command\r\n"));
        Assert.That(await _admin.CallAsync("ACL", "DRYRUN", "t", "publish", "q", "m"), Is.EqualTo("$54\r\nThis user has no permissions to access the 'q' channel\r\n"));
        Assert.That(await _admin.CallAsync("ACL", "DRYRUN", "nosuch", "get", "x"), Is.EqualTo("-ERR User 'nosuch' not found\r\n"));
        Assert.That(await _admin.CallAsync("ACL", "DRYRUN", "t", "nocmd"), Is.EqualTo("-ERR Command 'nocmd' not found\r\n"));
        Assert.That(await _admin.CallAsync("ACL", "DRYRUN", "t", "get"), Is.EqualTo("-ERR wrong number of arguments for 'get' command\r\n"));
        Assert.That(await _admin.CallAsync("ACL", "LOG"), Is.EqualTo("*0\r\n"));
    }

    [Test]
    public async Task GenPassLengthFollowsBits()
    {
        Assert.That(await _admin.CallAsync("ACL", "GENPASS"), Does.Match(@"^\$64\r\n[0-9a-f]{64}\r\n$"));
        Assert.That(await _admin.CallAsync("ACL", "GENPASS", "5"), Does.Match(@"^\$2\r\n[0-9a-f]{2}\r\n$"));
        Assert.That(await _admin.CallAsync("ACL", "GENPASS", "0"), Does.StartWith("-ERR ACL GENPASS argument must be the number of bits"));
    }

    [Test]
    public async Task SetuserRulesAreRedactedInTheSlowLog()
    {
        Assert.That(await _admin.CallAsync("CONFIG", "SET", "slowlog-log-slower-than", "0"), Is.EqualTo("+OK\r\n"));
        await _admin.CallAsync("ACL", "SETUSER", "x", ">topsecret", "on");
        await using (var other = new InMemoryClient(_server)) await other.CallAsync("AUTH", "x", "topsecret");
        string log = await _admin.CallAsync("SLOWLOG", "GET", "5");
        Assert.That(log, Does.Not.Contain("topsecret"));
        Assert.That(log, Does.Contain("(redacted)"));
    }

    [Test]
    public async Task AclFileSavesAndLoadsAllOrNothing()
    {
        string path = Path.Combine(InMemoryClient.TempDir(), "users.acl");
        File.WriteAllText(path, "user default on nopass ~* &* +@all\nuser a on >x ~k* +get\n");
        var server = InMemoryClient.NewServer(Options(acl => acl.AclFile = path));
        await using var c = new InMemoryClient(server);
        Assert.That(await c.CallAsync("ACL", "USERS"), Is.EqualTo("*2\r\n$1\r\na\r\n$7\r\ndefault\r\n"));
        Assert.That(await c.CallAsync("ACL", "SETUSER", "b", "on"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("ACL", "SAVE"), Is.EqualTo("+OK\r\n"));
        Assert.That(File.ReadAllText(path), Is.EqualTo(
            "user a on #2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881 ~k* resetchannels -@all +get\n"
            + "user b on resetchannels -@all\nuser default on nopass ~* &* +@all\n"));
        File.WriteAllText(path, "user a on +foo\nbad line\nuser c (+get\n");
        Assert.That(await c.CallAsync("ACL", "LOAD"), Is.EqualTo(
            $"-ERR {path}:1: Error in applying operation '+foo': Unknown command or category name in ACL. {path}:2 should start with user keyword followed by the username. "
            + $"{path}:3: Unmatched parenthesis in selector definition.WARNING: ACL errors detected, no change to the previously active ACL rules was performed\r\n"));
        Assert.That(await c.CallAsync("ACL", "USERS"), Does.StartWith("*3"), "nothing changed");
        File.WriteAllText(path, "user z on nopass +@all ~*\n");
        Assert.That(await c.CallAsync("ACL", "LOAD"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("ACL", "USERS"), Is.EqualTo("*2\r\n$7\r\ndefault\r\n$1\r\nz\r\n"));
    }

    [Test]
    public async Task WithoutAnAclFileSaveAndLoadExplain() =>
        Assert.That(await _admin.CallAsync("ACL", "SAVE"), Does.StartWith("-ERR This Redis instance is not configured to use an ACL file."));

    [Test]
    public async Task UserDirectivesConfigureUsersAtStartUp()
    {
        var server = new ServerState(new ServerOptions { Port = 0, Dir = InMemoryClient.TempDir() }, settings:
            [new("user", "app on >pw ~app:* +@read"), new("acllog-max-len", "5")]);
        await using var c = new InMemoryClient(server);
        Assert.That(await c.CallAsync("ACL", "GETUSER", "app"), Does.Contain("~app:*"));
        Assert.That(await c.CallAsync("CONFIG", "GET", "acllog-max-len"), Is.EqualTo("*2\r\n$14\r\nacllog-max-len\r\n$1\r\n5\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "GET", "acl-pubsub-default"), Is.EqualTo("*2\r\n$18\r\nacl-pubsub-default\r\n$13\r\nresetchannels\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "SET", "aclfile", "/x"), Does.Contain("can't set immutable config"));
        Assert.Throws<ConfigException>(() => _ = new ServerState(new ServerOptions { Port = 0, Dir = InMemoryClient.TempDir() },
            settings: [new("user", "bad +nosuch")]));
    }

    [Test]
    public async Task PubSubDefaultAllChannelsAppliesToNewUsers()
    {
        Assert.That(await _admin.CallAsync("CONFIG", "SET", "acl-pubsub-default", "allchannels"), Is.EqualTo("+OK\r\n"));
        Assert.That(await _admin.CallAsync("ACL", "SETUSER", "n"), Is.EqualTo("+OK\r\n"));
        Assert.That(await _admin.CallAsync("ACL", "LIST"), Does.Contain("user n off &* -@all"));
    }

    private static ServerOptions Options(Action<FastNode.Server.Acl.AclOptions> configure)
    {
        var options = new ServerOptions { Port = 0, Dir = InMemoryClient.TempDir() };
        configure(options.Acl);
        return options;
    }
}
