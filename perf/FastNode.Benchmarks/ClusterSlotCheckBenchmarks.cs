using System.Buffers;
using BenchmarkDotNet.Attributes;
using FastNode.Server;
using FastNode.Server.Config;
using FastNode.Server.Network;
using FastNode.Server.Sessions;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastNode.Benchmarks;

/// <summary>
/// What cluster mode's slot check costs per command (issue 14 section 6: at most 3 %): the same GET and SET batches
/// as <see cref="HotCommandBenchmarks"/> through one session's <see cref="CommandProcessor.Process"/>, standalone and
/// on a cluster node that owns every slot (so each command passes the whole check and runs). In one process on one
/// thread, this separates the check from the socket and scheduler noise that dominates perf/cluster.sh on a loaded
/// machine. Compare the two Cluster rows of each method.
/// </summary>
[MemoryDiagnoser]
public class ClusterSlotCheckBenchmarks
{
    private const int Batch = HotCommandBenchmarks.Batch;
    private const string Value = "0123456789abcdef0123456789abcdef";

    private readonly NullBufferWriter _sink = new();
    private CommandProcessor _processor = null!;
    private ServerState _server = null!;
    private string? _dir;
    private ReadOnlySequence<byte> _get;
    private ReadOnlySequence<byte> _set;

    [Params(false, true)]
    public bool Cluster { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("fastnode-bench-cluster-").FullName;
        _server = new ServerState(new ServerOptions { Port = 0 }, settings: [new("dir", _dir)]);
        if (Cluster)
        {
            var free = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            free.Start();
            _server.Options.ClusterPort = ((System.Net.IPEndPoint)free.LocalEndpoint).Port;
            free.Stop();
            _server.Options.ClusterEnabled = true;
            _server.BoundPort = 6379;
            _server.Cluster = FastNode.Server.Cluster.ClusterHost.Start(_server);
            _server.Cluster.Invoke(node =>
            {
                node.AddSlots(FastNode.Cluster.Nodes.SlotSet.All);
                return true;
            });
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!_server.Cluster.View.Ok && DateTime.UtcNow < deadline) Thread.Sleep(20);
            if (!_server.Cluster.View.Ok) throw new InvalidOperationException("the cluster node did not reach cluster_state:ok");
        }
        _processor = new CommandProcessor(_server, new ClientSession("127.0.0.1:50000", "127.0.0.1:6379", _server.NowMs), NullLogger.Instance);
        var set = RespEncoder.Batch(Batch, i => ["SET", $"key:{i:D3}", Value]);
        var get = RespEncoder.Batch(Batch, i => ["GET", $"key:{i:D3}"]);
        Check(set);
        Check(get);
        _set = new ReadOnlySequence<byte>(set);
        _get = new ReadOnlySequence<byte>(get);
    }

    // A batch answered with an error (MOVED, CLUSTERDOWN) would measure the wrong path.
    private void Check(byte[] batch)
    {
        var input = new ReadOnlySequence<byte>(batch);
        var output = new ArrayBufferWriter<byte>();
        _processor.Process(ref input, output);
        if (output.WrittenSpan.IndexOf((byte)'-') >= 0) throw new InvalidOperationException("a command was refused: " + System.Text.Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _server.Cluster?.Dispose();
        if (_dir is not null) Directory.Delete(_dir, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public long Get()
    {
        var input = _get;
        _processor.Process(ref input, _sink);
        return _sink.BytesWritten;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public long Set()
    {
        var input = _set;
        _processor.Process(ref input, _sink);
        return _sink.BytesWritten;
    }
}
