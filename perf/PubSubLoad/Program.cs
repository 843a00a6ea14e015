using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

// PUBLISH fan-out load for perf/pubsub.sh: N subscribers on one channel, one publisher pipelining PUBLISHes, each
// message stamped with the time it was sent. Prints one line: deliveries per second and delivery latency percentiles.
//
//   PubSubLoad --port P [--subscribers N] [--messages M] [--size BYTES] [--pipeline D] [--window W] [--seconds T]
//              [--rate R]
//
// Without --rate the publisher goes as fast as the server (and the window) let it: the deliveries per second are the
// throughput. With --rate it publishes R messages per second (in batches of D, paced), for latency at a fixed load.
//
// Bounded: at most M messages and T seconds (the run stops at whichever comes first, and reports what was
// delivered by then). Flow control: the publisher never runs more than W messages ahead of the slowest subscriber,
// so neither server queues without bound (or drops subscribers at client-output-buffer-limit). Every subscriber must
// receive every message; a dropped subscriber or a missing message fails the run (exit 1).
var options = Options.Parse(args);
return await Load.RunAsync(options);

internal sealed record Options(int Port, int Subscribers, int Messages, int Size, int Pipeline, int Window, int Seconds, int Rate)
{
    public static Options Parse(string[] args)
    {
        var values = new Dictionary<string, int>
        {
            ["--port"] = 6379, ["--subscribers"] = 1, ["--messages"] = 100_000, ["--size"] = 64, ["--pipeline"] = 16,
            ["--window"] = 2_000, ["--seconds"] = 30, ["--rate"] = 0,
        };
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            if (!values.ContainsKey(args[i])) throw new ArgumentException("unknown option " + args[i]);
            values[args[i]] = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
        }
        if (values["--size"] < 16) throw new ArgumentException("--size must be at least 16 (the timestamp)");
        return new Options(values["--port"], values["--subscribers"], values["--messages"], values["--size"], values["--pipeline"],
            values["--window"], values["--seconds"], values["--rate"]);
    }
}

internal static class Load
{
    private const string Channel = "bench:fanout";

    public static async Task<int> RunAsync(Options o)
    {
        var endpoint = new IPEndPoint(IPAddress.Loopback, o.Port);
        // The exact frame every subscriber receives per message: *3 $7 message $len channel $size payload.
        int frame = Frame(o.Size).Length;
        int samplesPerSubscriber = Math.Max(1, 2_000_000 / o.Subscribers);
        var subscribers = new Subscriber[o.Subscribers];
        for (int i = 0; i < subscribers.Length; i++)
        {
            subscribers[i] = new Subscriber(frame, o.Size, samplesPerSubscriber, o.Messages);
            await subscribers[i].ConnectAsync(endpoint);
        }
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(o.Seconds));
        var receiving = subscribers.Select(s => s.ReceiveAsync(deadline.Token)).ToArray();

        using var publisher = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await publisher.ConnectAsync(endpoint);
        long start = Stopwatch.GetTimestamp();
        var head = Encoding.ASCII.GetBytes($"*3\r\n$7\r\nPUBLISH\r\n${Channel.Length}\r\n{Channel}\r\n${o.Size}\r\n");
        int published = 0;
        var send = new byte[Math.Max(o.Pipeline, o.Rate > 0 ? 256 : 0) * (Frame(o.Size).Length + 64)];
        Task? replyReader = null;
        while (published < o.Messages && !deadline.IsCancellationRequested)
        {
            // Flow control: wait (briefly) while the slowest subscriber is more than a window behind.
            while (published - Slowest(subscribers) > o.Window && !deadline.IsCancellationRequested) await Task.Delay(1);
            int batch = Math.Min(o.Pipeline, o.Messages - published);
            if (o.Rate > 0)
            {
                // Paced: message i is due at start + i / rate; what is due goes out now (timer granularity is about a
                // millisecond, so at high rates several messages share a send), else wait for the next tick.
                long due = (long)((Stopwatch.GetTimestamp() - start) * (double)o.Rate / Stopwatch.Frequency) + 1;
                if (due <= published)
                {
                    await Task.Delay(1);
                    continue;
                }
                batch = (int)Math.Min(Math.Min(due - published, o.Messages - published), send.Length / (Frame(o.Size).Length + 64));
            }
            int length = 0;
            for (int i = 0; i < batch; i++) length += WritePublish(send.AsSpan(length), head, o.Size);
            await publisher.SendAsync(send.AsMemory(0, length));
            published += batch;
            if (o.Rate > 0)
            {
                // Open loop: the replies are read by their own task; only bound what is unanswered.
                replyReader ??= ReadRepliesAsync(publisher, o.Messages);
                while (published - Volatile.Read(ref s_replies) > 10_000 && !deadline.IsCancellationRequested) await Task.Delay(1);
                continue;
            }
            // Closed loop: the batch's replies before the next batch.
            await ReadRepliesAsync(publisher, published);
        }
        if (replyReader is not null) await replyReader.WaitAsync(deadline.Token).ContinueWith(_ => { });
        long minReceivers = s_minReceivers;
        // Let the last messages arrive (bounded by the deadline).
        while (Slowest(subscribers) < published && !deadline.IsCancellationRequested) await Task.Delay(1);
        double seconds = Math.Max(1e-6, (subscribers.Max(s => s.LastArrival) - start) / (double)Stopwatch.Frequency);
        deadline.Cancel();
        foreach (var s in subscribers) s.Close();
        await Task.WhenAll(receiving);

        long delivered = subscribers.Sum(s => (long)s.Received);
        var latencies = subscribers.SelectMany(s => s.Latencies()).ToArray();
        Array.Sort(latencies);
        double P(double q) => latencies.Length == 0 ? 0 : latencies[Math.Min(latencies.Length - 1, (int)(q * latencies.Length))] * 1e6 / Stopwatch.Frequency;
        bool complete = delivered == (long)published * o.Subscribers && minReceivers == o.Subscribers;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"subscribers={o.Subscribers} published={published} delivered={delivered} seconds={seconds:F3} " +
            $"delivered_per_sec={delivered / seconds:F0} published_per_sec={published / seconds:F0} " +
            $"p50_us={P(0.50):F0} p99_us={P(0.99):F0} p999_us={P(0.999):F0} complete={(complete ? "yes" : "no")}"));
        return complete ? 0 : 1;
    }

    private static long s_replies;
    private static long s_minReceivers = long.MaxValue;
    private static readonly byte[] s_replyBuffer = new byte[64 * 1024];
    private static long s_partial;

    /// <summary>Reads PUBLISH replies (":receivers\r\n") until <paramref name="until"/> have come; keeps the smallest count.</summary>
    private static async Task ReadRepliesAsync(Socket publisher, long until)
    {
        while (Volatile.Read(ref s_replies) < until)
        {
            int n = await publisher.ReceiveAsync(s_replyBuffer);
            if (n == 0) throw new IOException("the server closed the publisher");
            for (int i = 0; i < n; i++)
            {
                byte b = s_replyBuffer[i];
                if (b == (byte)'\n')
                {
                    s_minReceivers = Math.Min(s_minReceivers, s_partial);
                    s_partial = 0;
                    Volatile.Write(ref s_replies, s_replies + 1);
                }
                else if (b is >= (byte)'0' and <= (byte)'9') s_partial = s_partial * 10 + (b - '0');
            }
        }
    }

    private static int Slowest(Subscriber[] subscribers)
    {
        int min = int.MaxValue;
        foreach (var s in subscribers) min = Math.Min(min, Volatile.Read(ref s.Received));
        return min;
    }

    /// <summary>A PUBLISH whose payload starts with the send time (16 hex digits of Stopwatch ticks), padded with 'x'.</summary>
    private static int WritePublish(Span<byte> span, byte[] head, int size)
    {
        head.CopyTo(span);
        int pos = head.Length;
        long now = Stopwatch.GetTimestamp();
        now.TryFormat(span.Slice(pos, 16), out _, "X16", CultureInfo.InvariantCulture);
        span.Slice(pos + 16, size - 16).Fill((byte)'x');
        pos += size;
        span[pos++] = (byte)'\r';
        span[pos++] = (byte)'\n';
        return pos;
    }

    public static byte[] Frame(int size) =>
        Encoding.ASCII.GetBytes($"*3\r\n$7\r\nmessage\r\n${Channel.Length}\r\n{Channel}\r\n${size}\r\n{new string('x', size)}\r\n");

    public static byte[] Confirmation => Encoding.ASCII.GetBytes($"*3\r\n$9\r\nsubscribe\r\n${Channel.Length}\r\n{Channel}\r\n:1\r\n");

    /// <summary>Offset of the payload in a frame.</summary>
    public static int PayloadOffset(int size) => Frame(size).Length - size - 2;

    public sealed class Subscriber(int frame, int size, int maxSamples, int messages)
    {
        private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        private readonly long[] _samples = new long[maxSamples];
        private readonly int _sampleEvery = Math.Max(1, messages / maxSamples);
        private readonly int _payloadOffset = PayloadOffset(size);
        private int _samplesTaken;
        public int Received;
        public long LastArrival;

        public async Task ConnectAsync(EndPoint endpoint)
        {
            await _socket.ConnectAsync(endpoint);
            await _socket.SendAsync(Encoding.ASCII.GetBytes($"*2\r\n$9\r\nSUBSCRIBE\r\n${Channel.Length}\r\n{Channel}\r\n"));
            var expected = Confirmation;
            var got = new byte[expected.Length];
            int have = 0;
            while (have < got.Length)
            {
                int n = await _socket.ReceiveAsync(got.AsMemory(have));
                if (n == 0) throw new IOException("closed while subscribing");
                have += n;
            }
            if (!got.AsSpan().SequenceEqual(expected)) throw new InvalidDataException("unexpected SUBSCRIBE reply: " + Encoding.ASCII.GetString(got));
        }

        public async Task ReceiveAsync(CancellationToken stop)
        {
            var buffer = new byte[Math.Max(64 * 1024, frame * 2)];
            int carried = 0;
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    int n = await _socket.ReceiveAsync(buffer.AsMemory(carried), SocketFlags.None, stop);
                    if (n == 0) return;
                    long now = Stopwatch.GetTimestamp();
                    int available = carried + n;
                    int pos = 0;
                    while (available - pos >= frame)
                    {
                        if (Received % _sampleEvery == 0 && _samplesTaken < _samples.Length)
                        {
                            long sent = long.Parse(Encoding.ASCII.GetString(buffer, pos + _payloadOffset, 16), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                            _samples[_samplesTaken++] = now - sent;
                        }
                        pos += frame;
                        Volatile.Write(ref Received, Received + 1);
                    }
                    LastArrival = now;
                    carried = available - pos;
                    Buffer.BlockCopy(buffer, pos, buffer, 0, carried);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (SocketException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        }

        public IEnumerable<long> Latencies() => _samples.Take(_samplesTaken);

        public void Close() => _socket.Dispose();
    }
}
