using System.Buffers;
using System.Buffers.Text;
using FastNode.Protocol;
using FastNode.Server.Commands.Strings;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Hashes;

using Ev = FastNode.Server.PubSub.KeyspaceEventClass;
namespace FastNode.Server.Commands.Hashes;

/// <summary>
/// HINCRBY and HINCRBYFLOAT. The increment is validated before the key is touched; the field's current value must
/// parse as an integer (string2ll) or a long double (string2ld), and the result is stored as its decimal text.
/// </summary>
public static class HashIncrementCommands
{
    public static void HIncrBy(ref CommandContext ctx)
    {
        if (!Numbers.TryParseInt64(ctx.Args[3], out long delta))
        {
            ctx.Writer.WriteError(RespErrors.NotInteger);
            return;
        }
        var key = ctx.Args[1];
        var field = ctx.Args[2];
        using var k = ctx.Open(key, Lookup.Write);
        var h = k.GetOrAdd<HashValue>(ValueKind.Hash);
        if (h is null)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        long current = 0;
        if (h.TryGet(field, out var stored) && !Numbers.TryParseInt64(stored, out current))
        {
            ctx.Writer.WriteError(RespErrors.HashValueNotInteger);
            return;
        }
        if (delta < 0 ? current < long.MinValue - delta : current > long.MaxValue - delta)
        {
            ctx.Writer.WriteError(RespErrors.Overflow);
            return;
        }
        long result = current + delta;
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(result, digits, out int n);
        h.Set(field, digits.Slice(0, n));
        ctx.Notify(Ev.Hash, "hincrby"u8, ctx.Args[1]);
        ctx.Writer.WriteInteger(result);
    }

    /// <summary>
    /// Redis 7.0 adds in x87 long double and stores "%.17Lf" without trailing zeros, so "1000.1" comes back as
    /// "1000.09999999999999998"; <see cref="LongDouble"/> reproduces that exactly. The reply is a bulk string in
    /// both protocols.
    /// </summary>
    public static void HIncrByFloat(ref CommandContext ctx)
    {
        if (!LongDouble.TryParse(ctx.Args[3], out var delta))
        {
            ctx.Writer.WriteError(RespErrors.NotFloat);
            return;
        }
        if (delta.IsInfinity)
        {
            ctx.Writer.WriteError(RespErrors.IncrementNaNOrInfinity);
            return;
        }
        var key = ctx.Args[1];
        var field = ctx.Args[2];
        using var k = ctx.Open(key, Lookup.Write);
        var h = k.GetOrAdd<HashValue>(ValueKind.Hash);
        if (h is null)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        var current = default(LongDouble);
        if (h.TryGet(field, out var stored) && !LongDouble.TryParse(stored, out current))
        {
            ctx.Writer.WriteError(RespErrors.HashValueNotFloat);
            return;
        }
        var sum = LongDouble.Add(current, delta);
        if (sum.IsInfinity)
        {
            ctx.Writer.WriteError(RespErrors.NaNOrInfinity);
            return;
        }
        Span<byte> small = stackalloc byte[64];
        if (sum.TryFormat(small, out int n))
        {
            h.Set(field, small.Slice(0, n));
            PropagateHSet(ref ctx, key, field, small.Slice(0, n));
            ctx.Notify(Ev.Hash, "hincrbyfloat"u8, key);
            ctx.Writer.WriteBulkString(small.Slice(0, n));
            return;
        }
        // Only values of 2^127 and more need the long form (up to 4933 digits); rare, so rent a buffer.
        var rented = ArrayPool<byte>.Shared.Rent(LongDouble.MaxFormattedLength);
        sum.TryFormat(rented, out n);
        h.Set(field, rented.AsSpan(0, n));
        PropagateHSet(ref ctx, key, field, rented.AsSpan(0, n));
        ctx.Notify(Ev.Hash, "hincrbyfloat"u8, key);
        ctx.Writer.WriteBulkString(rented.AsSpan(0, n));
        ArrayPool<byte>.Shared.Return(rented);
    }

    /// <summary>HINCRBYFLOAT propagates the value it stored (HSET), so a replay does not depend on float formatting.</summary>
    private static void PropagateHSet(ref CommandContext ctx, scoped ReadOnlySpan<byte> key, scoped ReadOnlySpan<byte> field, scoped ReadOnlySpan<byte> value)
    {
        if (!ctx.Propagating) return;
        var record = new FastNode.Server.Persistence.ChangeRecord(4);
        record.Add("HSET"u8);
        record.Add(key);
        record.Add(field);
        record.Add(value);
        ctx.Emit(ref record);
    }
}
