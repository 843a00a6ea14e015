using System.Buffers;
using FastNode.Server;
using FastNode.Server.Config;
using FastNode.Server.Network;
using FastNode.Server.Sessions;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastNode.Benchmarks;

/// <summary>
/// `dotnet run -c Release -- tracking-ab [blocks]`: what CLIENT TRACKING costs a GET, in one process on one thread, so
/// that a loaded machine cannot fake it (perf/tracking.sh measures the same through sockets). One server, 50 sessions
/// with tracking off and 50 with it on (RESP2, no REDIRECT: keys remembered, nothing sent), 1000 keys; a block runs
/// batches of 16 GETs of pseudo-random keys, the sessions of one mode taking turns, timed with this thread's CPU clock.
/// Blocks alternate off/on. "cold" blocks use 50 new tracking sessions each (the first reads of every key: what a
/// short-lived connection pays). Prints the median ns per GET of each mode and the median pair ratios.
/// </summary>
public static class TrackingAb
{
    private const int Clients = 50;
    private const int Keys = 1000;
    private const int Pipeline = 16;
    private const int BatchesPerBlock = 4000;
    private const int DistinctBatches = 512;

    public static void Run(int blocks)
    {
        var server = new ServerState(new ServerOptions { Port = 0 });
        var setup = NewProcessor(server);
        Execute(setup, RespEncoder.Batch(Keys, i => ["SET", $"key:{i:D12}", "xxx"]));
        var random = new Random(20);
        var batches = new ReadOnlySequence<byte>[DistinctBatches];
        for (int b = 0; b < batches.Length; b++)
        {
            batches[b] = new ReadOnlySequence<byte>(RespEncoder.Batch(Pipeline, _ => ["GET", $"key:{random.Next(Keys):D12}"]));
        }
        var off = new CommandProcessor[Clients];
        var on = new CommandProcessor[Clients];
        for (int c = 0; c < Clients; c++)
        {
            off[c] = NewProcessor(server);
            on[c] = NewProcessor(server);
            Execute(on[c], RespEncoder.Command("CLIENT", "TRACKING", "on"));
        }
        var offNs = new List<double>();
        var onNs = new List<double>();
        var coldNs = new List<double>();
        var onRatios = new List<double>();
        var coldRatios = new List<double>();
        for (int block = -2; block < blocks; block++)
        {
            double a = Time(off, batches), b = Time(on, batches);
            var fresh = new CommandProcessor[Clients];
            for (int c = 0; c < Clients; c++)
            {
                fresh[c] = NewProcessor(server);
                Execute(fresh[c], RespEncoder.Command("CLIENT", "TRACKING", "on"));
            }
            double cold = Time(fresh, batches);
            if (block < 0) continue;
            offNs.Add(a);
            onNs.Add(b);
            coldNs.Add(cold);
            onRatios.Add(b / a);
            coldRatios.Add(cold / a);
        }
        Console.WriteLine($"GET -P {Pipeline}, {Clients} clients, {Keys} keys: off {Median(offNs):F1} ns, on (warm) {Median(onNs):F1} ns, " +
            $"on (cold sessions) {Median(coldNs):F1} ns; median ratios on/off {Median(onRatios):F3}, cold/off {Median(coldRatios):F3} over {blocks} blocks");
        Console.WriteLine($"tracking table: {server.Tracking.Table.Keys} keys, {server.Tracking.Table.Items} items");
        Micro(server);
    }

    private static void Micro(ServerState server)
    {
        var keys = new byte[Keys][];
        for (int i = 0; i < Keys; i++) keys[i] = System.Text.Encoding.ASCII.GetBytes($"key:{i:D12}");
        var sessions = new ClientSession[Clients];
        for (int c = 0; c < Clients; c++)
        {
            sessions[c] = new ClientSession("127.0.0.1:50000", "127.0.0.1:6379", server.NowMs);
            server.Tracking.Enable(sessions[c], default, 0, []);
        }
        var order = new int[1 << 16];
        var random = new Random(3);
        for (int i = 0; i < order.Length; i++) order[i] = random.Next(Keys);
        for (int round = 0; round < 5; round++)
        {
            long start = ThreadCpuClock.Nanoseconds();
            ulong sink = 0;
            for (int i = 0; i < order.Length * 4; i++) sink += FastNode.Server.Storage.KeyHasher.Hash(keys[order[i & (order.Length - 1)]]);
            double hashNs = (ThreadCpuClock.Nanoseconds() - start) / (double)(order.Length * 4);
            start = ThreadCpuClock.Nanoseconds();
            for (int i = 0; i < order.Length * 4; i++)
            {
                var s = sessions[(i >> 4) % Clients];
                server.Tracking.Table.Remember(keys[order[i & (order.Length - 1)]], s.Tracking!.Slot);
            }
            double addNs = (ThreadCpuClock.Nanoseconds() - start) / (double)(order.Length * 4);
            Console.WriteLine($"micro: hash {hashNs:F1} ns, Table.Remember {addNs:F1} ns ({sink % 2})");
        }
    }

    private static CommandProcessor NewProcessor(ServerState server) =>
        new(server, new ClientSession("127.0.0.1:50000", "127.0.0.1:6379", server.NowMs), NullLogger.Instance);

    private static void Execute(CommandProcessor processor, byte[] request)
    {
        var input = new ReadOnlySequence<byte>(request);
        var output = new ArrayBufferWriter<byte>();
        processor.Process(ref input, output);
        if (output.WrittenSpan.IndexOf((byte)'-') >= 0) throw new InvalidOperationException("refused: " + System.Text.Encoding.UTF8.GetString(output.WrittenSpan));
    }

    private static readonly NullBufferWriter Sink = new();

    private static double Time(CommandProcessor[] sessions, ReadOnlySequence<byte>[] batches)
    {
        long start = ThreadCpuClock.Nanoseconds();
        for (int i = 0; i < BatchesPerBlock; i++)
        {
            var input = batches[(i * 7) % batches.Length];
            sessions[i % sessions.Length].Process(ref input, Sink);
        }
        return (ThreadCpuClock.Nanoseconds() - start) / (double)(BatchesPerBlock * Pipeline);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
