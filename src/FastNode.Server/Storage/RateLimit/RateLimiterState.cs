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
}
