using FastNode.Protocol;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Locks;

namespace FastNode.Server.Commands.Locks;

/// <summary>
/// SEM.ACQUIRE / RELEASE / RENEW / INFO: a fair counting semaphore with N permits, one per owner, each a lease with
/// its own fencing token. Same state machine and FIFO as the locks (a lock is a one-permit semaphore), but a
/// separate kind of key: LOCK.* on a semaphore key (and SEM.* on a lock key) is WRONGTYPE.
/// </summary>
public static class SemaphoreCommands
{
    /// <summary>SEM.ACQUIRE key owner permits ttl_ms [WAIT timeout_ms]: the fencing token, or nil when all permits are held.</summary>
    public static void Acquire(ref CommandContext ctx)
    {
        var error = LockArgs.ParsePermits(ctx.Args[3], out int permits);
        if (!error.IsEmpty)
        {
            ctx.Writer.WriteError(error);
            return;
        }
        LockCommands.AcquireCore(ref ctx, semaphore: true, permits, ttlIndex: 4);
    }

    /// <summary>SEM.RELEASE key owner: 1 if owner held a permit (handed to the next waiter now), else 0.</summary>
    public static void Release(ref CommandContext ctx) => LockCommands.ReleaseCore(ref ctx, semaphore: true);

    /// <summary>SEM.RENEW key owner ttl_ms: 1 if owner holds a permit (lease reset to ttl_ms from now), else 0.</summary>
    public static void Renew(ref CommandContext ctx) => LockCommands.RenewCore(ref ctx, semaphore: true);

    /// <summary>
    /// SEM.INFO key: permits, holders (each [owner, ttl_ms, token], in grant order) and waiters, as a map (a flat array
    /// in RESP2), or nil when no permit is held.
    /// </summary>
    public static void Info(ref CommandContext ctx)
    {
        long now = ctx.NowMs;
        var key = ctx.Open(ctx.Args[1], Lookup.Read);
        try
        {
            var state = LockCommands.OpenHeldForInfo(ref ctx, ref key, now, semaphore: true);
            if (state is null) return;
            state.SortHoldersByToken();
            ctx.Writer.WriteMapHeader(3);
            ctx.Writer.WriteBulkString("permits"u8);
            ctx.Writer.WriteInteger(state.Permits);
            ctx.Writer.WriteBulkString("holders"u8);
            ctx.Writer.WriteArrayHeader(state.HolderCount);
            for (int j = 0; j < state.HolderCount; j++)
            {
                ref readonly var holder = ref state.Holder(j);
                ctx.Writer.WriteArrayHeader(3);
                ctx.Writer.WriteBulkString(holder.OwnerSpan);
                ctx.Writer.WriteInteger(holder.Deadline - now);
                ctx.Writer.WriteInteger(holder.Token);
            }
            ctx.Writer.WriteBulkString("waiters"u8);
            ctx.Writer.WriteInteger(state.WaiterCount);
            state.Sync(ref key, now);
        }
        finally
        {
            key.Dispose();
        }
    }
}
