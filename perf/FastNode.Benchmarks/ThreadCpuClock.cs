using System.Runtime.InteropServices;

namespace FastNode.Benchmarks;

/// <summary>
/// This thread's CPU time (CLOCK_THREAD_CPUTIME_ID): the A/B tools time blocks with it, so time the thread spent
/// descheduled on a loaded machine does not count.
/// </summary>
internal static class ThreadCpuClock
{
    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    private const int ThreadCpuTimeId = 3;

    public static long Nanoseconds()
    {
        ClockGetTime(ThreadCpuTimeId, out var t);
        return t.Seconds * 1_000_000_000 + t.Nanoseconds;
    }
}
