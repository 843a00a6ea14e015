using System.Buffers;
using BenchmarkDotNet.Attributes;
using FastNode.Server.Network;

namespace FastNode.Benchmarks;

/// <summary>
/// XADD without sockets: a batch of <see cref="Batch"/> pipelined "XADD chat:lobby MAXLEN ~ 1000 * user alice text
/// ..." (a chat room's bounded history) run through one session's <see cref="CommandProcessor.Process"/>. What it
/// allocates is the stream's own storage: each node's 4 KB listpack, which holds about 45 of these entries (about
/// 90 B each); nothing per command besides (tests/FastNode.Server.Tests/AllocationBudgetTests.cs holds the budget).
/// </summary>
[MemoryDiagnoser]
public class StreamBenchmarks
{
    public const int Batch = 100;

    private readonly NullBufferWriter _sink = new();
    private CommandProcessor _processor = null!;
    private ReadOnlySequence<byte> _batch;

    [GlobalSetup]
    public void Setup()
    {
        var harness = new SessionHarness();
        var batch = RespEncoder.Batch(Batch, _ => ["XADD", "chat:lobby", "MAXLEN", "~", "1000", "*", "user", "alice", "text", PubSubBenchmarks.Payload]);
        harness.CheckReplies("XADD", batch, Batch);
        _processor = harness.Processor;
        _batch = new ReadOnlySequence<byte>(batch);
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public long XAdd()
    {
        var input = _batch;
        _processor.Process(ref input, _sink);
        return _sink.BytesWritten;
    }
}
