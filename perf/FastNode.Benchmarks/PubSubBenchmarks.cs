using System.Buffers;
using BenchmarkDotNet.Attributes;
using FastNode.Server.Network;
using FastNode.Server.Sessions;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastNode.Benchmarks;

/// <summary>
/// PUBLISH fan-out without sockets: a batch of <see cref="Batch"/> pipelined PUBLISHes to a channel with one
/// subscriber, run through the publisher's <see cref="CommandProcessor.Process"/>, then the subscriber's own
/// Process with no input, which is what its loop does when woken: it drains the queued messages into its output.
/// The numbers are per message, publish and delivery together. The goal (STYLE.md section 3) is Allocated = "-":
/// the message is encoded once into a pooled buffer and queued by reference.
/// </summary>
[MemoryDiagnoser]
public class PubSubBenchmarks
{
    public const int Batch = 100;

    /// <summary>A chat-sized message.</summary>
    public const string Payload = "{\"room\":\"lobby\",\"user\":\"alice\",\"text\":\"hello everyone, how are you?\"}";

    private readonly NullBufferWriter _sink = new();
    private CommandProcessor _publisher = null!;
    private CommandProcessor _subscriber = null!;
    private ReadOnlySequence<byte> _batch;

    [GlobalSetup]
    public void Setup()
    {
        var harness = new SessionHarness();
        var session = new ClientSession("127.0.0.1:50001", "127.0.0.1:6379", harness.Server.NowMs);
        _subscriber = new CommandProcessor(harness.Server, session, NullLogger.Instance);
        var subscribe = new ReadOnlySequence<byte>(RespEncoder.Command("SUBSCRIBE", "chat:lobby"));
        _subscriber.Process(ref subscribe, new ArrayBufferWriter<byte>());
        var batch = RespEncoder.Batch(Batch, _ => ["PUBLISH", "chat:lobby", Payload]);
        harness.CheckReplies("PUBLISH (one subscriber)", batch, Batch);
        _publisher = harness.Processor;
        _batch = new ReadOnlySequence<byte>(batch);
        Drain();
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public long PublishOneSubscriber()
    {
        var input = _batch;
        _publisher.Process(ref input, _sink);
        Drain();
        return _sink.BytesWritten;
    }

    private void Drain()
    {
        var nothing = ReadOnlySequence<byte>.Empty;
        _subscriber.Process(ref nothing, _sink);
    }
}
