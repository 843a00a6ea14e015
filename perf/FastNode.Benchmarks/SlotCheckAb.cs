using System.Buffers;
using FastNode.Server.Network;

namespace FastNode.Benchmarks;

/// <summary>
/// `dotnet run -c Release -- slotcheck-ab [blocks]`: the slot check's CPU cost measured so that a loaded machine
/// cannot fake it. The standalone and the cluster-mode sessions of <see cref="ClusterSlotCheckBenchmarks"/> run in one
/// process, in alternating blocks of 200,000 GETs (or SETs), each block timed with this thread's CPU clock
/// (CLOCK_THREAD_CPUTIME_ID: time the thread was descheduled does not count). Prints the median ns per command of
/// each mode, the median of the per-pair ratios, and every pair.
/// </summary>
public static class SlotCheckAb
{
    private const int BatchesPerBlock = 2000;

    public static void Run(int blocks)
    {
        var plain = new ClusterSlotCheckBenchmarks { Cluster = false };
        var cluster = new ClusterSlotCheckBenchmarks { Cluster = true };
        plain.Setup();
        cluster.Setup();
        try
        {
            foreach (var command in new[] { "GET", "SET" })
            {
                var plainNs = new List<double>();
                var clusterNs = new List<double>();
                var ratios = new List<double>();
                for (int block = -2; block < blocks; block++) // two unmeasured blocks warm both up
                {
                    // Alternate which mode goes first, so a drift within a pair favours neither.
                    double a, b;
                    if (block % 2 == 0) { a = Time(plain, command); b = Time(cluster, command); }
                    else { b = Time(cluster, command); a = Time(plain, command); }
                    if (block < 0) continue;
                    plainNs.Add(a);
                    clusterNs.Add(b);
                    ratios.Add(b / a);
                }
                Console.WriteLine($"{command}: standalone {Median(plainNs):F1} ns/command, cluster mode {Median(clusterNs):F1} ns/command, " +
                    $"median pair ratio {Median(ratios):F3} over {blocks} pairs");
                Console.WriteLine("  pairs: " + string.Join(" ", ratios.Select(r => r.ToString("F3"))));
            }
        }
        finally
        {
            plain.Cleanup();
            cluster.Cleanup();
        }
    }

    private static double Time(ClusterSlotCheckBenchmarks session, string command)
    {
        long start = ThreadCpuClock.Nanoseconds();
        for (int i = 0; i < BatchesPerBlock; i++)
        {
            if (command == "GET") session.Get();
            else session.Set();
        }
        return (ThreadCpuClock.Nanoseconds() - start) / (double)(BatchesPerBlock * HotCommandBenchmarks.Batch);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
