using FastNode.Protocol;
using FastNode.Server.Storage;

namespace FastNode.Server.Commands.Strings;

/// <summary>
/// APPEND, STRLEN, GETRANGE/SUBSTR and SETRANGE: commands that read or edit part of a string.
/// Edits follow <see cref="StringValue"/>'s contract: a buffer of at most <see cref="StringValue.MutableLimit"/> bytes may
/// be changed in place (readers copy it under the lock), a larger one is never written again once stored, so every
/// edit of a large value builds a new array (readers may copy large values after releasing the lock);
/// <see cref="StringValue.Reserve"/> decides which.
/// </summary>
public static class StringRangeCommands
{
    public static void Append(ref CommandContext ctx)
    {
        var key = ctx.Args[1];
        var value = ctx.Args[2];
        ulong hash = KeyHasher.Hash(key);
        var shard = ctx.Db.ShardFor(hash);
        long length;
        lock (shard.Lock)
        {
            int i = FindForWrite(shard, hash, key, ctx.NowMs);
            if (i < 0)
            {
                // Unlike SETRANGE, APPEND of an empty value still creates the key.
                i = shard.Add(hash, key, ValueKind.String);
                ref var created = ref shard.At(i);
                StringValue.Assign(shard, ref created, value);
                created.LastAccess = (uint)(ctx.NowMs / 1000);
                length = value.Length;
            }
            else
            {
                ref var e = ref shard.At(i);
                if (!e.IsString)
                {
                    ctx.Writer.WriteError(RespErrors.WrongType);
                    return;
                }
                length = (long)e.ValueLength + value.Length;
                if (length > MaxLength(ref ctx))
                {
                    ctx.Writer.WriteError(RespErrors.StringTooLong);
                    return;
                }
                if (!value.IsEmpty)
                {
                    var buffer = StringValue.Reserve(shard, ref e, (int)length);
                    value.CopyTo(buffer.Slice(e.ValueLength));
                    e.ValueLength = (int)length;
                }
            }
        }
        ctx.Writer.WriteInteger(length);
    }

    public static void StrLen(ref CommandContext ctx)
    {
        var key = ctx.Args[1];
        ulong hash = KeyHasher.Hash(key);
        var shard = ctx.Db.ShardFor(hash);
        int length;
        lock (shard.Lock)
        {
            int i = shard.Find(hash, key, ctx.NowMs);
            if (i < 0)
            {
                ctx.Writer.WriteRaw(RespReplies.Zero);
                return;
            }
            ref var e = ref shard.At(i);
            if (!e.IsString)
            {
                ctx.Writer.WriteError(RespErrors.WrongType);
                return;
            }
            length = e.ValueLength;
        }
        ctx.Writer.WriteInteger(length);
    }

    /// <summary>GETRANGE key start end (and its old name SUBSTR): inclusive byte range, negative indexes from the end.</summary>
    public static void GetRange(ref CommandContext ctx)
    {
        if (!Numbers.TryParseInt64(ctx.Args[2], out long start) || !Numbers.TryParseInt64(ctx.Args[3], out long end))
        {
            ctx.Writer.WriteError(RespErrors.NotInteger);
            return;
        }
        var key = ctx.Args[1];
        ulong hash = KeyHasher.Hash(key);
        var shard = ctx.Db.ShardFor(hash);
        byte[] large;
        lock (shard.Lock)
        {
            int i = shard.Find(hash, key, ctx.NowMs);
            if (i < 0)
            {
                ctx.Writer.WriteRaw(RespReplies.EmptyBulk);
                return;
            }
            ref var e = ref shard.At(i);
            if (!e.IsString)
            {
                ctx.Writer.WriteError(RespErrors.WrongType);
                return;
            }
            if (!ClampRange(e.ValueLength, ref start, ref end))
            {
                ctx.Writer.WriteRaw(RespReplies.EmptyBulk);
                return;
            }
            if (!StringValue.IsImmutable(e))
            {
                ctx.Writer.WriteBulkString(e.StringSpan.Slice((int)start, (int)(end - start + 1)));
                return;
            }
            large = e.StringBytes;
        }
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
        var key = ctx.Args[1];
        var value = ctx.Args[3];
        ulong hash = KeyHasher.Hash(key);
        var shard = ctx.Db.ShardFor(hash);
        long length;
        lock (shard.Lock)
        {
            int i = FindForWrite(shard, hash, key, ctx.NowMs);
            if (i >= 0 && !shard.At(i).IsString)
            {
                ctx.Writer.WriteError(RespErrors.WrongType);
                return;
            }
            long current = i < 0 ? 0 : shard.At(i).ValueLength;
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
            length = Math.Max(current, offset + value.Length);
            Span<byte> buffer;
            if (i < 0)
            {
                i = shard.Add(hash, key, ValueKind.String);
                ref var created = ref shard.At(i);
                StringValue.Assign(shard, ref created, ReadOnlySpan<byte>.Empty, (int)length);
                created.LastAccess = (uint)(ctx.NowMs / 1000);
                buffer = created.StringCapacity;
            }
            else
            {
                buffer = StringValue.Reserve(shard, ref shard.At(i), (int)length);
            }
            // The gap past the old end reads as zeros (a reused chunk holds old bytes).
            if (offset > current) buffer.Slice((int)current, (int)(offset - current)).Clear();
            value.CopyTo(buffer.Slice((int)offset));
            shard.At(i).ValueLength = (int)length;
        }
        ctx.Writer.WriteInteger(length);
    }

    /// <summary>A write command's lookup (Redis lookupKeyWrite): lazy expiry and access time, no hit/miss counting.</summary>
    private static int FindForWrite(Shard shard, ulong hash, ReadOnlySpan<byte> key, long nowMs)
    {
        int i = shard.FindLive(hash, key, nowMs);
        if (i >= 0) shard.At(i).LastAccess = (uint)(nowMs / 1000);
        return i;
    }

    /// <summary>proto-max-bulk-len, and never more than a .NET array can hold.</summary>
    private static long MaxLength(ref CommandContext ctx) => Math.Min(ctx.Server.Options.ProtoMaxBulkLen, Array.MaxLength);
}
