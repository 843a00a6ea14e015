using System.Buffers;
using System.IO.Pipelines;
using FastNode.Protocol;
using FastNode.Server.Commands;
using FastNode.Server.Sessions;
using Microsoft.Extensions.Logging;

namespace FastNode.Server.Network;

/// <summary>
/// The command loop of one client: read whatever arrived, parse and execute every complete command in it
/// synchronously, writing replies straight into the output pipe, then flush once. A client that pipelines
/// 100 commands gets one send for all of them.
/// Transport-agnostic (two pipes), so tests can drive it in memory without sockets.
/// </summary>
public sealed class Connection
{
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly ServerState _server;
    private readonly CommandReader _reader;
    private readonly ILogger _log;
    private readonly Action? _closeTransport;
    private DisconnectReason? _reason;

    public Connection(PipeReader input, PipeWriter output, ServerState server, ClientSession session,
        ILogger log, Action? closeTransport = null)
    {
        _input = input;
        _output = output;
        _server = server;
        Session = session;
        _log = log;
        _closeTransport = closeTransport;
        _reader = new CommandReader(server.Limits);
        session.OnKill(() => Abort(DisconnectReason.Killed));
    }

    public ClientSession Session { get; }

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
                var buffer = read.Buffer;
                var remaining = buffer;
                bool close = _reason is null && ProcessBatch(ref remaining);
                long consumed = buffer.Length - remaining.Length;
                Session.InputBytes += consumed;
                Interlocked.Add(ref _server.Stats.TotalNetInputBytes, consumed);
                _input.AdvanceTo(remaining.Start, buffer.End);

                var flush = await _output.FlushAsync().ConfigureAwait(false);
                if (close || flush.IsCompleted) break;
                if (read.IsCompleted)
                {
                    _reason ??= DisconnectReason.ClientClosed;
                    break;
                }
                if (read.IsCanceled && _reason is not null) break;
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            _log.LogDebug(ex, "client {Id} I/O ended", Session.Id);
            _reason ??= DisconnectReason.SocketError;
        }
        finally
        {
            _server.Clients.Remove(Session);
            await _input.CompleteAsync().ConfigureAwait(false);
            await _output.CompleteAsync().ConfigureAwait(false);
            _reader.Reset();
            _log.LogDebug("client {Id} {Address} closed: {Reason}", Session.Id, Session.RemoteAddress, Reason);
        }
    }

    /// <summary>Stops the loop from any thread (CLIENT KILL, idle timeout, shutdown after in-flight replies).</summary>
    public void Abort(DisconnectReason reason)
    {
        _reason ??= reason;
        _input.CancelPendingRead();
        if (reason != DisconnectReason.ServerShutdown) _closeTransport?.Invoke();
    }

    /// <summary>Parses and executes every complete command in <paramref name="buffer"/>; returns true to close.</summary>
    private bool ProcessBatch(ref ReadOnlySequence<byte> buffer)
    {
        var session = Session;
        scoped var ctx = new CommandContext(new RespWriter(_output, session.Protocol == 3), session, _server);
        long writtenBefore = 0;
        try
        {
            session.LastInteractionMs = _server.NowMs;
            _reader.Authenticated = session.Authenticated || _server.Options.RequirePass.Length == 0;
            while (_reader.TryRead(ref buffer, out var args))
            {
                if (session.ReplyMode == ReplyMode.On) Dispatcher.Execute(ref ctx, args);
                else ExecuteWithoutReply(ref ctx, args);

                if (session.CloseAfterReply)
                {
                    _reason = DisconnectReason.Quit;
                    return true;
                }
                _reader.Authenticated = session.Authenticated || _server.Options.RequirePass.Length == 0;
            }
            return false;
        }
        catch (RespProtocolException ex)
        {
            Interlocked.Increment(ref _server.Stats.ProtocolErrors);
            if (ex.ReplyBeforeClose) ctx.Writer.WriteError("ERR Protocol error: " + ex.Message);
            _reason = ex.ReplyBeforeClose ? DisconnectReason.ProtocolError : DisconnectReason.QueryBufferLimit;
            _log.LogDebug("client {Id} protocol error: {Reason}", session.Id, ex.Message);
            return true;
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "client {Id}: command failed unexpectedly ({Command})", session.Id, session.LastCommand);
            ctx.Writer.WriteError(RespErrors.InternalError);
            _reason = DisconnectReason.InternalError;
            return true;
        }
        finally
        {
            long written = ctx.Writer.Written - writtenBefore;
            ctx.Writer.Commit();
            session.OutputBytes += written;
            Interlocked.Add(ref _server.Stats.TotalNetOutputBytes, written);
        }
    }

    /// <summary>
    /// CLIENT REPLY OFF / SKIP: run the command against a writer that discards its reply. The one reply that still
    /// goes out is CLIENT REPLY ON's own OK (Redis clears the flag before replying).
    /// </summary>
    private void ExecuteWithoutReply(ref CommandContext ctx, CommandArgs args)
    {
        var session = Session;
        var before = session.ReplyMode;
        var real = ctx.Writer;
        ctx.Writer = new RespWriter(SilentOutput, real.Resp3);
        Dispatcher.Execute(ref ctx, args);
        bool resp3 = ctx.Writer.Resp3;
        ctx.Writer = real;
        ctx.Writer.Resp3 = resp3;
        if (session.ReplyMode == ReplyMode.On) ctx.Writer.WriteRaw(RespReplies.Ok);
        else if (before == ReplyMode.SkipNext && session.ReplyMode == ReplyMode.SkipNext) session.ReplyMode = ReplyMode.On;
    }

    private static readonly NullBufferWriter SilentOutput = new();
}
