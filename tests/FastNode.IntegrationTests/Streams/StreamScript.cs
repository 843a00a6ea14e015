namespace FastNode.IntegrationTests.Streams;

/// <summary>
/// Commands for the comparisons with redis-server: every stream command with its options, errors and edge cases,
/// with explicit IDs so the replies do not depend on the clock. One command per line, arguments split on spaces.
/// </summary>
internal static class StreamScript
{
    public static IEnumerable<string> Lines()
    {
        foreach (var line in Basics.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.Length > 0 && !trimmed.StartsWith('#')) yield return trimmed;
        }
        // 350 entries of 3 fields make four nodes of 100: approximate trims remove whole nodes only.
        for (int i = 1; i <= 350; i++) yield return $"XADD big {i}-1 f1 v{i} f2 {i * 7} f3 hello";
        yield return "XINFO STREAM big";
        yield return "XTRIM big MAXLEN ~ 120";
        yield return "XTRIM big MAXLEN ~ 10 LIMIT 50";
        yield return "XTRIM big MINID ~ 300";
        yield return "XTRIM big MINID 320";
        yield return "XDEL big 330-1 331-1 320-1 321-1";
        yield return "XINFO STREAM big";
        yield return "XREVRANGE big 340 330";
        yield return "XRANGE big (335-1 + COUNT 3";
        // IDs spread so that the radix tree has compressed and branching nodes (XINFO radix-tree-nodes).
        for (int i = 1; i < 1200; i++) yield return $"XADD big2 {i * 1000 + i % 7}-{i % 3} a {i}";
        yield return "XINFO STREAM big2";
        yield return "XADD big2 MINID = 1100000 9999999-1 a x";
        yield return "XINFO STREAM big2";
        yield return "XADD big2 MAXLEN ~ 500 9999999-5 a x";
        yield return "XINFO STREAM big2";
    }

    private const string Basics = """
        XADD s 1-1 a 1 b 2
        XADD s 1-1 a 1
        XADD s 0-0 a 1
        XADD s2 0-* a 1
        XADD s 1-* a 1
        XADD s 1-5 a 1 b
        XADD s 2 x y
        XADD s 3-1 a 1 b 2 c 3
        XADD s NOMKSTREAM 4-1 a 1
        XADD nope NOMKSTREAM 4-1 a 1
        EXISTS nope
        XADD s MAXLEN 1 MINID 1 5-1 a 1
        XADD s LIMIT 10 5-1 a 1
        XADD s MAXLEN 10 LIMIT 10 5-1 a 1
        XADD s MAXLEN -1 5-1 a 1
        XADD s MAXLEN abc 5-1 a 1
        XADD s MINID abc 5-1 a 1
        XADD s LIMIT -1 5-1 a 1
        XADD s bad-id a 1
        XADD s 18446744073709551615-18446744073709551615 a 1
        XADD s 18446744073709551616 a 1
        XADD s -1 a 1
        XADD s + a 1
        XADD s 5
        XLEN s
        XRANGE s - +
        XRANGE s - + COUNT 2
        XRANGE s - + COUNT 0
        XRANGE s - + COUNT -1
        XRANGE nokey - + COUNT 0
        XRANGE s (1-1 +
        XRANGE s - (3-1
        XRANGE s (- +
        XRANGE s - (+
        XRANGE s (18446744073709551615-18446744073709551615 +
        XRANGE s - (0-0
        XRANGE s 2 2
        XRANGE s 1 1
        XRANGE s - + COUNT
        XRANGE s - + FOO 1
        XRANGE s x +
        XREVRANGE s + -
        XREVRANGE s + - COUNT 1
        XREVRANGE s (3-1 -
        XDEL s 1-2
        XDEL s 1-1 bad
        XDEL nokey bad
        XDEL s 1-1 1-1 9-9
        XLEN s
        XINFO STREAM s
        XSETID s 1-0
        XSETID s 99-0
        XSETID s 99-0 ENTRIESADDED 1
        XSETID s 99-0 ENTRIESADDED -1
        XSETID s 99-0 MAXDELETEDID 100-0
        XSETID s 99-0 MAXDELETEDID 3-0 ENTRIESADDED 50
        XSETID nokey 1-1
        XSETID s 99-0 FOO
        XINFO STREAM s
        XADD s 99-0 a 1
        XADD s 99-* a 1
        SET str x
        XADD str 1-1 a 1
        XLEN str
        XRANGE str - +
        XTRIM s MAXLEN 1
        XTRIM s
        XTRIM s FOO 1
        XTRIM s MAXLEN = 0
        XTRIM nokey MAXLEN 0
        XTRIM s MINID ~ 0 LIMIT 1
        XTRIM s MAXLEN 1 LIMIT 1
        XLEN s
        EXISTS s
        TYPE s
        OBJECT ENCODING s
        XREAD STREAMS s
        XREAD STREAMS s 0 extra
        XREAD COUNT x STREAMS s 0
        XREAD BLOCK x STREAMS s 0
        XREAD BLOCK -1 STREAMS s 0
        XREAD GROUP g c STREAMS s 0
        XREAD NOACK STREAMS s 0
        XREAD FOO STREAMS s 0
        XREAD COUNT 1
        XREAD STREAMS s >
        XREAD STREAMS s bad
        XREAD STREAMS str 0
        XREAD STREAMS nokey 0
        XREAD STREAMS nokey $
        XREAD STREAMS s $
        XADD r 1-1 a 1
        XADD r 2-1 b 2
        XADD r 3-1 c 3
        XREAD STREAMS r nokey 0 0
        XREAD COUNT 1 STREAMS r r 0 1-1
        XREAD COUNT -5 STREAMS r 0
        XREADGROUP GROUP g c STREAMS r >
        XREADGROUP STREAMS r >
        XREADGROUP GROUP g c STREAMS r $
        XGROUP CREATE r g 0
        XGROUP CREATE r g 0
        XGROUP CREATE r g2 $ ENTRIESREAD 2
        XGROUP CREATE r g3 1-1 ENTRIESREAD -2
        XGROUP CREATE r g3 bad
        XGROUP CREATE r g3 0 FOO
        XGROUP CREATE nokey g 0
        XGROUP CREATE mk g $ MKSTREAM
        XLEN mk
        XINFO GROUPS mk
        XGROUP CREATE str g 0
        XGROUP SETID r nogroup 0
        XGROUP SETID r g 0 ENTRIESREAD
        XGROUP SETID r g 0 FOO 1
        XGROUP SETID nokey g 0
        XGROUP CREATECONSUMER r g alice
        XGROUP CREATECONSUMER r g alice
        XGROUP CREATECONSUMER r nog alice
        XGROUP DELCONSUMER r g bob
        XGROUP DESTROY r nog
        XGROUP DESTROY nokey g
        XGROUP FOO
        XGROUP CREATE r
        XREADGROUP GROUP g c STREAMS r >
        XREADGROUP GROUP g c STREAMS r 0
        XREADGROUP GROUP g c COUNT 1 STREAMS r 0
        XREADGROUP GROUP g c2 COUNT 1 STREAMS r >
        XREADGROUP GROUP nog c STREAMS r >
        XREADGROUP GROUP g c STREAMS nokey >
        XREADGROUP GROUP g c STREAMS str >
        XINFO GROUPS r
        XPENDING r g
        XPENDING r g - + 10 nobody
        XPENDING r g IDLE 0 - +
        XPENDING r g - +
        XPENDING r g x + 10
        XPENDING r g - + x
        XPENDING r nog
        XPENDING nokey g
        XPENDING str g
        XACK r g 1-1 bad
        XACK r g 1-1 1-1
        XACK r nog 1-1
        XACK nokey g 1-1
        XPENDING r g
        XCLAIM r g bob 0 2-1 JUSTID
        XCLAIM r g bob 0 2-1 9-9 JUSTID
        XCLAIM r g bob x 2-1
        XCLAIM r g bob 0 2-1 FOO
        XCLAIM r g bob 0 2-1 IDLE x
        XCLAIM r g bob 0 2-1 TIME x
        XCLAIM r g bob 0 2-1 RETRYCOUNT x
        XCLAIM r g bob 0 2-1 LASTID x
        XCLAIM r g bob 0 2-1 RETRYCOUNT 7 JUSTID
        XCLAIM r nog bob 0 2-1
        XCLAIM nokey g bob 0 2-1
        XCLAIM r g bob 100000 3-1
        XCLAIM r g bob 0 3-1 FORCE JUSTID
        XPENDING r g
        XDEL r 3-1
        XCLAIM r g bob 0 3-1
        XAUTOCLAIM r g carol 0 0 COUNT 1
        XAUTOCLAIM r g carol 0 0
        XAUTOCLAIM r g carol 0 0 JUSTID
        XAUTOCLAIM r g carol 0 0 COUNT 0
        XAUTOCLAIM r g carol 0 0 COUNT x
        XAUTOCLAIM r g carol x 0
        XAUTOCLAIM r g carol 0 x
        XAUTOCLAIM r g carol 0 0 FOO
        XAUTOCLAIM r nog carol 0 0
        XAUTOCLAIM nokey g carol 0 0
        XPENDING r g
        XGROUP DELCONSUMER r g carol
        XINFO GROUPS r
        XINFO STREAM r
        XINFO STREAM nokey
        XINFO STREAM str
        XINFO STREAM r FULL FOO
        XINFO STREAM r FOO
        XINFO CONSUMERS r nog
        XINFO CONSUMERS nokey g
        XINFO GROUPS nokey
        XINFO FOO
        XGROUP DESTROY r g
        XINFO GROUPS r
        XADD v 1-1 a 1 b 2
        XADD v 1-2 a 1 c 2
        XADD v 1-3 a 1
        XADD v 1-4 a 1 b 2
        XADD v 1-5 a -5 b 123456789012 c 9223372036854775807 d 9223372036854775808 e 007 f -0
        XRANGE v - +
        XREVRANGE v + -
        XDEL v 1-1
        XINFO STREAM v
        XGROUP CREATE v g 0
        XREADGROUP GROUP g c1 COUNT 2 STREAMS v >
        XREADGROUP GROUP g c2 NOACK STREAMS v >
        XINFO GROUPS v
        XDEL v 1-2
        XREADGROUP GROUP g c1 STREAMS v 0
        XINFO GROUPS v
        XGROUP SETID v g 0
        XINFO GROUPS v
        XREADGROUP GROUP g c3 STREAMS v >
        XINFO GROUPS v
        XGROUP SETID v g $ ENTRIESREAD 10
        XINFO GROUPS v
        XADD v 2-1 z z
        XINFO GROUPS v
        XAUTOCLAIM v g c9 0 0 COUNT 1 JUSTID
        XAUTOCLAIM v g c9 0 1-4 COUNT 1 JUSTID
        XAUTOCLAIM v g c9 0 (1-4 JUSTID
        XPENDING v g
        XGROUP CREATE e g $ MKSTREAM
        XINFO STREAM e
        XINFO GROUPS e
        XREAD STREAMS e 0
        XREADGROUP GROUP g c STREAMS e >
        XREADGROUP GROUP g c STREAMS e 0
        HELLO 3
        XRANGE r - + COUNT 0
        XREAD STREAMS r 0
        XREAD STREAMS nokey 0
        XINFO STREAM e
        XINFO GROUPS v
        XPENDING v g
        XPENDING r g
        HELLO 2
        """;

    /// <summary>Streams with groups, consumers and PELs (explicit IDs), for the persistence and replication comparisons.</summary>
    public static void FillGroups(RawClient c)
    {
        for (int i = 1; i <= 230; i++) c.Call("XADD", "chat", $"{i}-0", "user", i % 3 == 0 ? "amy" : "bob", "text", $"message {i}");
        c.Call("XDEL", "chat", "5-0", "150-0", "201-0");
        c.Call("XGROUP", "CREATE", "chat", "readers", "0");
        c.Call("XGROUP", "CREATE", "chat", "archivers", "100-0", "ENTRIESREAD", "100");
        c.Call("XREADGROUP", "GROUP", "readers", "alice", "COUNT", "7", "STREAMS", "chat", ">");
        c.Call("XREADGROUP", "GROUP", "readers", "bob", "COUNT", "5", "STREAMS", "chat", ">");
        c.Call("XREADGROUP", "GROUP", "archivers", "zed", "COUNT", "120", "STREAMS", "chat", ">");
        c.Call("XACK", "chat", "readers", "2-0", "3-0");
        c.Call("XCLAIM", "chat", "readers", "carol", "0", "8-0", "9-0", "TIME", "1700000000000", "RETRYCOUNT", "4");
        c.Call("XGROUP", "CREATECONSUMER", "chat", "readers", "idle");
        c.Call("XGROUP", "CREATE", "empty", "g", "$", "MKSTREAM");
        c.Call("XADD", "small", "1-1", "a", "1");
        c.Call("XSETID", "small", "7-7", "ENTRIESADDED", "9", "MAXDELETEDID", "2-2");
    }
}
