using System.Buffers;
using FastNode.Protocol;
using FastNode.Server.Commands;
using FastNode.Server.Sessions;
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

    private readonly ServerState _server;
    private readonly CommandReader _reader;
    private readonly ILogger _log;

    public CommandProcessor(ServerState server, ClientSession session, ILogger log)
    {
        _server = server;
        Session = session;
        _log = log;
        _reader = new CommandReader(server.Limits);
    }

    public ClientSession Session { get; }

    /// <summary>
    /// Executes the complete commands at the start of <paramref name="buffer"/>, advancing it past what was consumed.
    /// Stops early when a command blocks (<see cref="ClientSession.PendingBlock"/>) or asks to close.
    /// Returns why the connection must close, or null to keep going.
    /// </summary>
    public DisconnectReason? Process(ref ReadOnlySequence<byte> buffer, IBufferWriter<byte> output)
    {
        var session = Session;
        scoped var ctx = new CommandContext(new RespWriter(output, session.Protocol == 3), session, _server);
        try
        {
            session.LastInteractionMs = _server.NowMs;
            _reader.Authenticated = IsAuthenticated(session);
            while (session.PendingBlock is null && _reader.TryRead(ref buffer, out var args))
            {
                if (session.ReplyMode == ReplyMode.On) Dispatcher.Execute(ref ctx, args);
                else ExecuteWithoutReply(ref ctx, args);

                if (session.CloseAfterReply) return DisconnectReason.Quit;
                _reader.Authenticated = IsAuthenticated(session);
            }
            return null;
        }
        catch (RespProtocolException ex)
        {
            Interlocked.Increment(ref _server.Stats.ProtocolErrors);
            _log.LogDebug("client {Id} protocol error: {Reason}", session.Id, ex.Message);
            if (!ex.ReplyBeforeClose) return DisconnectReason.QueryBufferLimit;
            ctx.Writer.WriteError("ERR Protocol error: " + ex.Message);
            return DisconnectReason.ProtocolError;
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "client {Id}: command failed unexpectedly ({Command})", session.Id, ctx.Command?.FullName);
            ctx.Writer.WriteError(RespErrors.InternalError);
            return DisconnectReason.InternalError;
        }
        finally
        {
            long written = ctx.Writer.Written;
            ctx.Writer.Commit();
            session.OutputBytes += written;
        }
    }

    private bool IsAuthenticated(ClientSession session) => session.Authenticated || _server.Options.RequirePass.Length == 0;

    /// <summary>
    /// CLIENT REPLY OFF / SKIP: run the command against a writer that discards its reply. The one reply that still
    /// goes out is CLIENT REPLY ON's own OK (Redis clears the flag before replying).
    /// </summary>
    private void ExecuteWithoutReply(scoped ref CommandContext ctx, CommandArgs args)
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

    /// <summary>Returns pooled buffers when the connection closes.</summary>
    public void Reset() => _reader.Reset();
}
