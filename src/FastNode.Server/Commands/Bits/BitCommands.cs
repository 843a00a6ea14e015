using FastNode.Protocol;
using FastNode.Server.Storage;
using Ev = FastNode.Server.PubSub.KeyspaceEventClass;

namespace FastNode.Server.Commands.Bits;

/// <summary>
/// SETBIT, GETBIT, BITCOUNT and BITPOS over string values (GET, SETRANGE and APPEND see the same bytes). Bit 0 is the
/// most significant bit of the first byte. A write that changes nothing (the bit already had that value) is neither
/// propagated nor notified, as in Redis 7.0.
/// </summary>
public static class BitCommands
{
    public static void SetBit(ref CommandContext ctx)
    {
        if (!BitArgs.TryParseOffset(ref ctx, ctx.Args[2], allowHash: false, 0, out long offset))
        {
            ctx.Writer.WriteError(BitArgs.BadOffset);
            return;
        }
        if (!Numbers.TryParseInt64(ctx.Args[3], out long on) || (on & ~1L) != 0)
        {
            ctx.Writer.WriteError(BitArgs.BadBit);
            return;
        }
        int index = (int)(offset >> 3);
        int shift = 7 - (int)(offset & 7);
        using var k = ctx.Open(ctx.Args[1], Lookup.Write);
        if (k.Exists && !k.IsString)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        int length = k.Exists ? k.StringLength : -1;
        if (index < length)
        {
            int old = (k.String[index] >> shift) & 1;
            if (old != on)
            {
                k.ExtendString(length)[index] ^= (byte)(1 << shift);
                ctx.Notify(Ev.String, "setbit"u8, ctx.Args[1]);
            }
            else ctx.SkipPropagation();
            ctx.Writer.WriteRaw(old == 1 ? RespReplies.One : RespReplies.Zero);
            return;
        }
        // A new key or a longer string: the zero-filled tail holds the bit.
        var bytes = k.ExtendString(index + 1);
        if (on == 1) bytes[index] |= (byte)(1 << shift);
        ctx.Notify(Ev.String, "setbit"u8, ctx.Args[1]);
        ctx.Writer.WriteRaw(RespReplies.Zero);
    }

    public static void GetBit(ref CommandContext ctx)
    {
        if (!BitArgs.TryParseOffset(ref ctx, ctx.Args[2], allowHash: false, 0, out long offset))
        {
            ctx.Writer.WriteError(BitArgs.BadOffset);
            return;
        }
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        if (!k.Exists)
        {
            ctx.Writer.WriteRaw(RespReplies.Zero);
            return;
        }
        if (!k.IsString)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        long index = offset >> 3;
        bool set = index < k.StringLength && ((k.String[(int)index] >> (7 - (int)(offset & 7))) & 1) != 0;
        ctx.Writer.WriteRaw(set ? RespReplies.One : RespReplies.Zero);
    }

    /// <summary>BITCOUNT key [start end [BYTE|BIT]]. As in Redis 7.0, a missing key answers 0 before the range is parsed.</summary>
    public static void BitCount(ref CommandContext ctx)
    {
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        if (!k.Exists)
        {
            ctx.Writer.WriteRaw(RespReplies.Zero);
            return;
        }
        if (!k.IsString)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        var bytes = k.String;
        long start = 0, end = bytes.Length - 1;
        int firstMask = 0, lastMask = 0;
        int argc = ctx.Args.Count;
        if (argc == 4 || argc == 5)
        {
            if (!Numbers.TryParseInt64(ctx.Args[2], out start) || !Numbers.TryParseInt64(ctx.Args[3], out end))
            {
                ctx.Writer.WriteError(RespErrors.NotInteger);
                return;
            }
            if (!TryParseUnit(ref ctx, argc == 5 ? 4 : 0, out bool isBit)) return;
            long total = isBit ? (long)bytes.Length << 3 : bytes.Length;
            ClampRange(total, ref start, ref end);
            if (isBit && start <= end) ToByteRange(ref start, ref end, out firstMask, out lastMask);
        }
        else if (argc != 2)
        {
            ctx.Writer.WriteError(RespErrors.Syntax);
            return;
        }
        if (start > end)
        {
            ctx.Writer.WriteRaw(RespReplies.Zero);
            return;
        }
        long count = Bitmaps.PopCount(bytes.Slice((int)start, (int)(end - start + 1)));
        // Bits of the edge bytes outside a BIT range were counted: take them out.
        if (firstMask != 0) count -= System.Numerics.BitOperations.PopCount((uint)(bytes[(int)start] & firstMask));
        if (lastMask != 0) count -= System.Numerics.BitOperations.PopCount((uint)(bytes[(int)end] & lastMask));
        ctx.Writer.WriteInteger(count);
    }

    /// <summary>BITPOS key bit [start [end [BYTE|BIT]]], with redisBitpos's rules for a clear bit past the end.</summary>
    public static void BitPos(ref CommandContext ctx)
    {
        if (!Numbers.TryParseInt64(ctx.Args[2], out long bit))
        {
            ctx.Writer.WriteError(RespErrors.NotInteger);
            return;
        }
        if (bit != 0 && bit != 1)
        {
            ctx.Writer.WriteError("ERR The bit argument must be 1 or 0.");
            return;
        }
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        if (!k.Exists)
        {
            ctx.Writer.WriteInteger(bit == 1 ? -1 : 0);
            return;
        }
        if (!k.IsString)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        var bytes = k.String;
        long start = 0, end = bytes.Length - 1;
        int firstMask = 0, lastMask = 0;
        bool endGiven = false;
        int argc = ctx.Args.Count;
        if (argc >= 4 && argc <= 6)
        {
            if (!Numbers.TryParseInt64(ctx.Args[3], out start))
            {
                ctx.Writer.WriteError(RespErrors.NotInteger);
                return;
            }
            if (!TryParseUnit(ref ctx, argc == 6 ? 5 : 0, out bool isBit)) return;
            if (argc >= 5)
            {
                if (!Numbers.TryParseInt64(ctx.Args[4], out end))
                {
                    ctx.Writer.WriteError(RespErrors.NotInteger);
                    return;
                }
                endGiven = true;
            }
            else end = isBit ? ((long)bytes.Length << 3) + 7 : bytes.Length - 1;
            long total = isBit ? (long)bytes.Length << 3 : bytes.Length;
            ClampRange(total, ref start, ref end);
            if (isBit && start <= end) ToByteRange(ref start, ref end, out firstMask, out lastMask);
        }
        else if (argc != 3)
        {
            ctx.Writer.WriteError(RespErrors.Syntax);
            return;
        }
        if (start > end)
        {
            ctx.Writer.WriteInteger(-1);
            return;
        }
        long pos = FindInRange(bytes, (int)bit, (int)start, (int)end, firstMask, lastMask, out long searchedFrom, out long searchedBytes);
        // With an explicit end, a clear bit found just past the range is not in it.
        if (endGiven && bit == 0 && pos == searchedBytes << 3)
        {
            ctx.Writer.WriteInteger(-1);
            return;
        }
        ctx.Writer.WriteInteger(pos == -1 ? -1 : pos + (searchedFrom << 3));
    }

    /// <summary>
    /// The search of BITPOS over bytes start..end, whose first and last bytes may be partly outside a BIT range
    /// (the masks mark the bits to ignore). Returns the position relative to <paramref name="searchedFrom"/>, the
    /// byte where the last search began, over <paramref name="searchedBytes"/> bytes.
    /// </summary>
    private static long FindInRange(ReadOnlySpan<byte> p, int bit, int start, int end, int firstMask, int lastMask,
        out long searchedFrom, out long searchedBytes)
    {
        long bytes = end - start + 1;
        Span<byte> one = stackalloc byte[1];
        long pos;
        if (firstMask != 0)
        {
            int b = bit == 1 ? p[start] & ~firstMask : p[start] | firstMask;
            if (lastMask != 0 && bytes == 1) b = bit == 1 ? b & ~lastMask : b | lastMask;
            one[0] = (byte)b;
            pos = Bitmaps.FirstBit(one, bit);
            if (bytes == 1 || (pos != -1 && pos != 8))
            {
                searchedFrom = start;
                searchedBytes = bytes;
                return pos;
            }
            start++;
            bytes--;
        }
        // The last byte is searched on its own when part of it is outside the range.
        long whole = bytes - (lastMask != 0 ? 1 : 0);
        if (whole > 0)
        {
            pos = Bitmaps.FirstBit(p.Slice(start, (int)whole), bit);
            if (bytes == whole || (pos != -1 && pos != whole << 3))
            {
                searchedFrom = start;
                searchedBytes = bytes;
                return pos;
            }
            start += (int)whole;
            bytes -= whole;
        }
        one[0] = (byte)(bit == 1 ? p[end] & ~lastMask : p[end] | lastMask);
        searchedFrom = start;
        searchedBytes = bytes;
        return Bitmaps.FirstBit(one, bit);
    }

    /// <summary>The optional BYTE|BIT word at <paramref name="at"/> (0 when absent: BYTE).</summary>
    private static bool TryParseUnit(ref CommandContext ctx, int at, out bool isBit)
    {
        isBit = false;
        if (at == 0) return true;
        if (Ascii.EqualsIgnoreCase(ctx.Args[at], "BIT"u8)) isBit = true;
        else if (!Ascii.EqualsIgnoreCase(ctx.Args[at], "BYTE"u8))
        {
            ctx.Writer.WriteError(RespErrors.Syntax);
            return false;
        }
        return true;
    }

    /// <summary>Redis's range rules: negative indexes from the end, then both clamped into 0..total-1.</summary>
    private static void ClampRange(long total, ref long start, ref long end)
    {
        if (start < 0) start += total;
        if (end < 0) end += total;
        if (start < 0) start = 0;
        if (end < 0) end = 0;
        if (end >= total) end = total - 1;
    }

    /// <summary>A bit range as bytes, with masks of the bits of its first and last byte that lie outside it.</summary>
    private static void ToByteRange(ref long start, ref long end, out int firstMask, out int lastMask)
    {
        firstMask = ~((1 << (8 - (int)(start & 7))) - 1) & 0xFF;
        lastMask = (1 << (7 - (int)(end & 7))) - 1;
        start >>= 3;
        end >>= 3;
    }
}
