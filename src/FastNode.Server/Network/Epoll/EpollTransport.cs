using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Tasks.Sources;

namespace FastNode.Server.Network.Epoll;

/// <summary>
/// A client socket served by an <see cref="EpollLoop"/> (level-triggered). Reading: when epoll says the socket is
/// readable, one recv straight into the input pipe, whose flush runs the command loop inline. Writing: a small async
/// loop waits for replies in the output pipe and sends them: on the loop thread at once, on another thread (the
/// pipeline helper, a woken blocked command) directly when the socket takes them all, else through the loop, which
/// waits for EPOLLOUT when the socket buffer is full. Receives, epoll changes and closing happen on the loop thread.
/// </summary>
internal sealed class EpollTransport : IConnectionTransport, IValueTaskSource<bool>
{
    private readonly Socket _socket;
    private readonly int _fd;
    private readonly EpollLoop _loop;
    private readonly Pipe _input = new(SocketPump.InputOptions);
    private readonly Pipe _output = new(SocketPump.OutputOptions);
    private readonly TaskCompletionSource _receiveEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ManualResetValueTaskSourceCore<bool> _flushed;

    // Loop thread only. The socket is in the loop's epoll set exactly while _interest is not empty.
    private uint _interest;
    private bool _reading = true;
    private bool _inputFlushPaused;
    private bool _inInlineFlush;
    private bool _endReceiveAfterFlush;
    private bool _closedOnLoop;
    private ReadOnlySequence<byte>? _pending;

    private int _closeRequested;
    private readonly Sessions.ClientSession? _session;

    /// <param name="session">Counts the bytes sent (<see cref="Sessions.ClientSession.OutputSent"/>), if given.</param>
    public EpollTransport(Socket socket, EpollLoop loop, Sessions.ClientSession? session = null)
    {
        _socket = socket;
        _socket.Blocking = false;
        _fd = (int)socket.Handle;
        _loop = loop;
        _session = session;
        if (session is not null)
        {
            session.OutputSent = 0;
            session.InputReceived = 0;
            session.Fd = _fd;
        }
    }

    /// <summary>The key of this transport in its loop's epoll set.</summary>
    internal ulong Id { get; set; }

    public PipeReader Input => _input.Reader;

    public PipeWriter Output => _output.Writer;

    public SocketError? UnexpectedError { get; private set; }

    public Exception? Failure { get; internal set; }

    public Task ReceiveAsync()
    {
        _loop.Post(this, EpollLoop.Request.Register);
        return _receiveEnded.Task;
    }

    public Task SendAsync() => WatchOutputAsync();

    public void Close()
    {
        if (Interlocked.Exchange(ref _closeRequested, 1) != 0) return;
        _loop.Post(this, EpollLoop.Request.Close);
    }

    /// <summary>
    /// Queued to the loop even from the loop's own thread: a PUBLISH running there must not run its subscribers'
    /// loops inside its own handler. The loop handles it after the events it is on, so every subscriber it serves
    /// drains all that batch's messages at once (Redis writes to its clients once per event loop turn too); under a
    /// heavy fan-out, a bounded number per round (<see cref="EpollLoop.PostWake"/>).
    /// </summary>
    public void Wake() => _loop.PostWake(this);

    /// <summary>On the loop thread: cancels the command loop's pending read, which runs it here, inline.</summary>
    internal void OnWake()
    {
        if (_closedOnLoop) return;
        // As in OnReadable: a close requested from inside the command loop completes the input after it returned.
        _inInlineFlush = true;
        try
        {
            _input.Reader.CancelPendingRead();
        }
        finally
        {
            _inInlineFlush = false;
        }
        if (_endReceiveAfterFlush && !_inputFlushPaused) OnEndReceive();
    }

    /// <summary>Starts watching the socket; false when it was closed first (or epoll refused it, which ends it).</summary>
    internal bool OnRegistered()
    {
        if (_closedOnLoop) return false;
        SetInterest(EpollNative.In);
        if (_interest != 0) return true;
        OnEndReceive();
        return false;
    }

    internal unsafe void OnReadable()
    {
        if (!_reading || _closedOnLoop || _inputFlushPaused) return;
        var writer = _input.Writer;
        var memory = writer.GetMemory(SocketPump.MinReceiveSize);
        nint received;
        fixed (byte* p = memory.Span) received = EpollNative.recv(_fd, p, memory.Length, EpollNative.MsgDontWait);
        if (received > 0)
        {
            writer.Advance((int)received);
            if (_session is not null) Volatile.Write(ref _session.InputReceived, _session.InputReceived + received);
            // Runs the command loop inline. It may close this transport from inside (QUIT, CLIENT KILL): the input is
            // then completed here, after the flush has returned, not under it.
            _inInlineFlush = true;
            ValueTask<FlushResult> flush;
            try
            {
                flush = writer.FlushAsync();
            }
            finally
            {
                _inInlineFlush = false;
            }
            if (!flush.IsCompleted)
            {
                // Backpressure: the command loop is behind (a client that does not read its replies). Stop reading.
                _inputFlushPaused = true;
                SetInterest(_interest & ~EpollNative.In);
                _ = ResumeAfterFlushAsync(flush);
            }
            else if (flush.Result.IsCompleted || flush.Result.IsCanceled || _endReceiveAfterFlush)
            {
                OnEndReceive();
            }
            return;
        }
        if (received < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno is EpollNative.EAGAIN or EpollNative.EINTR) return;
            Remember(errno);
        }
        OnEndReceive();
    }

    private async Task ResumeAfterFlushAsync(ValueTask<FlushResult> flush)
    {
        var result = await flush.ConfigureAwait(false);
        _loop.Post(this, result.IsCompleted || result.IsCanceled ? EpollLoop.Request.EndReceive : EpollLoop.Request.ResumeReading);
    }

    internal void OnResumeReading()
    {
        _inputFlushPaused = false;
        if (_endReceiveAfterFlush) OnEndReceive();
        else if (_reading && !_closedOnLoop) SetInterest(_interest | EpollNative.In);
    }

    /// <summary>The client sent its last byte (or the socket failed or closed): complete the input, stop reading.</summary>
    internal void OnEndReceive()
    {
        _inputFlushPaused = false;
        if (!_reading) return;
        _reading = false;
        if (!_closedOnLoop) SetInterest(_interest & ~EpollNative.In);
        _input.Writer.Complete();
        _receiveEnded.TrySetResult();
    }

    private async Task WatchOutputAsync()
    {
        var reader = _output.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                if (result.IsCanceled) break;
                var buffer = result.Buffer;
                // Replies made off the loop thread (by the pipeline helper) go out from that thread when the socket
                // takes them all: handing every one to the loop cost an eventfd wake-up and waited for the loop's
                // current batch (SET / GET -P 64 2-3 % slower, p99 +1 ms).
                var direct = buffer.IsEmpty || _loop.OnLoopThread ? SendResult.WouldBlock : TrySendFromHere(ref buffer);
                if (direct == SendResult.Failed) break;
                if (direct == SendResult.WouldBlock && !buffer.IsEmpty)
                {
                    _flushed.Reset();
                    _pending = buffer;
                    _loop.Post(this, EpollLoop.Request.Flush);
                    if (!await new ValueTask<bool>(this, _flushed.Version).ConfigureAwait(false)) break;
                }
                else
                {
                    reader.AdvanceTo(result.Buffer.End);
                }
                if (result.IsCompleted) break;
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            // The reply side is done: close the socket, which ends the receive side too.
            Close();
        }
    }

    private enum SendResult { Sent, WouldBlock, Failed }

    /// <summary>
    /// Sends from a thread other than the loop's, as far as the socket takes it without blocking; what is left
    /// stays in <paramref name="buffer"/> for the loop. The handle is referenced meanwhile, so a Close on the loop
    /// cannot free the descriptor (and let a new client reuse it) in the middle of a send.
    /// </summary>
    private SendResult TrySendFromHere(ref ReadOnlySequence<byte> buffer)
    {
        var handle = _socket.SafeHandle;
        bool referenced = false;
        try
        {
            handle.DangerousAddRef(ref referenced);
            int errno = SendAvailable(ref buffer);
            if (errno == EpollNative.EAGAIN) return SendResult.WouldBlock;
            if (errno != 0)
            {
                Remember(errno);
                return SendResult.Failed;
            }
            return SendResult.Sent;
        }
        catch (ObjectDisposedException)
        {
            return SendResult.Failed;
        }
        finally
        {
            if (referenced) handle.DangerousRelease();
        }
    }

    /// <summary>Sends what the output watcher handed over; on a full socket buffer, waits for EPOLLOUT.</summary>
    internal void FlushOutput()
    {
        if (_pending is not { } buffer) return;
        if (_closedOnLoop)
        {
            _pending = null;
            _flushed.SetResult(false);
            return;
        }
        int errno = SendAvailable(ref buffer);
        if (errno == EpollNative.EAGAIN)
        {
            _pending = buffer;
            SetInterest(_interest | EpollNative.Out);
            return;
        }
        if (errno != 0)
        {
            Remember(errno);
            _pending = null;
            SetInterest(_interest & ~EpollNative.Out);
            _flushed.SetResult(false);
            return;
        }
        _pending = null;
        SetInterest(_interest & ~EpollNative.Out);
        _output.Reader.AdvanceTo(buffer.End);
        _flushed.SetResult(true);
    }

    internal void OnWritable() => FlushOutput();

    /// <summary>
    /// Sends as much of <paramref name="buffer"/> as the socket takes without blocking and slices off what went out.
    /// Returns 0 when all of it did, else the errno that stopped it (EAGAIN: the socket buffer is full).
    /// </summary>
    private unsafe int SendAvailable(ref ReadOnlySequence<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            var segment = buffer.First;
            nint sent;
            fixed (byte* p = segment.Span) sent = EpollNative.send(_fd, p, segment.Length, EpollNative.MsgDontWait | EpollNative.MsgNoSignal);
            if (sent < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == EpollNative.EINTR) continue;
                return errno;
            }
            buffer = buffer.Slice(sent);
            if (_session is not null) Volatile.Write(ref _session.OutputSent, _session.OutputSent + sent);
        }
        return 0;
    }

    internal void OnClose()
    {
        if (_closedOnLoop) return;
        _closedOnLoop = true;
        if (_interest != 0) EpollNative.Control(_loop.EpollFd, EpollNative.CtlDel, _fd, 0, 0);
        _interest = 0;
        try { _socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
        _socket.Dispose();
        if (_pending is not null)
        {
            _pending = null;
            _flushed.SetResult(false);
        }
        _output.Reader.CancelPendingRead();
        if (_inputFlushPaused || _inInlineFlush) _endReceiveAfterFlush = true;
        else OnEndReceive();
    }

    /// <summary>
    /// Changes what epoll watches for. An empty set takes the socket out of epoll altogether: level-triggered epoll
    /// reports a hang-up on every wait otherwise, even when nothing was asked for.
    /// </summary>
    private void SetInterest(uint interest)
    {
        if (_closedOnLoop || interest == _interest) return;
        int op = interest == 0 ? EpollNative.CtlDel : _interest == 0 ? EpollNative.CtlAdd : EpollNative.CtlMod;
        int error = EpollNative.Control(_loop.EpollFd, op, _fd, interest, Id);
        // A refused add leaves the socket out of epoll (OnRegistered then ends the client); a refused change or
        // removal is taken as done: epoll refuses those only for a socket that is already going away.
        _interest = error != 0 && op == EpollNative.CtlAdd ? 0 : interest;
        if (error != 0) Remember(error);
    }

    private void Remember(int errno)
    {
        // ECONNRESET (104), EPIPE (32), ENOTCONN (107), EBADF (9) end a connection normally; anything else is logged,
        // as the raw errno (SocketError's names are Windows codes, so the log shows the number).
        if (errno is not (104 or 32 or 107 or 9)) UnexpectedError = (SocketError)errno;
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _flushed.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _flushed.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _flushed.OnCompleted(continuation, state, token, flags);
}
