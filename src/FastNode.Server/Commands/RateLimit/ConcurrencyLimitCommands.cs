using FastNode.Protocol;
using FastNode.Server.Storage;
using FastNode.Server.Storage.RateLimit;

namespace FastNode.Server.Commands.RateLimit;

/// <summary>
/// RL.CONCURRENCY.ACQUIRE / RELEASE / RENEW: at most N leases in flight per key, each with a TTL so a crashed holder
/// cannot keep its slot (see <see cref="ConcurrencyState"/>).
/// </summary>
public static class ConcurrencyLimitCommands
{
    /// <summary>RL.CONCURRENCY.ACQUIRE key limit lease_ttl_ms → [allowed, limit, remaining, retry_ms, reset_ms, lease_id]</summary>
    public static void Acquire(ref CommandContext ctx)
    {
        var error = LimitArgs.ParseConcurrency(ctx.Args[2], ctx.Args[3], out long limit, out long ttlNs);
        if (error != RateLimitError.None)
        {
            ctx.Writer.WriteError(RateLimitErrors.Text(error));
            return;
        }
        long nowMs = ctx.NowMs;
        LimitDecision decision;
        long leaseId;
        var key = ctx.Open(ctx.Args[1], Lookup.Read);
        try
        {
            var found = LimiterStore.Find(key, LimiterAlgorithm.Concurrency, out bool wrongType);
            if (wrongType)
            {
                ctx.Writer.WriteError(RespErrors.WrongType);
                return;
            }
            long nowNs = RateLimitClock.NowNs(ctx.Server);
            var state = (ConcurrencyState?)found ?? new ConcurrencyState();
            leaseId = state.TryAcquire(nowNs, limit, ttlNs, out decision);
            LimiterStore.Save(ref key, state, decision.ResetAfterNs, nowMs);
        }
        finally
        {
            key.Dispose();
        }
        RateLimitReply.Count(ref ctx, decision.Allowed);
        RateLimitReply.WriteLease(ref ctx.Writer, decision, leaseId);
    }

    /// <summary>RL.CONCURRENCY.RELEASE key lease_id → 1 if the lease was in flight, else 0.</summary>
    public static void Release(ref CommandContext ctx) => Update(ref ctx, renew: false);

    /// <summary>RL.CONCURRENCY.RENEW key lease_id lease_ttl_ms → 1 if the lease was in flight (its TTL restarts), else 0.</summary>
    public static void Renew(ref CommandContext ctx) => Update(ref ctx, renew: true);

    private static void Update(ref CommandContext ctx, bool renew)
    {
        if (!Numbers.TryParseInt64(ctx.Args[2], out long leaseId))
        {
            ctx.Writer.WriteError(RespErrors.NotInteger);
            return;
        }
        long ttlNs = 0;
        var error = renew ? LimitArgs.ParseLeaseTtl(ctx.Args[3], out ttlNs) : RateLimitError.None;
        if (error != RateLimitError.None)
        {
            ctx.Writer.WriteError(RateLimitErrors.Text(error));
            return;
        }
        long nowMs = ctx.NowMs;
        bool done = false;
        var key = ctx.Open(ctx.Args[1], Lookup.Read);
        try
        {
            var found = LimiterStore.Find(key, LimiterAlgorithm.Concurrency, out bool wrongType);
            if (wrongType)
            {
                ctx.Writer.WriteError(RespErrors.WrongType);
                return;
            }
            if (found is ConcurrencyState state)
            {
                long nowNs = RateLimitClock.NowNs(ctx.Server);
                done = renew ? state.Renew(nowNs, leaseId, ttlNs) : state.Release(nowNs, leaseId);
                LimiterStore.Save(ref key, state, state.ResetAfterNs(nowNs), nowMs);
            }
        }
        finally
        {
            key.Dispose();
        }
        ctx.Writer.WriteRaw(done ? RespReplies.One : RespReplies.Zero);
    }
}
