namespace FastNode.Server.Storage;

/// <summary>
/// Bytes of large arrays (on the large object heap) dropped since the last full collection: big string values deleted
/// or replaced, big request buffers released. Only a full collection gives such memory back, and .NET runs one when
/// allocations call for it, not because memory was freed; <see cref="Memory.MemoryReclaimer"/> reads this to run one
/// soon after a large free. Process-wide, as the GC is.
/// </summary>
public static class LargeFrees
{
    /// <summary>The runtime's large-object threshold: smaller arrays die young and go back with ordinary collections.</summary>
    public const int LargeObjectBytes = 85_000;

    private static long s_pending;

    public static long Pending => Volatile.Read(ref s_pending);

    public static void Freed(long bytes)
    {
        if (bytes >= LargeObjectBytes) Interlocked.Add(ref s_pending, bytes);
    }

    /// <summary>Takes the pending count (a collection is about to run).</summary>
    public static long Take() => Interlocked.Exchange(ref s_pending, 0);
}
