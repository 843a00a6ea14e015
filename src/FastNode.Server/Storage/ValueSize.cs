namespace FastNode.Server.Storage;

/// <summary>
/// What a non-string value is counted as in used_memory: a fixed part plus a per-element figure for its family,
/// measured on .NET 10 with short members (perf/README.md "Memory accounting"). An estimate from the element count
/// keeps the accounting O(1) per command; long members are under-counted.
/// </summary>
internal static class ValueSize
{
    private const int Fixed = 64;

    public static int Estimate(object? value) => value switch
    {
        Hashes.HashValue h => Fixed + Scale(h.Count, 80),
        Sets.SetValue s => Fixed + Scale(s.Count, 48),
        SortedSets.SortedSetValue z => Fixed + Scale(z.Count, 96),
        Lists.ListValue l => Fixed + Scale(l.Count, 40),
        ICollectionValue c => Fixed + Scale(c.Count, 64),
        null => 0,
        _ => 128,   // lock, semaphore and rate-limiter states: a few small objects each
    };

    private static int Scale(int count, int perElement) => (int)Math.Min(int.MaxValue / 2, (long)count * perElement);
}
