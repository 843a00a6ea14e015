using System.Text;

namespace FastNode.IntegrationTests;

/// <summary>
/// Bitmaps and HyperLogLog against redis-server 7.0: the same commands go to a FastNode process and to Redis on
/// connections that carry bytes as they are (Latin-1), and every reply must be byte for byte the same, errors
/// included. Random programs are seeded and bounded; a failure names the seed, the step and the command.
/// </summary>
public sealed class BitsDifferentialTests
{
    private DifferentialPair _pair = null!;
    private RawClient _fastNode = null!;
    private RawClient _redis = null!;

    [OneTimeSetUp]
    public void StartBoth()
    {
        if (!ServerProcesses.RedisInstalled) Assert.Ignore("redis-server is not installed");
        _pair = new DifferentialPair();
        _fastNode = _pair.FastNode;
        _redis = _pair.Redis;
    }

    [OneTimeTearDown]
    public void StopBoth() => _pair?.Dispose();

    [SetUp]
    public void Flush()
    {
        Same("FLUSHALL");
        Same("CONFIG", "SET", "hll-sparse-max-bytes", "3000");
    }

    /// <summary>Sends the command to both servers and asserts equal replies; returns the reply.</summary>
    private string Same(params string[] args) => SameAt("", args);

    private string SameAt(string where, params string[] args)
    {
        string expected = _redis.CallLatin1(args);
        string actual = _fastNode.CallLatin1(args);
        if (actual != expected)
            Assert.Fail($"{where} {Show(string.Join(' ', args))}\n  redis:    {Show(expected)}\n  fastnode: {Show(actual)}");
        return actual;
    }

    private static string Show(string s) => RespReplyScanner.Escape(s.Length > 300 ? s[..300] + "..." : s);

    private static readonly string[][] FixedCases =
    [
        ["SETBIT", "k", "7", "1"], ["SETBIT", "k", "7", "1"], ["SETBIT", "k", "7", "0"], ["SETBIT", "k", "100", "1"],
        ["GET", "k"], ["GETBIT", "k", "100"], ["GETBIT", "k", "101"], ["GETBIT", "k", "99999999"], ["GETBIT", "nokey", "1"],
        ["SETBIT", "k", "-1", "1"], ["SETBIT", "k", "x", "1"], ["SETBIT", "k", "1", "2"], ["SETBIT", "k", "1", "-1"],
        ["SETBIT", "k", "1", "x"], ["SETBIT", "k", "4294967296", "1"], ["GETBIT", "k", "-1"], ["GETBIT", "k", "4294967296"],
        ["SETBIT", "k"], ["GETBIT", "k"],
        ["BITCOUNT", "k"], ["BITCOUNT", "k", "0", "0"], ["BITCOUNT", "k", "1", "-1"], ["BITCOUNT", "k", "-100", "-1"],
        ["BITCOUNT", "k", "5", "3"], ["BITCOUNT", "k", "0", "-1", "BIT"], ["BITCOUNT", "k", "7", "100", "bit"],
        ["BITCOUNT", "k", "8", "99", "BIT"], ["BITCOUNT", "k", "0", "0", "BYTE"], ["BITCOUNT", "k", "1"],
        ["BITCOUNT", "k", "0", "1", "WORD"], ["BITCOUNT", "k", "a", "1"], ["BITCOUNT", "k", "0", "1", "BIT", "x"],
        ["BITCOUNT", "nokey"], ["BITCOUNT", "nokey", "x"], ["BITCOUNT", "nokey", "0", "x"],
        ["BITPOS", "k", "1"], ["BITPOS", "k", "0"], ["BITPOS", "k", "1", "1"], ["BITPOS", "k", "1", "-1"], ["BITPOS", "k", "0", "0", "-1"],
        ["BITPOS", "k", "1", "8", "100", "BIT"], ["BITPOS", "k", "0", "7", "7", "BIT"], ["BITPOS", "k", "0", "7", "8", "bit"],
        ["BITPOS", "k", "1", "101", "-1", "BIT"], ["BITPOS", "k", "1", "2", "1"], ["BITPOS", "k", "2"], ["BITPOS", "k", "x"],
        ["BITPOS", "k", "1", "x"], ["BITPOS", "k", "1", "0", "x"], ["BITPOS", "k", "1", "0", "1", "BOTH"],
        ["BITPOS", "k", "1", "0", "1", "BIT", "x"], ["BITPOS", "nokey", "0"], ["BITPOS", "nokey", "1"], ["BITPOS", "nokey", "1", "x"],
        ["SET", "ones", "\xff\xff\xff"], ["BITPOS", "ones", "0"], ["BITPOS", "ones", "0", "0", "-1"], ["BITPOS", "ones", "0", "1"],
        ["BITPOS", "ones", "1", "3"], ["SET", "empty", ""], ["BITPOS", "empty", "0"], ["BITPOS", "empty", "1"], ["BITCOUNT", "empty", "0", "-1"],
        ["SET", "a", "foobar"], ["SET", "b", "abcdef"], ["SET", "c", "\x00\xff"],
        ["BITOP", "AND", "dest", "a", "b"], ["GET", "dest"], ["BITOP", "or", "dest", "a", "c", "nokey"], ["GET", "dest"],
        ["BITOP", "XOR", "dest", "a", "b", "c"], ["GET", "dest"], ["BITOP", "NOT", "dest", "c"], ["GET", "dest"],
        ["BITOP", "NOT", "dest", "a", "b"], ["BITOP", "NAND", "dest", "a"], ["EXPIRE", "dest", "100"],
        ["BITOP", "AND", "dest", "a"], ["TTL", "dest"], ["BITOP", "AND", "dest", "nokey", "nokey2"], ["EXISTS", "dest"],
        ["BITOP", "AND", "dest", "a", "nokey"], ["GET", "dest"], ["BITOP", "AND", "a", "a", "b"], ["GET", "a"],
        ["LPUSH", "list", "x"], ["SETBIT", "list", "1", "1"], ["GETBIT", "list", "1"], ["BITCOUNT", "list"], ["BITPOS", "list", "1"],
        ["BITOP", "AND", "dest", "a", "list"], ["BITOP", "AND", "list", "a"], ["TYPE", "list"],
        ["BITFIELD", "bf", "SET", "i8", "0", "100", "GET", "i8", "0", "INCRBY", "i8", "0", "100", "OVERFLOW", "SAT", "INCRBY", "i8", "0", "100",
            "OVERFLOW", "FAIL", "INCRBY", "i8", "0", "100", "OVERFLOW", "WRAP", "INCRBY", "i8", "0", "-300"],
        ["BITFIELD", "bf", "GET", "u63", "0", "GET", "i64", "#1", "SET", "u1", "#3", "1", "GET", "u8", "0", "GET", "i5", "3"],
        ["BITFIELD", "bf", "SET", "u8", "#2", "-1", "OVERFLOW", "SAT", "SET", "u8", "#3", "-1", "SET", "u8", "#4", "256",
            "OVERFLOW", "FAIL", "SET", "u8", "#5", "256", "SET", "i8", "#6", "-129", "SET", "i8", "#6", "-128"],
        ["GET", "bf"], ["BITFIELD", "bf", "INCRBY", "u2", "100", "1", "OVERFLOW", "SAT", "INCRBY", "u2", "102", "-1", "INCRBY", "u2", "102", "-1"],
        ["BITFIELD", "bf", "SET", "i64", "0", "-9223372036854775808", "INCRBY", "i64", "0", "-1", "OVERFLOW", "SAT", "INCRBY", "i64", "0", "-1",
            "INCRBY", "i64", "0", "9223372036854775807", "INCRBY", "i64", "0", "9223372036854775807"],
        ["BITFIELD", "bf", "SET", "u63", "0", "9223372036854775807", "OVERFLOW", "SAT", "INCRBY", "u63", "0", "1", "OVERFLOW", "WRAP", "INCRBY", "u63", "0", "1"],
        ["BITFIELD", "bf", "GET", "u64", "0"], ["BITFIELD", "bf", "GET", "i65", "0"], ["BITFIELD", "bf", "GET", "i0", "0"],
        ["BITFIELD", "bf", "GET", "I8", "0"], ["BITFIELD", "bf", "GET", "x8", "0"], ["BITFIELD", "bf", "OVERFLOW", "UP"],
        ["BITFIELD", "bf", "OVERFLOW"], ["BITFIELD", "bf", "GET", "u8"], ["BITFIELD", "bf", "SET", "u8", "0"], ["BITFIELD", "bf", "FOO", "u8", "0"],
        ["BITFIELD", "bf", "SET", "i8", "-1", "0"], ["BITFIELD", "bf", "SET", "i8", "#-1", "0"], ["BITFIELD", "bf", "SET", "i8", "0", "x"],
        ["BITFIELD", "bf", "SET", "i8", "#x", "0"], ["BITFIELD", "bf", "GET", "u8", "4294967296"], ["BITFIELD", "bf"],
        ["BITFIELD", "bf", "GET", "u8", "0", "SET", "u8", "0", "1", "GET", "x"], ["GET", "bf"],
        ["BITFIELD_RO", "bf", "GET", "i8", "0", "GET", "u4", "#3"], ["BITFIELD_RO", "bf", "SET", "i8", "0", "1"],
        ["BITFIELD_RO", "bf", "INCRBY", "i8", "0", "1"], ["BITFIELD_RO", "nokey", "GET", "u8", "0"], ["BITFIELD", "nokey", "GET", "u8", "0"],
        ["EXISTS", "nokey"], ["BITFIELD", "list", "GET", "u8", "0"], ["BITFIELD_RO", "list", "GET", "u8", "0"],
        ["BITFIELD", "fail", "OVERFLOW", "FAIL", "SET", "u2", "100", "7"], ["GET", "fail"], ["STRLEN", "fail"],
        ["SETRANGE", "k", "20", "xyz"], ["BITCOUNT", "k"], ["APPEND", "k", "\x01"], ["BITPOS", "k", "1", "-1"], ["GETRANGE", "k", "0", "-1"],
        ["BITFIELD", "k", "GET", "u24", "#6"],
    ];

    [Test]
    public void FixedCasesMatchRedis()
    {
        for (int i = 0; i < FixedCases.Length; i++) SameAt($"case {i}", FixedCases[i]);
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void RandomBitmapsMatchRedis(int seed)
    {
        var random = new Random(seed);
        string[] keys = ["a", "b", "c", "d"];
        for (int step = 0; step < 400; step++)
        {
            string key = keys[random.Next(keys.Length)];
            string[] command = random.Next(12) switch
            {
                0 or 1 or 2 => ["SETBIT", key, Offset(random).ToString(), random.Next(2).ToString()],
                3 => ["GETBIT", key, Offset(random).ToString()],
                4 => ["BITCOUNT", key, Index(random), Index(random), random.Next(2) == 0 ? "BYTE" : "BIT"],
                5 => ["BITCOUNT", key, Index(random), Index(random)],
                6 => ["BITPOS", key, random.Next(2).ToString(), Index(random), Index(random), random.Next(2) == 0 ? "BYTE" : "BIT"],
                7 => random.Next(2) == 0 ? ["BITPOS", key, random.Next(2).ToString()] : ["BITPOS", key, random.Next(2).ToString(), Index(random)],
                8 => ["BITOP", Ops[random.Next(3)], keys[random.Next(keys.Length)], key, keys[random.Next(keys.Length)], keys[random.Next(keys.Length)]],
                9 => ["BITOP", "NOT", keys[random.Next(keys.Length)], key],
                10 => random.Next(2) == 0 ? ["SETRANGE", key, random.Next(300).ToString(), RandomBytes(random, 1, 8)] : ["APPEND", key, RandomBytes(random, 1, 8)],
                _ => ["BITCOUNT", key],
            };
            SameAt($"seed {seed} step {step}", command);
            if (step % 25 != 0) continue;
            foreach (var k in keys)
            {
                string value = SameAt($"seed {seed} step {step}", "GET", k);
                int bits = value.StartsWith('$') && value != "$-1\r\n" ? BulkValue(value).Length * 8 : 8;
                // Random bits of the value, and every bit of its last byte.
                for (int probe = 0; probe < 8; probe++) SameAt($"seed {seed} step {step}", "GETBIT", k, random.Next(bits).ToString());
                for (int probe = bits - 8; probe < bits; probe++) SameAt($"seed {seed} step {step}", "GETBIT", k, probe.ToString());
            }
        }
        foreach (var k in keys) SameAt($"seed {seed} end", "GET", k);
    }

    private static readonly string[] Ops = ["AND", "OR", "XOR"];

    /// <summary>Mostly within a few hundred bytes, now and then far out (a long zero-padded string).</summary>
    private static long Offset(Random random) => random.Next(20) == 0 ? random.Next(200_000) : random.Next(2_400);

    private static string Index(Random random) => (random.Next(2) == 0 ? random.Next(-400, 400) : random.Next(-40, 40)).ToString();

    private static string RandomBytes(Random random, int min, int max)
    {
        var chars = new char[random.Next(min, max + 1)];
        for (int i = 0; i < chars.Length; i++) chars[i] = (char)random.Next(256);
        return new string(chars);
    }

    [TestCase(11)]
    [TestCase(12)]
    public void RandomBitfieldProgramsMatchRedis(int seed)
    {
        var random = new Random(seed);
        for (int program = 0; program < 150; program++)
        {
            var args = new List<string> { random.Next(8) == 0 ? "BITFIELD_RO" : "BITFIELD", "bf" + random.Next(3) };
            int ops = random.Next(1, 8);
            for (int o = 0; o < ops; o++)
            {
                bool signed = random.Next(2) == 0;
                int bits = signed ? random.Next(1, 65) : random.Next(1, 64);
                string type = (signed ? "i" : "u") + bits;
                string offset = random.Next(4) == 0 ? "#" + random.Next(20) : random.Next(300).ToString();
                switch (random.Next(4))
                {
                    case 0: args.AddRange(["GET", type, offset]); break;
                    case 1: args.AddRange(["SET", type, offset, Number(random, bits)]); break;
                    case 2: args.AddRange(["INCRBY", type, offset, Number(random, bits)]); break;
                    default: args.AddRange(["OVERFLOW", Overflows[random.Next(3)]]); break;
                }
            }
            SameAt($"seed {seed} program {program}", args.ToArray());
            if (program % 10 == 0) for (int k = 0; k < 3; k++) SameAt($"seed {seed} program {program}", "GET", "bf" + k);
        }
        for (int k = 0; k < 3; k++) SameAt($"seed {seed} end", "GET", "bf" + k);
    }

    private static readonly string[] Overflows = ["WRAP", "SAT", "FAIL"];

    /// <summary>Small numbers, numbers near the field's limits and now and then any 64-bit number.</summary>
    private static string Number(Random random, int bits) => random.Next(4) switch
    {
        0 => random.Next(-10, 10).ToString(),
        1 => ((1L << Math.Min(bits, 62)) + random.Next(-3, 3)).ToString(),
        2 => (-(1L << Math.Min(bits - 1, 62)) + random.Next(-3, 3)).ToString(),
        _ => random.NextInt64(long.MinValue, long.MaxValue).ToString(),
    };

    [TestCase(21, 3000)]
    [TestCase(22, 3000)]
    [TestCase(23, 200)]
    public void PfCountMatchesRedisOverRandomSets(int seed, int sparseMaxBytes)
    {
        Same("CONFIG", "SET", "hll-sparse-max-bytes", sparseMaxBytes.ToString());
        var random = new Random(seed);
        const int Sets = 24;
        for (int set = 0; set < Sets; set++)
        {
            string key = "hll" + set;
            // Sizes from a handful (sparse) to tens of thousands (dense).
            int size = random.Next(4) switch { 0 => random.Next(0, 20), 1 => random.Next(20, 1500), 2 => random.Next(1500, 6000), _ => random.Next(6000, 30000) };
            int added = 0;
            while (added < size || added == 0)
            {
                int chunk = Math.Min(500, Math.Max(1, size - added));
                var args = new string[2 + chunk];
                args[0] = "PFADD";
                args[1] = key;
                for (int i = 0; i < chunk; i++) args[2 + i] = random.Next(3) == 0 ? RandomBytes(random, 1, 12) : "e" + random.Next(size * 2 + 1);
                SameAt($"seed {seed} set {set}", args);
                added += chunk;
                if (size == 0) break;
            }
            SameAt($"seed {seed} set {set}", "PFCOUNT", key);
            SameAt($"seed {seed} set {set}", "PFCOUNT", key);
            SameAt($"seed {seed} set {set}", "PFDEBUG", "ENCODING", key);
            SameAt($"seed {seed} set {set}", "GET", key);
        }
        for (int i = 0; i < 10; i++)
        {
            string a = "hll" + random.Next(Sets), b = "hll" + random.Next(Sets), c = "hll" + random.Next(Sets);
            SameAt($"seed {seed} union {i}", "PFCOUNT", a, b, "missing", c);
            SameAt($"seed {seed} merge {i}", "PFMERGE", "merged" + i, a, b);
            SameAt($"seed {seed} merge {i}", "GET", "merged" + i);
            SameAt($"seed {seed} merge {i}", "PFMERGE", "merged" + i, c);
            SameAt($"seed {seed} merge {i}", "PFCOUNT", "merged" + i);
            SameAt($"seed {seed} merge {i}", "GET", "merged" + i);
        }
        SameAt($"seed {seed}", "PFMERGE", "fresh");
        SameAt($"seed {seed}", "GET", "fresh");
        SameAt($"seed {seed}", "PFDEBUG", "DECODE", "hll0");
        SameAt($"seed {seed}", "PFDEBUG", "GETREG", "hll1");
        SameAt($"seed {seed}", "PFDEBUG", "TODENSE", "hll2");
        SameAt($"seed {seed}", "GET", "hll2");
    }

    /// <summary>An HLL made by one server is read, extended and counted by the other, through GET/SET and DUMP/RESTORE.</summary>
    [Test]
    public void HllValuesMoveBetweenServers()
    {
        var random = new Random(31);
        foreach (int size in new[] { 5, 300, 5000 })
        {
            var elements = new string[size + 2];
            elements[0] = "PFADD";
            elements[1] = "made";
            for (int i = 0; i < size; i++) elements[2 + i] = "m" + random.Next();
            Assert.That(_redis.CallLatin1(elements), Is.EqualTo(":1\r\n"));
            var fromRedis = BulkValue(_redis.CallLatin1("GET", "made"));
            elements[1] = "made";
            Assert.That(_fastNode.CallLatin1(elements), Is.EqualTo(":1\r\n"));
            var fromFastNode = BulkValue(_fastNode.CallLatin1("GET", "made"));
            Assert.That(fromFastNode, Is.EqualTo(fromRedis), $"the HLL of {size} elements");

            // GET from one, SET into the other: the same count, and the same bytes after further adds.
            _fastNode.CallLatin1("SET", "moved", fromRedis);
            _redis.CallLatin1("SET", "moved", fromFastNode);
            Same("PFCOUNT", "moved");
            Same("PFADD", "moved", "x1", "x2", "x3");
            Same("PFCOUNT", "moved");
            Same("GET", "moved");

            // DUMP from one, RESTORE into the other.
            string redisDump = BulkValue(_redis.CallLatin1("DUMP", "made"));
            string fastNodeDump = BulkValue(_fastNode.CallLatin1("DUMP", "made"));
            Assert.That(_fastNode.CallLatin1("RESTORE", "restored", "0", redisDump, "REPLACE"), Is.EqualTo("+OK\r\n"));
            Assert.That(_redis.CallLatin1("RESTORE", "restored", "0", fastNodeDump, "REPLACE"), Is.EqualTo("+OK\r\n"));
            Same("PFCOUNT", "restored");
            Same("PFADD", "restored", "y1", "y2");
            Same("GET", "restored");
            Same("DEL", "made", "moved", "restored");
        }
    }

    private static string BulkValue(string reply)
    {
        Assert.That(reply, Does.StartWith("$"));
        int start = reply.IndexOf("\r\n", StringComparison.Ordinal) + 2;
        return reply.Substring(start, reply.Length - start - 2);
    }

    /// <summary>Values that are strings but not (valid) HLLs: Redis's errors, nothing changed, the server still serves.</summary>
    [Test]
    public void CorruptHllsGetRedisErrors()
    {
        const string Header = "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80";
        const string DenseHeader = "HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80";
        string[] values =
        [
            "short",
            "HYLX" + Header[4..] + "\x7f\xff",
            "HYLL\x02" + Header[5..] + "\x7f\xff",
            DenseHeader + new string('\0', 100),
            Header + "\x7f\xfe",                                  // XZERO covering 16383 registers
            Header + "\x7f\xff\x00",                              // one register too many
            Header + "\x7f\xff\xff",                              // a VAL past the last register
            Header + new string('\x3f', 300),                     // ZERO runs of 64 past the end
            Header + "\x80",                                      // a single VAL
            Header,                                               // no opcodes at all
            Header[..15] + "\x00" + "\x7f\xfe",                   // a cached count that is wrong, body corrupt
        ];
        for (int v = 0; v < values.Length; v++)
        {
            Same("SET", "bad", values[v]);
            SameAt($"value {v}", "PFCOUNT", "bad");
            SameAt($"value {v}", "PFADD", "bad", "a", "b", "c");
            SameAt($"value {v}", "PFCOUNT", "bad", "missing");
            SameAt($"value {v}", "PFMERGE", "dest", "bad");
            SameAt($"value {v}", "PFDEBUG", "GETREG", "bad");
            SameAt($"value {v}", "PFDEBUG", "DECODE", "bad");
            SameAt($"value {v}", "PFDEBUG", "TODENSE", "bad");
            SameAt($"value {v}", "GET", "bad");
            Same("DEL", "dest");
        }
        Same("LPUSH", "list", "x");
        Same("PFADD", "list", "a");
        Same("PFCOUNT", "list");
        Same("PFCOUNT", "list", "other");
        Same("PFMERGE", "list", "other");
        Same("PFDEBUG", "ENCODING", "missing");
        Same("PFDEBUG", "NOSUCH", "missing");
        Same("PFADD", "ok", "a");
        Same("PFDEBUG", "NOSUCH", "ok");
        Same("PFDEBUG", "ENCODING", "ok");
        Same("PFADD", "ok");
        Same("PFADD", "new");
        Same("GET", "new");
        Same("PING");
    }

    /// <summary>The keyspace events each command raises (and does not raise), in order, as Redis publishes them.</summary>
    [Test]
    public void KeyspaceEventsMatchRedis()
    {
        Same("CONFIG", "SET", "notify-keyspace-events", "KEA");
        try
        {
            string[][] commands =
            [
                ["SETBIT", "k", "7", "1"], ["SETBIT", "k", "7", "1"], ["SETBIT", "k", "7", "0"], ["SETBIT", "k", "100", "0"],
                ["BITFIELD", "k", "SET", "u8", "0", "0"], ["BITFIELD", "k", "SET", "u8", "0", "5"], ["BITFIELD", "k", "GET", "u8", "0"],
                ["BITFIELD", "k", "OVERFLOW", "FAIL", "SET", "u2", "0", "9"], ["BITFIELD", "f", "OVERFLOW", "FAIL", "SET", "u2", "1000", "9"],
                ["BITOP", "AND", "d", "k"], ["BITOP", "AND", "d", "missing"], ["BITOP", "OR", "d", "missing"],
                ["PFADD", "h", "a"], ["PFADD", "h", "a"], ["PFADD", "h2"], ["PFCOUNT", "h"], ["PFMERGE", "h3", "h", "h2"],
                ["PFDEBUG", "TODENSE", "h"], ["SET", "end", "1"],
            ];
            string fastNode = Events(_pair.FastNodePort, commands);
            string redis = Events(_pair.RedisPort, commands);
            Assert.That(fastNode, Is.EqualTo(redis));
        }
        finally
        {
            Same("CONFIG", "SET", "notify-keyspace-events", "");
        }
    }

    /// <summary>Runs the commands while a second connection listens to every keyspace event; the events until "end".</summary>
    private static string Events(int port, string[][] commands)
    {
        using var listener = RawClient.Connect(port);
        listener.CallLatin1("PSUBSCRIBE", "__key*__:*");
        using var client = RawClient.Connect(port);
        foreach (var command in commands) client.CallLatin1(command);
        var events = new StringBuilder();
        for (int n = 0; n < 200; n++)
        {
            string message = Encoding.Latin1.GetString(listener.ReadReplyBytes());
            events.Append(RespReplyScanner.Escape(message)).Append('\n');
            if (message.Contains("__keyevent@0__:set") && message.Contains("$3\r\nend\r\n")) break;
        }
        return events.ToString();
    }
}
