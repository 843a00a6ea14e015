namespace FastNode.Server.Storage.RateLimit;

/// <summary>Which algorithm a limiter key runs. A key answers WRONGTYPE to a command of another algorithm.</summary>
public enum LimiterAlgorithm : byte
{
    None = 0,
    /// <summary>Generic cell rate algorithm (CL.THROTTLE, RL.GCRA): one theoretical arrival time per key.</summary>
    Gcra,
    /// <summary>Token bucket with exact fixed-point refill (RL.TOKENBUCKET).</summary>
    TokenBucket,
    /// <summary>Exact log of the admitted requests of the last window (RL.SLIDINGLOG).</summary>
    SlidingLog,
    /// <summary>Two fixed windows weighted by overlap (RL.SLIDINGWINDOW).</summary>
    SlidingWindow,
    /// <summary>At most N leases in flight (RL.CONCURRENCY.*).</summary>
    Concurrency,
}
