using FastNode.Protocol;

namespace FastNode.Server.Commands.Bits;

/// <summary>The argument rules shared by the bit commands, with Redis 7.0's error texts.</summary>
internal static class BitArgs
{
    public const string BadOffset = "ERR bit offset is not an integer or out of range";
    public const string BadBit = "ERR bit is not an integer or out of range";
    public const string BadType = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

    /// <summary>
    /// A bit offset: a non-negative integer whose byte lies below proto-max-bulk-len (and within a .NET array); with
    /// <paramref name="allowHash"/>, <c>#n</c> means n times <paramref name="bits"/> (BITFIELD's field index).
    /// </summary>
    public static bool TryParseOffset(ref CommandContext ctx, ReadOnlySpan<byte> arg, bool allowHash, int bits, out long offset)
    {
        bool hash = allowHash && arg.Length > 0 && arg[0] == (byte)'#';
        if (!Numbers.TryParseInt64(hash ? arg.Slice(1) : arg, out offset)) return false;
        if (hash)
        {
            // Redis multiplies without a check; an overflow there ends in the same error.
            long scaled = unchecked(offset * bits);
            if (offset != 0 && scaled / bits != offset) return false;
            offset = scaled;
        }
        return offset >= 0 && (offset >> 3) < MaxBytes(ref ctx);
    }

    /// <summary>A BITFIELD type: i1..i64 or u1..u63.</summary>
    public static bool TryParseType(ReadOnlySpan<byte> arg, out bool signed, out int bits)
    {
        bits = 0;
        signed = false;
        if (arg.Length < 2) return false;
        // Lower case only, as in Redis.
        if (arg[0] == (byte)'i') signed = true;
        else if (arg[0] != (byte)'u') return false;
        if (!Numbers.TryParseInt64(arg.Slice(1), out long n) || n < 1 || n > (signed ? 64 : 63)) return false;
        bits = (int)n;
        return true;
    }

    /// <summary>proto-max-bulk-len, and never more than a .NET array can hold.</summary>
    public static long MaxBytes(ref CommandContext ctx) => Math.Min(ctx.Server.Options.ProtoMaxBulkLen, Array.MaxLength);
}
