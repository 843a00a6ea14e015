using System.Text.RegularExpressions;

namespace FastNode.IntegrationTests.Monitoring;

/// <summary>
/// DEBUG OBJECT, RELOAD, ERROR, LOG and the unsupported subcommands against redis-server 7.0, both started with
/// enable-debug-command yes in one directory (each with its own dbfilename). Replies are compared byte for byte where
/// the reply does not carry server-specific values; DEBUG OBJECT's line field by field. Processes are killed by pid in
/// TearDown.
/// </summary>
[NonParallelizable]
public sealed class DebugDifferentialTests : ProcessTestBase
{
    protected override string DirPrefix => "fastnode-debug-";

    private RawClient _fastNode = null!;
    private RawClient _redis = null!;

    [SetUp]
    public void StartBoth()
    {
        var redis = Redis("--enable-debug-command yes --dbfilename redis.rdb");
        var fastNode = FastNode("--enable-debug-command yes --dbfilename fastnode.rdb --save \"\"");
        _redis = RawClient.Connect(redis.Port);
        _fastNode = RawClient.Connect(fastNode.Port);
    }

    [TearDown]
    public void CloseClients()
    {
        _fastNode?.Dispose();
        _redis?.Dispose();
    }

    /// <summary>Sends to both and asserts the replies are the same bytes; returns Redis's.</summary>
    private string Same(params string[] command)
    {
        string expected = _redis.Call(command);
        string actual = _fastNode.Call(command);
        Assert.That(actual, Is.EqualTo(expected), string.Join(' ', command));
        return expected;
    }

    [Test]
    public void DebugObjectHasRedisFieldsAndValues()
    {
        // 62 distinct characters: raw encoding (over 44 bytes), and nothing for LZF to compress on either server.
        const string longText = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        Same("SET", "short", "bar");
        Same("SET", "shared", "123");
        Same("SET", "negative", "-5");
        Same("SET", "unshared", "10000");
        Same("SET", "long", longText);
        Same("SET", "compressible", new string('a', 100));
        Same("RPUSH", "list", "a", "b", "c");
        Same("HSET", "hash", "f", "v");
        Same("SADD", "ints", "1", "2", "3");
        foreach (string key in new[] { "short", "shared", "negative", "unshared", "long", "compressible", "list", "hash", "ints" })
        {
            var expected = ObjectLine(_redis.Call("DEBUG", "OBJECT", key));
            var actual = ObjectLine(_fastNode.Call("DEBUG", "OBJECT", key));
            Assert.That(actual.Keys, Is.EqualTo(expected.Keys), key);
            Assert.That(actual["Value at"], Does.Match("^0x[0-9a-f]+$"), key);
            foreach (string field in new[] { "refcount", "encoding", "ql_nodes", "ql_avg_node", "ql_listpack_max", "ql_compressed" })
            {
                if (expected.TryGetValue(field, out var value)) Assert.That(actual[field], Is.EqualTo(value), $"{key} {field}");
            }
            // Uncompressed strings are the same RDB bytes on both; LZF output and collections' layouts differ.
            if (key is not ("compressible" or "list" or "hash" or "ints"))
                Assert.That(actual["serializedlength"], Is.EqualTo(expected["serializedlength"]), key);
            // Both clocks are Unix seconds in 24 bits.
            Assert.That(long.Parse(actual["lru"]), Is.EqualTo(long.Parse(expected["lru"])).Within(30), key);
            Assert.That(long.Parse(actual["lru_seconds_idle"]), Is.LessThanOrEqualTo(30), key);
        }
        Same("DEBUG", "OBJECT", "nosuch");
        Same("DEBUG", "OBJECT");
        Same("DEBUG", "OBJECT", "short", "extra");
    }

    [Test]
    public void DebugReloadSavesAndLoadsBackAsRedisDoes()
    {
        Same("SET", "x", "1");
        Same("SET", "y", "2");
        Same("EXPIRE", "y", "1000");
        Same("SELECT", "3");
        Same("SADD", "other-db", "m");
        Same("SELECT", "0");
        Same("DEBUG", "RELOAD");
        Same("DBSIZE");
        Assert.That(long.Parse(_fastNode.Call("TTL", "y").Trim(':', '\r', '\n')), Is.InRange(900, 1000));
        Same("SELECT", "3");
        Same("SMEMBERS", "other-db");
        Same("SELECT", "0");

        // MERGE with NOFLUSH: keys only in memory stay, keys in the file win.
        Same("SET", "z", "3");
        Same("DEL", "x");
        Same("SET", "y", "5");
        Same("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE");
        Same("GET", "x");
        Same("GET", "y");
        Same("GET", "z");

        // NOSAVE alone: the memory is replaced by the file as it was.
        Same("SET", "w", "1");
        Same("DEBUG", "RELOAD", "NOSAVE");
        Same("EXISTS", "w", "z");
        Same("DBSIZE");

        Same("DEBUG", "RELOAD", "BAD");
        Same("DEBUG", "RELOAD", "NOSAVE", "MERGE", "nope");

        // No file: the databases are emptied first, then the load fails.
        File.Delete(Path.Combine(Dir, "redis.rdb"));
        File.Delete(Path.Combine(Dir, "fastnode.rdb"));
        Same("DEBUG", "RELOAD", "NOSAVE");
        Same("DBSIZE");
        Same("PING");
    }

    [Test]
    public void DuplicateKeysWithoutMergeAreAnErrorAndTheServerStaysUp()
    {
        // Redis stops the server here ("conflicting keys will generate an exception and kill the server"): FastNode only.
        Assert.That(_fastNode.Call("SET", "k", "file"), Is.EqualTo("+OK\r\n"));
        Assert.That(_fastNode.Call("SAVE"), Is.EqualTo("+OK\r\n"));
        Assert.That(_fastNode.Call("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH"), Is.EqualTo("-ERR Error trying to load the RDB dump\r\n"));
        Assert.That(_fastNode.Call("GET", "k"), Is.EqualTo("$4\r\nfile\r\n"));
        Assert.That(_fastNode.Call("PING"), Is.EqualTo("+PONG\r\n"));
    }

    [Test]
    public void OtherSubcommandsAnswerLikeRedisOrSayTheyAreNotSupported()
    {
        Same("DEBUG", "ERROR", "WRONGTYPE made up");
        Same("DEBUG", "ERROR", "line\r\nbreak");
        Same("DEBUG", "LOG", "hello from a test");
        Same("DEBUG", "JMAP");
        Same("DEBUG", "NO-SUCH-THING", "1");
        Same("DEBUG", "SET-ACTIVE-EXPIRE", "1");
        Assert.That(_fastNode.Call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100"),
            Is.EqualTo("-ERR DEBUG QUICKLIST-PACKED-THRESHOLD is not supported by FastNode. Try DEBUG HELP.\r\n"));
        Assert.That(_fastNode.Call("DEBUG", "digest"), Is.EqualTo("-ERR DEBUG DIGEST is not supported by FastNode. Try DEBUG HELP.\r\n"));
        Assert.That(_fastNode.Call("DEBUG", "HELP"), Does.Contain("OBJECT <key>").And.Contain("RELOAD [option ...]"));
    }

    /// <summary>"+Value at:0x... refcount:1 encoding:embstr ..." as ordered (field, value) pairs.</summary>
    private static Dictionary<string, string> ObjectLine(string reply)
    {
        Assert.That(reply, Does.StartWith("+Value at:"), reply);
        var fields = new Dictionary<string, string>();
        foreach (Match m in Regex.Matches(reply.TrimEnd('\r', '\n')[1..], @"(Value at|[a-z_]+):(\S+)")) fields[m.Groups[1].Value] = m.Groups[2].Value;
        return fields;
    }
}
