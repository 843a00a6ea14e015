using BenchmarkDotNet.Running;

namespace FastNode.Benchmarks;

public static class Program
{
    // Usage: dotnet run -c Release -- --filter '*' [--job short]
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
