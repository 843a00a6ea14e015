using StackExchange.Redis;

namespace FastNode.IntegrationTests;

/// <summary>
/// COMMAND GETKEYS and GETKEYSANDFLAGS against redis-server 7.0 over its whole command table: for every command (and
/// subcommand) with key specs, three sample lines built from its arity (placeholder arguments; more of them; all "2", so
/// key counts parse), plus hand-written lines for the commands whose keys depend on their options (SORT STORE, XREAD
/// STREAMS, numkeys, GEORADIUS STORE, MIGRATE KEYS, SET GET, BITFIELD ...). Both servers must answer each line byte for
/// byte the same: the keys, their flags, and the errors. Processes are killed by pid in TearDown.
/// </summary>
[NonParallelizable]
public sealed class CommandKeysDifferentialTests : ProcessTestBase
{
    protected override string DirPrefix => "fastnode-getkeys-";

    // ZRANK/ZREVRANK take 7.2's WITHSCORE in FastNode, so their arity differs from 7.0's (an arity error there).
    private static readonly HashSet<string> ArityDiffers = ["zrank", "zrevrank"];

    private static readonly string[] OptionLines =
    [
        "sort a store b", "sort a limit 0 1 store b", "sort a by x get y store b store c", "sort a store", "sort_ro a by x",
        "xread streams s1 s2 0 0", "xread count 1 block 0 streams s 0", "xread streams a b c", "xreadgroup group g c streams s 0",
        "xreadgroup group g c count 1 noack streams a b 0 0", "zunionstore d 2 a b", "zunionstore d 5 a b", "zunionstore d 0 a",
        "zunionstore d x a", "zunion 2 a b", "zunion -1 a", "zdiff 1 a withscores", "georadius g 1 1 1 km store d",
        "georadius g 1 1 1 km store d storedist e", "georadiusbymember g m 1 km store d", "georadius_ro g 1 1 1 km",
        "geosearchstore d s fromlonlat 1 1 byradius 1 km", "eval s 2 a b", "eval s 0", "eval s 3 a", "eval s -1", "evalsha s 1 a",
        "fcall f 1 a", "fcall_ro f 0", "lmpop 2 a b left", "lmpop 0 a left", "blmpop 0 2 a b left", "bzmpop 0 1 a min",
        "zmpop 1 a min", "sintercard 2 a b", "sintercard 3 a b", "zintercard 2 a b limit 1", "migrate h 1 k 0 1",
        "migrate h 1 <empty> 0 1 keys a b", "migrate h 1 k 0 1 keys a b", "migrate h 1 <empty> 0 1 copy replace keys a",
        "set k v", "set k v get", "set k v nx get", "set k v ex 1", "bitfield a", "bitfield a get u8 0", "bitfield a set u8 0 1",
        "bitfield a incrby u8 0 1", "bitfield a overflow sat get u8 0", "bitfield a set u8 0", "object freq k", "memory usage k",
        "xinfo stream s", "xgroup create s g 0", "xgroup createconsumer s g c", "mset a 1 b 2", "mset a 1 b", "del a b c",
        "watch a b", "lcs a b", "copy a b db 1", "rename a b", "smove a b m", "blmove a b left right 0", "bitop and d a b",
        "bitop not d a", "pfmerge d a b", "pfcount a b", "spublish c m", "ssubscribe c", "sunsubscribe", "get", "nosuchcommand a",
        "ping",
    ];

    [Test]
    public void KeysAndFlagsMatchRedisForEveryCommandWithKeys()
    {
        var redis = Redis();
        var fastnode = FastNode();
        var lines = new List<string[]>();
        foreach (var line in OptionLines) lines.Add(line.Split(' ').Select(a => a == "<empty>" ? "" : a).ToArray());
        using (var connection = ConnectionMultiplexer.Connect($"127.0.0.1:{redis.Port},syncTimeout=20000"))
        {
            foreach (var entry in (RedisResult[])connection.GetDatabase().Execute("COMMAND")!) AddSamples(entry, lines);
        }
        Assert.That(lines, Has.Count.GreaterThan(500), "every command with key specs gives three lines");

        using var r = RawClient.Connect(redis.Port);
        using var f = RawClient.Connect(fastnode.Port);
        var differences = new List<string>();
        foreach (var line in lines)
        {
            foreach (var sub in new[] { "GETKEYSANDFLAGS", "GETKEYS" })
            {
                string[] command = ["COMMAND", sub, .. line];
                string expected = r.Call(command), actual = f.Call(command);
                if (expected != actual) differences.Add($"COMMAND {sub} {string.Join(' ', line)}: redis {expected.Trim()} fastnode {actual.Trim()}");
            }
        }
        Assert.That(differences, Is.Empty, $"{differences.Count} of {lines.Count * 2} lines differ");
    }

    private static void AddSamples(RedisResult entry, List<string[]> lines)
    {
        var fields = (RedisResult[])entry!;
        string[] words = ((string)fields[0]!).Split('|');
        if (fields.Length > 9 && fields[9] is { Resp2Type: ResultType.Array } subcommands)
        {
            foreach (var sub in (RedisResult[])subcommands!) AddSamples(sub, lines);
        }
        if (fields.Length <= 8 || ((RedisResult[])fields[8]!).Length == 0 || ArityDiffers.Contains(words[0])) return;
        int arity = Math.Abs((int)fields[1]);
        var placeholders = words.Concat(Enumerable.Range(0, Math.Max(0, arity - words.Length)).Select(i => $"a{i}")).ToArray();
        lines.Add(placeholders);
        lines.Add([.. placeholders, "x", "y", "z"]);
        lines.Add([.. words, .. Enumerable.Repeat("2", Math.Max(0, arity - words.Length) + 2)]);
    }
}
