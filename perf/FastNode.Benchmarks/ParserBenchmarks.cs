using System.Buffers;
using BenchmarkDotNet.Attributes;
using FastNode.Protocol;

namespace FastNode.Benchmarks;

/// <summary>
/// <see cref="CommandReader.TryRead"/> alone over 100 pipelined SET requests, once as one segment and once cut
/// into 4 KB segments as a pipe may deliver them (a cut request is moved, with the rest, to the reader's carry buffer).
/// </summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private const int Batch = HotCommandBenchmarks.Batch;
    private const int SegmentSize = 4096;

    private readonly CommandReader _reader = new(new ProtocolLimits());
    private ReadOnlySequence<byte> _single;
    private ReadOnlySequence<byte> _split;

    [GlobalSetup]
    public void Setup()
    {
        var batch = RespEncoder.Batch(Batch, i => ["SET", $"key:{i:D3}", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"]);
        _single = new ReadOnlySequence<byte>(batch);
        _split = SegmentedSequence.Create(batch, SegmentSize);
        if (_split.IsSingleSegment) throw new InvalidOperationException("the batch must span several 4 KB segments");
        if (Read(_single) != Batch * 3 || Read(_split) != Batch * 3) throw new InvalidOperationException("the reader did not return every argument");
    }

    [Benchmark(OperationsPerInvoke = Batch, Baseline = true)]
    public int SingleSegment() => Read(_single);

    [Benchmark(OperationsPerInvoke = Batch)]
    public int Split4K() => Read(_split);

    /// <summary>Reads every command; returns the number of arguments seen.</summary>
    private int Read(ReadOnlySequence<byte> input)
    {
        int args = 0;
        while (_reader.TryRead(ref input, out var command)) args += command.Count;
        if (!input.IsEmpty) throw new InvalidOperationException("unparsed input left");
        return args;
    }
}
