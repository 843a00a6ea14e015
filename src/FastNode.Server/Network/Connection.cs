using System.IO.Pipelines;
using FastNode.Protocol;
using FastNode.Server.Blocking;
using FastNode.Server.Sessions;
using Microsoft.Extensions.Logging;

namespace FastNode.Server.Network;

/// <summary>
/// The loop of one client: read whatever arrived, let the <see cref="CommandProcessor"/> execute every complete
/// command in it synchronously (replies go straight into the output pipe), then flush once. A client that
/// pipelines 100 commands gets one send for all of them. Transport-agnostic (two pipes), so tests can drive it
/// in memory. The only awaits are the read, the flush, and the wait of a blocked command.
/// Pushes from other connections (PUBLISH fan-out) wait in the session's outbound queue; a push wakes this loop
/// (<see cref="ClientSession.WakeLoop"/>: a cancelled read, on the thread that serves the connection), and the
/// CommandProcessor drains the queue into the output, so only this loop ever writes to it.
/// </summary>
public sealed class Connection
{
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly ServerState _server;
    private readonly CommandProcessor _processor;
    private readonly ILogger _log;
    private readonly Action? _closeTransport;
    private DisconnectReason? _reason;
    /// <summary>The next read was cancelled to resume buffered commands (not only for pushes): it must run a batch.</summary>
    private bool _resumePending;

    /// <param name="wake">
    /// Makes the pending read return soon on the thread that serves this connection (the transport's); by default a
    /// thread-pool item cancels the read (in-memory connections).
    /// </param>
    public Connection(PipeReader input, PipeWriter output, ServerState server, ClientSession session,
        ILogger log, Action? closeTransport = null, Action? wake = null)
    {
        _input = input;
        _output = output;
        _server = server;
        _log = log;
        _closeTransport = closeTransport;
        _processor = new CommandProcessor(server, session, log);
        session.OnKill(Abort);
        session.OnWake(wake ?? WakeFromThreadPool);
    }

    /// <summary>The default wake-up (no transport of its own): a thread-pool item cancels the pending read.</summary>
    private void WakeFromThreadPool() => ThreadPool.UnsafeQueueUserWorkItem(static reader => reader.CancelPendingRead(), _input, preferLocal: false);

    public ClientSession Session => _processor.Session;

    /// <summary>Why the loop ended (set once it has).</summary>
    public DisconnectReason Reason => _reason ?? DisconnectReason.ClientClosed;

    /// <summary>Runs until the client leaves, misbehaves, or is killed. Never throws.</summary>
    public async Task RunAsync()
    {
        _server.Clients.Add(Session);
        try
        {
            while (_reason is null)
            {
                var read = await _input.ReadAsync().ConfigureAwait(false);
                if (read.IsCanceled && _reason is not null) break;
                if (read.IsCanceled && !read.IsCompleted && !_resumePending && read.Buffer.IsEmpty && Session.PendingBlock is null)
                {
                    // Woken for pushes only (no request came): drain the queue and flush, without a batch.
                    _input.AdvanceTo(read.Buffer.Start);
                    WritePushes();
                    if (OverOutputLimit())
                    {
                        Abort(DisconnectReason.OutputBufferLimit);
                        break;
                    }
                    if ((await _output.FlushAsync().ConfigureAwait(false)).IsCompleted) break;
                    continue;
                }
                _resumePending = false;

                var buffer = read.Buffer;
                if (_server.Options.PipelineHelper && BatchHelper.IsDeep(buffer) && BatchHelper.Shared.TryClaim())
                {
                    Interlocked.Increment(ref _server.Stats.HandedOffReads);
                    await BatchHelper.Shared.SwitchTo();
                }
                var remaining = buffer;
                var closeReason = _processor.Process(ref remaining, _output);
                long consumed = buffer.Length - remaining.Length;
                Session.InputBytes += consumed;
                Interlocked.Add(ref _server.Stats.TotalNetInputBytes, consumed);
                _input.AdvanceTo(remaining.Start, buffer.End);
                if (closeReason is null && OverOutputLimit())
                {
                    Abort(DisconnectReason.OutputBufferLimit);
                    break;
                }

                // appendfsync always: the replies to writes go out once the AOF holds them on disk (the writer syncs
                // the records of every connection waiting meanwhile at once); if it cannot, they never go out.
                if (!await DurableAsync(Session.FeedOffset).ConfigureAwait(false))
                {
                    _reason ??= DisconnectReason.InternalError;
                    break;
                }
                // A paused flush is backpressure from a client that reads slower than it sends: wait here, and read
                // no more of its requests meanwhile.
                var flush = await _output.FlushAsync().ConfigureAwait(false);
                if (Session.Replica is { } replica && !flush.IsCompleted)
                {
                    // PSYNC/SYNC made this connection a replica: from now on its loop sends the stream.
                    await Persistence.Replication.ReplicaStreamer.RunAsync(_server, replica, _input, _output, _processor, () => _reason is not null).ConfigureAwait(false);
                    _reason ??= DisconnectReason.ClientClosed;
                    break;
                }
                if (closeReason is not null)
                {
                    _reason ??= closeReason;
                    break;
                }
                if (flush.IsCompleted) break;
                if (Session.PendingBlock is { } blocked)
                {
                    if (!await WaitWhileBlockedAsync(blocked).ConfigureAwait(false)) break;
                    ResumeBufferedCommands();
                    continue;
                }
                if (_processor.StoppedAtOutputLimit)
                {
                    ResumeBufferedCommands();
                    continue;
                }
                if (read.IsCompleted)
                {
                    _reason ??= DisconnectReason.ClientClosed;
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            _log.LogDebug(ex, "client {Id} I/O ended", Session.Id);
            _reason ??= DisconnectReason.SocketError;
        }
        finally
        {
            if (Session.PendingBlock is { } blocked) blocked.TryCancel();
            if (_reason == DisconnectReason.OutputBufferLimit)
            {
                _log.LogWarning("Client id={Id} addr={Address} closed for overcoming of output buffer limits ({Class} class, {Bytes} bytes pending)",
                    Session.Id, Session.RemoteAddress, Session.OutputClass, Session.OutputBufferUsage());
            }
            _server.PubSub.Disconnect(Session);
            _server.Tracking.Disable(Session);
            _server.Clients.Remove(Session);
            _server.Memory.ClientEviction.Forget(Session);
            await _input.CompleteAsync().ConfigureAwait(false);
            await _output.CompleteAsync().ConfigureAwait(false);
            _processor.Reset();
            _log.LogDebug("client {Id} {Address} closed: {Reason}", Session.Id, Session.RemoteAddress, Reason);
        }
    }

    /// <summary>
    /// The last batch stopped with commands still buffered (behind a blocked command, or past the output limit of one
    /// batch): make the next ReadAsync return at once instead of waiting for new bytes. The bytes were marked examined,
    /// and a Pipe only hands examined bytes out again (ReadAsync or TryRead alike) after new data or a cancel; some of
    /// the commands may also sit in the reader's carry-over buffer, with nothing left in the pipe at all.
    /// The cancel shows up as IsCanceled with _reason still null, which the loop treats as an ordinary read.
    /// </summary>
    private void ResumeBufferedCommands()
    {
        _resumePending = true;
        _input.CancelPendingRead();
    }

    /// <summary>
    /// Waits for a blocked command to be granted, to time out, or for the client to go away (which is only seen
    /// by reading). Bytes that arrive meanwhile stay in the pipe, marked examined, for after the wait.
    /// Returns false when the connection must close.
    /// </summary>
    private async Task<bool> WaitWhileBlockedAsync(BlockedCommand blocked)
    {
        using var timerCancel = new CancellationTokenSource();
        Task timeout = DelayUntilDeadline(blocked.DeadlineMs, timerCancel.Token);
        Task<ReadResult>? pendingRead = null;
        try
        {
            while (true)
            {
                pendingRead ??= _input.ReadAsync().AsTask();
                var first = await Task.WhenAny(blocked.Completion, pendingRead, timeout).ConfigureAwait(false);
                if (first == pendingRead)
                {
                    var read = await pendingRead.ConfigureAwait(false);
                    pendingRead = null;
                    if (read.IsCompleted || _reason is not null)
                    {
                        _input.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                        blocked.TryCancel();
                        _reason ??= DisconnectReason.ClientClosed;
                        return false;
                    }
                    _input.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                    // Woken for pushes (RESP3 delivers them while a command blocks, as Redis does).
                    if (WritePushes() > 0 && (await _output.FlushAsync().ConfigureAwait(false)).IsCompleted) return false;
                    continue;
                }
                if (first == timeout && _server.NowMs < blocked.DeadlineMs)
                {
                    // A deadline beyond the longest single timer (about 49.7 days) is reached in steps.
                    timeout = DelayUntilDeadline(blocked.DeadlineMs, timerCancel.Token);
                    continue;
                }
                if (first == timeout && blocked.TryCancel()) break;
                await blocked.Completion.ConfigureAwait(false);
                break;
            }

            Session.Unblock();
            if (blocked.FollowUp() is { } next)
            {
                // The reply waits for something else first (lock-replication majority): RunAsync blocks on it next.
                Session.Block(next);
                return true;
            }
            if (blocked is PausedCommand paused)
            {
                // Held back by a pause: the command runs now and writes its own reply (it may be held back again).
                if (_processor.RunPostponed(paused.Command, _output) is { } closeReason) _reason ??= closeReason;
            }
            else
            {
                var writer = new RespWriter(_output, Session.Protocol == 3);
                blocked.WriteReply(ref writer);
                Session.OutputWritten += writer.Written;
                writer.Commit();
            }
            // The pop that served this client was recorded by the command that woke it: wait for the stream as it is now.
            if (_server.Aof.Writer is { SyncsEveryWrite: true } && !await DurableAsync(_server.Feed.Offset).ConfigureAwait(false)) return false;
            var flush = await _output.FlushAsync().ConfigureAwait(false);
            return !flush.IsCompleted && _reason is null;
        }
        finally
        {
            timerCancel.Cancel();
            if (pendingRead is not null)
            {
                // End the read that watched for a disconnect (RunAsync then resumes the buffered commands).
                _input.CancelPendingRead();
                var read = await pendingRead.ConfigureAwait(false);
                _input.AdvanceTo(read.Buffer.Start, read.Buffer.End);
            }
        }
    }

    /// <summary>Writes the pushes queued for this connection into its output (not flushed); returns the bytes written.</summary>
    private long WritePushes()
    {
        if (Session.PubSub is not { HasPending: true } subscriber) return 0;
        var writer = new RespWriter(_output, Session.Protocol == 3);
        subscriber.DrainTo(ref writer);
        long written = writer.Written;
        writer.Commit();
        Session.OutputWritten += written;
        Session.OutputBytes += written;
        return written;
    }

    /// <summary>
    /// client-output-buffer-limit after a batch (normal and pubsub classes; a replica's stream is held to its own in
    /// ReplicaFeed): what waits in the output pipe and the push queue, against the class's hard and soft limits.
    /// </summary>
    private bool OverOutputLimit()
    {
        var session = Session;
        if (session.Replica is not null) return false;
        long used = session.OutputBufferUsage();
        session.ObserveOutput(used);
        var limit = _server.Options.OutputBufferLimits[session.OutputClass];
        long now = limit.Soft > 0 && used >= limit.Soft ? Environment.TickCount64 : 0;
        return limit.Exceeded(used, now, ref session.OutputSoftLimitSinceMs);
    }

    /// <summary>True once the change records up to <paramref name="offset"/> are as durable as appendfsync always asks.</summary>
    private ValueTask<bool> DurableAsync(long offset)
    {
        if (offset == 0 || _server.Aof.Writer is not { SyncsEveryWrite: true } aof || offset <= aof.SyncedOffset) return ValueTask.FromResult(true);
        return aof.WaitSynced(offset);
    }

    /// <summary>A delay that ends at the deadline (Unix ms; 0 = never), or at the longest timer .NET allows if sooner.</summary>
    private Task DelayUntilDeadline(long deadlineMs, CancellationToken cancel)
    {
        if (deadlineMs <= 0) return Task.Delay(Timeout.Infinite, cancel);
        const long LongestTimerMs = uint.MaxValue - 1L;
        long remaining = Math.Clamp(deadlineMs - _server.NowMs, 0, LongestTimerMs);
        var delay = Task.Delay(TimeSpan.FromMilliseconds(remaining), _server.Time, cancel);
        // The clock may have moved between reading it and starting the timer (a fake clock stepped by a test, or a
        // pause of the process): that timer counts from the later time and would fire late, so a deadline that has
        // already passed ends the wait now. Once the timer is started, a later move of the clock fires it.
        return _server.NowMs >= deadlineMs ? Task.CompletedTask : delay;
    }

    /// <summary>Stops the loop from any thread (CLIENT KILL, idle timeout, shutdown after in-flight replies).</summary>
    public void Abort(DisconnectReason reason)
    {
        _reason ??= reason;
        _input.CancelPendingRead();
        if (reason == DisconnectReason.ServerShutdown) return;
        // A loop waiting in a paused flush (a client that stopped reading, such as a subscriber past its output
        // limit) ends now rather than when the transport's close reaches the pipe (never, for an in-memory one).
        _output.CancelPendingFlush();
        _closeTransport?.Invoke();
    }
}
