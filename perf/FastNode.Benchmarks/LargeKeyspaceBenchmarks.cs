using System.Buffers;
using BenchmarkDotNet.Attributes;
using FastNode.Server.Network;
using FastNode.Server.Storage;

namespace FastNode.Benchmarks;

/// <summary>
/// Pipelined GET and SET over a keyspace much larger than the caches (1M keys, 16-byte keys and values), as in
/// redis-benchmark -r 1000000 -P 64: each invocation runs the next of many batches of 64 random keys, so a lookup
/// finds its bucket, entry, key and value cold. <see cref="Warm"/> switches <see cref="LookupWarmer"/> on and off:
/// the difference is what overlapping the cache misses of a batch saves. Numbers are per command.
/// </summary>
[MemoryDiagnoser]
public class LargeKeyspaceBenchmarks
{
    private const int Batch = 64;
    private int Batches => Keys / Batch;   // every key once per pass over the batches

    [Params(10_000, 1_000_000)]
    public int Keys { get; set; }

    private readonly NullBufferWriter _sink = new();
    private CommandProcessor _processor = null!;
    private ReadOnlySequence<byte>[] _batches = null!;
    private int _next;

    [Params(false, true)]
    public bool Warm { get; set; }

    private static string Key(int i) => $"key:{i:D12}";

    [GlobalSetup(Target = nameof(Get))]
    public void SetupGet() => Prepare(i => ["GET", Key(i)]);

    [GlobalSetup(Target = nameof(Set))]
    public void SetupSet() => Prepare(i => ["SET", Key(i), "fedcba9876543210"]);

    [GlobalCleanup]
    public void Cleanup() => LookupWarmer.Enabled = true;

    [Benchmark(OperationsPerInvoke = Batch)]
    public long Get() => Run();

    [Benchmark(OperationsPerInvoke = Batch)]
    public long Set() => Run();

    private long Run()
    {
        var input = _batches[_next];
        _next = _next + 1 == Batches ? 0 : _next + 1;
        _processor.Process(ref input, _sink);
        return _sink.BytesWritten;
    }

    private void Prepare(Func<int, string[]> command)
    {
        LookupWarmer.Enabled = Warm;
        var harness = new SessionHarness();
        const int LoadBatch = 10_000;
        for (int start = 0; start < Keys; start += LoadBatch)
            harness.Execute(RespEncoder.Batch(LoadBatch, i => ["SET", Key(start + i), "0123456789abcdef"]));

        // A fixed random order of all keys, cut into batches.
        var order = Enumerable.Range(0, Keys).ToArray();
        new Random(42).Shuffle(order);
        _batches = new ReadOnlySequence<byte>[Batches];
        for (int b = 0; b < Batches; b++)
            _batches[b] = new ReadOnlySequence<byte>(RespEncoder.Batch(Batch, i => command(order[b * Batch + i])));
        harness.CheckReplies("large keyspace", _batches[0].ToArray(), Batch);
        _processor = harness.Processor;
        _next = 0;
    }
}
