using FastNode.Server.Storage;
using FastNode.Server.Storage.RateLimit;

namespace FastNode.Server.Commands.RateLimit;

/// <summary>
/// Limiter state in ordinary keys of kind <see cref="ValueKind.RateLimiter"/>. A key lives exactly as long as its
/// limiter is below full capacity: every call sets its TTL to the time until it is full again, and a limiter found full
/// is deleted, since an absent key means the same thing. All members work on a key opened by the caller.
/// </summary>
internal static class LimiterStore
{
    /// <summary>
    /// The limiter at the opened key when it is one of <paramref name="algorithm"/>; null when the key is missing or
    /// holds anything else (then <paramref name="wrongType"/>, also for a limiter of another algorithm).
    /// </summary>
    public static RateLimiterState? Find(in KeyHandle key, LimiterAlgorithm algorithm, out bool wrongType)
    {
        var found = key.Get<RateLimiterState>(ValueKind.RateLimiter, out wrongType);
        if (found is null || found.Algorithm == algorithm) return found;
        wrongType = true;
        return null;
    }

    /// <summary>
    /// Stores <paramref name="state"/> with a TTL of <paramref name="resetAfterNs"/> (rounded up to whole ms), adding
    /// the key when it is missing, or deletes the key when the limiter is full (reset 0).
    /// </summary>
    public static void Save(ref KeyHandle key, RateLimiterState state, long resetAfterNs, long nowMs)
    {
        if (resetAfterNs <= 0)
        {
            key.Delete();
            return;
        }
        if (!key.Exists) key.Add(ValueKind.RateLimiter, state);
        key.SetExpireAt(nowMs + RateLimitClock.CeilMs(resetAfterNs));
    }
}
