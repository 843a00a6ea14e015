using FastNode.Protocol;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Streams;

namespace FastNode.Server.Commands.Streams;

/// <summary>XINFO STREAM [FULL [COUNT n]], XINFO GROUPS, XINFO CONSUMERS and XINFO HELP, in Redis 7.0's reply shapes.</summary>
public static class StreamInfoCommands
{
    public static void Stream(ref CommandContext ctx)
    {
        bool full = false;
        long count = 10;
        if (ctx.Args.Count > 3)
        {
            if (!Ascii.EqualsIgnoreCase(ctx.Args[3], "FULL"u8))
            {
                StreamGroupCommands.WriteSubcommandSyntaxError(ref ctx);
                return;
            }
            full = true;
            if (ctx.Args.Count == 6 && Ascii.EqualsIgnoreCase(ctx.Args[4], "COUNT"u8))
            {
                if (!Numbers.TryParseInt64(ctx.Args[5], out count))
                {
                    ctx.Writer.WriteError(RespErrors.NotInteger);
                    return;
                }
                if (count < 0) count = 10;
            }
            else if (ctx.Args.Count != 4)
            {
                StreamGroupCommands.WriteSubcommandSyntaxError(ref ctx);
                return;
            }
        }
        using var k = ctx.Open(ctx.Args[2], Lookup.Read);
        if (!TryGetStream(ref ctx, in k, out var s)) return;
        ref var w = ref ctx.Writer;
        w.WriteMapHeader(full ? 9 : 10);
        w.WriteBulkString("length"u8);
        w.WriteInteger(s.Length);
        w.WriteBulkString("radix-tree-keys"u8);
        w.WriteInteger(s.NodeCount);
        w.WriteBulkString("radix-tree-nodes"u8);
        w.WriteInteger(RadixTreeNodes(s));
        w.WriteBulkString("last-generated-id"u8);
        StreamReplies.WriteId(ref w, s.LastId);
        w.WriteBulkString("max-deleted-entry-id"u8);
        StreamReplies.WriteId(ref w, s.MaxDeletedId);
        w.WriteBulkString("entries-added"u8);
        w.WriteInteger(s.EntriesAdded);
        w.WriteBulkString("recorded-first-entry-id"u8);
        StreamReplies.WriteId(ref w, s.FirstId);
        if (!full)
        {
            w.WriteBulkString("groups"u8);
            w.WriteInteger(s.GroupCount);
            w.WriteBulkString("first-entry"u8);
            WriteEdgeEntry(ref w, s, reverse: false);
            w.WriteBulkString("last-entry"u8);
            WriteEdgeEntry(ref w, s, reverse: true);
            return;
        }
        w.WriteBulkString("entries"u8);
        StreamReplies.WriteRange(ref w, s, StreamId.Min, StreamId.Max, count, reverse: false);
        w.WriteBulkString("groups"u8);
        w.WriteArrayHeader(s.GroupCount);
        long now = ctx.NowMs;
        for (int i = 0; i < s.GroupCount; i++) WriteGroupFull(ref w, s, s.GroupAt(i), count);
    }

    private static void WriteEdgeEntry(ref RespWriter w, StreamValue s, bool reverse)
    {
        var it = new StreamIterator(s, StreamId.Min, StreamId.Max, reverse);
        if (it.MoveNext()) StreamReplies.WriteEntry(ref w, ref it);
        else w.WriteNullBulk();
    }

    private static void WriteGroupFull(ref RespWriter w, StreamValue s, StreamGroup g, long count)
    {
        w.WriteMapHeader(7);
        w.WriteBulkString("name"u8);
        w.WriteBulkString(g.Name);
        w.WriteBulkString("last-delivered-id"u8);
        StreamReplies.WriteId(ref w, g.LastId);
        WriteEntriesReadAndLag(ref w, s, g);
        w.WriteBulkString("pel-count"u8);
        w.WriteInteger(g.Pending.Count);
        w.WriteBulkString("pending"u8);
        int n = count == 0 ? g.Pending.Count : (int)Math.Min(count, g.Pending.Count);
        w.WriteArrayHeader(n);
        int i = 0;
        foreach (var e in g.Pending)
        {
            if (i++ == n) break;
            w.WriteArrayHeader(4);
            StreamReplies.WriteId(ref w, e.Id);
            w.WriteBulkString(e.Consumer.Name);
            w.WriteInteger(e.DeliveryTime);
            w.WriteInteger(e.DeliveryCount);
        }
        w.WriteBulkString("consumers"u8);
        w.WriteArrayHeader(g.Consumers.Count);
        foreach (var c in g.Consumers)
        {
            w.WriteMapHeader(4);
            w.WriteBulkString("name"u8);
            w.WriteBulkString(c.Name);
            w.WriteBulkString("seen-time"u8);
            w.WriteInteger(c.SeenTime);
            w.WriteBulkString("pel-count"u8);
            w.WriteInteger(c.Pending.Count);
            w.WriteBulkString("pending"u8);
            int m = count == 0 ? c.Pending.Count : (int)Math.Min(count, c.Pending.Count);
            w.WriteArrayHeader(m);
            int j = 0;
            foreach (var e in c.Pending)
            {
                if (j++ == m) break;
                w.WriteArrayHeader(3);
                StreamReplies.WriteId(ref w, e.Id);
                w.WriteInteger(e.DeliveryTime);
                w.WriteInteger(e.DeliveryCount);
            }
        }
    }

    private static void WriteEntriesReadAndLag(ref RespWriter w, StreamValue s, StreamGroup g)
    {
        w.WriteBulkString("entries-read"u8);
        if (g.EntriesRead != StreamGroup.InvalidEntriesRead) w.WriteInteger(g.EntriesRead);
        else w.WriteNullBulk();
        w.WriteBulkString("lag"u8);
        if (s.Lag(g) is { } lag) w.WriteInteger(lag);
        else w.WriteNullBulk();
    }

    public static void Groups(ref CommandContext ctx)
    {
        using var k = ctx.Open(ctx.Args[2], Lookup.Read);
        if (!TryGetStream(ref ctx, in k, out var s)) return;
        ref var w = ref ctx.Writer;
        w.WriteArrayHeader(s.GroupCount);
        for (int i = 0; i < s.GroupCount; i++)
        {
            var g = s.GroupAt(i);
            w.WriteMapHeader(6);
            w.WriteBulkString("name"u8);
            w.WriteBulkString(g.Name);
            w.WriteBulkString("consumers"u8);
            w.WriteInteger(g.Consumers.Count);
            w.WriteBulkString("pending"u8);
            w.WriteInteger(g.Pending.Count);
            w.WriteBulkString("last-delivered-id"u8);
            StreamReplies.WriteId(ref w, g.LastId);
            WriteEntriesReadAndLag(ref w, s, g);
        }
    }

    public static void Consumers(ref CommandContext ctx)
    {
        using var k = ctx.Open(ctx.Args[2], Lookup.Read);
        if (!TryGetStream(ref ctx, in k, out var s)) return;
        var g = s.FindGroup(ctx.Args[3]);
        if (g is null)
        {
            ctx.Writer.WriteError(StreamErrors.NoGroupForKey(ctx.Args[2], ctx.Args[3]));
            return;
        }
        ref var w = ref ctx.Writer;
        long now = ctx.NowMs;
        w.WriteArrayHeader(g.Consumers.Count);
        foreach (var c in g.Consumers)
        {
            w.WriteMapHeader(3);
            w.WriteBulkString("name"u8);
            w.WriteBulkString(c.Name);
            w.WriteBulkString("pending"u8);
            w.WriteInteger(c.Pending.Count);
            w.WriteBulkString("idle"u8);
            w.WriteInteger(Math.Max(0, now - c.SeenTime));
        }
    }

    public static void Help(ref CommandContext ctx) => Server.HelpText.Write(ref ctx, "XINFO", Lines);

    private static readonly string[] Lines =
    [
        "CONSUMERS <key> <group>",
        "    Lists the consumers of a group with their pending entries and idle time.",
        "GROUPS <key>",
        "    Lists the consumer groups of a stream.",
        "STREAM <key> [FULL [COUNT <n>]]",
        "    Describes a stream; FULL adds its entries, groups, PELs and consumers.",
    ];

    private static bool TryGetStream(ref CommandContext ctx, scoped in KeyHandle k, out StreamValue s)
    {
        s = k.Get<StreamValue>(ValueKind.Stream, out bool wrongType)!;
        if (wrongType) ctx.Writer.WriteError(RespErrors.WrongType);
        else if (s is null) ctx.Writer.WriteError(StreamErrors.NoSuchKey);
        return s is not null;
    }

    /// <summary>
    /// The node count of the radix tree Redis would hold for these master IDs (16-byte big-endian keys): an empty
    /// tree is its root; a run of bytes all keys share below a point is one compressed node; where they part, one
    /// branching node; each key ends in a leaf. XINFO reports it, so FastNode works it out from the node keys.
    /// </summary>
    internal static long RadixTreeNodes(StreamValue s)
    {
        if (s.NodeCount == 0) return 1;
        var keys = new byte[s.NodeCount][];
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = new byte[16];
            s.NodeAt(i).Master.WriteBigEndian(keys[i]);
        }
        return Count(keys, 0, keys.Length, 0);
    }

    private static long Count(byte[][] keys, int from, int to, int depth)
    {
        if (depth == 16) return 1;
        if (to - from == 1) return 2;
        // Keys are sorted: the common prefix of the range is that of its first and last key.
        int common = depth;
        while (common < 16 && keys[from][common] == keys[to - 1][common]) common++;
        long nodes = common > depth ? 2 : 1;
        for (int i = from; i < to;)
        {
            int j = i + 1;
            while (j < to && keys[j][common] == keys[i][common]) j++;
            nodes += Count(keys, i, j, common + 1);
            i = j;
        }
        return nodes;
    }
}
