using System.Diagnostics;
using System.Runtime;
using FastNode.Server.Storage;

namespace FastNode.Server.Memory;

/// <summary>
/// Gives memory back to the OS after large frees. Large arrays (big string values, a big request's buffer) live on the
/// large object heap, and .NET collects it only when allocations call for a gen-2 collection: after DEL of a 512 MB
/// value on an otherwise quiet server, the process kept the 512 MB indefinitely. So when at least
/// <see cref="Threshold"/> bytes of large arrays were dropped (<see cref="LargeFrees"/>), the cron runs one blocking,
/// compacting collection that also compacts the large object heap and decommits the freed regions
/// (GCCollectionMode.Aggressive), at most once per <see cref="MinIntervalMs"/>. perf/README.md "Memory given back"
/// has the measurements behind these choices. Process-wide, like the GC: several servers in one process share it.
/// </summary>
public static class MemoryReclaimer
{
    /// <summary>Large frees that make a collection worth its pause (a full collection of 1M keys takes ~100 ms).</summary>
    public const long Threshold = 32L * 1024 * 1024;

    /// <summary>Collections run no more often than this, so a workload that keeps replacing big values pays at most this rate.</summary>
    public const int MinIntervalMs = 2000;

    private static long s_lastCollectionTicks;
    private static int s_running;

    /// <summary>Collections this reclaimer ran (INFO memory: fastnode_reclaim_collections).</summary>
    public static long Collections;

    /// <summary>From the cron: collects when enough large memory was freed and the last collection is old enough.</summary>
    /// <param name="mode">memory-reclaim: "aggressive" (compacting, the large object heap included, and freed regions
    /// decommitted), "compact" (the same without the decommit), or "off" (leave it to the GC).</param>
    public static void Tick(string mode)
    {
        if (LargeFrees.Pending < Threshold || mode == "off") return;
        long now = Stopwatch.GetTimestamp();
        if (Stopwatch.GetElapsedTime(Volatile.Read(ref s_lastCollectionTicks), now).TotalMilliseconds < MinIntervalMs) return;
        if (Interlocked.Exchange(ref s_running, 1) == 1) return;
        try
        {
            LargeFrees.Take();
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, mode == "compact" ? GCCollectionMode.Forced : GCCollectionMode.Aggressive, blocking: true, compacting: true);
            Interlocked.Increment(ref Collections);
            Volatile.Write(ref s_lastCollectionTicks, Stopwatch.GetTimestamp());
        }
        finally
        {
            Volatile.Write(ref s_running, 0);
        }
    }
}
