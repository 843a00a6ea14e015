// XREADGROUP + XACK load for perf/streams.sh: C consumers of one group, each on its own connection, loop
// "XREADGROUP GROUP g c<i> COUNT n STREAMS key >" then "XACK key g <the IDs it got>" (both in one write, as a client
// that acks the previous batch with its next read would) until the stream's entries are all acknowledged or the time
// limit passes. Prints "acked=N seconds=S rate=R" (entries read and acknowledged per second, all consumers together).
//
//   StreamLoad --port P [--key s] [--group g] [--consumers 8] [--count 10] [--entries N] [--seconds 60]
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

var opts = new Dictionary<string, string>();
for (int i = 0; i + 1 < args.Length; i += 2) opts[args[i].TrimStart('-')] = args[i + 1];
int port = int.Parse(opts["port"]);
string key = opts.GetValueOrDefault("key", "s");
string group = opts.GetValueOrDefault("group", "g");
int consumers = int.Parse(opts.GetValueOrDefault("consumers", "8"));
int count = int.Parse(opts.GetValueOrDefault("count", "10"));
long entries = long.Parse(opts.GetValueOrDefault("entries", "200000"));
double seconds = double.Parse(opts.GetValueOrDefault("seconds", "60"));

long acked = 0;
var clock = Stopwatch.StartNew();
var tasks = new Task[consumers];
for (int c = 0; c < consumers; c++)
{
    string name = "c" + c;
    tasks[c] = Task.Run(() => Consume(name));
}
Task.WaitAll(tasks);
double elapsed = clock.Elapsed.TotalSeconds;
Console.WriteLine($"acked={acked} seconds={elapsed:F3} rate={acked / elapsed:F0}");
return acked >= entries ? 0 : 1;

void Consume(string name)
{
    using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
    var reader = new Reader(socket);
    var ids = new List<string>();
    while (Interlocked.Read(ref acked) < entries && clock.Elapsed.TotalSeconds < seconds)
    {
        var request = new StringBuilder();
        if (ids.Count > 0) Append(request, ["XACK", key, group, .. ids]);
        Append(request, ["XREADGROUP", "GROUP", group, name, "COUNT", count.ToString(), "STREAMS", key, ">"]);
        socket.Send(Encoding.ASCII.GetBytes(request.ToString()));
        if (ids.Count > 0)
        {
            long n = reader.ReadInteger();
            Interlocked.Add(ref acked, n);
        }
        ids.Clear();
        reader.ReadEntryIds(ids);
        if (ids.Count == 0 && Interlocked.Read(ref acked) + consumers * count >= entries) break;
    }
    if (ids.Count > 0)
    {
        var request = new StringBuilder();
        Append(request, ["XACK", key, group, .. ids]);
        socket.Send(Encoding.ASCII.GetBytes(request.ToString()));
        Interlocked.Add(ref acked, reader.ReadInteger());
    }
}

static void Append(StringBuilder sb, string[] parts)
{
    sb.Append('*').Append(parts.Length).Append("\r\n");
    foreach (var p in parts) sb.Append('$').Append(Encoding.UTF8.GetByteCount(p)).Append("\r\n").Append(p).Append("\r\n");
}

/// <summary>Just enough RESP2 reading for the two replies: an integer, and XREADGROUP's nested arrays (IDs kept).</summary>
sealed class Reader(Socket socket)
{
    private readonly byte[] _buffer = new byte[1 << 20];
    private int _start, _end;

    public long ReadInteger()
    {
        var line = Line();
        if (line[0] != ':') throw new InvalidOperationException("unexpected reply " + line);
        return long.Parse(line.AsSpan(1));
    }

    /// <summary>*1 [*2 [key, *N [*2 [id, *F fields]]]] or a nil array when nothing was delivered.</summary>
    public void ReadEntryIds(List<string> ids)
    {
        var top = Line();
        if (top == "*-1") return;
        if (top[0] != '*') throw new InvalidOperationException("unexpected reply " + top);
        int streams = int.Parse(top.AsSpan(1));
        for (int s = 0; s < streams; s++)
        {
            Line();           // *2
            Bulk();           // key
            int n = int.Parse(Line().AsSpan(1));
            for (int e = 0; e < n; e++)
            {
                Line();       // *2
                ids.Add(Bulk());
                var fields = Line();
                int f = fields == "*-1" ? 0 : int.Parse(fields.AsSpan(1));
                for (int i = 0; i < f; i++) Bulk();
            }
        }
    }

    private string Bulk()
    {
        int length = int.Parse(Line().AsSpan(1));
        while (_end - _start < length + 2) Fill();
        var text = Encoding.ASCII.GetString(_buffer, _start, length);
        _start += length + 2;
        return text;
    }

    private string Line()
    {
        while (true)
        {
            int i = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (i >= 0)
            {
                var line = Encoding.ASCII.GetString(_buffer, _start, i - 1 - _start);
                _start = i + 1;
                return line;
            }
            Fill();
        }
    }

    private void Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        int n = socket.Receive(_buffer, _end, _buffer.Length - _end, SocketFlags.None);
        if (n == 0) throw new EndOfStreamException("server closed the connection");
        _end += n;
    }
}
