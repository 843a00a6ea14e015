using FastNode.Protocol;
using FastNode.Server.Storage;
using FastNode.Server.Storage.RateLimit;

namespace FastNode.Server.Commands.RateLimit;

/// <summary>
/// Single-key rate limiters: CL.THROTTLE (redis-cell compatible) and RL.GCRA / RL.TOKENBUCKET / RL.SLIDINGLOG /
/// RL.SLIDINGWINDOW. Each opens only its key (one shard lock), mutates the state in place and writes a fixed array of
/// integers, so a call on an existing key allocates nothing. docs/rate-limiting.md describes the commands.
/// </summary>
public static class RateLimitCommands
{
    /// <summary>CL.THROTTLE key max_burst count_per_period period [quantity]</summary>
    public static void Throttle(ref CommandContext ctx)
    {
        if (ctx.Args.Count > 6)
        {
            ctx.Writer.WriteError(ErrorText.WrongArity(ctx.Command.FullName));
            return;
        }
        var error = LimitArgs.ParseThrottle(ctx.Args, out var policy);
        if (error != RateLimitError.None)
        {
            ctx.Writer.WriteError(RateLimitErrors.Text(error));
            return;
        }
        int needed = LimiterMajority.Needed(ref ctx);
        if (needed < 0 || !Run(ref ctx, ctx.Args[1], policy, out var decision)) return;
        NotifyIfLimited(ref ctx, decision);
        RateLimitReply.Count(ref ctx, decision.Allowed);
        if (needed > 0 && decision.Allowed) LimiterMajority.ReplyAfterMajority(ref ctx, needed, LimiterReplyShape.Throttle, decision);
        else RateLimitReply.WriteThrottle(ref ctx.Writer, decision);
    }

    /// <summary>RL.GCRA key max_burst count_per_period period_ms [COST n]</summary>
    public static void Gcra(ref CommandContext ctx)
    {
        int pos = 2;
        Finish(ref ctx, LimitArgs.ParseGcra(ctx.Args, ref pos, stopAtUnknown: false, out var policy), policy);
    }

    /// <summary>RL.TOKENBUCKET key capacity refill [PERIOD ms] [COST n]</summary>
    public static void TokenBucket(ref CommandContext ctx)
    {
        int pos = 2;
        Finish(ref ctx, LimitArgs.ParseTokenBucket(ctx.Args, ref pos, stopAtUnknown: false, out var policy), policy);
    }

    /// <summary>RL.SLIDINGLOG key limit window_ms [COST n]</summary>
    public static void SlidingLog(ref CommandContext ctx)
    {
        int pos = 2;
        Finish(ref ctx, LimitArgs.ParseWindow(ctx.Args, ref pos, stopAtUnknown: false, LimiterAlgorithm.SlidingLog, out var policy), policy);
    }

    /// <summary>RL.SLIDINGWINDOW key limit window_ms [COST n]</summary>
    public static void SlidingWindow(ref CommandContext ctx)
    {
        int pos = 2;
        Finish(ref ctx, LimitArgs.ParseWindow(ctx.Args, ref pos, stopAtUnknown: false, LimiterAlgorithm.SlidingWindow, out var policy), policy);
    }

    private static void Finish(ref CommandContext ctx, RateLimitError error, in LimitPolicy policy)
    {
        if (error != RateLimitError.None)
        {
            ctx.Writer.WriteError(RateLimitErrors.Text(error));
            return;
        }
        int needed = LimiterMajority.Needed(ref ctx);
        if (needed >= 0 && Run(ref ctx, ctx.Args[1], policy, out var decision))
        {
            NotifyIfLimited(ref ctx, decision);
            RateLimitReply.Count(ref ctx, decision.Allowed);
            if (needed > 0 && decision.Allowed) LimiterMajority.ReplyAfterMajority(ref ctx, needed, LimiterReplyShape.Decision, decision);
            else RateLimitReply.WriteDecision(ref ctx.Writer, decision);
        }
    }

    /// <summary>A refused request raises "ratelimit.limited" in class 'd' (module key types), for alerting on throttled keys.</summary>
    private static void NotifyIfLimited(ref CommandContext ctx, in LimitDecision decision)
    {
        if (!decision.Allowed) ctx.Notify(FastNode.Server.PubSub.KeyspaceEventClass.Module, "ratelimit.limited"u8, ctx.Args[1]);
    }

    /// <summary>
    /// Decides one request on <paramref name="key"/> under its shard lock: the cost is taken only when admitted, and
    /// the key's TTL is refreshed (or the key dropped when full). Returns false after writing WRONGTYPE.
    /// </summary>
    private static bool Run(ref CommandContext ctx, ReadOnlySpan<byte> key, in LimitPolicy policy, out LimitDecision decision)
    {
        long nowMs = ctx.NowMs;
        var k = ctx.Open(key, Lookup.Read);
        try
        {
            var found = LimiterStore.Find(k, policy.Algorithm, out bool wrongType);
            if (wrongType)
            {
                decision = default;
                ctx.Writer.WriteError(RespErrors.WrongType);
                return false;
            }
            long nowNs = RateLimitClock.NowNs(ctx.Server);
            var state = (QuotaLimiterState?)found ?? QuotaLimiterState.Create(policy, nowNs);
            state.Advance(nowNs, policy);
            state.Evaluate(nowNs, policy, out decision);
            if (decision.Allowed) state.Consume(nowNs, policy);
            LimiterStore.Save(ref k, state, decision.ResetAfterNs, nowMs);
        }
        finally
        {
            k.Dispose();
        }
        return true;
    }
}
