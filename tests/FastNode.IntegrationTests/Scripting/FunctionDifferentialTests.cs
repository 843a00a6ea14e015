namespace FastNode.IntegrationTests.Scripting;

/// <summary>
/// FUNCTION and FCALL sent to a FastNode process and to redis-server 7.0, whose raw replies must be identical: the
/// library metadata and register_function errors, the load-time environment, FCALL/FCALL_RO and their flags, errors
/// from callbacks, FUNCTION LIST (RESP2 and RESP3), STATS, DELETE, FLUSH and LOAD REPLACE. Each case runs on a fresh
/// connection after FLUSHALL and FUNCTION FLUSH; every line's reply is compared. Libraries have one function each
/// where LIST is compared, since Redis lists a library's functions in its hash order.
/// </summary>
public sealed class FunctionDifferentialTests : LineCaseDifferentialTestBase
{
    private const string Lib = "#!lua name=lib\n";
    private const string Writer = "#!lua name=wlib\nredis.register_function('w', function(keys, args) return redis.call('SET', keys[1], args[1]) end)";
    private const string Reader = "#!lua name=rlib\nredis.register_function{function_name='r', callback=function(keys) return redis.call('GET', keys[1]) end, flags={'no-writes'}, description='reads'}";

    private static readonly string[][][] Cases =
    [
        [["FUNCTION", "LOAD", "return 1"]],
        [["FUNCTION", "LOAD", "#!lua"]],
        [["FUNCTION", "LOAD", "#!lua\n"]],
        [["FUNCTION", "LOAD", "#!foo name=x\n"]],
        [["FUNCTION", "LOAD", "#!lua name=x foo=bar\n"]],
        [["FUNCTION", "LOAD", "#!lua name=x-y\n"]],
        [["FUNCTION", "LOAD", "#!lua name=\n"]],
        [["FUNCTION", "LOAD", "#!lua name=a name=b\n"]],
        [["FUNCTION", "LOAD", "#!lua  name=a\nredis.register_function('f', function() return 1 end)"]],
        [["FUNCTION", "LOAD", Lib + "return 1"]],
        [["FUNCTION", "LOAD", Lib + "local x ="]],
        [["FUNCTION", "LOAD", "FOO", Writer]],
        [["FUNCTION", "LOAD", Lib + "redis.call('PING')"]],
        [["FUNCTION", "LOAD", Lib + "redis.register_function('g-h', function() return 1 end)"]],
        [["FUNCTION", "LOAD", Lib + "redis.register_function('', function() return 1 end)"]],
        [["FUNCTION", "LOAD", Lib + "redis.register_function('g', function() end) redis.register_function('g', function() end)"]],
        [["FUNCTION", "LOAD", Lib + "redis.register_function('g')"]],
        [["FUNCTION", "LOAD", Lib + "redis.register_function()"]],
        [["FUNCTION", "LOAD", Lib + "redis.register_function(1, 2, 3)"]],
        [["FUNCTION", "LOAD", Lib + "redis.register_function({}, function() end)"]],
        [["FUNCTION", "LOAD", Lib + "redis.register_function('a', 'b')"]],
        [["FUNCTION", "LOAD", Lib + "redis.register_function{function_name='g', callback=function() end, flags={'bad'}}"]],
        [["FUNCTION", "LOAD", Lib + "redis.register_function{function_name='g', callback=function() end, flags='no-writes'}"]],
        [["FUNCTION", "LOAD", Lib + "redis.register_function{function_name='g', callback=function() end, foo=1}"]],
        [["FUNCTION", "LOAD", Lib + "redis.register_function{function_name='g', callback=1}"]],
        [["FUNCTION", "LOAD", Lib + "redis.register_function{function_name={}, callback=function() end}"]],
        [["FUNCTION", "LOAD", Lib + "redis.register_function{callback=function() end}"]],
        [["FUNCTION", "LOAD", Lib + "redis.register_function{function_name='a'}"]],
        [["FUNCTION", "LOAD", Lib + "redis.register_function{'a'}"]],
        [["FUNCTION", "LOAD", Lib + "redis.register_function{function_name='a', callback=function() end, description={}}"]],
        [["FUNCTION", "LOAD", Lib + "x = 1"]],
        [["FUNCTION", "LOAD", Lib + "redis.x = 1"]],
        [["FUNCTION", "LOAD", Lib + "local a = string"]],
        [["FUNCTION", "LOAD", Lib + "local a = redis.setresp"]],
        [["FUNCTION", "LOAD", Lib + "local a = redis.REPL_ALL"]],
        [["FUNCTION", "LOAD", Lib + "redis.log(1)"]],
        [["FUNCTION", "LOAD", Lib + "while true do end"]],
        [["FUNCTION", "LOAD", Lib + "redis.log(redis.LOG_NOTICE, 'loading', redis.REDIS_VERSION, redis.REDIS_VERSION_NUM)\nredis.register_function('f', function() return 1 end)"], ["FCALL", "f", "0"]],
        [["FUNCTION", "LOAD", Writer], ["FUNCTION", "LOAD", Writer]],
        [["FUNCTION", "LOAD", Writer], ["FUNCTION", "LOAD", "#!lua name=other\nredis.register_function('W', function() return 1 end)"], ["FCALL", "W", "1", "k", "v"], ["GET", "k"]],
        [["FUNCTION", "LOAD", Writer], ["FUNCTION", "LOAD", "REPLACE", "#!lua name=wlib\nredis.register_function('w', function() return 'new' end)"], ["FCALL", "w", "0"]],
        [["FUNCTION", "LOAD", Writer], ["FUNCTION", "LOAD", "REPLACE", "#!lua name=wlib\nerror('x')"], ["FCALL", "w", "1", "k", "old"]],
        [["FUNCTION", "LOAD", Writer], ["FUNCTION", "LOAD", Reader], ["FCALL", "w", "1", "k", "v"], ["FCALL_RO", "r", "1", "k"], ["FCALL", "r", "1", "k"]],
        [["FUNCTION", "LOAD", Writer], ["FCALL_RO", "w", "1", "k", "v"]],
        [["FUNCTION", "LOAD", "#!lua name=ro\nredis.register_function{function_name='rw', callback=function(keys) return redis.call('SET', keys[1], 'v') end, flags={'no-writes'}}"], ["FCALL", "rw", "1", "k"], ["FCALL_RO", "rw", "1", "k"]],
        [["FCALL", "nope", "0"]],
        [["FCALL_RO", "nope", "0"]],
        [["FUNCTION", "LOAD", Reader], ["FCALL", "r", "x"]],
        [["FUNCTION", "LOAD", Reader], ["FCALL", "r", "5"]],
        [["FUNCTION", "LOAD", Reader], ["FCALL", "r", "-1"]],
        [["FUNCTION", "LOAD", Lib + "redis.register_function('f', function(keys, args) return {keys, args, #keys, #args} end)"], ["FCALL", "f", "2", "a", "b", "c"]],
        [["FUNCTION", "LOAD", Lib + "redis.register_function('e', function() local x = nil return x.y end)"], ["FCALL", "e", "0"]],
        [["FUNCTION", "LOAD", Lib + "redis.register_function('k', function() return KEYS end)"], ["FCALL", "k", "0"]],
        [["FUNCTION", "LOAD", Lib + "redis.register_function('c', function() return redis.call('nosuch') end)"], ["FCALL", "c", "0"]],
        [["FUNCTION", "LOAD", Lib + "redis.register_function('p', function() return redis.pcall('INCR', 'h') end)"], ["HSET", "h", "a", "1"], ["FCALL", "p", "0"]],
        [["FUNCTION", "LOAD", Lib + "redis.register_function('g', function() return {type(string.format), type(cjson), redis.sha1hex('')} end)"], ["FCALL", "g", "0"]],
        [["FUNCTION", "LOAD", Lib + "redis.register_function('g', function() x = 1 end)"], ["FCALL", "g", "0"]],
        [["FUNCTION", "LOAD", Reader], ["FUNCTION", "LIST"]],
        [["FUNCTION", "LOAD", Reader], ["FUNCTION", "LOAD", Writer], ["FUNCTION", "LIST", "LIBRARYNAME", "R*", "WITHCODE"]],
        [["FUNCTION", "LOAD", Reader], ["FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "nomatch"]],
        [["FUNCTION", "LIST", "LIBRARYNAME"]],
        [["FUNCTION", "LIST", "foo"]],
        [["FUNCTION", "LIST", "WITHCODE", "WITHCODE"]],
        [["FUNCTION", "LIST", "LIBRARYNAME", "a", "LIBRARYNAME", "b"]],
        [["HELLO", "3"], ["FUNCTION", "LOAD", Reader], ["FUNCTION", "LIST", "WITHCODE"], ["FUNCTION", "STATS"]],
        [["FUNCTION", "LOAD", Reader], ["FUNCTION", "LOAD", Writer], ["FUNCTION", "STATS"]],
        [["FUNCTION", "LOAD", Reader], ["FUNCTION", "DELETE", "RLIB"], ["FUNCTION", "DELETE", "rlib"], ["FCALL", "r", "0"], ["FUNCTION", "DELETE", "rlib"]],
        [["FUNCTION", "LOAD", Reader], ["FUNCTION", "FLUSH", "ASYNC"], ["FUNCTION", "LIST"], ["FCALL", "r", "0"]],
        [["FUNCTION", "FLUSH", "foo"]],
        [["FUNCTION", "FLUSH", "a", "b"]],
        [["FUNCTION", "KILL"]],
        [["FUNCTION", "RESTORE", "foo", "bar"]],
    ];

    protected override string[] ResetCommand => ["FUNCTION", "FLUSH"];

    private static IEnumerable<TestCaseData> CaseData() => Named(Cases);

    [TestCaseSource(nameof(CaseData))]
    public void RepliesMatchRedis(string[][] lines) => AssertRepliesMatchRedis(lines);
}
