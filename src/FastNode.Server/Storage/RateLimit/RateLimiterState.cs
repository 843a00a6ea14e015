namespace FastNode.Server.Storage.RateLimit;

/// <summary>
/// The value object of a key of kind <see cref="ValueKind.RateLimiter"/>. Mutated in place, only while the key's
/// shard lock is held, so a call on an existing key allocates nothing.
/// </summary>
public abstract class RateLimiterState : ICopyableValue, IObjectEncoding
{
    public abstract LimiterAlgorithm Algorithm { get; }

    /// <summary>OBJECT ENCODING: the algorithm's name ("gcra", "tokenbucket", ...).</summary>
    public abstract ReadOnlySpan<byte> ObjectEncoding { get; }

    /// <summary>A deep copy (COPY): the copy shares no arrays with this state.</summary>
    public abstract RateLimiterState Clone();

    object ICopyableValue.DeepCopy() => Clone();

    /// <summary>
    /// The state as integers for an RDB file or DUMP payload (the algorithm's own field order, see each type). Clock
    /// readings are written as Unix ns: <paramref name="toUnixNs"/> is added to every monotonic reading, so the file
    /// carries absolute times only. Append only: the field orders are part of the file format.
    /// </summary>
    public abstract void Export(List<long> fields, long toUnixNs);

    /// <summary>
    /// The state <see cref="Export"/> wrote, with Unix ns turned back into this server's monotonic ns by adding
    /// <paramref name="fromUnixNs"/>; null when the fields do not make a valid state.
    /// </summary>
    public static RateLimiterState? Import(LimiterAlgorithm algorithm, ReadOnlySpan<long> fields, long fromUnixNs) => algorithm switch
    {
        LimiterAlgorithm.Gcra => GcraState.Import(fields, fromUnixNs),
        LimiterAlgorithm.TokenBucket => TokenBucketState.Import(fields, fromUnixNs),
        LimiterAlgorithm.SlidingLog => SlidingLogState.Import(fields, fromUnixNs),
        LimiterAlgorithm.SlidingWindow => SlidingWindowState.Import(fields, fromUnixNs),
        LimiterAlgorithm.Concurrency => ConcurrencyState.Import(fields, fromUnixNs),
        _ => null,
    };
}
