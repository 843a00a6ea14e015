using System.Buffers;
using FastNode.Protocol;
using FastNode.Server.Commands;
using FastNode.Server.Sessions;
using FastNode.Server.Storage;
using Microsoft.Extensions.Logging;

namespace FastNode.Server.Network;

/// <summary>
/// The synchronous heart of a connection: parse every complete command in a buffer, execute it, write its reply.
/// Separate from <see cref="Connection"/> (which owns the pipes and the awaits) so that benchmarks can drive the
/// exact same path with a pre-built buffer and a discarding output.
/// </summary>
public sealed class CommandProcessor
{
    private static readonly NullBufferWriter SilentOutput = new();

    /// <summary>
    /// Reply bytes one batch may produce before the loop stops to flush. The output pipe only pushes back at a flush,
    /// so without this a client that pipelines thousands of GETs of a big value and never reads would make one batch
    /// buffer gigabytes. One command may still exceed it (a single 500 MB GET).
    /// </summary>
    public const int OutputBatchLimit = 1024 * 1024;

    private readonly ServerState _server;
    private readonly CommandReader _reader;
    private readonly ILogger _log;

    public CommandProcessor(ServerState server, ClientSession session, ILogger log)
    {
        _server = server;
        Session = session;
        _log = log;
        _reader = new CommandReader(server.Limits) { LargeBufferReleased = LargeFrees.Freed };
    }

    public ClientSession Session { get; }

    /// <summary>
    /// True when the last <see cref="Process"/> stopped at <see cref="OutputBatchLimit"/> with input left: call it again
    /// after the flush, without waiting for new bytes (they may be in the pipe or in the reader's carry-over buffer,
    /// so call it even with an empty buffer).
    /// </summary>
    public bool StoppedAtOutputLimit { get; private set; }

    /// <summary>
    /// Executes the complete commands at the start of <paramref name="buffer"/>, advancing it past what was consumed.
    /// Stops early when a command blocks (<see cref="ClientSession.PendingBlock"/>) or asks to close.
    /// Returns why the connection must close, or null to keep going.
    /// </summary>
    public DisconnectReason? Process(ref ReadOnlySequence<byte> buffer, IBufferWriter<byte> output)
    {
        var session = Session;
        scoped var ctx = NewContext(output);
        StoppedAtOutputLimit = false;
        _server.CommandsInFlight.Enter();
        try
        {
            session.LastInteractionMs = _server.NowMs;
            _reader.Authenticated = IsAuthenticated(session);
            int warmedAhead = 0;
            bool warming = true;
            while (session.PendingBlock is null)
            {
                if (warming && warmedAhead == 0)
                {
                    warmedAhead = LookupWarmer.Warm(buffer.FirstSpan, _server.Database(session.DbIndex));
                    warming = warmedAhead > 1;   // a lone request (or a cut one) gains nothing from the next round
                }
                if (!_reader.TryRead(ref buffer, out var args)) break;
                if (warmedAhead > 0) warmedAhead--;
                // Pushes that arrived before this command go out before its reply, as in Redis's single output buffer.
                if (session.PubSub is { } pending) pending.DrainTo(ref ctx.Writer);

                if (session.ReplyMode == ReplyMode.On) Dispatcher.Execute(ref ctx, args);
                else ExecuteWithoutReply(ref ctx, args);

                if (session.CloseAfterReply) return DisconnectReason.Quit;
                _reader.Authenticated = IsAuthenticated(session);
                if (ctx.Writer.Written >= OutputBatchLimit)
                {
                    StoppedAtOutputLimit = !buffer.IsEmpty || _reader.PendingBytes > 0;
                    break;
                }
            }
            // Pushes queued for this connection (what woke it, when the batch is empty), before the one flush.
            if (session.PubSub is { } subscriber) subscriber.DrainTo(ref ctx.Writer);
            // A large request's buffer goes as soon as the request is done, not at the client's next request.
            _reader.ReleaseIdleBuffer();
            session.QueryBufferBytes = _reader.BufferCapacity;
            session.CarriedRequestBytes = _reader.PendingBytes;
            return null;
        }
        catch (RespProtocolException ex)
        {
            Interlocked.Increment(ref _server.Stats.ProtocolErrors);
            _log.LogDebug("client {Id} protocol error: {Reason}", session.Id, ex.Message);
            if (!ex.ReplyBeforeClose) return DisconnectReason.QueryBufferLimit;
            ctx.Writer.WriteError(ProtocolErrorReply(ex.Message));
            return DisconnectReason.ProtocolError;
        }
        catch (Exception ex)
        {
            return Failed(ref ctx, ex);
        }
        finally
        {
            EndBatch(ref ctx);
        }
    }

    /// <summary>
    /// Runs a command that a pause held back (<see cref="Blocking.PausedCommand"/>), now that it is released, as
    /// <see cref="Process"/> runs one from the input. It may be held back again, or block. Returns why the connection
    /// must close, or null.
    /// </summary>
    public DisconnectReason? RunPostponed(Transactions.QueuedCommand command, IBufferWriter<byte> output)
    {
        var session = Session;
        scoped var ctx = NewContext(output);
        _server.CommandsInFlight.Enter();
        try
        {
            session.LastInteractionMs = _server.NowMs;
            if (session.ReplyMode == ReplyMode.On) Dispatcher.Execute(ref ctx, command.Args);
            else ExecuteWithoutReply(ref ctx, command.Args);
            return session.CloseAfterReply ? DisconnectReason.Quit : null;
        }
        catch (Exception ex)
        {
            return Failed(ref ctx, ex);
        }
        finally
        {
            EndBatch(ref ctx);
        }
    }

    private CommandContext NewContext(IBufferWriter<byte> output) =>
        new(new RespWriter(output, Session.Protocol == 3) { ErrorObserver = _server.Stats.Errors.Observer }, Session, _server);

    /// <summary>A handler threw: logged, "-ERR internal error" written, and the connection is to close.</summary>
    private DisconnectReason Failed(scoped ref CommandContext ctx, Exception ex)
    {
        _log.LogError(ex, "client {Id}: command failed unexpectedly ({Command})", Session.Id, ctx.Command?.FullName);
        ctx.Writer.WriteError(RespErrors.InternalError);
        return DisconnectReason.InternalError;
    }

    /// <summary>After a batch (or a released command): the write gate left, replies committed and counted.</summary>
    private void EndBatch(scoped ref CommandContext ctx)
    {
        ctx.LeaveWriteGate();
        _server.CommandsInFlight.Exit();
        ctx.EndBatch();
        long written = ctx.Writer.Written;
        ctx.Writer.Commit();
        Session.OutputBytes += written;
        Session.OutputWritten += written;
        _server.Memory.ClientEviction.AfterBatch(Session);
    }

    /// <summary>
    /// "ERR Protocol error: ..." as Redis writes it: the offending byte of "expected '$', got 'x'" goes out as that
    /// raw byte (printf %c, so Latin-1 rather than UTF-8), and CR/LF become spaces so the reply stays one line.
    /// </summary>
    private static byte[] ProtocolErrorReply(string reason)
    {
        var bytes = System.Text.Encoding.Latin1.GetBytes("ERR Protocol error: " + reason);
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] is (byte)'\r' or (byte)'\n') bytes[i] = (byte)' ';
        }
        return bytes;
    }

    private bool IsAuthenticated(ClientSession session) => session.Authenticated || !_server.Acl.AuthRequired;

    /// <summary>
    /// CLIENT REPLY OFF / SKIP: run the command against a writer that discards its reply. The replies that still go
    /// out are CLIENT REPLY ON's own OK and RESET's (Redis clears the flag before replying).
    /// </summary>
    private void ExecuteWithoutReply(scoped ref CommandContext ctx, CommandArgs args)
    {
        var session = Session;
        var before = session.ReplyMode;
        if (IsSubscription(args))
        {
            // Redis sends (un)subscribe confirmations as pushes, which CLIENT REPLY OFF/SKIP do not silence.
            Dispatcher.Execute(ref ctx, args);
            if (before == ReplyMode.SkipNext && session.ReplyMode == ReplyMode.SkipNext) session.ReplyMode = ReplyMode.On;
            return;
        }
        var real = ctx.Writer;
        ctx.Writer = new RespWriter(SilentOutput, real.Resp3) { ErrorObserver = real.ErrorObserver };
        Dispatcher.Execute(ref ctx, args);
        bool resp3 = ctx.Writer.Resp3;
        ctx.Writer = real;
        ctx.Writer.Resp3 = resp3;
        // RESET turns replies back on too, and Redis answers it as usual.
        if (session.ReplyMode == ReplyMode.On) ctx.Writer.WriteRaw(ctx.Command?.FullName == "reset" ? RespReplies.Reset : RespReplies.Ok);
        else if (before == ReplyMode.SkipNext && session.ReplyMode == ReplyMode.SkipNext) session.ReplyMode = ReplyMode.On;
    }

    /// <summary>(P|S)SUBSCRIBE and (P|S)UNSUBSCRIBE, whose replies are pushes.</summary>
    private bool IsSubscription(CommandArgs args) =>
        _server.Commands.Lookup.Find(args[0]) is { } def
        && def.FullName is "subscribe" or "ssubscribe" or "psubscribe" or "unsubscribe" or "sunsubscribe" or "punsubscribe";

    /// <summary>Returns pooled buffers when the connection closes.</summary>
    public void Reset()
    {
        _reader.Reset();
        Session.QueryBufferBytes = 0;
        Session.CarriedRequestBytes = 0;
    }
}
