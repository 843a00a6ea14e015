using System.Text;
using static FastNode.Protocol.Tests.TestSequences;

namespace FastNode.Protocol.Tests;

/// <summary>
/// Request bytes and what Redis 7.0 makes of them. Every error text here was checked against redis-server 7.0.15
/// with raw sockets ("-ERR Protocol error: {text}" and then the connection closes).
/// </summary>
public static class RequestCases
{
    public sealed record Case(string Name, byte[] Input, string[][] Commands, string? Error = null, bool Authenticated = true,
        long MaxBulkLength = 512L * 1024 * 1024, bool Waits = false)
    {
        public ProtocolLimits Limits => new() { MaxBulkLength = MaxBulkLength };
        /// <summary>Bytes left waiting for more data at the end: all of them for a case that waits, else none (-1 after an error).</summary>
        public long ExpectedPending => Error is not null ? -1 : Waits ? Input.Length : 0;
        public override string ToString() => Name;
    }

    private static string[][] One(params string[] args) => [args];

    private static byte[] Cat(params object[] parts)
    {
        var all = new List<byte>();
        foreach (var part in parts) all.AddRange(part is string s ? Bytes(s) : (byte[])part);
        return all.ToArray();
    }

    private static readonly string AllBytes = Text(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray());

    public static IEnumerable<Case> Valid()
    {
        yield return new("simple PING", Encode("PING"), One("PING"));
        yield return new("SET key value", Encode("SET", "key", "value"), One("SET", "key", "value"));
        yield return new("empty bulk", Bytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n"), One("SET", "k", ""));
        yield return new("binary bulk holding CRLF and headers", Encode("ECHO", "\r\n\0\r\n*1\r\n$4\r\n"), One("ECHO", "\r\n\0\r\n*1\r\n$4\r\n"));
        yield return new("every byte value", Encode("SET", "k", AllBytes), One("SET", "k", AllBytes));
        yield return new("*0 is ignored", Bytes("*0\r\n*1\r\n$4\r\nPING\r\n"), One("PING"));
        yield return new("*-1 is ignored", Bytes("*-1\r\n*1\r\n$4\r\nPING\r\n"), One("PING"));
        yield return new("*-5 is ignored", Bytes("*-5\r\n"), []);
        yield return new("only *0", Bytes("*0\r\n*0\r\n"), []);
        yield return new("bytes after a bulk are skipped unchecked", Bytes("*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n"), [["PING"], ["PING"]]);
        yield return new("header ends at CR plus any byte", Bytes("*1\rX$4\r\nPING\r\n"), One("PING"));
        yield return new("inline PING CRLF", Bytes("PING\r\n"), One("PING"));
        yield return new("inline LF only", Bytes("ECHO hi\nECHO there\n"), [["ECHO", "hi"], ["ECHO", "there"]]);
        yield return new("inline spaces and tabs", Bytes("   SET \t k    v   \r\n"), One("SET", "k", "v"));
        yield return new("inline CR inside a line separates", Bytes("ECHO a\rb\n"), One("ECHO", "a", "b"));
        yield return new("inline double quotes and escapes", Bytes("ECHO \"a\\x41\\n\\t\\r\\b\\a\\\\\\\"b\\z\\xZZ\"\r\n"),
            One("ECHO", "aA\n\t\r\b\a\\\"bzxZZ"));
        yield return new("inline single quotes", Bytes("ECHO 'it\\'s \\n \"x\"'\r\n"), One("ECHO", "it's \\n \"x\""));
        yield return new("inline quoted spaces", Bytes("SET \"my key\" 'a b'\r\n"), One("SET", "my key", "a b"));
        yield return new("inline empty quotes", Bytes("ECHO \"\" ''\r\n"), One("ECHO", "", ""));
        yield return new("inline hex escapes", Bytes("ECHO \"\\xfF\\x00\\x7e\"\r\n"), One("ECHO", "\xff\0~"));
        yield return new("inline quote joins a word", Bytes("ECHO ab\"c d\"\r\n"), One("ECHO", "abc d"));
        yield return new("inline closing quote then tab", Bytes("ECHO \"x\"\t\"y\"\r\n"), One("ECHO", "x", "y"));
        yield return new("inline vertical tab inside a word", Bytes("ECHO a\vb\r\n"), One("ECHO", "a\vb"));
        yield return new("inline form feed between words", Bytes("ECHO \fb\r\n"), One("ECHO", "b"));
        yield return new("inline empty line", Bytes("\r\n\n\r\nPING\r\n"), One("PING"));
        yield return new("inline blank line", Bytes("  \t \r\n"), []);
        yield return new("inline line of 65536 bytes", Cat(new string('a', 65536), "\n"), One(new string('a', 65536)));
        yield return new("inline NUL waits like Redis's strchr", Bytes("PING\0\r\n"), [], Waits: true);
        yield return new("header NUL waits like Redis's strchr", Bytes("*1\0\r\n"), [], Waits: true);
        yield return new("incomplete command waits", Bytes("*2\r\n$3\r\nGET\r\n$1\r\nk"), [], Waits: true);
        yield return new("1048576 arguments is allowed", Bytes("*1048576\r\n"), [], Waits: true);
        yield return new("bulk of proto-max-bulk-len is allowed", Bytes("*1\r\n$536870912\r\n"), [], Waits: true);
        yield return new("bulk at a lowered proto-max-bulk-len", Bytes("*1\r\n$10\r\n0123456789\r\n"), One("0123456789"), MaxBulkLength: 10);
        yield return new("unauthenticated: 10 arguments", Bytes("*10\r\n"), [], Authenticated: false, Waits: true);
        yield return new("unauthenticated: 16384-byte bulk", Bytes("*1\r\n$16384\r\n"), [], Authenticated: false, Waits: true);
        yield return new("unauthenticated: AUTH passes", Encode("AUTH", "secret"), One("AUTH", "secret"), Authenticated: false);

        var many = new List<byte>();
        var expected = new List<string[]>();
        for (int i = 0; i < 30; i++)
        {
            switch (i % 4)
            {
                case 0: many.AddRange(Encode("SET", "key:" + i, "v" + i)); expected.Add(["SET", "key:" + i, "v" + i]); break;
                case 1: many.AddRange(Bytes($"GET key:{i}\r\n")); expected.Add(["GET", "key:" + i]); break;
                case 2: many.AddRange(Bytes("*0\r\n\r\n")); break;
                default: many.AddRange(Encode("INCR", "n")); expected.Add(["INCR", "n"]); break;
            }
        }
        yield return new("many commands in one buffer", many.ToArray(), expected.ToArray());
    }

    public static IEnumerable<Case> Errors()
    {
        yield return new("multibulk length not a number", Bytes("*abc\r\n"), [], "invalid multibulk length");
        yield return new("multibulk length empty", Bytes("*\r\n"), [], "invalid multibulk length");
        yield return new("multibulk length with plus", Bytes("*+1\r\n"), [], "invalid multibulk length");
        yield return new("multibulk length with leading zero", Bytes("*01\r\n"), [], "invalid multibulk length");
        yield return new("multibulk length over 1048576", Bytes("*1048577\r\n"), [], "invalid multibulk length");
        yield return new("multibulk length over INT_MAX", Bytes("*2147483648\r\n"), [], "invalid multibulk length");
        yield return new("bulk length negative", Bytes("*1\r\n$-1\r\n"), [], "invalid bulk length");
        yield return new("bulk length not a number", Bytes("*1\r\n$x\r\n"), [], "invalid bulk length");
        yield return new("bulk length empty", Bytes("*1\r\n$\r\n"), [], "invalid bulk length");
        yield return new("bulk length over proto-max-bulk-len", Bytes("*1\r\n$536870913\r\n"), [], "invalid bulk length");
        yield return new("bulk length over a lowered proto-max-bulk-len", Bytes("*1\r\n$11\r\n"), [], "invalid bulk length", MaxBulkLength: 10);
        yield return new("expected $ got x", Bytes("*1\r\nx\r\n"), [], "expected '$', got 'x'");
        yield return new("expected $ got colon", Bytes("*2\r\n$4\r\nPING\r\n:1\r\n"), [], "expected '$', got ':'");
        yield return new("expected $ got CR", Bytes("*1\r\n\r\n"), [], "expected '$', got '\r'");
        yield return new("expected $ got 0xFF", Bytes("*1\r\n\xff\r\n"), [], "expected '$', got '\xff'");
        yield return new("too big mbulk count string", Cat("*", new string('1', 70000)), [], "too big mbulk count string");
        yield return new("too big bulk count string", Cat("*1\r\n$", new string('1', 70000)), [], "too big bulk count string");
        yield return new("too big inline request", Bytes(new string('a', 65537)), [], "too big inline request");
        yield return new("too big inline request behind a NUL", Cat("PING\0", new string('a', 65533), "\r\n"), [], "too big inline request");
        yield return new("unbalanced double quote", Bytes("SET k \"abc\r\n"), [], "unbalanced quotes in request");
        yield return new("unbalanced single quote", Bytes("SET k 'abc\r\n"), [], "unbalanced quotes in request");
        yield return new("closing quote followed by a letter", Bytes("SET k \"abc\"d\r\n"), [], "unbalanced quotes in request");
        yield return new("backslash before the end of a quote", Bytes("ECHO \"x\\\r\n"), [], "unbalanced quotes in request");
        yield return new("commands before an error still run", Bytes("*1\r\n$4\r\nPING\r\nPING\r\n*x\r\n*1\r\n$4\r\nPING\r\n"),
            [["PING"], ["PING"]], "invalid multibulk length");
        yield return new("unauthenticated multibulk length", Bytes("*11\r\n"), [], "unauthenticated multibulk length", Authenticated: false);
        yield return new("unauthenticated multibulk length beats the size limit", Bytes("*2000000\r\n"), [], "unauthenticated multibulk length", Authenticated: false);
        yield return new("unauthenticated bulk length", Bytes("*1\r\n$16385\r\n"), [], "unauthenticated bulk length", Authenticated: false);
        yield return new("unauthenticated: negative bulk is still invalid", Bytes("*1\r\n$-1\r\n"), [], "invalid bulk length", Authenticated: false);
        yield return new("unauthenticated: huge bulk is still invalid", Bytes("*1\r\n$600000000\r\n"), [], "invalid bulk length", Authenticated: false);
    }

    public static IEnumerable<Case> All() => Valid().Concat(Errors());

    /// <summary>The split points to try: all of them for small inputs; for the 64 KB ones, a stride plus the edges.</summary>
    public static IEnumerable<int> SplitPoints(int length)
    {
        if (length <= 4096)
        {
            for (int i = 0; i <= length; i++) yield return i;
            yield break;
        }
        var points = new SortedSet<int>();
        for (int i = 0; i <= length; i += 997) points.Add(i);
        foreach (int edge in new[] { 0, 1, 2, 3, 4, 5, 6, 16383, 16384, 16385, 65535, 65536, 65537, length - 2, length - 1, length })
        {
            if (edge >= 0 && edge <= length) points.Add(edge);
        }
        foreach (int p in points) yield return p;
    }

    public static string Describe(IEnumerable<string[]> commands) =>
        string.Join(" | ", commands.Select(c => "[" + string.Join(",", c) + "]"));

    public static string Ascii(string s) => Encoding.ASCII.GetString(Encoding.ASCII.GetBytes(s));
}
