using System.Diagnostics;
using System.Runtime.InteropServices;

namespace FastNode.Server.Commands;

/// <summary>
/// One command's INFO commandstats counters. With more than one thread executing commands (io-threads, the pipeline
/// helper) every one runs the hot commands, so one shared counter would move its cache line between the cores on every
/// GET; each thread instead counts in its own stripe (chosen by thread id, a cache line apart), and readers add the
/// stripes up. Time is kept in Stopwatch ticks (no division per call) and turned into microseconds when read.
/// </summary>
public sealed class CommandStats
{
    private const int Stripes = 8;

    // 128 bytes: the array is not line-aligned, so a 64-byte stripe could still share a line with its neighbour.
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct Stripe
    {
        [FieldOffset(0)] public long Calls;
        [FieldOffset(8)] public long Ticks;
        [FieldOffset(16)] public long Failed;
    }

    private readonly Stripe[] _stripes = new Stripe[Stripes];
    /// <summary>Created at the first call timed with latency-tracking on (most commands are never called).</summary>
    private FastNode.Server.Monitoring.LatencyHistogram? _histogram;

    /// <summary>
    /// Adds <paramref name="calls"/> calls that took <paramref name="ticks"/> together (a run of them in a batch); with
    /// <paramref name="trackLatency"/> (latency-tracking) also to the latency histogram, each call at the run's mean.
    /// </summary>
    public void Record(int calls, long ticks, int failed, bool trackLatency = false)
    {
        ref var s = ref _stripes[Environment.CurrentManagedThreadId & (Stripes - 1)];
        Interlocked.Add(ref s.Calls, calls);
        Interlocked.Add(ref s.Ticks, ticks);
        if (failed != 0) Interlocked.Add(ref s.Failed, failed);
        if (trackLatency) (_histogram ?? CreateHistogram()).Record(calls, ticks);
    }

    /// <summary>The latency histogram, or null if no call was tracked since start.</summary>
    public FastNode.Server.Monitoring.LatencyHistogram? Histogram => Volatile.Read(ref _histogram);

    private FastNode.Server.Monitoring.LatencyHistogram CreateHistogram()
    {
        Interlocked.CompareExchange(ref _histogram, new FastNode.Server.Monitoring.LatencyHistogram(), null);
        return _histogram!;
    }

    public long Calls => Sum(static (ref Stripe s) => ref s.Calls);

    public long Microseconds => Sum(static (ref Stripe s) => ref s.Ticks) * 1_000_000 / Stopwatch.Frequency;

    public long FailedCalls => Sum(static (ref Stripe s) => ref s.Failed);

    /// <summary>CONFIG RESETSTAT. Calls racing with it may survive in the new counts, as in Redis's threaded I/O.</summary>
    public void Reset()
    {
        for (int i = 0; i < Stripes; i++)
        {
            ref var s = ref _stripes[i];
            Interlocked.Exchange(ref s.Calls, 0);
            Interlocked.Exchange(ref s.Ticks, 0);
            Interlocked.Exchange(ref s.Failed, 0);
        }
        _histogram?.Reset();
    }

    private delegate ref long Field(ref Stripe s);

    private long Sum(Field field)
    {
        long total = 0;
        for (int i = 0; i < Stripes; i++) total += Interlocked.Read(ref field(ref _stripes[i]));
        return total;
    }
}
