using FastNode.Cluster.Routing;
using FastNode.Protocol;
using FastNode.Server.Cluster;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Locks;

namespace FastNode.Server.Commands.Locks;

/// <summary>
/// LOCK.FENCED lockkey token command [arg ...]: runs the write <c>command</c> only while <c>token</c> is the fencing token
/// of a live lease of the lock (or semaphore) at <c>lockkey</c>, so data in FastNode itself rejects a writer whose lease
/// ended (docs/locks.md "Fenced writes"). The check and the write are atomic: the shards of the lock key and of the
/// write's keys stay locked from the check to the end of the write. In cluster mode all keys must be in one slot.
/// </summary>
public static class FencedWriteCommand
{
    private static ReadOnlySpan<byte> Stale => "FENCED the token is not the lock's current token (its lease ended, or a newer grant exists)"u8;
    private static ReadOnlySpan<byte> BadToken => "ERR token must be a positive integer"u8;
    private static ReadOnlySpan<byte> CrossSlot => "CROSSSLOT Keys in request don't hash to the same slot"u8;

    public static void Fenced(ref CommandContext ctx)
    {
        if (!Numbers.TryParseInt64(ctx.Args[2], out long token) || token <= 0)
        {
            ctx.Writer.WriteError(BadToken);
            return;
        }
        var inner = ctx.Args.Skip(3);
        var def = ctx.Server.Commands.Lookup.Find(inner[0]);
        if (def is null)
        {
            ctx.Writer.WriteError(ErrorText.UnknownCommand(inner));
            return;
        }
        if (!Fenceable(def))
        {
            ctx.Writer.WriteError($"ERR LOCK.FENCED runs a write command with keys; '{def.FullName}' cannot be fenced");
            return;
        }
        var lockKey = ctx.Args[1];
        if (ctx.Server.Cluster is not null && !SameSlot(lockKey, def, inner))
        {
            ctx.Writer.WriteError(CrossSlot);
            return;
        }
        var db = ctx.Db;
        Span<ulong> bits = stackalloc ulong[MultiShardLock.WordsFor(db)];
        var locks = new MultiShardLock(db, bits);
        locks.Add(KeyHasher.Hash(lockKey));
        var keys = CommandKeys.Of(def, inner);
        while (keys.MoveNext(out int index)) locks.Add(KeyHasher.Hash(inner[index]));
        locks.EnterAll();
        try
        {
            if (!IsCurrent(ref ctx, lockKey, token)) return;
            Interlocked.Increment(ref ctx.Server.Locks.Stats.FencedWritesCount);
            Dispatcher.RunFencedWrite(ref ctx, def, inner);
        }
        finally
        {
            // The wrapped write went to the feed on its own (or not at all); the check changed nothing.
            ctx.SkipPropagation();
            locks.ExitAll();
        }
    }

    /// <summary>With the lock key's shard held: true when a live lease carries the token, else the error is written.</summary>
    private static bool IsCurrent(ref CommandContext ctx, ReadOnlySpan<byte> lockKey, long token)
    {
        long now = ctx.NowMs;
        bool current = false;
        var key = ctx.Open(lockKey, Lookup.Read);
        try
        {
            var state = LockState.OpenAnyKind(key, now, out bool wrongType);
            if (wrongType)
            {
                ctx.Writer.WriteError(RespErrors.WrongType);
                return false;
            }
            if (state is not null)
            {
                current = state.HoldsToken(token);
                state.Sync(ref key, now);
            }
        }
        finally
        {
            key.Dispose();
        }
        if (current) return true;
        Interlocked.Increment(ref ctx.Server.Locks.Stats.FencedRejectionsCount);
        ctx.Writer.WriteError(Stale);
        return false;
    }

    /// <summary>A write with keys at fixed positions, that runs to completion without blocking or a transaction of its own.</summary>
    private static bool Fenceable(CommandDef def) =>
        (def.Flags & CommandFlags.Write) != 0 && def.FirstKey > 0 && def.SubcommandLookup is null && def.Group != "lock"
        && (def.Flags & (CommandFlags.Admin | CommandFlags.NoScript | CommandFlags.NoMulti | CommandFlags.PubSub | CommandFlags.MovableKeys | CommandFlags.Blocking)) == 0;

    private static bool SameSlot(ReadOnlySpan<byte> lockKey, CommandDef def, CommandArgs inner)
    {
        int slot = KeySlot.Of(lockKey);
        var keys = CommandKeys.Of(def, inner);
        while (keys.MoveNext(out int index))
        {
            if (KeySlot.Of(inner[index]) != slot) return false;
        }
        return true;
    }
}
