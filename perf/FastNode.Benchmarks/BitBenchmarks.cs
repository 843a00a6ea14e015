using System.Buffers;
using BenchmarkDotNet.Attributes;
using FastNode.Server.Network;

namespace FastNode.Benchmarks;

/// <summary>
/// SETBIT, GETBIT and PFADD on existing keys, as batches of <see cref="HotCommandBenchmarks.Batch"/> pipelined requests
/// (see <see cref="HotCommandBenchmarks"/>). SETBIT flips a bit on and off again, so every command writes; PFADD
/// adds elements already counted, half of the keys sparse and half dense. perf/allocation-budget.json holds these at
/// 0 B and tests/FastNode.Server.Tests/AllocationBudgetTests.cs builds the same batches.
/// </summary>
[MemoryDiagnoser]
public class BitBenchmarks
{
    private const int Batch = HotCommandBenchmarks.Batch;

    private readonly NullBufferWriter _sink = new();
    private CommandProcessor _processor = null!;
    private ReadOnlySequence<byte> _batch;

    public static string[] SetBitSetup(int i) => ["SETBIT", $"bits:{i / 2:D3}", "4000", "0"];

    public static string[] SetBitCommand(int i) => ["SETBIT", $"bits:{i / 2:D3}", "77", (i % 2 == 0) ? "1" : "0"];

    public static string[] GetBitCommand(int i) => ["GETBIT", $"bits:{i:D3}", (i * 37 % 4000).ToString()];

    /// <summary>Odd keys get enough elements to turn dense (past hll-sparse-max-bytes).</summary>
    public static string[] PfAddSetup(int i)
    {
        int elements = i % 2 == 0 ? 50 : 3000;
        var command = new string[2 + elements];
        command[0] = "PFADD";
        command[1] = $"hll:{i:D3}";
        for (int e = 0; e < elements; e++) command[2 + e] = $"user:{e}";
        return command;
    }

    public static string[] PfAddCommand(int i) => ["PFADD", $"hll:{i:D3}", "user:7", "user:13"];

    [GlobalSetup(Target = nameof(SetBit))]
    public void SetupSetBit() => Prepare("SETBIT", SetBitSetup, SetBitCommand);

    [GlobalSetup(Target = nameof(GetBit))]
    public void SetupGetBit() => Prepare("GETBIT", i => ["SETBIT", $"bits:{i:D3}", "4000", "1"], GetBitCommand);

    [GlobalSetup(Target = nameof(PfAdd))]
    public void SetupPfAdd() => Prepare("PFADD (existing key)", PfAddSetup, PfAddCommand);

    [Benchmark(OperationsPerInvoke = Batch)]
    public long SetBit() => Run();

    [Benchmark(OperationsPerInvoke = Batch)]
    public long GetBit() => Run();

    [Benchmark(OperationsPerInvoke = Batch)]
    public long PfAdd() => Run();

    [GlobalSetup(Target = nameof(PfCount))]
    public void SetupPfCount() => Prepare("PFCOUNT (cached)", PfAddSetup, i => ["PFCOUNT", $"hll:{i:D3}"]);

    [Benchmark(OperationsPerInvoke = Batch)]
    public long PfCount() => Run();

    private long Run()
    {
        var input = _batch;
        _processor.Process(ref input, _sink);
        return _sink.BytesWritten;
    }

    private void Prepare(string what, Func<int, string[]> setup, Func<int, string[]> command)
    {
        var harness = new SessionHarness();
        harness.CheckReplies(what + " setup", RespEncoder.Batch(Batch, setup), Batch);
        var batch = RespEncoder.Batch(Batch, command);
        harness.CheckReplies(what, batch, Batch);
        _processor = harness.Processor;
        _batch = new ReadOnlySequence<byte>(batch);
    }
}
