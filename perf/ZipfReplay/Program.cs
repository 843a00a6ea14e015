using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

// Zipf cache replay for perf/hitratio.sh: clients read keys drawn from a Zipf distribution and, on a miss, write the
// key back (cache-aside), against a server with maxmemory set. Prints one line of key=value pairs: the hit ratio of
// the measured GETs, requests per second (GETs and SETs), and the latency percentiles of the pipelined round trips.
//
//   ZipfReplay --port P [--keys N] [--theta 0.99] [--warmup W] [--requests R] [--value-size V] [--ttl S]
//              [--connections C] [--pipeline D] [--seed X] [--seconds T]
//   ZipfReplay --port P --fill N [--value-size V] [--ttl S]     (SETs key 0..N-1 once, to measure bytes per key)
//
// Deterministic draws: connection i draws its keys from Random(seed + i), so every server sees the same key sequence
// per connection (the interleaving of connections is up to the scheduler). The first W GETs fill the cache and are
// not counted; the next R are. Every SET carries EX ttl (none with --ttl 0) so the volatile-* policies have the same keys to choose from
// as the allkeys-* ones. Bounded: W + R GETs, at most T seconds.
var options = Options.Parse(args);
return await Replay.RunAsync(options);

internal sealed record Options(int Port, long Keys, double Theta, long Warmup, long Requests, int ValueSize, int Ttl,
    int Connections, int Pipeline, int Seed, int Seconds, long Fill)
{
    public static Options Parse(string[] args)
    {
        var v = new Dictionary<string, string>
        {
            ["--port"] = "6379", ["--keys"] = "10000000", ["--theta"] = "0.99", ["--warmup"] = "2000000",
            ["--requests"] = "2000000", ["--value-size"] = "32", ["--ttl"] = "86400", ["--connections"] = "4",
            ["--pipeline"] = "16", ["--seed"] = "18", ["--seconds"] = "600", ["--fill"] = "0",
        };
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            if (!v.ContainsKey(args[i])) throw new ArgumentException("unknown option " + args[i]);
            v[args[i]] = args[i + 1];
        }
        var inv = CultureInfo.InvariantCulture;
        return new Options(int.Parse(v["--port"], inv), long.Parse(v["--keys"], inv), double.Parse(v["--theta"], inv),
            long.Parse(v["--warmup"], inv), long.Parse(v["--requests"], inv), int.Parse(v["--value-size"], inv),
            int.Parse(v["--ttl"], inv), int.Parse(v["--connections"], inv), int.Parse(v["--pipeline"], inv),
            int.Parse(v["--seed"], inv), int.Parse(v["--seconds"], inv), long.Parse(v["--fill"], inv));
    }
}

/// <summary>
/// Zipf(theta) over ranks 0..n-1 in O(1) per draw (Gray et al., "Quickly generating billion-record synthetic
/// databases", SIGMOD 1994, the generator YCSB uses): rank 0 is the most popular.
/// </summary>
internal sealed class Zipf
{
    private readonly long _n;
    private readonly double _theta, _alpha, _zetan, _eta, _half;

    public Zipf(long n, double theta)
    {
        _n = n;
        _theta = theta;
        double zeta2 = 1 + Math.Pow(0.5, theta);
        _zetan = 0;
        for (long i = 1; i <= n; i++) _zetan += 1 / Math.Pow(i, theta);
        _alpha = 1 / (1 - theta);
        _eta = (1 - Math.Pow(2.0 / n, 1 - theta)) / (1 - zeta2 / _zetan);
        _half = Math.Pow(0.5, theta);
    }

    public long Next(Random random)
    {
        double u = random.NextDouble();
        double uz = u * _zetan;
        if (uz < 1) return 0;
        if (uz < 1 + _half) return 1;
        return Math.Min(_n - 1, (long)(_n * Math.Pow(_eta * u - _eta + 1, _alpha)));
    }
}

internal static class Replay
{
    public static async Task<int> RunAsync(Options o)
    {
        if (o.Fill > 0)
        {
            using var filler = new Client(o with { Pipeline = 100 }, new Zipf(2, o.Theta), o.Seed);
            await filler.ConnectAsync(new IPEndPoint(IPAddress.Loopback, o.Port));
            await filler.FillAsync(o.Fill);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"filled={o.Fill}"));
            return 0;
        }
        var zipf = new Zipf(o.Keys, o.Theta);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(o.Seconds));
        var clients = new Client[o.Connections];
        for (int i = 0; i < clients.Length; i++)
        {
            clients[i] = new Client(o, zipf, o.Seed + i);
            await clients[i].ConnectAsync(new IPEndPoint(IPAddress.Loopback, o.Port));
        }
        // Warm-up: every connection runs its share, then all measure together.
        var warm = new Task[clients.Length];
        for (int i = 0; i < clients.Length; i++) warm[i] = clients[i].RunAsync(o.Warmup / clients.Length, measure: false, deadline.Token);
        await Task.WhenAll(warm);
        long start = Stopwatch.GetTimestamp();
        var run = new Task[clients.Length];
        for (int i = 0; i < clients.Length; i++) run[i] = clients[i].RunAsync(o.Requests / clients.Length, measure: true, deadline.Token);
        await Task.WhenAll(run);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;

        long hits = 0, gets = 0, sets = 0, errors = 0;
        var latencies = new List<double>();
        foreach (var c in clients)
        {
            hits += c.Hits;
            gets += c.Gets;
            sets += c.Sets;
            errors += c.Errors;
            latencies.AddRange(c.BatchMicros);
            c.Dispose();
        }
        latencies.Sort();
        double P(double q) => latencies.Count == 0 ? 0 : latencies[Math.Min(latencies.Count - 1, (int)(q * latencies.Count))];
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv,
            $"hit_ratio={(double)hits / Math.Max(1, gets):F4} gets={gets} hits={hits} sets={sets} errors={errors} ops_per_sec={(gets + sets) / seconds:F0} p50_us={P(0.50):F0} p99_us={P(0.99):F0} p999_us={P(0.999):F0} seconds={seconds:F1}"));
        return deadline.IsCancellationRequested ? 1 : 0;
    }
}

/// <summary>
/// One connection: sends a batch of up to D GETs plus the SETs for the previous batch's misses, reads every reply,
/// times the round trip. Replies are RESP2: "$-1" (miss), "$V value" (hit), "+OK" or an error (SET).
/// </summary>
internal sealed class Client(Options o, Zipf zipf, int seed) : IDisposable
{
    private readonly Random _random = new(seed);
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    private readonly byte[] _value = Encoding.ASCII.GetBytes(new string('v', o.ValueSize));
    private readonly MemoryStream _out = new();
    private readonly byte[] _in = new byte[1 << 20];
    private int _inStart, _inEnd;
    private readonly List<long> _missed = [];

    public long Hits, Gets, Sets, Errors;
    public readonly List<double> BatchMicros = [];

    public Task ConnectAsync(EndPoint endpoint) => _socket.ConnectAsync(endpoint);

    public async Task RunAsync(long gets, bool measure, CancellationToken stop)
    {
        var keys = new long[o.Pipeline];
        long done = 0;
        while (done < gets && !stop.IsCancellationRequested)
        {
            int n = (int)Math.Min(o.Pipeline, gets - done);
            _out.SetLength(0);
            int setCount = _missed.Count;
            foreach (var key in _missed) WriteSet(key);
            _missed.Clear();
            for (int i = 0; i < n; i++)
            {
                keys[i] = zipf.Next(_random);
                WriteGet(keys[i]);
            }
            long started = Stopwatch.GetTimestamp();
            await _socket.SendAsync(_out.GetBuffer().AsMemory(0, (int)_out.Length), SocketFlags.None, stop);
            for (int i = 0; i < setCount; i++)
            {
                if (await ReadReplyAsync(stop) != Reply.Ok) Errors += measure ? 1 : 0;
            }
            for (int i = 0; i < n; i++)
            {
                var reply = await ReadReplyAsync(stop);
                if (reply == Reply.Nil) _missed.Add(keys[i]);
                else if (reply == Reply.Value && measure) Hits++;
                else if (reply == Reply.Error && measure) Errors++;
            }
            if (measure)
            {
                Gets += n;
                Sets += setCount;
                BatchMicros.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
            }
            done += n;
        }
    }

    /// <summary>SETs keys 0..count-1 in batches of D and checks every reply.</summary>
    public async Task FillAsync(long count)
    {
        for (long first = 0; first < count; first += o.Pipeline)
        {
            _out.SetLength(0);
            int n = (int)Math.Min(o.Pipeline, count - first);
            for (int i = 0; i < n; i++) WriteSet(first + i);
            await _socket.SendAsync(_out.GetBuffer().AsMemory(0, (int)_out.Length), SocketFlags.None);
            for (int i = 0; i < n; i++)
            {
                if (await ReadReplyAsync(CancellationToken.None) != Reply.Ok) throw new InvalidDataException("a fill SET failed");
            }
        }
    }

    private void WriteGet(long key)
    {
        var k = Key(key);
        Write($"*2\r\n$3\r\nGET\r\n${k.Length}\r\n{k}\r\n");
    }

    private void WriteSet(long key)
    {
        var k = Key(key);
        var ttl = o.Ttl.ToString(CultureInfo.InvariantCulture);
        Write($"*{(o.Ttl > 0 ? 5 : 3)}\r\n$3\r\nSET\r\n${k.Length}\r\n{k}\r\n${_value.Length}\r\n");
        _out.Write(_value);
        Write(o.Ttl > 0 ? $"\r\n$2\r\nEX\r\n${ttl.Length}\r\n{ttl}\r\n" : "\r\n");
    }

    private static string Key(long rank) => "key:" + rank.ToString("D12", CultureInfo.InvariantCulture);

    private void Write(string s) => _out.Write(Encoding.ASCII.GetBytes(s));

    private enum Reply { Ok, Nil, Value, Error }

    private async ValueTask<Reply> ReadReplyAsync(CancellationToken stop)
    {
        string line = await ReadLineAsync(stop);
        switch (line[0])
        {
            case '+': return Reply.Ok;
            case '-': return Reply.Error;
            case '$':
                int length = int.Parse(line.AsSpan(1), CultureInfo.InvariantCulture);
                if (length < 0) return Reply.Nil;
                while (_inEnd - _inStart < length + 2) await FillAsync(stop);
                _inStart += length + 2;
                return Reply.Value;
            default: throw new InvalidDataException("unexpected reply: " + line);
        }
    }

    private async ValueTask<string> ReadLineAsync(CancellationToken stop)
    {
        while (true)
        {
            int end = Array.IndexOf(_in, (byte)'\n', _inStart, _inEnd - _inStart);
            if (end > _inStart)
            {
                string line = Encoding.ASCII.GetString(_in, _inStart, end - 1 - _inStart);
                _inStart = end + 1;
                return line;
            }
            await FillAsync(stop);
        }
    }

    private async ValueTask FillAsync(CancellationToken stop)
    {
        if (_inStart > 0)
        {
            Buffer.BlockCopy(_in, _inStart, _in, 0, _inEnd - _inStart);
            _inEnd -= _inStart;
            _inStart = 0;
        }
        int n = await _socket.ReceiveAsync(_in.AsMemory(_inEnd), SocketFlags.None, stop);
        if (n == 0) throw new EndOfStreamException("server closed the connection");
        _inEnd += n;
    }

    public void Dispose() => _socket.Dispose();
}
