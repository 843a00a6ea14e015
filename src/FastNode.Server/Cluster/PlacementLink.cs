using System.Net.Sockets;
using System.Text;

namespace FastNode.Server.Cluster;

/// <summary>
/// A blocking RESP client for the placement driver: one command, one reply, with a timeout on every step. It speaks
/// to a node exactly as redis-cli --cluster reshard does, so automatic moves run through the same command paths
/// (checks, propagation to replicas, routing) as manual ones. Replies: simple strings, errors and integers come back
/// as text (with their type byte), arrays as their bulk items. Not thread-safe; cold path.
/// </summary>
internal sealed class PlacementLink : IDisposable
{
    private const int MaxReplyItems = 100_000;
    private const int MaxBulkLength = 512 * 1024 * 1024;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly BufferedStream _input;

    private PlacementLink(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _input = new BufferedStream(_stream, 16 * 1024);
    }

    public static PlacementLink Connect(string host, int port, string password, int timeoutMs)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
        {
            NoDelay = true,
            SendTimeout = timeoutMs,
            ReceiveTimeout = timeoutMs,
        };
        try
        {
            using var cts = new CancellationTokenSource(timeoutMs);
            socket.ConnectAsync(host, port, cts.Token).AsTask().GetAwaiter().GetResult();
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var link = new PlacementLink(socket);
        if (password.Length > 0) link.Expect("AUTH", password);
        link.Expect("CLIENT", "SETNAME", "auto-placement");
        return link;
    }

    /// <summary>Sends a command and returns its reply: "+OK", "-ERR ...", ":5", or "*" for an array (items in <paramref name="items"/>).</summary>
    public string Call(out List<byte[]>? items, params object[] args)
    {
        var request = new MemoryStream();
        request.Write(Encoding.ASCII.GetBytes($"*{args.Length}\r\n"));
        foreach (var arg in args)
        {
            var bytes = arg as byte[] ?? Encoding.UTF8.GetBytes(Convert.ToString(arg, System.Globalization.CultureInfo.InvariantCulture)!);
            request.Write(Encoding.ASCII.GetBytes($"${bytes.Length}\r\n"));
            request.Write(bytes);
            request.Write("\r\n"u8);
        }
        _stream.Write(request.GetBuffer(), 0, (int)request.Length);
        items = null;
        string line = ReadLine();
        if (line.Length == 0) throw new IOException("empty reply line");
        switch (line[0])
        {
            case '+' or '-' or ':':
                return line;
            case '$':
                items = [ReadBulk(line)!];
                return "$";
            case '*':
                int count = int.Parse(line.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
                if (count > MaxReplyItems) throw new IOException("reply too long");
                items = new List<byte[]>(Math.Max(count, 0));
                for (int i = 0; i < count; i++)
                {
                    string header = ReadLine();
                    if (header.Length == 0 || header[0] != '$') throw new IOException("only arrays of bulk strings are expected");
                    items.Add(ReadBulk(header) ?? []);
                }
                return "*";
            default:
                throw new IOException($"unexpected reply type '{line[0]}'");
        }
    }

    /// <summary>A command that must answer +OK; anything else throws with the reply.</summary>
    public void Expect(params object[] args)
    {
        string reply = Call(out _, args);
        if (reply != "+OK") throw new PlacementException($"{args[0]} {(args.Length > 1 ? args[1] : "")}: {reply}");
    }

    private byte[]? ReadBulk(string header)
    {
        int length = int.Parse(header.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
        if (length < 0) return null;
        if (length > MaxBulkLength) throw new IOException("bulk too long");
        var data = new byte[length + 2];
        _input.ReadExactly(data);
        return data[..length];
    }

    private string ReadLine()
    {
        var line = new StringBuilder();
        while (true)
        {
            int b = _input.ReadByte();
            if (b < 0) throw new IOException("connection closed");
            if (b == '\r')
            {
                _input.ReadByte();
                return line.ToString();
            }
            if (line.Length > 64 * 1024) throw new IOException("reply line too long");
            line.Append((char)b);
        }
    }

    public void Dispose()
    {
        _input.Dispose();
        _stream.Dispose();
        _socket.Dispose();
    }
}

/// <summary>A placement step that a node refused (the reply is in the message); the driver logs it and retries later.</summary>
internal sealed class PlacementException(string message) : Exception(message);
