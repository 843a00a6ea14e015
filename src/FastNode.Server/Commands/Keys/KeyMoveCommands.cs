using FastNode.Protocol;
using FastNode.Server.Storage;

using Ev = FastNode.Server.PubSub.KeyspaceEventClass;
namespace FastNode.Server.Commands.Keys;

/// <summary>
/// RENAME, RENAMENX, COPY and MOVE: commands that take a value from one key to another, atomically. Within one
/// database both shards are held through <see cref="MultiShardLock"/>; across databases through
/// <see cref="ShardPairLock"/>; the value moves between the two open keys with <see cref="KeyHandle.MoveFrom"/> or
/// <see cref="KeyHandle.CopyFrom"/>. The TTL travels with the value.
/// </summary>
public static class KeyMoveCommands
{
    // Unchanged: a key renamed onto itself (it exists; nothing happens, not even an event).
    private enum Outcome : byte { NoSuchKey, Done, Refused, Unchanged }

    public static void Rename(ref CommandContext ctx)
    {
        switch (RenameKey(ref ctx, nx: false))
        {
            case Outcome.NoSuchKey: ctx.Writer.WriteError(RespErrors.NoSuchKey); break;
            case Outcome.Unchanged: ctx.Writer.WriteRaw(RespReplies.Ok); break;
            default:
                Renamed(ref ctx);
                ctx.Writer.WriteRaw(RespReplies.Ok);
                break;
        }
    }

    public static void RenameNx(ref CommandContext ctx)
    {
        switch (RenameKey(ref ctx, nx: true))
        {
            case Outcome.NoSuchKey: ctx.Writer.WriteError(RespErrors.NoSuchKey); break;
            case Outcome.Done:
                Renamed(ref ctx);
                ctx.Writer.WriteRaw(RespReplies.One);
                break;
            default: ctx.Writer.WriteRaw(RespReplies.Zero); break;
        }
    }

    private static void Renamed(ref CommandContext ctx)
    {
        ctx.Notify(Ev.Generic, "rename_from"u8, ctx.Args[1]);
        ctx.Notify(Ev.Generic, "rename_to"u8, ctx.Args[2]);
        Placed(ref ctx, ctx.Session.DbIndex, ctx.Args[2]);
    }

    /// <summary>COPY source destination [DB n] [REPLACE]: 1 when copied, 0 when the source is missing or the destination exists.</summary>
    public static void Copy(ref CommandContext ctx)
    {
        int srcIndex = ctx.Session.DbIndex;
        int dstIndex = srcIndex;
        bool replace = false;
        for (int a = 3; a < ctx.Args.Count; a++)
        {
            if (Ascii.EqualsIgnoreCase(ctx.Args[a], "REPLACE"u8)) replace = true;
            else if (Ascii.EqualsIgnoreCase(ctx.Args[a], "DB"u8) && a + 1 < ctx.Args.Count)
            {
                if (!TryParseDbIndex(ref ctx, ctx.Args[++a], out dstIndex)) return;
            }
            else
            {
                ctx.Writer.WriteError(RespErrors.Syntax);
                return;
            }
        }
        var src = ctx.Args[1];
        var dst = ctx.Args[2];
        if (dstIndex == srcIndex && src.SequenceEqual(dst))
        {
            ctx.Writer.WriteError(RespErrors.SameObject);
            return;
        }

        bool copied = CopyKey(ref ctx, srcIndex, dstIndex, replace);
        if (copied)
        {
            ctx.Notify(Ev.Generic, "copy_to"u8, dstIndex, dst);
            Placed(ref ctx, dstIndex, dst);
        }
        ctx.Writer.WriteRaw(copied ? RespReplies.One : RespReplies.Zero);
    }

    /// <summary>MOVE key db: 1 when moved, 0 when the key is missing here or already exists there.</summary>
    public static void Move(ref CommandContext ctx)
    {
        if (!TryParseDbIndex(ref ctx, ctx.Args[2], out int dstIndex)) return;
        int srcIndex = ctx.Session.DbIndex;
        if (dstIndex == srcIndex)
        {
            ctx.Writer.WriteError(RespErrors.SameObject);
            return;
        }
        var key = ctx.Args[1];
        bool moved = MoveKey(ctx.Server.Database(srcIndex), ctx.Server.Database(dstIndex), key, ctx.NowMs);
        if (moved && ctx.Server.Watches.Active) ctx.Server.Watches.Touch(dstIndex, key);
        if (moved)
        {
            ctx.Notify(Ev.Generic, "move_from"u8, key);
            ctx.Notify(Ev.Generic, "move_to"u8, dstIndex, key);
            Placed(ref ctx, dstIndex, key);
        }
        ctx.Writer.WriteRaw(moved ? RespReplies.One : RespReplies.Zero);
    }

    /// <summary>Clients blocked on the destination key may now be served (if it holds a list or sorted set).</summary>
    private static void Placed(ref CommandContext ctx, int dbIndex, ReadOnlySpan<byte> key) =>
        Blocking.KeyPlacement.Placed(ctx.Server, dbIndex, key, ctx.NowMs, ctx.Session.InExec);

    private static bool MoveKey(Database srcDb, Database dstDb, ReadOnlySpan<byte> key, long now)
    {
        ulong hash = KeyHasher.Hash(key);
        using var pair = new ShardPairLock(srcDb, hash, dstDb, hash);
        pair.EnterBoth();
        var srcKey = srcDb.Open(hash, key, now, Lookup.Peek);
        try
        {
            if (!srcKey.Exists) return false;
            using var dstKey = dstDb.Open(hash, key, now, Lookup.Peek);
            if (dstKey.Exists) return false;
            dstKey.MoveFrom(ref srcKey);
            return true;
        }
        finally
        {
            srcKey.Dispose();
        }
    }

    /// <summary>Locks the shards of both keys (one database or two) and copies. Returns whether it copied.</summary>
    private static bool CopyKey(ref CommandContext ctx, int srcIndex, int dstIndex, bool replace)
    {
        var src = ctx.Args[1];
        var dst = ctx.Args[2];
        var srcDb = ctx.Server.Database(srcIndex);
        var dstDb = dstIndex == srcIndex ? srcDb : ctx.Server.Database(dstIndex);
        ulong srcHash = KeyHasher.Hash(src), dstHash = KeyHasher.Hash(dst);
        if (ReferenceEquals(srcDb, dstDb))
        {
            Span<ulong> bits = stackalloc ulong[MultiShardLock.WordsFor(srcDb)];
            using var locks = new MultiShardLock(srcDb, bits);
            locks.Add(srcHash);
            locks.Add(dstHash);
            locks.EnterAll();
            return CopyLocked(srcDb, srcHash, src, dstDb, dstHash, dst, replace, ctx.NowMs);
        }
        bool copied;
        {
            using var pair = new ShardPairLock(srcDb, srcHash, dstDb, dstHash);
            pair.EnterBoth();
            copied = CopyLocked(srcDb, srcHash, src, dstDb, dstHash, dst, replace, ctx.NowMs);
        }
        if (copied && ctx.Server.Watches.Active) ctx.Server.Watches.Touch(dstIndex, dst);
        return copied;
    }

    private static Outcome RenameKey(ref CommandContext ctx, bool nx)
    {
        var db = ctx.Db;
        var src = ctx.Args[1];
        var dst = ctx.Args[2];
        ulong srcHash = KeyHasher.Hash(src), dstHash = KeyHasher.Hash(dst);
        Span<ulong> bits = stackalloc ulong[MultiShardLock.WordsFor(db)];
        using var locks = new MultiShardLock(db, bits);
        locks.Add(srcHash);
        locks.Add(dstHash);
        locks.EnterAll();
        long now = ctx.NowMs;
        var srcKey = db.Open(srcHash, src, now, Lookup.Peek);
        try
        {
            if (!srcKey.Exists) return Outcome.NoSuchKey;
            // Renaming a key onto itself changes nothing, but the key must exist (checked above).
            if (src.SequenceEqual(dst)) return nx ? Outcome.Refused : Outcome.Unchanged;
            using var dstKey = db.Open(dstHash, dst, now, Lookup.Peek);
            if (nx && dstKey.Exists) return Outcome.Refused;
            dstKey.MoveFrom(ref srcKey);
            return Outcome.Done;
        }
        finally
        {
            srcKey.Dispose();
        }
    }

    /// <summary>COPY's work, with both shards held. The source is read like GET (counts a hit, stamps access).</summary>
    private static bool CopyLocked(Database srcDb, ulong srcHash, ReadOnlySpan<byte> src,
        Database dstDb, ulong dstHash, ReadOnlySpan<byte> dst, bool replace, long now)
    {
        using var srcKey = srcDb.Open(srcHash, src, now, Lookup.Read);
        if (!srcKey.Exists) return false;
        using var dstKey = dstDb.Open(dstHash, dst, now, Lookup.Peek);
        if (dstKey.Exists && !replace) return false;
        dstKey.CopyFrom(srcKey);
        return true;
    }

    /// <summary>A DB argument as Redis reads it (getIntFromObjectOrReply, then the range check). Writes the error.</summary>
    private static bool TryParseDbIndex(ref CommandContext ctx, ReadOnlySpan<byte> arg, out int index)
    {
        index = 0;
        if (!Numbers.TryParseInt64(arg, out long value))
        {
            ctx.Writer.WriteError(RespErrors.NotInteger);
            return false;
        }
        if (value < int.MinValue || value > int.MaxValue)
        {
            ctx.Writer.WriteError(RespErrors.NotInt32);
            return false;
        }
        if (value < 0 || value >= ctx.Server.DatabaseCount)
        {
            ctx.Writer.WriteError(RespErrors.DbIndexOutOfRange);
            return false;
        }
        index = (int)value;
        return true;
    }
}
