using FastNode.Protocol;
using FastNode.Server.Commands.Locks.Replication;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Locks;

namespace FastNode.Server.Commands.Locks;

/// <summary>
/// LOCK.ACQUIRE / RELEASE / RENEW / INFO: a lease-based mutex per key that hands out fencing tokens (docs/locks.md).
/// Each command opens only its key (one shard lock); the state machine lives in <see cref="LockState"/>. The acquire,
/// release and renew cores are shared with the semaphore commands, which are the same thing with N permits.
/// </summary>
public static class LockCommands
{
    /// <summary>LOCK.ACQUIRE key owner ttl_ms [WAIT timeout_ms]: the fencing token, or nil while someone else holds it.</summary>
    public static void Acquire(ref CommandContext ctx) => AcquireCore(ref ctx, semaphore: false, permits: 1, ttlIndex: 3);

    /// <summary>LOCK.RELEASE key owner: 1 if owner held the lock (the next waiter gets it now), else 0.</summary>
    public static void Release(ref CommandContext ctx) => ReleaseCore(ref ctx, semaphore: false);

    /// <summary>LOCK.RENEW key owner ttl_ms: 1 if owner holds the lock (lease reset to ttl_ms from now), else 0.</summary>
    public static void Renew(ref CommandContext ctx) => RenewCore(ref ctx, semaphore: false);

    /// <summary>LOCK.INFO key: owner, ttl_ms, token, waiters (a map; a flat array in RESP2), or nil when not held.</summary>
    public static void Info(ref CommandContext ctx)
    {
        long now = ctx.NowMs;
        var key = ctx.Open(ctx.Args[1], Lookup.Read);
        try
        {
            var state = OpenHeldForInfo(ref ctx, ref key, now, semaphore: false);
            if (state is null) return;
            ref readonly var holder = ref state.Holder(0);
            ctx.Writer.WriteMapHeader(4);
            ctx.Writer.WriteBulkString("owner"u8);
            ctx.Writer.WriteBulkString(holder.OwnerSpan);
            ctx.Writer.WriteBulkString("ttl_ms"u8);
            ctx.Writer.WriteInteger(holder.Deadline - now);
            ctx.Writer.WriteBulkString("token"u8);
            ctx.Writer.WriteInteger(holder.Token);
            ctx.Writer.WriteBulkString("waiters"u8);
            ctx.Writer.WriteInteger(state.WaiterCount);
            state.Sync(ref key, now);
        }
        finally
        {
            key.Dispose();
        }
    }

    /// <summary>
    /// LOCK.INFO and SEM.INFO, with the key open: opens its state and answers WRONGTYPE, or nil when the key is absent
    /// or nothing is held (syncing the state then). Returns the state when there are holders to describe (the caller
    /// replies and calls Sync), else null.
    /// </summary>
    internal static LockState? OpenHeldForInfo(ref CommandContext ctx, ref KeyHandle key, long now, bool semaphore)
    {
        var state = LockState.Open(key, now, semaphore, out bool wrongType);
        if (wrongType) ctx.Writer.WriteError(RespErrors.WrongType);
        else if (state is null) ctx.Writer.WriteNullArray();
        else if (state.HolderCount == 0)
        {
            ctx.Writer.WriteNullArray();
            state.Sync(ref key, now);
        }
        else return state;
        return null;
    }

    internal static void AcquireCore(ref CommandContext ctx, bool semaphore, int permits, int ttlIndex)
    {
        var error = LockArgs.ParseAcquire(ctx.Args, ttlIndex, out long ttlMs, out bool wait, out long waitMs);
        if (!error.IsEmpty)
        {
            ctx.Writer.WriteError(error);
            return;
        }
        // lock-replication majority: the reply waits for the replicas (0 = reply at once, as in async mode).
        int needed = ctx.Server.LockReplication.AcksNeeded();
        if (needed > 0 && !ctx.Server.LockReplication.CanWait(ref ctx, needed)) return;
        var owner = ctx.Args[2];
        long now = ctx.NowMs;
        long token = 0;
        int existingPermits = 0;
        BlockedLockAcquire? blocked = null;
        var key = ctx.Open(ctx.Args[1], Lookup.Read);
        try
        {
            var state = LockState.Open(key, now, semaphore, out bool wrongType);
            if (wrongType)
            {
                ctx.Writer.WriteError(RespErrors.WrongType);
                return;
            }
            state ??= LockState.Add(ref key, ctx.Server.Locks, semaphore, permits);
            if (state.Permits != permits)
            {
                existingPermits = state.Permits;
            }
            else
            {
                token = state.TryAcquire(owner, ttlMs, now);
                // Inside EXEC every shard is locked and nothing may wait: WAIT then acts as an immediate timeout,
                // as Redis does for blocking commands in MULTI.
                if (token == 0 && wait && !ctx.Session.InExec)
                {
                    blocked = new BlockedLockAcquire(state, owner.ToArray(), ttlMs, waitMs == 0 ? 0 : now + waitMs);
                    if (needed > 0) blocked.AckAfterGrant(ctx.Server.LockReplication, ctx.Session.DbIndex, ctx.Args[1].ToArray());
                    state.Enqueue(blocked.Waiter);
                }
            }
            state.Sync(ref key, now);
        }
        finally
        {
            key.Dispose();
        }
        if (existingPermits != 0) ctx.Writer.WriteError(LockErrors.PermitsMismatch(existingPermits, permits));
        else if (token > 0)
        {
            LockNotifications.Acquired(ref ctx, semaphore);
            if (needed > 0) ctx.Server.LockReplication.ReplyAfterMajority(ref ctx, needed, LockAckKind.Acquire, token, semaphore);
            else ctx.Writer.WriteInteger(token);
        }
        else if (token < 0) ctx.Writer.WriteError(ctx.Server.FencingTokens.EpochExhausted ? LockErrors.EpochExhausted : LockErrors.TokensExhausted);
        else if (blocked is not null) ctx.Session.Block(blocked);
        else ctx.Writer.WriteNullBulk();
    }

    internal static void ReleaseCore(ref CommandContext ctx, bool semaphore)
    {
        int needed = ctx.Server.LockReplication.AcksNeeded();
        if (needed > 0 && !ctx.Server.LockReplication.CanWait(ref ctx, needed)) return;
        long now = ctx.NowMs;
        bool released = false;
        var key = ctx.Open(ctx.Args[1], Lookup.Read);
        try
        {
            var state = LockState.Open(key, now, semaphore, out bool wrongType);
            if (wrongType)
            {
                ctx.Writer.WriteError(RespErrors.WrongType);
                return;
            }
            if (state is not null)
            {
                released = state.Release(ctx.Args[2], now);
                state.Sync(ref key, now);
            }
        }
        finally
        {
            key.Dispose();
        }
        if (released && needed > 0) ctx.Server.LockReplication.ReplyAfterMajority(ref ctx, needed, LockAckKind.Release, 0, semaphore);
        else ctx.Writer.WriteRaw(released ? RespReplies.One : RespReplies.Zero);
    }

    internal static void RenewCore(ref CommandContext ctx, bool semaphore)
    {
        var error = LockArgs.ParseTtl(ctx.Args[3], out long ttlMs);
        if (!error.IsEmpty)
        {
            ctx.Writer.WriteError(error);
            return;
        }
        int needed = ctx.Server.LockReplication.AcksNeeded();
        if (needed > 0 && !ctx.Server.LockReplication.CanWait(ref ctx, needed)) return;
        long now = ctx.NowMs;
        bool renewed = false;
        long token = 0;
        var key = ctx.Open(ctx.Args[1], Lookup.Read);
        try
        {
            var state = LockState.Open(key, now, semaphore, out bool wrongType);
            if (wrongType)
            {
                ctx.Writer.WriteError(RespErrors.WrongType);
                return;
            }
            if (state is not null)
            {
                renewed = state.Renew(ctx.Args[2], ttlMs, now);
                if (renewed && needed > 0) token = state.TokenOf(ctx.Args[2]);
                state.Sync(ref key, now);
            }
        }
        finally
        {
            key.Dispose();
        }
        if (renewed) LockNotifications.Renewed(ref ctx, semaphore);
        if (renewed && needed > 0) ctx.Server.LockReplication.ReplyAfterMajority(ref ctx, needed, LockAckKind.Renew, token, semaphore);
        else ctx.Writer.WriteRaw(renewed ? RespReplies.One : RespReplies.Zero);
    }
}
