using System.Buffers;
using System.Text;
using System.Text.Json;
using FastNode.Server.Config;
using FastNode.Server.Network;
using FastNode.Server.Sessions;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastNode.Server.Tests;

/// <summary>
/// Enforces perf/allocation-budget.json without BenchmarkDotNet: each entry's batch of 100 pipelined commands (the
/// same batch perf/FastNode.Benchmarks/HotCommandBenchmarks.cs measures) runs through one session's
/// <see cref="CommandProcessor.Process"/> on this thread, and <see cref="GC.GetAllocatedBytesForCurrentThread"/>
/// counts what it allocated.
///
/// The rule, per entry:
/// 1. the batch is checked first: 100 replies, none an error (an error reply, such as an unknown command, would
///    measure the error path instead of the command);
/// 2. it runs <see cref="WarmupBatches"/> times unmeasured, so first-call work (JIT, static constructors, buffers that
///    grow once) is not counted;
/// 3. it runs <see cref="MeasuredBatches"/> times measured, batch by batch;
/// 4. a budget of B &gt; 0 bytes/command holds when the average is at most B;
///    a budget of 0 holds when the average is below the file's zeroBudgetTolerance (0.5 B/command: one-off runtime
///    allocations, such as a method being re-jitted mid-run, are absorbed) AND at most
///    <see cref="MaxAllocatingBatches"/> of the measured batches allocated anything: an allocation made once per
///    batch (e.g. in Process itself) would stay under 0.5 B/command, but shows up in every batch.
/// Deterministic: no timing, a fixed number of runs, allocations on this thread only.
/// </summary>
public sealed class AllocationBudgetTests
{
    private const int WarmupBatches = 50;
    private const int MeasuredBatches = 200;
    private const int MaxAllocatingBatches = 2;

    private const string Value = "0123456789abcdef0123456789abcdef";
    private const string OtherValue = "fedcba9876543210fedcba9876543210";

    /// <summary>
    /// The batches of HotCommandBenchmarks, PubSubBenchmarks and StreamBenchmarks, by benchmark name: a setup request per index (or null),
    /// the request for index i, and (pub/sub) what a second session subscribes to first: that subscriber's Process then
    /// runs after every batch, delivering the messages, and is measured with it.
    /// </summary>
    private static readonly Dictionary<string, (Func<int, string[]>? Setup, Func<int, string[]> Command, string[]? Subscriber)> Batches = new()
    {
        ["PubSubBenchmarks.PublishOneSubscriber"] = (null, _ => ["PUBLISH", "chat:lobby", ChatMessage], ["SUBSCRIBE", "chat:lobby"]),
        ["HotCommandBenchmarks.Ping"] = (null, _ => ["PING"], null),
        ["StreamBenchmarks.XAdd"] = (null, _ => ["XADD", "chat:lobby", "MAXLEN", "~", "1000", "*", "user", "alice", "text", ChatMessage], null),
        ["HotCommandBenchmarks.GetHit"] = (i => ["SET", Key(i), Value], i => ["GET", Key(i)], null),
        ["HotCommandBenchmarks.GetMissing"] = (i => ["SET", Key(i), Value], i => ["GET", $"missing:{i:D3}"], null),
        ["HotCommandBenchmarks.SetOverwrite"] = (i => ["SET", Key(i), OtherValue], i => ["SET", Key(i), Value], null),
        ["HotCommandBenchmarks.Incr"] = (i => ["SET", $"counter:{i:D3}", "1000"], i => ["INCR", $"counter:{i:D3}"], null),
        ["HotCommandBenchmarks.Exists"] = (i => ["SET", Key(i), Value], i => ["EXISTS", Key(i)], null),
        ["HotCommandBenchmarks.Ttl"] = (i => ["SET", Key(i), Value, "EX", "3600"], i => ["TTL", Key(i)], null),
        // Bits and HyperLogLog on existing keys: the same batches as perf/FastNode.Benchmarks/BitBenchmarks.cs.
        ["BitBenchmarks.SetBit"] = (i => ["SETBIT", $"bits:{i / 2:D3}", "4000", "0"], i => ["SETBIT", $"bits:{i / 2:D3}", "77", i % 2 == 0 ? "1" : "0"], null),
        ["BitBenchmarks.GetBit"] = (i => ["SETBIT", $"bits:{i:D3}", "4000", "1"], i => ["GETBIT", $"bits:{i:D3}", (i * 37 % 4000).ToString()], null),
        ["BitBenchmarks.PfAdd"] = (PfAddSetup, i => ["PFADD", $"hll:{i:D3}", "user:7", "user:13"], null),
        // A cached one-call script (SCRIPT LOAD as the setup; the checked run creates the counters): the same batches
        // as perf/FastNode.Benchmarks/ScriptBenchmarks.cs. The .NET heap only, Lua's own heap aside.
        ["ScriptBenchmarks.EvalSha"] = (_ => ["SCRIPT", "LOAD", IncrScript], i => ["EVALSHA", IncrSha, "1", $"counter:{i:D3}"], null),
        ["ScriptBenchmarks.FCall"] = (_ => ["FUNCTION", "LOAD", "REPLACE", IncrLibrary], i => ["FCALL", "incr", "1", $"counter:{i:D3}"], null),
    };

    private const string ChatMessage = "{\"room\":\"lobby\",\"user\":\"alice\",\"text\":\"hello everyone, how are you?\"}";

    private static string Key(int i) => $"key:{i:D3}";

    private const string IncrScript = "return redis.call('INCR', KEYS[1])";

    private const string IncrLibrary = "#!lua name=bench\nredis.register_function('incr', function(keys) return redis.call('INCR', keys[1]) end)";

    private static readonly string IncrSha = Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(IncrScript)));

    /// <summary>Odd keys get enough elements to turn dense (past hll-sparse-max-bytes), even ones stay sparse.</summary>
    private static string[] PfAddSetup(int i)
    {
        int elements = i % 2 == 0 ? 50 : 3000;
        var command = new string[2 + elements];
        command[0] = "PFADD";
        command[1] = $"hll:{i:D3}";
        for (int e = 0; e < elements; e++) command[2 + e] = $"user:{e}";
        return command;
    }

    public static IEnumerable<TestCaseData> BudgetEntries()
    {
        var budget = Budget.Load();
        foreach (var (name, bytesPerOp) in budget.Entries)
        {
            yield return new TestCaseData(name, bytesPerOp, budget.ZeroTolerance, budget.BatchSize, false).SetArgDisplayNames(name);
            // The same budget holds with the AOF on: every write also becomes a change record for the AOF writer.
            yield return new TestCaseData(name, bytesPerOp, budget.ZeroTolerance, budget.BatchSize, true).SetArgDisplayNames(name + " with AOF");
        }
    }

    [TestCaseSource(nameof(BudgetEntries))]
    public void BatchStaysWithinBudget(string benchmark, double budget, double zeroTolerance, int batchSize, bool appendOnly)
    {
        Assert.That(Batches.TryGetValue(benchmark, out var batch), Is.True,
            $"perf/allocation-budget.json names '{benchmark}', which this test does not know how to build");

        using var session = new Session(appendOnly);
        if (batch.Subscriber is not null) session.Subscribe(batch.Subscriber);
        if (batch.Setup is not null) session.RunChecked(Encode(batchSize, batch.Setup), batchSize, benchmark + " setup");
        var request = Encode(batchSize, batch.Command);
        session.RunChecked(request, batchSize, benchmark);

        var (perOp, allocatingBatches) = Measure(session, request, batchSize);
        TestContext.Out.WriteLine($"{benchmark}: {perOp:F3} B/command, {allocatingBatches} of {MeasuredBatches} batches allocated");

        if (budget == 0)
        {
            Assert.That(perOp, Is.LessThan(zeroTolerance), $"{benchmark}: bytes per command (budget 0)");
            Assert.That(allocatingBatches, Is.LessThanOrEqualTo(MaxAllocatingBatches),
                $"{benchmark}: batches (of {MeasuredBatches}) that allocated anything; average {perOp:F2} B/command (budget 0)");
        }
        else
        {
            Assert.That(perOp, Is.LessThanOrEqualTo(budget), $"{benchmark}: bytes per command");
        }
    }

    /// <summary>Cluster mode keeps the hot commands at 0 B: the slot check reads the published view and allocates nothing.</summary>
    [TestCase("HotCommandBenchmarks.Ping")]
    [TestCase("HotCommandBenchmarks.GetHit")]
    [TestCase("HotCommandBenchmarks.SetOverwrite")]
    [TestCase("HotCommandBenchmarks.Incr")]
    [TestCase("HotCommandBenchmarks.Exists")]
    public void ClusterModeBatchStaysAtZero(string benchmark)
    {
        var batch = Batches[benchmark];
        var budget = Budget.Load();
        using var session = new Session(appendOnly: false, cluster: true);
        if (batch.Setup is not null) session.RunChecked(Encode(budget.BatchSize, batch.Setup), budget.BatchSize, benchmark + " setup");
        var request = Encode(budget.BatchSize, batch.Command);
        session.RunChecked(request, budget.BatchSize, benchmark);
        var (perOp, allocatingBatches) = Measure(session, request, budget.BatchSize);
        TestContext.Out.WriteLine($"{benchmark} (cluster mode): {perOp:F3} B/command, {allocatingBatches} of {MeasuredBatches} batches allocated");
        Assert.That(perOp, Is.LessThan(budget.ZeroTolerance), $"{benchmark} in cluster mode: bytes per command");
        Assert.That(allocatingBatches, Is.LessThanOrEqualTo(MaxAllocatingBatches), $"{benchmark} in cluster mode: allocating batches");
    }

    /// <summary>
    /// CLIENT TRACKING on: a GET of a key the client already tracks finds it in the tracking table and allocates nothing
    /// (the first read of each key allocates its table entry, in the warm-up run).
    /// </summary>
    [Test]
    public void TrackedGetStaysAtZero()
    {
        var batch = Batches["HotCommandBenchmarks.GetHit"];
        var budget = Budget.Load();
        using var session = new Session(appendOnly: false);
        session.RunChecked(Resp.Command("CLIENT", "TRACKING", "on"), 1, "CLIENT TRACKING on");
        session.RunChecked(Encode(budget.BatchSize, batch.Setup!), budget.BatchSize, "setup");
        var request = Encode(budget.BatchSize, batch.Command);
        session.RunChecked(request, budget.BatchSize, "tracked GET");
        var (perOp, allocatingBatches) = Measure(session, request, budget.BatchSize);
        TestContext.Out.WriteLine($"tracked GET: {perOp:F3} B/command, {allocatingBatches} of {MeasuredBatches} batches allocated");
        Assert.That(perOp, Is.LessThan(budget.ZeroTolerance), "tracked GET: bytes per command");
        Assert.That(allocatingBatches, Is.LessThanOrEqualTo(MaxAllocatingBatches), "tracked GET: allocating batches");
    }

    /// <summary>Guards the measurement itself: a batch whose replies are built as strings must show up as allocating.</summary>
    [Test]
    public void MeasurementSeesAllocations()
    {
        using var session = new Session(appendOnly: false);
        var request = Encode(100, i => ["NOSUCHCOMMAND", Key(i)]);
        var (perOp, allocatingBatches) = Measure(session, request, 100);
        Assert.That(perOp, Is.GreaterThan(10));
        Assert.That(allocatingBatches, Is.EqualTo(MeasuredBatches));
    }

    private static (double BytesPerOp, int AllocatingBatches) Measure(Session session, byte[] request, int batchSize)
    {
        var sink = new NullBufferWriter();
        var input = new ReadOnlySequence<byte>(request);
        for (int i = 0; i < WarmupBatches; i++) session.Run(input, sink);

        long total = 0;
        int allocating = 0;
        for (int i = 0; i < MeasuredBatches; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            session.Run(input, sink);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            total += allocated;
            if (allocated > 0) allocating++;
        }
        return ((double)total / ((long)MeasuredBatches * batchSize), allocating);
    }

    private static byte[] Encode(int count, Func<int, string[]> command)
    {
        var output = new MemoryStream();
        for (int i = 0; i < count; i++) output.Write(Resp.Command(command(i)));
        return output.ToArray();
    }

    /// <summary>
    /// One server and one session, driven exactly as a connection drives them, minus the pipes; with
    /// <paramref name="appendOnly"/> the server keeps an AOF (everysec) in a temporary folder.
    /// </summary>
    private sealed class Session : IDisposable
    {
        private readonly CommandProcessor _processor;
        private readonly ServerState _server;
        private readonly string? _dir;

        public Session(bool appendOnly, bool cluster = false)
        {
            // A run of commands that a loaded machine stalls for 10 ms is slow-logged, and the entry is allocated by
            // design: that is the slow path, not the hot one this test measures.
            var settings = new List<KeyValuePair<string, string>> { new("slowlog-log-slower-than", "-1") };
            if (appendOnly || cluster)
            {
                _dir = Directory.CreateTempSubdirectory("fastnode-alloc-").FullName;
                settings.Add(new("dir", _dir));
            }
            if (appendOnly) settings.Add(new("appendonly", "yes"));
            _server = new ServerState(new ServerOptions { Port = 0 }, settings: settings);
            if (cluster)
            {
                // A node alone with every slot: each command goes through the whole slot check and runs here.
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
                Assert.That(_server.Cluster.View.Ok, Is.True, "cluster_state:ok");
            }
            if (appendOnly)
            {
                _server.Aof.StartAsync().GetAwaiter().GetResult();
                Assert.That(_server.Feed.Active, Is.True, "the AOF consumes the change feed");
            }
            _processor = new CommandProcessor(_server, new ClientSession("127.0.0.1:50000", "127.0.0.1:6379", _server.NowMs),
                NullLogger.Instance);
        }

        public void Dispose()
        {
            _server.Cluster?.Dispose();
            _server.Aof.Disable();
            if (_dir is not null) Directory.Delete(_dir, recursive: true);
        }

        private CommandProcessor? _subscriber;
        private readonly NullBufferWriter _subscriberOutput = new();

        /// <summary>A second session of the same server subscribes; from then on every Run ends with its loop's drain.</summary>
        public void Subscribe(string[] command)
        {
            _subscriber = new CommandProcessor(_server, new ClientSession("127.0.0.1:50001", "127.0.0.1:6379", _server.NowMs), NullLogger.Instance);
            var input = new ReadOnlySequence<byte>(Resp.Command(command));
            Assert.That(_subscriber.Process(ref input, new ArrayBufferWriter<byte>()), Is.Null);
        }

        /// <summary>The measured call: nothing else happens between the two allocation readings.</summary>
        public void Run(ReadOnlySequence<byte> input, IBufferWriter<byte> output)
        {
            var reason = _processor.Process(ref input, output);
            if (reason is not null || !input.IsEmpty) Assert.Fail($"the batch did not run to its end (close reason: {reason})");
            if (_subscriber is null) return;
            // What the subscriber's loop does when woken: an empty batch that drains its queue into its output.
            var nothing = ReadOnlySequence<byte>.Empty;
            _subscriber.Process(ref nothing, _subscriberOutput);
        }

        /// <summary>Runs a request and checks it got <paramref name="expected"/> replies, none of them an error.</summary>
        public void RunChecked(byte[] request, int expected, string what)
        {
            var output = new ArrayBufferWriter<byte>();
            Run(new ReadOnlySequence<byte>(request), output);
            var replies = output.WrittenSpan;
            int count = 0;
            while (!replies.IsEmpty)
            {
                int length = RespReplyScanner.CompleteLength(replies);
                Assert.That(length, Is.GreaterThan(0), $"{what}: incomplete reply after {count} replies");
                if (replies[0] == (byte)'-')
                {
                    string error = Encoding.UTF8.GetString(replies.Slice(1, length - 3));
                    Assert.Fail($"{what}: reply {count} is an error, so the batch would measure the error path: {error}");
                }
                replies = replies.Slice(length);
                count++;
            }
            Assert.That(count, Is.EqualTo(expected), $"{what}: replies");
        }
    }

    /// <summary>perf/allocation-budget.json, found by walking up from the test assembly to the folder holding FastNode.sln.</summary>
    private sealed record Budget(int BatchSize, double ZeroTolerance, List<(string Name, double BytesPerOp)> Entries)
    {
        public static Budget Load()
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FastNode.sln"))) dir = dir.Parent;
            if (dir is null) throw new FileNotFoundException($"no FastNode.sln above {AppContext.BaseDirectory}");
            string path = Path.Combine(dir.FullName, "perf", "allocation-budget.json");

            using var json = JsonDocument.Parse(File.ReadAllText(path));
            var root = json.RootElement;
            var entries = new List<(string, double)>();
            foreach (var entry in root.GetProperty("budgets").EnumerateObject()) entries.Add((entry.Name, entry.Value.GetDouble()));
            if (entries.Count == 0) throw new InvalidDataException($"{path} lists no budgets");
            return new Budget(root.GetProperty("batchSize").GetInt32(), root.GetProperty("zeroBudgetTolerance").GetDouble(), entries);
        }
    }
}
