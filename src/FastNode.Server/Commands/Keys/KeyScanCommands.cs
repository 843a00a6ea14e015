using System.Buffers.Text;
using FastNode.Protocol;
using FastNode.Server.Storage;

namespace FastNode.Server.Commands.Keys;

/// <summary>
/// KEYS and SCAN. Both walk the shards one lock at a time (never all at once), so they never stall the server for
/// longer than one shard's share of the work.
///
/// SCAN cursor layout: <c>(shardCursor &lt;&lt; db.ShardBits) | shardIndex</c>. The low bits say which shard we
/// are in, the rest is that shard's reverse-binary bucket cursor (<see cref="Shard.Scan{TVisitor}"/>), which stays
/// valid while the shard's table grows or shrinks. Shards are visited in index order, so every key present for
/// the whole scan is returned at least once.
/// </summary>
public static class KeyScanCommands
{
    private const int DefaultCount = 10;

    public static void Keys(ref CommandContext ctx)
    {
        var db = ctx.Db;
        var visitor = new KeyScanVisitor(ctx.Args[1], default, ctx.NowMs);
        try
        {
            for (int s = 0; s < db.ShardCount; s++)
            {
                var shard = db.ShardAt(s);
                lock (shard.Lock)
                {
                    shard.Scan(0, int.MaxValue, ref visitor);
                }
            }
            WriteKeys(ref ctx, visitor.Keys);
        }
        finally
        {
            visitor.Dispose();
        }
    }

    public static void Scan(ref CommandContext ctx)
    {
        if (!TryParseCursor(ctx.Args[1], out ulong cursor))
        {
            ctx.Writer.WriteError(RespErrors.InvalidCursor);
            return;
        }
        ReadOnlySpan<byte> pattern = default, type = default;
        long count = DefaultCount;
        for (int a = 2; a < ctx.Args.Count; a += 2)
        {
            var option = ctx.Args[a];
            bool hasValue = a + 1 < ctx.Args.Count;
            if (hasValue && Ascii.EqualsIgnoreCase(option, "COUNT"u8))
            {
                if (!Numbers.TryParseInt64(ctx.Args[a + 1], out count))
                {
                    ctx.Writer.WriteError(RespErrors.NotInteger);
                    return;
                }
                if (count < 1)
                {
                    ctx.Writer.WriteError(RespErrors.Syntax);
                    return;
                }
            }
            else if (hasValue && Ascii.EqualsIgnoreCase(option, "MATCH"u8)) pattern = ctx.Args[a + 1];
            else if (hasValue && Ascii.EqualsIgnoreCase(option, "TYPE"u8)) type = ctx.Args[a + 1];
            else
            {
                ctx.Writer.WriteError(RespErrors.Syntax);
                return;
            }
        }

        var db = ctx.Db;
        var visitor = new KeyScanVisitor(pattern, type, ctx.NowMs);
        try
        {
            ulong next = ScanStep(db, cursor, (int)Math.Min(count, int.MaxValue), ref visitor);
            ctx.Writer.WriteArrayHeader(2);
            Span<byte> digits = stackalloc byte[20];
            Utf8Formatter.TryFormat(next, digits, out int n);
            ctx.Writer.WriteBulkString(digits.Slice(0, n));
            WriteKeys(ref ctx, visitor.Keys);
        }
        finally
        {
            visitor.Dispose();
        }
    }

    /// <summary>Visits at least <paramref name="count"/> entries (fewer at the end) and returns the next global cursor.</summary>
    private static ulong ScanStep(Database db, ulong cursor, int count, ref KeyScanVisitor visitor)
    {
        int bits = db.ShardBits;
        int shardIndex = (int)(cursor & (ulong)(db.ShardCount - 1));
        ulong shardCursor = cursor >> bits;
        while (true)
        {
            var shard = db.ShardAt(shardIndex);
            int seenBefore = visitor.Seen;
            lock (shard.Lock)
            {
                shardCursor = shard.Scan(shardCursor, count, ref visitor);
            }
            count -= visitor.Seen - seenBefore;
            if (shardCursor == 0 && ++shardIndex == db.ShardCount) return 0;
            if (count <= 0) return (shardCursor << bits) | (uint)shardIndex;
        }
    }

    /// <summary>
    /// Redis reads the cursor with strtoul: optional '+' or '-' (which wraps, so "-1" is 2^64-1), decimal digits,
    /// nothing after them, no leading space, no overflow. An empty string is cursor 0.
    /// </summary>
    private static bool TryParseCursor(ReadOnlySpan<byte> text, out ulong cursor)
    {
        cursor = 0;
        int i = 0;
        bool negative = false;
        if (i < text.Length && (text[i] == (byte)'+' || text[i] == (byte)'-'))
        {
            negative = text[i] == (byte)'-';
            i++;
        }
        if (i == text.Length) return text.IsEmpty;   // "" is accepted; a lone sign is not a number
        for (; i < text.Length; i++)
        {
            uint digit = (uint)(text[i] - '0');
            if (digit > 9) return false;
            if (cursor > (ulong.MaxValue - digit) / 10) return false;
            cursor = cursor * 10 + digit;
        }
        if (negative) cursor = 0 - cursor;
        return true;
    }

    private static void WriteKeys(ref CommandContext ctx, ReadOnlySpan<byte[]> keys)
    {
        ctx.Writer.WriteArrayHeader(keys.Length);
        foreach (var key in keys) ctx.Writer.WriteBulkString(key);
    }
}
