namespace FastNode.IntegrationTests.Scripting;

/// <summary>
/// The same scripts sent to a FastNode process and to redis-server 7.0, whose raw replies (exact bytes, errors
/// included) must be identical: conversions both ways under RESP2 and RESP3, %.17g numbers, the Lua 5.1 library,
/// cjson/bit/struct/cmsgpack, the protected environment, and the error texts. Each case runs on a fresh connection
/// after FLUSHALL and SCRIPT FLUSH; lines before the last are set-up whose replies are compared too.
/// </summary>
public sealed class ScriptDifferentialTests : LineCaseDifferentialTestBase
{
    private static readonly string[][][] Cases =
    [
        [["EVAL", "return 3.99", "0"]],
        [["EVAL", "return -3.99", "0"]],
        [["EVAL", "return {1, 2, 3, 'x', nil, 4}", "0"]],
        [["EVAL", "return {1, true, false, {ok='fine'}, {err='ERR bad'}, 2.5}", "0"]],
        [["EVAL", "redis.call('SET', 'f', 0.1) return redis.call('GET', 'f')", "0"]],
        [["EVAL", "redis.call('SET', 'f', 3) redis.call('SET', 'g', 1e20) return {redis.call('GET', 'f'), redis.call('GET', 'g')}", "0"]],
        [["EVAL", "redis.call('ZADD', 'z', 1.5 + 1/3, 'm') return redis.call('ZSCORE', 'z', 'm')", "0"]],
        [["EVAL", "return {tostring(3.0), tostring(10/2), tostring(1/3), string.format('%d', 3.5)}", "0"]],
        [["EVAL", "return {tostring(2^53), tostring(2^63), math.floor(-3.5)}", "0"]],
        [["EVAL", "return {type(setfenv), type(getfenv), type(gcinfo), type(unpack), type(loadstring)}", "0"]],
        [["EVAL", "return {redis.call('GET', 'missing') == false, type(redis.call('GET', 'missing'))}", "0"]],
        [["EVAL", "x = 1", "0"]],
        [["EVAL", "return undeclared", "0"]],
        [["EVAL", "return os.time()", "0"]],
        [["EVAL", "return require('x')", "0"]],
        [["EVAL", "string.x = 1", "0"]],
        [["EVAL", "return redis.call('nosuchcommand')", "0"]],
        [["EVAL", "return redis.call('GET')", "0"]],
        [["EVAL", "return redis.call('EVAL', 'return 1', '0')", "0"]],
        [["HSET", "h", "a", "1"], ["EVAL", "return redis.pcall('INCR', KEYS[1])", "1", "h"]],
        [["HSET", "h", "a", "1"], ["EVAL", "return redis.call('INCR', KEYS[1])", "1", "h"]],
        [["HSET", "h", "a", "1"], ["EVAL", "local r = redis.pcall('INCR', KEYS[1]) return r.err", "1", "h"]],
        [["EVAL", "error('boom')", "0"]],
        [["EVAL", "error({err='MYERR custom'})", "0"]],
        [["EVAL", "return redis.error_reply('My Error')", "0"]],
        [["EVAL", "return redis.error_reply('-X')", "0"]],
        [["EVAL", "return redis.status_reply('FINE')", "0"]],
        [["EVAL", "this is not lua", "0"]],
        [["EVAL", "return 1", "-1"]],
        [["EVAL", "return 1", "3", "a"]],
        [["EVAL", "return 1", "x"]],
        [["EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", "0"]],
        [["EVALSHA", "short", "0"]],
        [["EVAL_RO", "return redis.call('SET', 'a', 'b')", "0"]],
        [["EVAL", "#!lua flags=no-writes\nreturn redis.call('SET', 'a', 'b')", "0"]],
        [["EVAL", "#!lua flags=bogus\nreturn 1", "0"]],
        [["EVAL", "#!lua\nreturn redis.call('SET', 'a', 'b')", "0"]],
        [["EVAL", "return {KEYS[1], KEYS[2], ARGV[1], #ARGV}", "2", "k1", "k2", "a1"]],
        [["EVAL", "return cjson.encode({1, 2, 'x'})", "0"]],
        [["EVAL", "local t = cjson.decode('{\"a\":[1,2,{\"b\":null}]}') return {t.a[2], type(t.a[3].b)}", "0"]],
        [["EVAL", "return {bit.band(7, 3), bit.bor(1, 2), bit.bxor(5, 1), bit.lshift(1, 10), bit.tohex(255)}", "0"]],
        [["EVAL", "return redis.sha1hex('')", "0"]],
        [["EVAL", "return {redis.REDIS_VERSION, redis.REDIS_VERSION_NUM}", "0"]],
        [["EVAL", "return {redis.replicate_commands(), redis.breakpoint(), redis.LOG_WARNING, redis.REPL_ALL}", "0"]],
        [["EVAL", "return loadstring('return 1 + 1')()", "0"]],
        [["EVAL", "local function f() return 1 + f() end return f()", "0"]],
        [["EVAL", "return unpack({1, 2, 3})", "0"]],
        [["EVAL", "redis.call('SELECT', 1) redis.call('SET', 'in1', 'x') return 1", "0"], ["EXISTS", "in1"]],
        [["HSET", "h", "a", "1", "b", "2"], ["EVAL", "redis.setresp(3) return redis.call('HGETALL', KEYS[1])", "1", "h"]],
        [["HELLO", "3"], ["EVAL", "return {double=3.5}", "0"]],
        [["HELLO", "3"], ["EVAL", "return {map={a=1}}", "0"]],
        [["HELLO", "3"], ["EVAL", "return {set={a=true}}", "0"]],
        [["HELLO", "3"], ["EVAL", "return {big_number='123456789012345678901234567890'}", "0"]],
        [["HELLO", "3"], ["EVAL", "return {verbatim_string={format='txt', string='hello'}}", "0"]],
        [["HELLO", "3"], ["HSET", "h", "a", "1"], ["EVAL", "redis.setresp(3) return redis.call('HGETALL', KEYS[1])", "1", "h"]],
        [["HELLO", "3"], ["EVAL", "redis.setresp(3) return redis.call('ZSCORE', 'nokey', 'm') == nil", "0"]],
        [["EVAL", "redis.setresp(3) local r = redis.call('HELLO') return type(r)", "0"]],
        // Booleans follow the script's protocol (redis.setresp), nulls the client's: a RESP2 script's false is `_` to a
        // RESP3 client, a RESP3 script's booleans are :1/:0 to a RESP2 client.
        [["HELLO", "3"], ["EVAL", "return nil", "0"], ["EVAL", "return false", "0"], ["EVAL", "return true", "0"]],
        [["HELLO", "3"], ["EVAL", "return redis.call('GET', KEYS[1])", "1", "nokey"], ["EVAL", "return {1, false, 2}", "0"]],
        [["HELLO", "3"], ["EVAL", "redis.setresp(3) return nil", "0"], ["EVAL", "redis.setresp(3) return false", "0"], ["EVAL", "redis.setresp(3) return {true, false}", "0"]],
        [["HELLO", "3"], ["EVAL", "redis.setresp(3) return redis.call('GET', KEYS[1])", "1", "nokey"], ["EVAL", "return type(redis.call('GET', KEYS[1]))", "1", "nokey"]],
        [["EVAL", "redis.setresp(3) return {true, false, nil}", "0"], ["EVAL", "redis.setresp(3) return false", "0"], ["EVAL", "return false", "0"]],
        [["EVAL", "redis.setresp(3) return {map={a=false}}", "0"], ["FUNCTION", "LOAD", "REPLACE", "#!lua name=rb3\nredis.register_function('rb3', function() redis.setresp(3) return false end)"], ["FCALL", "rb3", "0"]],
        [["HELLO", "3"], ["FUNCTION", "LOAD", "REPLACE", "#!lua name=rb2\nredis.register_function('rb2', function() return false end)"], ["FCALL", "rb2", "0"]],
        [["EVAL", "return redis.acl_check_cmd('SET', 'a', 'b')", "0"]],
        [["SCRIPT", "LOAD", "return 1"], ["SCRIPT", "EXISTS", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "ffffffffffffffffffffffffffffffffffffffff"]],
        [["SCRIPT", "FLUSH", "BAD"]],
        [["SCRIPT", "DEBUG", "NO"]],
    ];

    /// <summary>Not there yet: the struct and cmsgpack libraries (docs/scripting.md lists what is missing).</summary>
    private static readonly string[][][] Missing =
    [
        [["EVAL", "return {struct.pack('>I2', 258), struct.unpack('>I2', struct.pack('>I2', 258))}", "0"]],
        [["EVAL", "return cmsgpack.pack({1, 2, 'three', {a=1}})", "0"]],
        [["EVAL", "return cmsgpack.unpack(cmsgpack.pack({1, 2, 'three'}))", "0"]],
    ];

    protected override string[] ResetCommand => ["SCRIPT", "FLUSH"];

    private static IEnumerable<TestCaseData> CaseData() => Named(Cases);

    private static IEnumerable<TestCaseData> MissingData() => Named(Missing);

    [TestCaseSource(nameof(CaseData))]
    public void RepliesMatchRedis(string[][] lines) => AssertRepliesMatchRedis(lines);

    [TestCaseSource(nameof(MissingData))]
    [Ignore("struct and cmsgpack are not implemented yet")]
    public void NotYetMatchingRedis(string[][] lines) => RepliesMatchRedis(lines);
}
