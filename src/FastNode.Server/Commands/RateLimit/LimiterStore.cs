using FastNode.Server.Storage;
using FastNode.Server.Storage.RateLimit;

namespace FastNode.Server.Commands.RateLimit;

/// <summary>
/// Limiter state in ordinary keys of kind <see cref="ValueKind.RateLimiter"/>. A key lives exactly as long as its
/// limiter is below full capacity: every call sets its TTL to the time until it is full again, and a limiter found full
/// is deleted, since an absent key means the same thing. All members run under the key's shard lock.
/// </summary>
internal static class LimiterStore
{
    /// <summary>
    /// Looks up <paramref name="key"/>: returns its entry index (or -1 when absent) and its state when it is a limiter
    /// of <paramref name="algorithm"/>. <paramref name="wrongType"/> is set for any other value, including a limiter
    /// of another algorithm.
    /// </summary>
    public static int Find(Shard shard, ulong hash, ReadOnlySpan<byte> key, long nowMs, LimiterAlgorithm algorithm,
        out RateLimiterState? state, out bool wrongType)
    {
        state = null;
        wrongType = false;
        int index = shard.Find(hash, key, nowMs);
        if (index < 0) return index;
        ref var entry = ref shard.At(index);
        if (entry.Kind == ValueKind.RateLimiter && entry.Value is RateLimiterState found && found.Algorithm == algorithm)
            state = found;
        else
            wrongType = true;
        return index;
    }

    /// <summary>
    /// Stores <paramref name="state"/> with a TTL of <paramref name="resetAfterNs"/> (rounded up to whole ms), adding
    /// the key when <paramref name="index"/> is -1, or deletes the key when the limiter is full (reset 0).
    /// </summary>
    public static void Save(Shard shard, int index, ulong hash, ReadOnlySpan<byte> key, RateLimiterState state,
        long resetAfterNs, long nowMs)
    {
        if (resetAfterNs <= 0)
        {
            if (index >= 0) shard.Remove(index);
            return;
        }
        if (index < 0)
        {
            index = shard.Add(hash, key, ValueKind.RateLimiter);
            ref var entry = ref shard.At(index);
            entry.Value = state;
            entry.LastAccess = (uint)(nowMs / 1000);
        }
        shard.SetExpireAt(index, nowMs + RateLimitClock.CeilMs(resetAfterNs));
    }
}
