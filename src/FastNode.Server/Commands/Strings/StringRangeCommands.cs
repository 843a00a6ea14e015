using FastNode.Protocol;
using FastNode.Server.Storage;
using Ev = FastNode.Server.PubSub.KeyspaceEventClass;

namespace FastNode.Server.Commands.Strings;

/// <summary>
/// APPEND, STRLEN, GETRANGE/SUBSTR and SETRANGE: commands that read or edit part of a string. Edits go through
/// <see cref="KeyHandle.ExtendString"/>, which keeps the value's contract: a small value may be rewritten in place, a
/// large one is rebuilt in a new array, so GETRANGE may copy a large value after closing the key.
/// </summary>
public static class StringRangeCommands
{
    public static void Append(ref CommandContext ctx)
    {
        var value = ctx.Args[2];
        using var k = ctx.Open(ctx.Args[1], Lookup.Write);
        if (!k.Exists)
        {
            // Unlike SETRANGE, APPEND of an empty value still creates the key.
            k.SetString(value);
            ctx.Notify(Ev.String, "append"u8, ctx.Args[1]);
            ctx.Writer.WriteInteger(value.Length);
            return;
        }
        if (!k.IsString)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        int current = k.StringLength;
        long length = (long)current + value.Length;
        if (length > MaxLength(ref ctx))
        {
            ctx.Writer.WriteError(RespErrors.StringTooLong);
            return;
        }
        if (!value.IsEmpty) value.CopyTo(k.ExtendString((int)length).Slice(current));
        ctx.Notify(Ev.String, "append"u8, ctx.Args[1]);
        ctx.Writer.WriteInteger(length);
    }

    public static void StrLen(ref CommandContext ctx)
    {
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        if (!k.Exists) ctx.Writer.WriteRaw(RespReplies.Zero);
        else if (!k.IsString) ctx.Writer.WriteError(RespErrors.WrongType);
        else ctx.Writer.WriteInteger(k.StringLength);
    }

    /// <summary>GETRANGE key start end (and its old name SUBSTR): inclusive byte range, negative indexes from the end.</summary>
    public static void GetRange(ref CommandContext ctx)
    {
        if (!Numbers.TryParseInt64(ctx.Args[2], out long start) || !Numbers.TryParseInt64(ctx.Args[3], out long end))
        {
            ctx.Writer.WriteError(RespErrors.NotInteger);
            return;
        }
        byte[] large;
        {
            using var k = ctx.Open(ctx.Args[1], Lookup.Read);
            if (!k.Exists)
            {
                ctx.Writer.WriteRaw(RespReplies.EmptyBulk);
                return;
            }
            if (!k.IsString)
            {
                ctx.Writer.WriteError(RespErrors.WrongType);
                return;
            }
            if (!ClampRange(k.StringLength, ref start, ref end))
            {
                ctx.Writer.WriteRaw(RespReplies.EmptyBulk);
                return;
            }
            var immutable = k.ImmutableString(out _);
            if (immutable is null)
            {
                ctx.Writer.WriteBulkString(k.String.Slice((int)start, (int)(end - start + 1)));
                return;
            }
            large = immutable;
        }
        // Large values are never changed in place: copy the range without holding the shard.
        ctx.Writer.WriteBulkString(large.AsSpan((int)start, (int)(end - start + 1)));
    }

    /// <summary>
    /// Redis's GETRANGE index rules: two negative indexes in the wrong order give nothing; negative indexes count from
    /// the end; both are then clamped into the string. False when the range is empty.
    /// </summary>
    private static bool ClampRange(long length, ref long start, ref long end)
    {
        if (start < 0 && end < 0 && start > end) return false;
        if (start < 0) start += length;
        if (end < 0) end += length;
        if (start < 0) start = 0;
        if (end < 0) end = 0;
        if (end >= length) end = length - 1;
        return start <= end && length > 0;
    }

    /// <summary>SETRANGE key offset value: overwrites from offset, zero-padding a gap after the current end.</summary>
    public static void SetRange(ref CommandContext ctx)
    {
        if (!Numbers.TryParseInt64(ctx.Args[2], out long offset))
        {
            ctx.Writer.WriteError(RespErrors.NotInteger);
            return;
        }
        if (offset < 0)
        {
            ctx.Writer.WriteError(RespErrors.OffsetOutOfRange);
            return;
        }
        var value = ctx.Args[3];
        using var k = ctx.Open(ctx.Args[1], Lookup.Write);
        if (k.Exists && !k.IsString)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        long current = k.Exists ? k.StringLength : 0;
        if (value.IsEmpty)
        {
            // Nothing to write: the current length (0 for a missing key, which is not created).
            ctx.Writer.WriteInteger(current);
            return;
        }
        if (offset > MaxLength(ref ctx) - value.Length)
        {
            ctx.Writer.WriteError(RespErrors.StringTooLong);
            return;
        }
        long length = Math.Max(current, offset + value.Length);
        // ExtendString zero-fills past the old end, so a gap before the offset reads as zeros.
        value.CopyTo(k.ExtendString((int)length).Slice((int)offset));
        ctx.Notify(Ev.String, "setrange"u8, ctx.Args[1]);
        ctx.Writer.WriteInteger(length);
    }

    /// <summary>proto-max-bulk-len, and never more than a .NET array can hold.</summary>
    private static long MaxLength(ref CommandContext ctx) => Math.Min(ctx.Server.Options.ProtoMaxBulkLen, Array.MaxLength);
}
