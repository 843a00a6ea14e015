using System.Buffers;
using System.Runtime.InteropServices;
using FastNode.Protocol;
using FastNode.Server.Storage;
using Ev = FastNode.Server.PubSub.KeyspaceEventClass;

namespace FastNode.Server.Commands.Bits;

/// <summary>
/// BITOP AND|OR|XOR|NOT destkey srckey...: the result is as long as the longest source, shorter (and missing) sources
/// read as zeros. Every key's shard is held for the whole command, so no writer interleaves; an empty result deletes
/// the destination. The destination loses its TTL, as with SET.
/// </summary>
public static class BitOpCommand
{
    private enum Op : byte { And, Or, Xor, Not }

    public static void BitOp(ref CommandContext ctx)
    {
        var name = ctx.Args[1];
        Op op;
        if (Ascii.EqualsIgnoreCase(name, "AND"u8)) op = Op.And;
        else if (Ascii.EqualsIgnoreCase(name, "OR"u8)) op = Op.Or;
        else if (Ascii.EqualsIgnoreCase(name, "XOR"u8)) op = Op.Xor;
        else if (Ascii.EqualsIgnoreCase(name, "NOT"u8)) op = Op.Not;
        else
        {
            ctx.Writer.WriteError(RespErrors.Syntax);
            return;
        }
        if (op == Op.Not && ctx.Args.Count != 4)
        {
            ctx.Writer.WriteError("ERR BITOP NOT must be called with a single source key.");
            return;
        }
        var db = ctx.Db;
        long now = ctx.NowMs;
        using var locks = new MultiShardLock(db, stackalloc ulong[MultiShardLock.WordsFor(db)]);
        for (int i = 2; i < ctx.Args.Count; i++) locks.Add(KeyHasher.Hash(ctx.Args[i]));
        locks.EnterAll();

        int longest = 0;
        for (int i = 3; i < ctx.Args.Count; i++)
        {
            using var k = db.Open(ctx.Args[i], now, Lookup.Read);
            if (!k.Exists) continue;
            if (!k.IsString)
            {
                ctx.Writer.WriteError(RespErrors.WrongType);
                return;
            }
            longest = Math.Max(longest, k.StringLength);
        }
        byte[]? rented = longest > 0 ? ArrayPool<byte>.Shared.Rent(longest) : null;
        try
        {
            var result = rented is null ? Span<byte>.Empty : rented.AsSpan(0, longest);
            for (int i = 3; i < ctx.Args.Count; i++)
            {
                using var k = db.Open(ctx.Args[i], now, Lookup.Peek);
                Combine(result, k.Exists ? k.String : ReadOnlySpan<byte>.Empty, op, first: i == 3);
            }
            using var dest = db.Open(ctx.Args[2], now, Lookup.Write);
            if (longest > 0)
            {
                dest.SetString(result);
                dest.SetExpireAt(0);
                ctx.Notify(Ev.String, "set"u8, ctx.Args[2]);
            }
            else if (dest.Delete()) ctx.Notify(Ev.Generic, "del"u8, ctx.Args[2]);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
        ctx.Writer.WriteInteger(longest);
    }

    /// <summary>Folds one source into the result; the first source is copied (NOT: inverted), zero-padded.</summary>
    private static void Combine(Span<byte> result, ReadOnlySpan<byte> source, Op op, bool first)
    {
        int n = Math.Min(source.Length, result.Length);
        if (first)
        {
            source.Slice(0, n).CopyTo(result);
            result.Slice(n).Clear();
            if (op == Op.Not) Invert(result);
            return;
        }
        var r = result.Slice(0, n);
        var s = source.Slice(0, n);
        var rw = MemoryMarshal.Cast<byte, ulong>(r);
        var sw = MemoryMarshal.Cast<byte, ulong>(s);
        int done = rw.Length * 8;
        switch (op)
        {
            case Op.And:
                for (int i = 0; i < rw.Length; i++) rw[i] &= sw[i];
                for (int i = done; i < n; i++) r[i] &= s[i];
                // Past the end of a shorter source every bit is zero.
                result.Slice(n).Clear();
                break;
            case Op.Or:
                for (int i = 0; i < rw.Length; i++) rw[i] |= sw[i];
                for (int i = done; i < n; i++) r[i] |= s[i];
                break;
            case Op.Xor:
                for (int i = 0; i < rw.Length; i++) rw[i] ^= sw[i];
                for (int i = done; i < n; i++) r[i] ^= s[i];
                break;
        }
    }

    private static void Invert(Span<byte> bytes)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(bytes);
        for (int i = 0; i < words.Length; i++) words[i] = ~words[i];
        for (int i = words.Length * 8; i < bytes.Length; i++) bytes[i] = (byte)~bytes[i];
    }
}
