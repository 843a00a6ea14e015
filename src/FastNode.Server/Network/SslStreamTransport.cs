using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;

namespace FastNode.Server.Network;

/// <summary>
/// Moves bytes between a TLS connection (an authenticated <see cref="SslStream"/>) and the connection's two pipes,
/// as <see cref="SocketPump"/> does for plain sockets: a receive loop that waits with a zero-byte read while the
/// client is idle (no buffer held), and a send loop that writes a batch's replies as one TLS record where it can.
/// </summary>
public sealed class SslStreamTransport : IConnectionTransport, IThreadPoolWorkItem
{
    // Replies of one batch spread over several pipe segments are copied into one write up to this size: each write
    // is a TLS record and a send of its own.
    private const int CoalesceLimit = 64 * 1024;

    private readonly Socket _socket;
    private readonly SslStream _stream;
    private readonly Pipe _input = new(SocketPump.InputOptions);
    private readonly Pipe _output = new(SocketPump.OutputOptions);
    private readonly Sessions.ClientSession? _session;
    private int _closed;

    public SslStreamTransport(Socket socket, SslStream stream, Sessions.ClientSession? session = null)
    {
        _socket = socket;
        _stream = stream;
        _session = session;
        if (session is not null)
        {
            // The same byte counts and descriptor as a plain socket's, for CLIENT LIST qbuf/fd and client eviction.
            session.OutputSent = 0;
            session.InputReceived = 0;
            session.Fd = (long)socket.Handle;
        }
    }

    public PipeReader Input => _input.Reader;

    public PipeWriter Output => _output.Writer;

    public SocketError? UnexpectedError { get; private set; }

    /// <summary>Always null: the command loop runs on the stream's continuations (the listener logs what it throws).</summary>
    public Exception? Failure => null;

    public Task ReceiveAsync() => ReceiveLoopAsync();

    public Task SendAsync() => SendLoopAsync();

    private async Task ReceiveLoopAsync()
    {
        var writer = _input.Writer;
        try
        {
            while (true)
            {
                await _stream.ReadAsync(Memory<byte>.Empty).ConfigureAwait(false);
                var memory = writer.GetMemory(SocketPump.MinReceiveSize);
                int received = await _stream.ReadAsync(memory).ConfigureAwait(false);
                if (received == 0) break;
                writer.Advance(received);
                if (_session is not null) Volatile.Write(ref _session.InputReceived, _session.InputReceived + received);
                var flush = await writer.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled) break;
            }
        }
        catch (IOException ex)
        {
            Remember(ex);
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            await writer.CompleteAsync().ConfigureAwait(false);
        }
    }

    private async Task SendLoopAsync()
    {
        var reader = _output.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                if (buffer.IsSingleSegment)
                {
                    if (!buffer.IsEmpty) await _stream.WriteAsync(buffer.First).ConfigureAwait(false);
                }
                else if (buffer.Length <= CoalesceLimit)
                {
                    int length = (int)buffer.Length;
                    var rented = ArrayPool<byte>.Shared.Rent(length);
                    try
                    {
                        buffer.CopyTo(rented);
                        await _stream.WriteAsync(rented.AsMemory(0, length)).ConfigureAwait(false);
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(rented);
                    }
                }
                else
                {
                    foreach (var segment in buffer) await _stream.WriteAsync(segment).ConfigureAwait(false);
                }
                reader.AdvanceTo(buffer.End);
                if (_session is not null) Volatile.Write(ref _session.OutputSent, _session.OutputSent + buffer.Length);
                if (result.IsCompleted || result.IsCanceled) break;
            }
        }
        catch (IOException ex)
        {
            Remember(ex);
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            Close();
        }
    }

    private void Remember(IOException ex)
    {
        if (ex.InnerException is SocketException socket && socket.SocketErrorCode is not (SocketError.ConnectionReset
            or SocketError.ConnectionAborted or SocketError.OperationAborted or SocketError.Shutdown or SocketError.Interrupted))
        {
            UnexpectedError = socket.SocketErrorCode;
        }
    }

    public void Wake() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    void IThreadPoolWorkItem.Execute() => _input.Reader.CancelPendingRead();

    /// <summary>Closes the socket (idempotent, any thread); pending reads and writes end with an error.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        try { _socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
        _socket.Dispose();
        _stream.Dispose();
    }
}
