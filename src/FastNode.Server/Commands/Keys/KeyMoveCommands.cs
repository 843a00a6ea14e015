using FastNode.Protocol;
using FastNode.Server.Storage;

namespace FastNode.Server.Commands.Keys;

/// <summary>
/// RENAME, RENAMENX, COPY and MOVE: commands that take a value from one key to another, atomically. Within one
/// database both shards are held through <see cref="MultiShardLock"/>; across databases through
/// <see cref="ShardPairLock"/>. The TTL travels with the value.
/// </summary>
public static class KeyMoveCommands
{
    private enum Outcome : byte { NoSuchKey, Done, Refused }

    public static void Rename(ref CommandContext ctx)
    {
        switch (RenameKey(ref ctx, nx: false))
        {
            case Outcome.NoSuchKey: ctx.Writer.WriteError(RespErrors.NoSuchKey); break;
            default:
                Placed(ref ctx, ctx.Session.DbIndex, ctx.Args[2]);
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
                Placed(ref ctx, ctx.Session.DbIndex, ctx.Args[2]);
                ctx.Writer.WriteRaw(RespReplies.One);
                break;
            default: ctx.Writer.WriteRaw(RespReplies.Zero); break;
        }
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
        if (copied) Placed(ref ctx, dstIndex, dst);
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
        if (moved) Placed(ref ctx, dstIndex, key);
        ctx.Writer.WriteRaw(moved ? RespReplies.One : RespReplies.Zero);
    }

    /// <summary>Clients blocked on the destination key may now be served (if it holds a list or sorted set).</summary>
    private static void Placed(ref CommandContext ctx, int dbIndex, ReadOnlySpan<byte> key) =>
        Blocking.KeyPlacement.Placed(ctx.Server, dbIndex, key, ctx.NowMs, ctx.Session.InExec);

    private static bool MoveKey(Database srcDb, Database dstDb, ReadOnlySpan<byte> key, long now)
    {
        ulong hash = KeyHasher.Hash(key);
        var srcShard = srcDb.ShardFor(hash);
        var dstShard = dstDb.ShardFor(hash);
        var pair = new ShardPairLock(srcShard, dstShard);
        pair.EnterBoth();
        try
        {
            int si = srcShard.FindLive(hash, key, now);
            if (si < 0 || dstShard.FindLive(hash, key, now) >= 0) return false;
            // The key array moves with the entry: it is never written after it is stored.
            int di = dstShard.AddOwned(hash, srcShard.At(si).Key!, srcShard.At(si).Kind);
            MoveValue(srcShard, si, dstShard, di, now);
            return true;
        }
        finally
        {
            pair.ExitBoth();
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
            var locks = new MultiShardLock(srcDb, bits);
            locks.Add(srcHash);
            locks.Add(dstHash);
            locks.EnterAll();
            try { return CopyLocked(srcDb, srcHash, src, dstDb, dstHash, dst, replace, ctx.NowMs); }
            finally { locks.ExitAll(); }
        }
        var pair = new ShardPairLock(srcDb.ShardFor(srcHash), dstDb.ShardFor(dstHash));
        bool copied;
        pair.EnterBoth();
        try { copied = CopyLocked(srcDb, srcHash, src, dstDb, dstHash, dst, replace, ctx.NowMs); }
        finally { pair.ExitBoth(); }
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
        var locks = new MultiShardLock(db, bits);
        locks.Add(srcHash);
        locks.Add(dstHash);
        locks.EnterAll();
        try
        {
            long now = ctx.NowMs;
            var srcShard = db.ShardFor(srcHash);
            int si = srcShard.FindLive(srcHash, src, now);
            if (si < 0) return Outcome.NoSuchKey;
            // Renaming a key onto itself changes nothing, but the key must exist (checked above).
            if (src.SequenceEqual(dst)) return nx ? Outcome.Refused : Outcome.Done;
            var dstShard = db.ShardFor(dstHash);
            int di = dstShard.FindLive(dstHash, dst, now);
            if (di >= 0)
            {
                if (nx) return Outcome.Refused;
                dstShard.Remove(di);
            }
            int ni = dstShard.Add(dstHash, dst, srcShard.At(si).Kind);
            MoveValue(srcShard, si, dstShard, ni, now);
            return Outcome.Done;
        }
        finally
        {
            locks.ExitAll();
        }
    }

    /// <summary>
    /// RENAME and MOVE, once the destination entry exists: its value and TTL come from the source entry, which goes.
    /// Entries are reached by index each time: adding the destination may have reallocated a shard's entry array.
    /// </summary>
    private static void MoveValue(Shard srcShard, int si, Shard dstShard, int di, long now)
    {
        long expireAt = srcShard.At(si).ExpireAt;
        ref var d = ref dstShard.At(di);
        StringValue.Transfer(srcShard, ref srcShard.At(si), dstShard, ref d);
        d.LastAccess = (uint)(now / 1000);
        dstShard.SetExpireAt(di, expireAt);
        srcShard.Remove(si);
    }

    /// <summary>COPY's work, with both shards held. The source is read like GET (counts a hit, stamps access).</summary>
    private static bool CopyLocked(Database srcDb, ulong srcHash, ReadOnlySpan<byte> src,
        Database dstDb, ulong dstHash, ReadOnlySpan<byte> dst, bool replace, long now)
    {
        var srcShard = srcDb.ShardFor(srcHash);
        int si = srcShard.Find(srcHash, src, now);
        if (si < 0) return false;
        var dstShard = dstDb.ShardFor(dstHash);
        int di = dstShard.FindLive(dstHash, dst, now);
        if (di >= 0 && !replace) return false;

        ref var e = ref srcShard.At(si);
        // A string is copied into the destination's own chunk below; other values are deep-copied here.
        object? copy = e.IsString ? null : ValueCopy.Of(e);
        var (kind, expireAt) = (e.Kind, e.ExpireAt);
        if (di >= 0) dstShard.Remove(di);
        int ni = dstShard.Add(dstHash, dst, kind);
        ref var n = ref dstShard.At(ni);
        if (copy is null) StringValue.Assign(dstShard, ref n, srcShard.At(si).StringSpan);
        else n.Value = copy;
        n.LastAccess = (uint)(now / 1000);
        dstShard.SetExpireAt(ni, expireAt);
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
