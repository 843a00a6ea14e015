using System.Buffers;
using FastNode.Protocol;
using FastNode.Server.Storage;

namespace FastNode.Server.Commands.Keys;

/// <summary>
/// DEL, UNLINK, EXISTS, TOUCH, TYPE and RANDOMKEY. The multi-key forms lock every shard they touch for the whole
/// command (MultiShardLock), so other clients see all of a DEL or none of it.
/// </summary>
public static class KeyCommands
{
    private enum Action : byte { Delete, Exists, Touch }

    /// <summary>Keys up to this count hash into a stackalloc'ed buffer; more rent from the array pool.</summary>
    private const int StackKeys = 32;

    public static void Del(ref CommandContext ctx) => ctx.Writer.WriteInteger(ForEachKey(ref ctx, Action.Delete));

    /// <summary>UNLINK is DEL: freeing a value is the garbage collector's job here, never the command's.</summary>
    public static void Unlink(ref CommandContext ctx) => ctx.Writer.WriteInteger(ForEachKey(ref ctx, Action.Delete));

    /// <summary>Counts a key once per mention, as Redis does (EXISTS k k = 2).</summary>
    public static void Exists(ref CommandContext ctx) => ctx.Writer.WriteInteger(ForEachKey(ref ctx, Action.Exists));

    public static void Touch(ref CommandContext ctx) => ctx.Writer.WriteInteger(ForEachKey(ref ctx, Action.Touch));

    public static void Type(ref CommandContext ctx)
    {
        var key = ctx.Args[1];
        ulong hash = KeyHasher.Hash(key);
        var shard = ctx.Db.ShardFor(hash);
        ValueKind kind;
        lock (shard.Lock)
        {
            int i = KeyLookup.FindNoTouch(shard, hash, key, ctx.NowMs);
            kind = i < 0 ? ValueKind.None : shard.At(i).Kind;
        }
        ctx.Writer.WriteSimpleString(ValueKinds.TypeName(kind));
    }

    /// <summary>
    /// A random live key, nil when the database is empty. A shard is picked with probability proportional to its
    /// size, then a random entry in it; an expired pick is deleted and we draw again (each retry removes a key, so
    /// the loop ends).
    /// </summary>
    public static void RandomKey(ref CommandContext ctx)
    {
        var db = ctx.Db;
        long now = ctx.NowMs;
        while (true)
        {
            long total = db.Count();
            if (total == 0)
            {
                ctx.Writer.WriteNullBulk();
                return;
            }
            long pick = Random.Shared.NextInt64(total);
            for (int s = 0; s < db.ShardCount; s++)
            {
                var shard = db.ShardAt(s);
                byte[]? key = null;
                lock (shard.Lock)
                {
                    if (pick >= shard.Count)
                    {
                        pick -= shard.Count;
                        continue;
                    }
                    int i = shard.RandomEntry();
                    if (i < 0) break;   // emptied since we counted: draw again
                    ref var e = ref shard.At(i);
                    if (e.ExpireAt != 0 && e.ExpireAt <= now)
                    {
                        shard.RemoveExpired(i);
                        break;
                    }
                    key = e.Key!;
                }
                // Key arrays are never written after they are stored, so the reference is safe outside the lock.
                ctx.Writer.WriteBulkString(key);
                return;
            }
        }
    }

    private static long ForEachKey(ref CommandContext ctx, Action action)
    {
        var db = ctx.Db;
        int keys = ctx.Args.Count - 1;
        if (keys == 1) return SingleKey(db, ctx.Args[1], action, ctx.NowMs);

        ulong[]? rented = null;
        Span<ulong> hashes = keys <= StackKeys ? stackalloc ulong[StackKeys] : (rented = ArrayPool<ulong>.Shared.Rent(keys));
        Span<ulong> bits = stackalloc ulong[MultiShardLock.WordsFor(db)];
        var locks = new MultiShardLock(db, bits);
        for (int k = 0; k < keys; k++)
        {
            hashes[k] = KeyHasher.Hash(ctx.Args[k + 1]);
            locks.Add(hashes[k]);
        }
        long count = 0;
        long now = ctx.NowMs;
        locks.EnterAll();
        try
        {
            for (int k = 0; k < keys; k++)
            {
                if (Apply(db.ShardFor(hashes[k]), hashes[k], ctx.Args[k + 1], action, now)) count++;
            }
        }
        finally
        {
            locks.ExitAll();
            if (rented is not null) ArrayPool<ulong>.Shared.Return(rented);
        }
        return count;
    }

    private static long SingleKey(Database db, ReadOnlySpan<byte> key, Action action, long now)
    {
        ulong hash = KeyHasher.Hash(key);
        var shard = db.ShardFor(hash);
        lock (shard.Lock)
        {
            return Apply(shard, hash, key, action, now) ? 1 : 0;
        }
    }

    /// <summary>One key of DEL/EXISTS/TOUCH, with its shard's lock held. True when the key was live.</summary>
    private static bool Apply(Shard shard, ulong hash, ReadOnlySpan<byte> key, Action action, long now)
    {
        switch (action)
        {
            case Action.Delete:
                // A write lookup: lazy expiry, but no hit/miss counting (an expired key is not "deleted").
                int i = shard.FindLive(hash, key, now);
                if (i < 0) return false;
                shard.Remove(i);
                return true;
            case Action.Exists:
                return KeyLookup.FindNoTouch(shard, hash, key, now) >= 0;
            default:
                return shard.Find(hash, key, now) >= 0;
        }
    }
}
