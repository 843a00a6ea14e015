namespace FastNode.Server.Storage.RateLimit;

/// <summary>What a limiter answers to one request. Durations are ns on the server's monotonic clock.</summary>
public struct LimitDecision
{
    /// <summary>The request was (or, in RL.MULTI's first phase, would be) admitted.</summary>
    public bool Allowed;
    /// <summary>The policy's total limit (see <see cref="LimitPolicy.Limit"/>).</summary>
    public long Limit;
    /// <summary>Units still available after this request (nothing is taken when it is refused). Never negative.</summary>
    public long Remaining;
    /// <summary>When refused: ns until the same request would be admitted. -1 when admitted, or when it never can be
    /// (its cost exceeds the limit).</summary>
    public long RetryAfterNs;
    /// <summary>ns until the limiter is back at full capacity (and its key expires); 0 when it already is.</summary>
    public long ResetAfterNs;
}
