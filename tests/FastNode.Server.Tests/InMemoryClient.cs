using System.IO.Pipelines;
using System.Text;
using FastNode.Server;
using FastNode.Server.Config;
using FastNode.Server.Network;
using FastNode.Server.Sessions;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastNode.Server.Tests;

/// <summary>
/// A client wired to a real <see cref="Connection"/> through two in-memory pipes: no sockets, so tests send raw
/// RESP and assert exact reply bytes in milliseconds. Several clients may share one <see cref="ServerState"/>.
/// </summary>
public sealed class InMemoryClient : IAsyncDisposable
{
    private readonly Pipe _toServer = new();
    private readonly Pipe _fromServer = new();
    private readonly Task _loop;
    private readonly MemoryStream _received = new();

    public InMemoryClient(ServerState? server = null)
    {
        Server = server ?? NewServer();
        Session = new ClientSession("127.0.0.1:50000", "127.0.0.1:6379", Server.NowMs);
        Connection = new Connection(_toServer.Reader, _fromServer.Writer, Server, Session, NullLogger.Instance);
        _loop = Task.Run(Connection.RunAsync);
    }

    /// <summary>A server whose `dir` is a fresh temporary directory, so a SAVE or SHUTDOWN never writes into the test's own.</summary>
    public static ServerState NewServer(ServerOptions? options = null, TimeProvider? time = null) =>
        new(options ?? new ServerOptions { Port = 0, Dir = TempDir() }, time);

    /// <summary>A new empty directory under this test run's temp root, which <see cref="TempRootCleanup"/> deletes at the end of the run.</summary>
    public static string TempDir() => Directory.CreateDirectory(Path.Combine(s_tempRoot.Value, "s" + Interlocked.Increment(ref s_tempDirs))).FullName;

    private static int s_tempDirs;

    private static readonly Lazy<string> s_tempRoot = new(() => Directory.CreateTempSubdirectory("fastnode-test-").FullName);

    /// <summary>Deletes the run's temp root, if one was made (the test host may be torn down before ProcessExit runs).</summary>
    internal static void DeleteTempRoot()
    {
        if (!s_tempRoot.IsValueCreated) return;
        try
        {
            Directory.Delete(s_tempRoot.Value, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A server still writing a snapshot there; the directory is only litter.
        }
    }

    public ServerState Server { get; }
    public ClientSession Session { get; }
    public Connection Connection { get; }

    /// <summary>Task of the connection loop; completes when the server side closed the connection.</summary>
    public Task Closed => _loop;

    public async Task SendAsync(byte[] bytes)
    {
        await _toServer.Writer.WriteAsync(bytes);
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    /// <summary>Sends a command as a RESP array and returns its one reply, exactly as sent by the server.</summary>
    public async Task<string> CallAsync(params string[] args)
    {
        await SendAsync(Resp.Command(args));
        return await ReadReplyAsync();
    }

    /// <summary>Reads exactly one complete RESP reply.</summary>
    public async Task<string> ReadReplyAsync(int timeoutMs = 5000) => Encoding.UTF8.GetString(await ReadReplyBytesAsync(timeoutMs));

    /// <summary>Sends a command and returns its one reply as raw bytes (binary bulk strings intact).</summary>
    public async Task<byte[]> CallBytesAsync(byte[] command)
    {
        await SendAsync(command);
        return await ReadReplyBytesAsync();
    }

    /// <summary>Reads exactly one complete RESP reply, as the bytes sent.</summary>
    public async Task<byte[]> ReadReplyBytesAsync(int timeoutMs = 5000)
    {
        using var cts = new CancellationTokenSource(timeoutMs);
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
            var result = await _fromServer.Reader.ReadAsync(cts.Token);
            foreach (var segment in result.Buffer) _received.Write(segment.Span);
            _fromServer.Reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted && result.Buffer.IsEmpty)
                throw new EndOfStreamException("server closed the connection; buffered: " + RespReplyScanner.Escape(Encoding.UTF8.GetString(_received.ToArray())));
        }
    }

    /// <summary>Everything the server sends until it closes the connection.</summary>
    public async Task<string> ReadToEndAsync(int timeoutMs = 5000)
    {
        using var cts = new CancellationTokenSource(timeoutMs);
        while (true)
        {
            var result = await _fromServer.Reader.ReadAsync(cts.Token);
            foreach (var segment in result.Buffer) _received.Write(segment.Span);
            _fromServer.Reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted) break;
        }
        var all = Encoding.UTF8.GetString(_received.ToArray());
        _received.SetLength(0);
        return all;
    }

    public async ValueTask DisposeAsync()
    {
        await _toServer.Writer.CompleteAsync();
        await _loop.WaitAsync(TimeSpan.FromSeconds(5));
        await _fromServer.Reader.CompleteAsync();
    }
}
