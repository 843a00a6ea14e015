using System.Buffers;
using BenchmarkDotNet.Attributes;
using FastNode.Server.Network;

namespace FastNode.Benchmarks;

/// <summary>
/// EVALSHA and FCALL of a cached one-call script (`return redis.call('INCR', KEYS[1])`) and EVALSHA of a ten-call
/// script, as batches of <see cref="HotCommandBenchmarks.Batch"/> pipelined requests on existing counters (see
/// <see cref="HotCommandBenchmarks"/>). Measures the .NET heap only: Lua's own allocations (KEYS/ARGV tables, the
/// strings a call pushes) go to its heap and are not counted. perf/allocation-budget.json holds EVALSHA's number and
/// tests/FastNode.Server.Tests/AllocationBudgetTests.cs builds the same batches. Needs liblua5.1 (docs/scripting.md).
/// </summary>
[MemoryDiagnoser]
public class ScriptBenchmarks
{
    private const int Batch = HotCommandBenchmarks.Batch;

    public const string IncrScript = "return redis.call('INCR', KEYS[1])";

    /// <summary>SHA1 of <see cref="IncrScript"/>.</summary>
    public static readonly string IncrSha = Sha1(IncrScript);

    public const string TenCallsScript = "local n = 0 for i = 1, 10 do n = redis.call('INCR', KEYS[1]) end return n";

    public static readonly string TenCallsSha = Sha1(TenCallsScript);

    public const string IncrLibrary = "#!lua name=bench\nredis.register_function('incr', function(keys) return redis.call('INCR', keys[1]) end)";

    private readonly NullBufferWriter _sink = new();
    private CommandProcessor _processor = null!;
    private ReadOnlySequence<byte> _batch;

    public static string[] EvalShaCommand(int i) => ["EVALSHA", IncrSha, "1", $"counter:{i:D3}"];

    [GlobalSetup(Target = nameof(EvalSha))]
    public void SetupEvalSha() => Prepare("EVALSHA", ["SCRIPT", "LOAD", IncrScript], EvalShaCommand);

    [GlobalSetup(Target = nameof(EvalShaTenCalls))]
    public void SetupEvalShaTenCalls() => Prepare("EVALSHA (10 calls)", ["SCRIPT", "LOAD", TenCallsScript], i => ["EVALSHA", TenCallsSha, "1", $"counter:{i:D3}"]);

    [GlobalSetup(Target = nameof(FCall))]
    public void SetupFCall() => Prepare("FCALL", ["FUNCTION", "LOAD", IncrLibrary], i => ["FCALL", "incr", "1", $"counter:{i:D3}"]);

    [Benchmark(OperationsPerInvoke = Batch)]
    public long EvalSha() => Run();

    [Benchmark(OperationsPerInvoke = Batch)]
    public long EvalShaTenCalls() => Run();

    [Benchmark(OperationsPerInvoke = Batch)]
    public long FCall() => Run();

    private long Run()
    {
        var input = _batch;
        _processor.Process(ref input, _sink);
        return _sink.BytesWritten;
    }

    private void Prepare(string what, string[] load, Func<int, string[]> command)
    {
        var harness = new SessionHarness();
        harness.CheckReplies(what + " load", RespEncoder.Batch(1, _ => load), 1);
        harness.CheckReplies(what + " setup", RespEncoder.Batch(Batch, i => ["SET", $"counter:{i:D3}", "1000"]), Batch);
        var batch = RespEncoder.Batch(Batch, command);
        harness.CheckReplies(what, batch, Batch);
        _processor = harness.Processor;
        _batch = new ReadOnlySequence<byte>(batch);
    }

    private static string Sha1(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
}
