using System.Buffers;
using FastNode.Protocol;
using FastNode.Server.Storage;

using Ev = FastNode.Server.PubSub.KeyspaceEventClass;
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
        ValueKind kind;
        {
            using var k = ctx.Open(ctx.Args[1], Lookup.NoTouch);
            kind = k.Exists ? k.Kind : ValueKind.None;
        }
        ctx.Writer.WriteSimpleString(ValueKinds.TypeName(kind));
    }

    /// <summary>A random live key, nil when the database is empty.</summary>
    public static void RandomKey(ref CommandContext ctx)
    {
        var key = ctx.Db.RandomKey(ctx.NowMs);
        if (key is null) ctx.Writer.WriteNullBulk();
        else ctx.Writer.WriteBulkString(key);
    }

    private static long ForEachKey(ref CommandContext ctx, Action action)
    {
        var db = ctx.Db;
        int keys = ctx.Args.Count - 1;
        if (keys == 1)
        {
            if (!Apply(db, KeyHasher.Hash(ctx.Args[1]), ctx.Args[1], action, ctx.NowMs)) return 0;
            if (action == Action.Delete) ctx.Notify(Ev.Generic, "del"u8, ctx.Args[1]);
            return 1;
        }

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
                if (!Apply(db, hashes[k], ctx.Args[k + 1], action, now)) continue;
                count++;
                if (action == Action.Delete) ctx.Notify(Ev.Generic, "del"u8, ctx.Args[k + 1]);
            }
        }
        finally
        {
            locks.ExitAll();
            if (rented is not null) ArrayPool<ulong>.Shared.Return(rented);
        }
        return count;
    }

    /// <summary>One key of DEL/EXISTS/TOUCH (its shard held by the caller or taken here). True when the key was live.</summary>
    private static bool Apply(Database db, ulong hash, ReadOnlySpan<byte> key, Action action, long now)
    {
        switch (action)
        {
            case Action.Delete:
            {
                // Lazy expiry, but no hit/miss counting (an expired key is not "deleted").
                using var k = db.Open(hash, key, now, Lookup.Peek);
                return k.Delete();
            }
            case Action.Exists:
            {
                using var k = db.Open(hash, key, now, Lookup.NoTouch);
                return k.Exists;
            }
            default:
            {
                using var k = db.Open(hash, key, now, Lookup.Read);
                return k.Exists;
            }
        }
    }
}
