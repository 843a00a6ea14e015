namespace FastNode.Server.Storage;

/// <summary>
/// What <see cref="Entry.LastAccess"/> holds, as Redis's 24-bit lru field does: under an LRU (or any non-LFU) policy
/// the Unix second of the last access; under an LFU policy the minute of the last counter update in the high 24 bits
/// and a logarithmic access counter in the low 8. Switching policy at run time reinterprets the word, so keys take a
/// while to adjust (Redis says the same in the OBJECT FREQ/IDLETIME errors). Costs no byte beyond the existing field.
/// </summary>
public static class AccessClock
{
    /// <summary>Counter of a new key (Redis LFU_INIT_VAL): a key just written is not evicted before it is read.</summary>
    public const int LfuInitial = 5;

    private const uint MinuteMask = 0xFFFFFF;

    public static uint Seconds(long nowMs) => (uint)(nowMs / 1000);

    /// <summary>Minutes since the epoch, modulo 2^24 (about 31 years before it wraps).</summary>
    public static uint Minutes(long nowMs) => (uint)(nowMs / 60_000) & MinuteMask;

    public static uint NewLfu(long nowMs) => (Minutes(nowMs) << 8) | LfuInitial;

    /// <summary>Minutes since <paramref name="word"/>'s stamp, handling the 24-bit wrap.</summary>
    private static uint MinutesSince(uint word, long nowMs) => (Minutes(nowMs) - (word >> 8)) & MinuteMask;

    /// <summary>The counter after its decay: one less per <paramref name="decayMinutes"/> elapsed (0 = never decays).</summary>
    public static int DecayedCounter(uint word, long nowMs, int decayMinutes)
    {
        int counter = (int)(word & 0xFF);
        if (decayMinutes <= 0) return counter;
        long periods = MinutesSince(word, nowMs) / (uint)decayMinutes;
        return periods >= counter ? 0 : counter - (int)periods;
    }

    /// <summary>
    /// One access under LFU: decay, then a logarithmic increment (the counter grows with probability
    /// 1 / ((counter - initial) * logFactor + 1), so 255 stands for about a million hits at factor 10).
    /// <paramref name="random"/> is a uniformly random 64-bit number.
    /// </summary>
    public static uint LfuTouch(uint word, long nowMs, int decayMinutes, int logFactor, ulong random)
    {
        int counter = DecayedCounter(word, nowMs, decayMinutes);
        if (counter < 255)
        {
            double r = (random >> 11) * (1.0 / (1UL << 53));
            double baseValue = Math.Max(0, counter - LfuInitial);
            if (r < 1.0 / (baseValue * logFactor + 1)) counter++;
        }
        return (Minutes(nowMs) << 8) | (uint)counter;
    }

    /// <summary>Seconds since a key's last access under LRU (0 for a stamp of 0, never set, or one in the future).</summary>
    public static long IdleSeconds(uint word, long nowMs) => word == 0 ? 0 : Math.Max(0, nowMs / 1000 - word);
}
