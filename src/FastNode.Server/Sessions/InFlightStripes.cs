using System.Runtime.InteropServices;

namespace FastNode.Server.Sessions;

/// <summary>
/// How many operations threads have in flight, striped by thread so that counting one costs an uncontended
/// interlocked add. One thread can then wait until every stripe has been seen with nothing in flight but its own: a
/// point after which every operation that started earlier has finished. The caller keeps its thread's own count (a
/// [ThreadStatic] of its own), because a thread waiting from inside an operation must not wait for itself.
/// </summary>
public sealed class InFlightStripes
{
    private const int Stripes = 64;

    private readonly PaddedCounter[] _counts = new PaddedCounter[Stripes];

    /// <summary>One more in flight on this thread; a full fence, so a flag read after it cannot move before it.</summary>
    public void Add() => Interlocked.Increment(ref _counts[Environment.CurrentManagedThreadId & (Stripes - 1)].Value);

    public void Remove() => Interlocked.Decrement(ref _counts[Environment.CurrentManagedThreadId & (Stripes - 1)].Value);

    /// <summary>
    /// Waits until each stripe has been seen holding no more than <paramref name="own"/> (this thread's count) on this
    /// thread's stripe and nothing on the others.
    /// </summary>
    public void WaitForOthers(long own)
    {
        var spin = new SpinWait();
        int mine = Environment.CurrentManagedThreadId & (Stripes - 1);
        for (int i = 0; i < Stripes; i++)
        {
            long allowed = i == mine ? own : 0;
            while (Volatile.Read(ref _counts[i].Value) > allowed) spin.SpinOnce();
        }
    }

    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct PaddedCounter
    {
        [FieldOffset(64)] public long Value;
    }
}
