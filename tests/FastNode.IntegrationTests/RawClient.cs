using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FastNode.IntegrationTests;

/// <summary>A plain TCP client for exact-bytes tests: pipelining, split writes, malformed input.</summary>
public sealed class RawClient : IDisposable
{
    private readonly Socket _socket;
    private readonly MemoryStream _received = new();
    private readonly byte[] _buffer = new byte[64 * 1024];

    private RawClient(Socket socket) => _socket = socket;

    public static RawClient Connect(int port) => Connect("127.0.0.1", port);

    public static RawClient Connect(string host, int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect(new IPEndPoint(IPAddress.Parse(host), port));
        return new RawClient(socket);
    }

    public void Send(byte[] bytes) => _socket.Send(bytes);

    public void Send(string text) => Send(Encoding.UTF8.GetBytes(text));

    public string Call(params string[] args)
    {
        Send(Resp.Command(args));
        return ReadReply();
    }

    /// <summary>Reads one complete RESP reply (exact bytes as text).</summary>
    public string ReadReply(int timeoutMs = 10000) => Encoding.UTF8.GetString(ReadReplyBytes(timeoutMs));

    /// <summary>Sends a command with binary-safe arguments (each char one byte, Latin-1) and returns the reply the same way.</summary>
    public string CallLatin1(params string[] args)
    {
        var command = new StringBuilder();
        command.Append('*').Append(args.Length).Append("\r\n");
        foreach (var a in args) command.Append('$').Append(a.Length).Append("\r\n").Append(a).Append("\r\n");
        Send(Encoding.Latin1.GetBytes(command.ToString()));
        return Encoding.Latin1.GetString(ReadReplyBytes());
    }

    /// <summary>Reads one complete RESP reply, its exact bytes.</summary>
    public byte[] ReadReplyBytes(int timeoutMs = 10000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (true)
        {
            var buffered = _received.GetBuffer().AsSpan(0, (int)_received.Length);
            int length = RespReplyScanner.CompleteLength(buffered);
            if (length >= 0)
            {
                var reply = buffered.Slice(0, length).ToArray();
                var rest = buffered.Slice(length).ToArray();
                _received.SetLength(0);
                _received.Write(rest);
                return reply;
            }
            if (!ReceiveSome(deadline)) throw new EndOfStreamException("connection closed; buffered: " + RespReplyScanner.Escape(Encoding.UTF8.GetString(_received.ToArray())));
        }
    }

    /// <summary>Reads until the server closes the connection; returns everything received.</summary>
    public string ReadToEnd(int timeoutMs = 10000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (ReceiveSome(deadline)) { }
        var all = Encoding.UTF8.GetString(_received.ToArray());
        _received.SetLength(0);
        return all;
    }

    /// <summary>True if the server has closed the connection within the timeout.</summary>
    public bool IsClosedByServer(int timeoutMs = 5000)
    {
        try
        {
            var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
            while (ReceiveSome(deadline)) { }
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private bool ReceiveSome(DateTime deadline)
    {
        int waitMs = (int)Math.Max(1, (deadline - DateTime.UtcNow).TotalMilliseconds);
        if (!_socket.Poll(waitMs * 1000, SelectMode.SelectRead)) throw new TimeoutException("no reply within the timeout");
        int n;
        try
        {
            n = _socket.Receive(_buffer);
        }
        catch (SocketException)
        {
            return false;
        }
        if (n == 0) return false;
        _received.Write(_buffer, 0, n);
        return true;
    }

    /// <summary>Closes with a reset (SO_LINGER 0) instead of an orderly FIN, as a crashed client would.</summary>
    public void Abort()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Dispose();
    }

    public void Dispose() => _socket.Dispose();
}
