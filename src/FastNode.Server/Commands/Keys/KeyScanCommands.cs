using System.Buffers.Text;
using FastNode.Protocol;
using FastNode.Server.Storage;

namespace FastNode.Server.Commands.Keys;

/// <summary>
/// KEYS and SCAN. Both walk the database one shard lock at a time (never all at once), so they never stall the
/// server for longer than one shard's share of the work; the cursor is <see cref="Database.Scan{TVisitor}"/>'s.
/// </summary>
public static class KeyScanCommands
{
    private const int DefaultCount = 10;

    public static void Keys(ref CommandContext ctx)
    {
        var visitor = new KeyScanVisitor(ctx.Args[1], default);
        try
        {
            ctx.Db.ScanAll(ctx.NowMs, ref visitor);
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

        var visitor = new KeyScanVisitor(pattern, type);
        try
        {
            ulong next = ctx.Db.Scan(cursor, (int)Math.Min(count, int.MaxValue), ctx.NowMs, ref visitor);
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
