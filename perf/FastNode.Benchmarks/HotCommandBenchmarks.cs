using System.Buffers;
using BenchmarkDotNet.Attributes;
using FastNode.Server.Network;

namespace FastNode.Benchmarks;

/// <summary>
/// The hot commands, each as a batch of <see cref="Batch"/> pipelined requests fed to one session's
/// <see cref="CommandProcessor.Process"/> with a discarding output: the numbers are per command.
/// The goal (STYLE.md section 3) is Allocated = "-" for every method; perf/allocation-budget.json holds the budget
/// and tests/FastNode.Server.Tests/AllocationBudgetTests.cs enforces it on the same batches.
/// Each method has its own [GlobalSetup]: BenchmarkDotNet runs every benchmark in its own process.
/// </summary>
[MemoryDiagnoser]
public class HotCommandBenchmarks
{
    public const int Batch = 100;

    /// <summary>A 32-byte value: the SET overwrite writes the same size, so the stored buffer is reused.</summary>
    private const string Value = "0123456789abcdef0123456789abcdef";
    private const string OtherValue = "fedcba9876543210fedcba9876543210";

    private readonly NullBufferWriter _sink = new();
    private CommandProcessor _processor = null!;
    private ReadOnlySequence<byte> _batch;

    private static string Key(int i) => $"key:{i:D3}";

    [GlobalSetup(Target = nameof(Ping))]
    public void SetupPing() => Prepare("PING", null, _ => ["PING"]);

    [GlobalSetup(Target = nameof(GetHit))]
    public void SetupGetHit() => Prepare("GET (existing key)", i => ["SET", Key(i), Value], i => ["GET", Key(i)]);

    [GlobalSetup(Target = nameof(GetMissing))]
    public void SetupGetMissing() => Prepare("GET (missing key)", i => ["SET", Key(i), Value], i => ["GET", $"missing:{i:D3}"]);

    [GlobalSetup(Target = nameof(SetOverwrite))]
    public void SetupSetOverwrite() => Prepare("SET (overwrite)", i => ["SET", Key(i), OtherValue], i => ["SET", Key(i), Value]);

    [GlobalSetup(Target = nameof(Incr))]
    public void SetupIncr() => Prepare("INCR", i => ["SET", $"counter:{i:D3}", "1000"], i => ["INCR", $"counter:{i:D3}"]);

    [GlobalSetup(Target = nameof(Exists))]
    public void SetupExists() => Prepare("EXISTS", i => ["SET", Key(i), Value], i => ["EXISTS", Key(i)]);

    [GlobalSetup(Target = nameof(Ttl))]
    public void SetupTtl() => Prepare("TTL", i => ["SET", Key(i), Value, "EX", "3600"], i => ["TTL", Key(i)]);

    [GlobalSetup(Target = nameof(MGet10))]
    public void SetupMGet10() => Prepare("MGET (10 keys)", i => ["SET", Key(i), Value],
        i => ["MGET", Key(i), Key((i + 1) % Batch), Key((i + 2) % Batch), Key((i + 3) % Batch), Key((i + 4) % Batch),
            Key((i + 5) % Batch), Key((i + 6) % Batch), Key((i + 7) % Batch), Key((i + 8) % Batch), Key((i + 9) % Batch)]);

    [Benchmark(OperationsPerInvoke = Batch)]
    public long Ping() => Run();

    [Benchmark(OperationsPerInvoke = Batch)]
    public long GetHit() => Run();

    [Benchmark(OperationsPerInvoke = Batch)]
    public long GetMissing() => Run();

    [Benchmark(OperationsPerInvoke = Batch)]
    public long SetOverwrite() => Run();

    [Benchmark(OperationsPerInvoke = Batch)]
    public long Incr() => Run();

    [Benchmark(OperationsPerInvoke = Batch)]
    public long Exists() => Run();

    [Benchmark(OperationsPerInvoke = Batch)]
    public long Ttl() => Run();

    [Benchmark(OperationsPerInvoke = Batch)]
    public long MGet10() => Run();

    private long Run()
    {
        var input = _batch;
        _processor.Process(ref input, _sink);
        return _sink.BytesWritten;
    }

    /// <param name="setup">Run once per key index before measuring (null: nothing to set up).</param>
    /// <param name="command">The request for index i of the batch.</param>
    private void Prepare(string what, Func<int, string[]>? setup, Func<int, string[]> command)
    {
        var harness = new SessionHarness();
        if (setup is not null) harness.CheckReplies(what + " setup", RespEncoder.Batch(Batch, setup), Batch);
        var batch = RespEncoder.Batch(Batch, command);
        harness.CheckReplies(what, batch, Batch);
        _processor = harness.Processor;
        _batch = new ReadOnlySequence<byte>(batch);
    }
}
