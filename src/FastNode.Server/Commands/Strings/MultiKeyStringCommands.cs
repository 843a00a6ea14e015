using System.Buffers;
using FastNode.Protocol;
using FastNode.Server.Storage;
using Ev = FastNode.Server.PubSub.KeyspaceEventClass;

namespace FastNode.Server.Commands.Strings;

/// <summary>
/// MGET, MSET and MSETNX. Each locks every shard its keys live in (ascending order, <see cref="MultiShardLock"/>) for
/// the whole command, so it is atomic like in Redis: no reader sees half an MSET, and MSETNX's check and its writes
/// cannot be interleaved with another client's. Each key is hashed once.
/// </summary>
public static class MultiKeyStringCommands
{
    /// <summary>Keys whose hashes are kept on the stack; longer commands rent an array.</summary>
    private const int StackKeys = 64;

    public static void MGet(ref CommandContext ctx)
    {
        int keys = ctx.Args.Count - 1;
        ulong[]? rented = null;
        Span<ulong> hashes = keys <= StackKeys ? stackalloc ulong[keys] : (rented = ArrayPool<ulong>.Shared.Rent(keys));
        var db = ctx.Db;
        using var locks = new MultiShardLock(db, stackalloc ulong[MultiShardLock.WordsFor(db)]);
        for (int n = 0; n < keys; n++)
        {
            hashes[n] = KeyHasher.Hash(ctx.Args[n + 1]);
            locks.Add(hashes[n]);
        }
        ctx.Writer.WriteArrayHeader(keys);
        locks.EnterAll();
        try
        {
            long now = ctx.NowMs;
            for (int n = 0; n < keys; n++)
            {
                using var k = db.Open(hashes[n], ctx.Args[n + 1], now, Lookup.Read);
                // MGET answers nil for a key of another type rather than an error.
                if (k.IsString) ctx.Writer.WriteBulkString(k.String);
                else ctx.Writer.WriteNullBulk();
            }
        }
        finally
        {
            if (rented is not null) ArrayPool<ulong>.Shared.Return(rented);
        }
    }

    public static void MSet(ref CommandContext ctx)
    {
        if (ctx.Args.Count % 2 == 0)
        {
            ctx.Writer.WriteError(ErrorText.WrongArity(ctx.Command.FullName));
            return;
        }
        SetAll(ref ctx, onlyIfNoneExist: false);
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    public static void MSetNx(ref CommandContext ctx)
    {
        if (ctx.Args.Count % 2 == 0)
        {
            ctx.Writer.WriteError(ErrorText.WrongArity(ctx.Command.FullName));
            return;
        }
        ctx.Writer.WriteRaw(SetAll(ref ctx, onlyIfNoneExist: true) ? RespReplies.One : RespReplies.Zero);
    }

    /// <summary>
    /// Stores every key/value pair (a later pair wins over an earlier one with the same key), clearing TTLs as SET does.
    /// With <paramref name="onlyIfNoneExist"/>, stores nothing and returns false if any key already exists.
    /// </summary>
    private static bool SetAll(ref CommandContext ctx, bool onlyIfNoneExist)
    {
        int pairs = (ctx.Args.Count - 1) / 2;
        ulong[]? rented = null;
        Span<ulong> hashes = pairs <= StackKeys ? stackalloc ulong[pairs] : (rented = ArrayPool<ulong>.Shared.Rent(pairs));
        var db = ctx.Db;
        using var locks = new MultiShardLock(db, stackalloc ulong[MultiShardLock.WordsFor(db)]);
        for (int p = 0; p < pairs; p++)
        {
            hashes[p] = KeyHasher.Hash(ctx.Args[1 + 2 * p]);
            locks.Add(hashes[p]);
        }
        long now = ctx.NowMs;
        locks.EnterAll();
        try
        {
            if (onlyIfNoneExist)
            {
                for (int p = 0; p < pairs; p++)
                {
                    using var k = db.Open(hashes[p], ctx.Args[1 + 2 * p], now, Lookup.Peek);
                    if (k.Exists) return false;
                }
            }
            for (int p = 0; p < pairs; p++)
            {
                using var k = db.Open(hashes[p], ctx.Args[1 + 2 * p], now, Lookup.Peek);
                k.SetString(ctx.Args[2 + 2 * p]);
                k.SetExpireAt(0);
                ctx.Notify(Ev.String, "set"u8, ctx.Args[1 + 2 * p]);
            }
            return true;
        }
        finally
        {
            if (rented is not null) ArrayPool<ulong>.Shared.Return(rented);
        }
    }
}
