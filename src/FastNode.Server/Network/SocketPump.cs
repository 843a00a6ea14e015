using System.IO.Pipelines;
using System.Net.Sockets;

namespace FastNode.Server.Network;

/// <summary>
/// Moves bytes between a socket and the connection's two pipes (Kestrel's SocketConnection shape):
/// a receive loop filling the input pipe and a send loop draining the output pipe.
/// 1. While a client is idle it waits with a zero-byte receive, so an idle connection holds no buffer.
/// 2. A paused input flush is backpressure (the command loop is behind), not an error: we stop reading the socket.
/// 3. Pipes run their continuations inline: with inline socket completions the whole receive -> parse -> execute
///    -> send chain stays on the thread that saw the data (see PERF-NOTES). Nothing on that path may block.
/// </summary>
public sealed class SocketPump : IConnectionTransport, IThreadPoolWorkItem
{
    // Room for one receive. Every receive that does not take all that is waiting costs another zero-byte wait, receive,
    // parse pass and send: at 16 KB (Redis's PROTO_IOBUF_LEN) a batch of 16 SETs of 1 KB took two of each, and 64 KB
    // cut SET 1 KB -P 16 from 1.9 to 1.25 CPU-us per request. The buffer is rented only once data is waiting (after
    // the zero-byte wait) and goes back to the pool when the batch is consumed, so idle connections hold none.
    internal const int MinReceiveSize = 64 * 1024;

    internal static readonly PipeOptions InputOptions = new(
        pauseWriterThreshold: 1024 * 1024, resumeWriterThreshold: 512 * 1024,
        readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false);

    // The output pause threshold bounds what a client that does not read its replies can make us buffer:
    // once reached, the command loop waits in FlushAsync and stops consuming that client's input.
    internal static readonly PipeOptions OutputOptions = new(
        pauseWriterThreshold: 4 * 1024 * 1024, resumeWriterThreshold: 2 * 1024 * 1024,
        readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false);

    private readonly Socket _socket;
    private readonly Pipe _input = new(InputOptions);
    private readonly Pipe _output = new(OutputOptions);
    private readonly Sessions.ClientSession? _session;
    private int _closed;

    /// <param name="session">Counts the bytes sent (<see cref="Sessions.ClientSession.OutputSent"/>), if given.</param>
    public SocketPump(Socket socket, Sessions.ClientSession? session = null)
    {
        _socket = socket;
        _session = session;
        if (session is not null)
        {
            session.OutputSent = 0;
            session.InputReceived = 0;
            session.Fd = (long)socket.Handle;   // CLIENT LIST fd= (only a multi-address connect minds an exposed handle)
        }
    }

    /// <summary>What the command loop reads requests from.</summary>
    public PipeReader Input => _input.Reader;

    /// <summary>What the command loop writes replies to.</summary>
    public PipeWriter Output => _output.Writer;

    /// <summary>True when the last socket error was something other than a reset or an abort.</summary>
    public SocketError? UnexpectedError { get; private set; }

    /// <summary>
    /// Always null: here the command loop runs on socket continuations, and what it throws ends the connection's
    /// own task (the listener logs it there).
    /// </summary>
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
                await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
                var memory = writer.GetMemory(MinReceiveSize);
                int received = await _socket.ReceiveAsync(memory, SocketFlags.None).ConfigureAwait(false);
                if (received == 0) break;
                writer.Advance(received);
                if (_session is not null) Volatile.Write(ref _session.InputReceived, _session.InputReceived + received);
                var flush = await writer.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled) break;
            }
        }
        catch (SocketException ex)
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
                    if (!buffer.IsEmpty) await _socket.SendAsync(buffer.First, SocketFlags.None).ConfigureAwait(false);
                }
                else
                {
                    foreach (var segment in buffer) await _socket.SendAsync(segment, SocketFlags.None).ConfigureAwait(false);
                }
                reader.AdvanceTo(buffer.End);
                if (_session is not null) Volatile.Write(ref _session.OutputSent, _session.OutputSent + buffer.Length);
                if (result.IsCompleted || result.IsCanceled) break;
            }
        }
        catch (SocketException ex)
        {
            Remember(ex);
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            // The reply side is done: make the receive loop end too.
            Close();
        }
    }

    private void Remember(SocketException ex)
    {
        if (ex.SocketErrorCode is not (SocketError.ConnectionReset or SocketError.ConnectionAborted
            or SocketError.OperationAborted or SocketError.Shutdown or SocketError.Interrupted))
        {
            UnexpectedError = ex.SocketErrorCode;
        }
    }

    /// <summary>Cancels the pending read from a thread-pool thread (this object is the work item: nothing allocated).</summary>
    public void Wake() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    void IThreadPoolWorkItem.Execute() => _input.Reader.CancelPendingRead();

    /// <summary>Closes the socket (idempotent, any thread). Pending receives and sends end with an abort.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        try { _socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
        _socket.Dispose();
    }
}
