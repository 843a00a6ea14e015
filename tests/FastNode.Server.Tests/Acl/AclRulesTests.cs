using System.Text;
using FastNode.Protocol;
using FastNode.Server.Acl;

namespace FastNode.Server.Tests.Acl;

/// <summary>
/// The rule parser, its ACL LIST description and the matcher, without connections. Expected lines and errors are what
/// redis-server 7.0.15 answers for the same ACL SETUSER calls.
/// </summary>
public sealed class AclRulesTests
{
    private ServerState _server = null!;

    [SetUp]
    public void CreateServer() => _server = InMemoryClient.NewServer();

    private string Set(params string[] rules) => _server.Acl.SetUser("t", ["reset", .. rules]) ?? "OK";

    private string Line() => AclRules.Describe(_server.Acl.Find("t")!);

    [TestCase("user t off sanitize-payload resetchannels -@all +@hash", "+@hash", "-@hash", "+@hash")]
    [TestCase("user t off sanitize-payload resetchannels -@all", "+get", "-get")]
    [TestCase("user t off sanitize-payload resetchannels -@all +set", "+get", "+set", "-get")]
    [TestCase("user t off sanitize-payload resetchannels +@all -@dangerous", "+@all", "-@dangerous", "+get")]
    [TestCase("user t off sanitize-payload resetchannels +@all -get", "allcommands", "-get")]
    [TestCase("user t off sanitize-payload resetchannels -@all +config|get", "+config|get")]
    [TestCase("user t off sanitize-payload resetchannels -@all +config -config|set", "+config", "-config|set")]
    [TestCase("user t off sanitize-payload resetchannels -@all +config", "+config|get", "+config")]
    [TestCase("user t off sanitize-payload resetchannels -@all +get", "nocommands", "+get")]
    [TestCase("user t off sanitize-payload resetchannels -@all +@read", "+get", "+@read")]
    [TestCase("user t off sanitize-payload resetchannels -@all +@read -get", "+@read", "-get")]
    [TestCase("user t off sanitize-payload resetchannels -@all +get", "+get", "+GET")]
    [TestCase("user t off sanitize-payload resetchannels -@all +select|0", "+select|0")]
    [TestCase("user t off sanitize-payload ~a ~b resetchannels -@all", "~a", "~b", "~a")]
    [TestCase("user t off sanitize-payload ~* resetchannels -@all", "~a", "allkeys")]
    [TestCase("user t off sanitize-payload ~x resetchannels -@all", "%W~x", "%R~x")]
    [TestCase("user t off sanitize-payload %R~r* %W~w* resetchannels -@all", "%R~r*", "%w~w*")]
    [TestCase("user t off sanitize-payload resetchannels &a &b -@all", "&a", "&b")]
    [TestCase("user t off sanitize-payload &* -@all", "allchannels")]
    [TestCase("user t off nopass sanitize-payload resetchannels -@all", ">x", "nopass")]
    [TestCase("user t off skip-sanitize-payload resetchannels -@all", "skip-sanitize-payload")]
    [TestCase("user t off sanitize-payload #3946ca64ff78d93ca61090a437cbb6b3d2ca0d488f5f9ccf3059608368b27693 resetchannels -@all", ">p1", ">p2", "<p1")]
    [TestCase("user t off sanitize-payload resetchannels -@all (~a resetchannels -@all +get) (~b resetchannels -@all +set)", "(+get ~a)", "(+set", "~b)")]
    [TestCase("user t off sanitize-payload resetchannels -@all", "(+get ~a)", "clearselectors")]
    public void RulesListAsRedisListsThem(string expected, params string[] rules)
    {
        Assert.That(Set(rules), Is.EqualTo("OK"));
        Assert.That(Line(), Is.EqualTo(expected));
    }

    [TestCase("ERR Error in ACL SETUSER modifier '+foo': Unknown command or category name in ACL", "+foo")]
    [TestCase("ERR Error in ACL SETUSER modifier '+@foo': Unknown command or category name in ACL", "+@foo")]
    [TestCase("ERR Error in ACL SETUSER modifier '+config|foo': Unknown command or category name in ACL", "+config|foo")]
    [TestCase("ERR Error in ACL SETUSER modifier '-select|0': Unknown command or category name in ACL", "-select|0")]
    [TestCase("ERR Error in ACL SETUSER modifier '~a': Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns", "allkeys", "~a")]
    [TestCase("ERR Error in ACL SETUSER modifier '&x': Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels", "allchannels", "&x")]
    [TestCase("ERR Error in ACL SETUSER modifier '%X~x': Syntax error", "%X~x")]
    [TestCase("ERR Error in ACL SETUSER modifier '%~x': Syntax error", "%~x")]
    [TestCase("ERR Error in ACL SETUSER modifier '#abc': The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters", "#abc")]
    [TestCase("ERR Error in ACL SETUSER modifier '<nothere': The password you are trying to remove from the user does not exist", "<nothere")]
    [TestCase("ERR Error in ACL SETUSER modifier 'bogus': Syntax error", "bogus")]
    [TestCase("ERR Unmatched parenthesis in acl selector starting at '(+get'.", "(+get", "~a")]
    [TestCase("ERR Error in ACL SETUSER modifier '(+get ~a b)': Syntax error", "(+get", "~a", "b)")]
    [TestCase("ERR Error in ACL SETUSER modifier '(nopass)': Syntax error", "(nopass)")]
    public void BadRulesGetRedisErrorsAndChangeNothing(string error, params string[] rules)
    {
        Assert.That(_server.Acl.SetUser("t", ["on", "+get"]), Is.Null);
        string before = Line();
        Assert.That(_server.Acl.SetUser("t", rules), Is.EqualTo(error));
        Assert.That(Line(), Is.EqualTo(before), "a refused SETUSER changes nothing");
    }

    [Test]
    public void UsernamesWithSpacesAreRefused() =>
        Assert.That(_server.Acl.SetUser("a b", ["on"]), Is.EqualTo("ERR Usernames can't contain spaces or null characters"));

    [Test]
    public void DefaultUserIsUnrestrictedUntilRestricted()
    {
        Assert.That(AclRules.Describe(_server.Acl.Default), Is.EqualTo("user default on nopass ~* &* +@all"));
        Assert.That(_server.Acl.Default.State.Unrestricted, Is.True);
        Assert.That(_server.Acl.AuthRequired, Is.False);
        Assert.That(_server.Acl.SetUser("default", ["-flushall"]), Is.Null);
        Assert.That(_server.Acl.Default.State.Unrestricted, Is.False);
        Assert.That(_server.Acl.SetUser("default", ["resetkeys", "~*", "+@all"]), Is.Null);
        Assert.That(_server.Acl.Default.State.Unrestricted, Is.True);
    }

    [Test]
    public void RequirePassBecomesTheDefaultUsersPassword()
    {
        Assert.That(_server.Config.SetAtRunTime([new("requirepass", "secret")]), Is.Null);
        Assert.That(_server.Acl.AuthRequired, Is.True);
        Assert.That(AclRules.Describe(_server.Acl.Default), Is.EqualTo("user default on #" + AclUserState.Hash("secret"u8) + " ~* &* +@all"));
        Assert.That(_server.Acl.Authenticate("default"u8, "secret"u8), Is.SameAs(_server.Acl.Default));
        Assert.That(_server.Acl.Authenticate("default"u8, "wrong"u8), Is.Null);
        Assert.That(_server.Config.SetAtRunTime([new("requirepass", "")]), Is.Null);
        Assert.That(_server.Acl.AuthRequired, Is.False);
    }

    [Test]
    public void DisabledUsersAndUnknownUsersCannotAuthenticate()
    {
        Assert.That(_server.Acl.SetUser("u", [">pw"]), Is.Null);
        Assert.That(_server.Acl.Authenticate("u"u8, "pw"u8), Is.Null, "off by default");
        Assert.That(_server.Acl.SetUser("u", ["on"]), Is.Null);
        Assert.That(_server.Acl.Authenticate("u"u8, "pw"u8)?.Name, Is.EqualTo("u"));
        Assert.That(_server.Acl.Authenticate("U"u8, "pw"u8), Is.Null, "usernames are case-sensitive");
        Assert.That(_server.Acl.Authenticate("nosuch"u8, "pw"u8), Is.Null);
    }

    private AclDenial Check(string user, out string arg, params string[] call)
    {
        var bytes = new List<byte>();
        var ranges = new ArgRange[call.Length];
        for (int i = 0; i < call.Length; i++)
        {
            var b = Encoding.UTF8.GetBytes(call[i]);
            ranges[i] = new ArgRange(bytes.Count, b.Length);
            bytes.AddRange(b);
        }
        var args = new CommandArgs(bytes.ToArray(), ranges);
        var def = _server.Commands.Find(args)!;
        var denial = UserDirectory.Evaluate(_server.Acl.Find(user)!.State, def, args, out int index);
        arg = denial == AclDenial.None ? "" : call[index];
        return denial;
    }

    [Test]
    public void KeyPatternsGrantReadAndWriteSeparately()
    {
        Assert.That(_server.Acl.SetUser("u", ["on", "+@all", "%R~r*", "%W~w*", "~k*"]), Is.Null);
        Assert.That(Check("u", out _, "GET", "r1"), Is.EqualTo(AclDenial.None));
        Assert.That(Check("u", out var arg, "GET", "w1"), Is.EqualTo(AclDenial.Key));
        Assert.That(arg, Is.EqualTo("w1"));
        Assert.That(Check("u", out _, "SET", "w1", "v"), Is.EqualTo(AclDenial.None), "plain SET only writes");
        Assert.That(Check("u", out _, "SET", "w1", "v", "GET"), Is.EqualTo(AclDenial.Key), "SET ... GET reads too");
        Assert.That(Check("u", out _, "INCR", "w1"), Is.EqualTo(AclDenial.Key), "INCR reads and writes");
        Assert.That(Check("u", out _, "INCR", "k1"), Is.EqualTo(AclDenial.None));
        Assert.That(Check("u", out _, "EXISTS", "w1"), Is.EqualTo(AclDenial.None), "EXISTS does not read the value");
        Assert.That(Check("u", out _, "SINTERSTORE", "w1", "r1", "r2"), Is.EqualTo(AclDenial.None));
        Assert.That(Check("u", out arg, "SINTERSTORE", "w1", "r1", "x"), Is.EqualTo(AclDenial.Key));
        Assert.That(arg, Is.EqualTo("x"));
        Assert.That(Check("u", out arg, "MSET", "w1", "v", "other", "v"), Is.EqualTo(AclDenial.Key));
        Assert.That(arg, Is.EqualTo("other"));
        Assert.That(Check("u", out arg, "EVAL", "return 1", "2", "k1", "zz"), Is.EqualTo(AclDenial.Key));
        Assert.That(arg, Is.EqualTo("zz"));
        Assert.That(Check("u", out arg, "MIGRATE", "127.0.0.1", "1", "", "0", "10", "KEYS", "k1", "zz"), Is.EqualTo(AclDenial.Key));
        Assert.That(arg, Is.EqualTo("zz"));
    }

    [Test]
    public void ChannelsMatchAsGlobsAndSubscribePatternsMustBeListed()
    {
        Assert.That(_server.Acl.SetUser("u", ["on", "+@all", "~*", "&news.*", "&exact"]), Is.Null);
        Assert.That(Check("u", out _, "PUBLISH", "news.sport", "x"), Is.EqualTo(AclDenial.None));
        Assert.That(Check("u", out _, "PUBLISH", "other", "x"), Is.EqualTo(AclDenial.Channel));
        Assert.That(Check("u", out var arg, "SUBSCRIBE", "exact", "other"), Is.EqualTo(AclDenial.Channel));
        Assert.That(arg, Is.EqualTo("other"));
        Assert.That(Check("u", out _, "PSUBSCRIBE", "news.*"), Is.EqualTo(AclDenial.None));
        Assert.That(Check("u", out _, "PSUBSCRIBE", "news.s*"), Is.EqualTo(AclDenial.Channel), "a pattern must equal an allowed pattern");
        Assert.That(Check("u", out _, "SPUBLISH", "news.x", "m"), Is.EqualTo(AclDenial.None));
        Assert.That(Check("u", out _, "SSUBSCRIBE", "nope"), Is.EqualTo(AclDenial.Channel));
    }

    [Test]
    public void AnySelectorMayAllowAndTheMostRelevantRefusalIsReported()
    {
        Assert.That(_server.Acl.SetUser("u", ["on", "+get", "~a*", "(+set ~b*)", "(+hget %R~h*)"]), Is.Null);
        Assert.That(Check("u", out _, "GET", "a1"), Is.EqualTo(AclDenial.None));
        Assert.That(Check("u", out _, "SET", "b1", "v"), Is.EqualTo(AclDenial.None));
        Assert.That(Check("u", out _, "HGET", "h1", "f"), Is.EqualTo(AclDenial.None));
        Assert.That(Check("u", out _, "SET", "a1", "v"), Is.EqualTo(AclDenial.Key), "a key refusal outranks a command refusal");
        Assert.That(Check("u", out _, "HSET", "h1", "f", "v"), Is.EqualTo(AclDenial.Command));
        Assert.That(Check("u", out _, "AUTH", "x"), Is.EqualTo(AclDenial.None), "no-auth commands are always allowed");
    }

    [Test]
    public void FirstArgumentsAndSubcommandsAreSeparateBits()
    {
        Assert.That(_server.Acl.SetUser("u", ["on", "~*", "+select|0", "+config|get"]), Is.Null);
        Assert.That(Check("u", out _, "SELECT", "0"), Is.EqualTo(AclDenial.None));
        Assert.That(Check("u", out _, "SELECT", "1"), Is.EqualTo(AclDenial.Command));
        Assert.That(Check("u", out _, "CONFIG", "GET", "x"), Is.EqualTo(AclDenial.None));
        Assert.That(Check("u", out _, "CONFIG", "SET", "x", "y"), Is.EqualTo(AclDenial.Command));
    }

    [Test]
    public void AclLogGroupsSimilarRefusalsAndKeepsItsLength()
    {
        var log = new AclLog(new AclOptions { LogMaxLen = 2 });
        log.Add("key", "toplevel", "k", "u", "info", 1000);
        log.Add("key", "toplevel", "k", "u", "info2", 2000);
        Assert.That(log.Snapshot(10), Has.Count.EqualTo(1));
        Assert.That(log.Snapshot(10)[0].Count, Is.EqualTo(2));
        Assert.That(log.Snapshot(10)[0].ClientInfo, Is.EqualTo("info2"));
        log.Add("key", "toplevel", "k", "u", "info", 100_000);
        Assert.That(log.Snapshot(10), Has.Count.EqualTo(2), "after 60 s a new entry starts");
        log.Add("command", "toplevel", "get", "u", "info", 100_001);
        Assert.That(log.Snapshot(10), Has.Count.EqualTo(2), "acllog-max-len drops the oldest");
        Assert.That(log.Snapshot(10)[0].Reason, Is.EqualTo("command"));
    }
}
