using FastNode.Protocol;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Hashes;
using FastNode.Server.Text;

namespace FastNode.Server.Commands.Hashes;

/// <summary>HRANDFIELD and HSCAN: the hash commands that walk or sample the fields.</summary>
public static class HashRandomScanCommands
{
    /// <summary>
    /// HRANDFIELD key [count [WITHVALUES]]. Without a count: one field or nil. With one: a positive count gives
    /// distinct fields (the whole hash when count &gt;= size), a negative one |count| fields that may repeat.
    /// WITHVALUES pairs are a flat array in RESP2 and an array of two-element arrays in RESP3 (Redis 7.0).
    /// </summary>
    public static void HRandField(ref CommandContext ctx)
    {
        if (ctx.Args.Count == 2)
        {
            RandomField(ref ctx);
            return;
        }
        if (!Numbers.TryParseInt64(ctx.Args[2], out long count))
        {
            ctx.Writer.WriteError(RespErrors.NotInteger);
            return;
        }
        if (count == long.MinValue)
        {
            ctx.Writer.WriteError(RespErrors.CountOutOfRange);
            return;
        }
        bool withValues = false;
        if (ctx.Args.Count > 4 || ctx.Args.Count == 4 && !Ascii.EqualsIgnoreCase(ctx.Args[3], "WITHVALUES"u8))
        {
            ctx.Writer.WriteError(RespErrors.Syntax);
            return;
        }
        if (ctx.Args.Count == 4)
        {
            withValues = true;
            // Redis refuses counts whose doubled reply length would overflow a long.
            if (count < -long.MaxValue / 2 || count > long.MaxValue / 2)
            {
                ctx.Writer.WriteError(RespErrors.ValueOutOfRange);
                return;
            }
        }

        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        var h = k.Get<HashValue>(ValueKind.Hash, out bool wrongType);
        if (wrongType)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        if (h is null || count == 0)
        {
            ctx.Writer.WriteRaw(RespReplies.EmptyArray);
            return;
        }
        if (count < 0) WriteWithRepeats(ref ctx, h, -count, withValues);
        else if (count >= h.Count) WriteAll(ref ctx, h, withValues);
        else WriteDistinct(ref ctx, h, (int)count, withValues);
    }

    private static void RandomField(ref CommandContext ctx)
    {
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        var h = k.Get<HashValue>(ValueKind.Hash, out bool wrongType);
        if (wrongType) ctx.Writer.WriteError(RespErrors.WrongType);
        else if (h is null) ctx.Writer.WriteNullBulk();
        else ctx.Writer.WriteBulkString(h.FieldAt(h.RandomPosition()));
    }

    private static void WriteHeader(ref CommandContext ctx, long count, bool withValues) =>
        ctx.Writer.WriteArrayHeader((int)(withValues && !ctx.Writer.Resp3 ? count * 2 : count));

    private static void WriteEntry(ref CommandContext ctx, HashValue h, int position, bool withValues)
    {
        if (withValues && ctx.Writer.Resp3) ctx.Writer.WriteArrayHeader(2);
        ctx.Writer.WriteBulkString(h.FieldAt(position));
        if (withValues) ctx.Writer.WriteBulkString(h.ValueAt(position));
    }

    private static void WriteWithRepeats(ref CommandContext ctx, HashValue h, long count, bool withValues)
    {
        if (!RandomRepeats.Allowed(ref ctx, count)) return;
        WriteHeader(ref ctx, count, withValues);
        Span<int> positions = stackalloc int[HashValue.MaxPackedEntries];
        int packed = h.PackedPositions(positions);
        for (long i = 0; i < count; i++)
        {
            int position = packed > 0 ? positions[Random.Shared.Next(packed)] : h.RandomPosition();
            WriteEntry(ref ctx, h, position, withValues);
        }
    }

    private static void WriteAll(ref CommandContext ctx, HashValue h, bool withValues)
    {
        WriteHeader(ref ctx, h.Count, withValues);
        for (int pos = h.First(); pos >= 0; pos = h.Next(pos)) WriteEntry(ref ctx, h, pos, withValues);
    }

    /// <summary>
    /// count distinct fields, 0 &lt; count &lt; size. Selection sampling (Knuth's algorithm S) over all entries when the
    /// sample is a large share of the hash; random picks with a seen-set when it is a small share of a large one.
    /// </summary>
    private static void WriteDistinct(ref CommandContext ctx, HashValue h, int count, bool withValues)
    {
        WriteHeader(ref ctx, count, withValues);
        int size = h.Count;
        if (h.IsPacked || count * 3L > size)
        {
            int needed = count, remaining = size;
            for (int pos = h.First(); needed > 0; pos = h.Next(pos), remaining--)
            {
                if (Random.Shared.Next(remaining) >= needed) continue;
                WriteEntry(ref ctx, h, pos, withValues);
                needed--;
            }
            return;
        }
        var picked = new HashSet<int>(count);
        while (picked.Count < count)
        {
            int slot = h.RandomPosition();
            if (picked.Add(slot)) WriteEntry(ref ctx, h, slot, withValues);
        }
    }

    /// <summary>HSCAN key cursor [MATCH pattern] [COUNT count]: field/value pairs, matched on the field.</summary>
    public static void HScan(ref CommandContext ctx)
    {
        if (!CollectionScan.TryParseCursor(ctx.Args[2], out ulong cursor))
        {
            ctx.Writer.WriteError(RespErrors.InvalidCursor);
            return;
        }
        var optionError = CollectionScan.ParseOptions(ctx.Args, 3, out var pattern, out bool matchAll, out int count);
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        var h = CollectionScan.Open<HashValue>(ref ctx, in k, ValueKind.Hash, optionError);
        if (h is null) return;
        var table = h.Table;
        if (table is null)
        {
            // A packed hash is returned whole, with cursor 0, whatever the cursor was (as Redis does for listpacks).
            Span<int> positions = stackalloc int[HashValue.MaxPackedEntries];
            int n = 0;
            for (int pos = h.First(); pos >= 0; pos = h.Next(pos))
            {
                if (matchAll || GlobMatcher.IsMatch(pattern, h.FieldAt(pos))) positions[n++] = pos;
            }
            WriteScanReply(ref ctx, h, 0, positions.Slice(0, n));
            return;
        }
        var collector = new SlotCollector(count);
        try
        {
            ulong next = table.Scan(cursor, count, ref collector);
            var slots = collector.Slots;
            int n = 0;
            foreach (int slot in slots)
            {
                if (matchAll || GlobMatcher.IsMatch(pattern, h.FieldAt(slot))) slots[n++] = slot;
            }
            WriteScanReply(ref ctx, h, next, slots.Slice(0, n));
        }
        finally
        {
            collector.Dispose();
        }
    }

    private static void WriteScanReply(ref CommandContext ctx, HashValue h, ulong next, scoped ReadOnlySpan<int> positions)
    {
        CollectionScan.WriteHeader(ref ctx.Writer, next);
        ctx.Writer.WriteArrayHeader(positions.Length * 2);
        foreach (int pos in positions)
        {
            ctx.Writer.WriteBulkString(h.FieldAt(pos));
            ctx.Writer.WriteBulkString(h.ValueAt(pos));
        }
    }
}
