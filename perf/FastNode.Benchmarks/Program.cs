using BenchmarkDotNet.Running;

namespace FastNode.Benchmarks;

public static class Program
{
    // Usage: dotnet run -c Release -- --filter '*' [--job short]
    // Or: dotnet run -c Release -- slotcheck-ab [blocks]   (SlotCheckAb: the slot check's CPU cost, A/B in one process)
    // Or: dotnet run -c Release -- tracking-ab [blocks]   (TrackingAb: CLIENT TRACKING's cost per GET, A/B in one process)
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "slotcheck-ab") SlotCheckAb.Run(args.Length > 1 ? int.Parse(args[1]) : 21);
        else if (args.Length > 0 && args[0] == "tracking-ab") TrackingAb.Run(args.Length > 1 ? int.Parse(args[1]) : 11);
        else BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
