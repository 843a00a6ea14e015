using FastNode.Server.Commands.Locks.Replication;
using FastNode.Server.Storage.RateLimit;

namespace FastNode.Server.Commands.RateLimit;

/// <summary>
/// lock-replication majority for rate limiters (issue 15 §2: with the majority setting a failover over-admits nothing).
/// An admitted CL.THROTTLE, RL.GCRA / TOKENBUCKET / SLIDINGLOG / SLIDINGWINDOW or RL.MULTI replies only once a majority
/// of the copies acknowledged the limiter's new state; a refusal changes nothing that matters and replies at once.
/// Inside MULTI/EXEC and scripts nothing can wait: there limiters answer at once (the async bound applies). In async
/// mode, or with no replica listed, this costs one option read and the call stays at 0 B.
/// </summary>
internal static class LimiterMajority
{
    public static ReadOnlySpan<byte> Unreachable =>
        "NOREPLICAS Not enough replicas connected to acknowledge the rate limiter's admission (lock-replication majority); nothing was changed"u8;

    public static ReadOnlySpan<byte> Timeout =>
        "NOREPLICAS Rate limiter admission not acknowledged by a majority within lock-replication-timeout; treat it as refused (its cost stays taken)"u8;

    /// <summary>
    /// Replica acknowledgements an admission must wait for (0: reply at once). Writes NOREPLICAS and returns -1 when
    /// too few replicas are connected to ever make them, before the limiter is touched.
    /// </summary>
    public static int Needed(ref CommandContext ctx)
    {
        var replication = ctx.Server.LockReplication;
        int needed = replication.AcksNeeded();
        if (needed == 0 || ctx.Session.InExec) return 0;
        if (replication.OnlineReplicas() >= needed) return needed;
        Interlocked.Increment(ref replication.Stats.MajorityUnreachableCount);
        ctx.Writer.WriteError(Unreachable);
        return -1;
    }

    /// <summary>A single-key limiter admitted: record its state now and park the reply.</summary>
    public static void ReplyAfterMajority(ref CommandContext ctx, int needed, LimiterReplyShape shape, in LimitDecision decision)
    {
        var replication = ctx.Server.LockReplication;
        replication.RecordKeyNow(ref ctx);
        Park(ref ctx, needed, shape, [decision]);
    }

    /// <summary>Parks a reply whose records are already in the stream (up to the session's FeedOffset).</summary>
    public static void Park(ref CommandContext ctx, int needed, LimiterReplyShape shape, LimitDecision[] decisions)
    {
        var replication = ctx.Server.LockReplication;
        replication.Park(ref ctx, new LimiterAckWait(replication, replication.DeadlineMs(ref ctx), ctx.Session.FeedOffset,
            needed, shape, decisions));
    }
}
