using StackExchange.Redis;

namespace FastNode.IntegrationTests.Scripting;

/// <summary>
/// StackExchange.Redis's scripting API against FastNode: ScriptEvaluate, LuaScript.Prepare (named parameters) and
/// LoadedLuaScript (EVALSHA), including its recovery from NOSCRIPT after SCRIPT FLUSH (EVALSHA, NOSCRIPT, then EVAL).
/// </summary>
[TestFixture("fastnode")]
[TestFixture("redis")]
public sealed class StackExchangeScriptTests(string kind)
{
    private LibraryTarget _server = null!;
    private ConnectionMultiplexer _mux = null!;

    [OneTimeSetUp]
    public void Start()
    {
        _server = LibraryTarget.Start(kind);
        _mux = _server.Connect();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _mux.Dispose();
        await _server.DisposeAsync();
    }

    [SetUp]
    public void Flush()
    {
        var server = _mux.GetServer(_server.EndPoint);
        server.FlushAllDatabases();
        server.ScriptFlush();
        using var raw = _server.ConnectRaw();
        Assert.That(raw.Call("CONFIG", "RESETSTAT"), Is.EqualTo("+OK\r\n"));
    }

    [Test]
    public void ScriptEvaluateConvertsRepliesAsRedisDoes()
    {
        var db = _mux.GetDatabase();
        db.StringSet("counter", 41);
        var incremented = db.ScriptEvaluate("return redis.call('INCR', KEYS[1])", [new RedisKey("counter")]);
        Assert.That((long)incremented, Is.EqualTo(42));

        var array = (RedisResult[])db.ScriptEvaluate("return {1, 'two', 3.99, true, false, {ok='fine'}}")!;
        Assert.That(array, Has.Length.EqualTo(6));
        Assert.That((long)array[0], Is.EqualTo(1));
        Assert.That((string?)array[1], Is.EqualTo("two"));
        Assert.That((long)array[2], Is.EqualTo(3), "a Lua number becomes an integer, truncated");
        Assert.That((long)array[3], Is.EqualTo(1), "true becomes 1");
        Assert.That(array[4].IsNull, Is.True, "false becomes nil");
        Assert.That((string?)array[5], Is.EqualTo("fine"), "a table with ok becomes a status");

        var ex = Assert.Throws<RedisServerException>(() => db.ScriptEvaluate("return redis.error_reply('MY failure')"));
        Assert.That(ex!.Message, Is.EqualTo("MY failure"));
        Assert.That((string?)db.ScriptEvaluate("return redis.status_reply('FINE')"), Is.EqualTo("FINE"));
    }

    [Test]
    public void PreparedScriptTakesNamedParameters()
    {
        var db = _mux.GetDatabase();
        var prepared = LuaScript.Prepare("redis.call('SET', @key, @value) return redis.call('GET', @key)");
        var result = db.ScriptEvaluate(prepared, new { key = (RedisKey)"named", value = "v1" });
        Assert.That((string?)result, Is.EqualTo("v1"));
        Assert.That((string?)db.StringGet("named"), Is.EqualTo("v1"));
    }

    [Test]
    public void LoadedScriptRunsBySha()
    {
        var db = _mux.GetDatabase();
        var server = _mux.GetServer(_server.EndPoint);
        var loaded = LuaScript.Prepare("return redis.call('INCRBY', @key, @by)").Load(server);
        Assert.That(server.ScriptExists(loaded.Hash), Is.True);
        Assert.That((long)loaded.Evaluate(db, new { key = (RedisKey)"hits", by = 5 }), Is.EqualTo(5));
        Assert.That((long)loaded.Evaluate(db, new { key = (RedisKey)"hits", by = 2 }), Is.EqualTo(7));
        Assert.That(CommandStat("evalsha"), Does.StartWith("calls=2,"));
    }

    [Test]
    public void ScriptEvaluateRecoversFromNoscriptAfterFlush()
    {
        var db = _mux.GetDatabase();
        var server = _mux.GetServer(_server.EndPoint);
        const string script = "return redis.call('INCR', KEYS[1])";
        server.ScriptLoad(script);   // the client now sends EVALSHA for this script
        Assert.That((long)db.ScriptEvaluate(script, [new RedisKey("n")]), Is.EqualTo(1));
        // SCRIPT FLUSH behind the client's back: its next EVALSHA gets NOSCRIPT, and it resends the script with EVAL.
        using (var raw = _server.ConnectRaw()) Assert.That(raw.Call("SCRIPT", "FLUSH"), Is.EqualTo("+OK\r\n"));
        Assert.That((long)db.ScriptEvaluate(script, [new RedisKey("n")]), Is.EqualTo(2));
        Assert.That(ErrorStat("NOSCRIPT"), Is.EqualTo("count=1"));
        Assert.That(CommandStat("eval"), Does.StartWith("calls=1,"));
    }

    private string? CommandStat(string command) =>
        Probe.Info(_server.Port, "commandstats").GetValueOrDefault("cmdstat_" + command);

    private string? ErrorStat(string prefix) =>
        Probe.Info(_server.Port, "errorstats").GetValueOrDefault("errorstat_" + prefix);
}
