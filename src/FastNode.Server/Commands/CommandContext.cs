using System.Diagnostics;
using FastNode.Protocol;
using FastNode.Server.Sessions;
using FastNode.Server.Storage;

namespace FastNode.Server.Commands;

/// <summary>
/// What a handler sees: its arguments (valid only during the call), the reply writer, the client and the server.
/// Passed by ref; one instance lives for a whole batch and only <see cref="Args"/> changes per command.
/// </summary>
public ref struct CommandContext
{
    // Reading the clock is a vDSO call (about 6% of a pipelined GET's CPU when done three times per command), so
    // a batch reads the monotonic clock once per command (one command's end is the next one's start) and the wall
    // clock only when a millisecond has passed since it was last read, as Redis snapshots its time per call.
    private static readonly long TicksPerMs = Stopwatch.Frequency / 1000;
    private long _nowMs;
    private long _nowReadAt;
    private long _timestamp;

    public CommandContext(RespWriter writer, ClientSession session, ServerState server)
    {
        Writer = writer;
        Session = session;
        Server = server;
    }

    public CommandArgs Args;
    public RespWriter Writer;
    public readonly ClientSession Session;
    public readonly ServerState Server;

    /// <summary>The command (or subcommand) being executed; set by the dispatcher.</summary>
    public CommandDef Command = null!;

    public readonly Database Db => Server.Database(Session.DbIndex);

    /// <summary>
    /// Wall-clock Unix ms, fixed for the whole command so every key it touches sees the same time (and at most a
    /// millisecond older than the command's start).
    /// </summary>
    public long NowMs
    {
        get
        {
            if (_nowMs == 0)
            {
                _nowMs = Server.NowMs;
                _nowReadAt = _timestamp;
            }
            return _nowMs;
        }
    }

    /// <summary>Called by the dispatcher before each command.</summary>
    public void Reset(CommandArgs args)
    {
        Args = args;
        if (_timestamp == 0 || _timestamp - _nowReadAt >= TicksPerMs) _nowMs = 0;
    }

    /// <summary>Stopwatch timestamp at which the current command started (the previous command's end in a batch).</summary>
    public long CommandStarted()
    {
        if (_timestamp == 0) _timestamp = Stopwatch.GetTimestamp();
        return _timestamp;
    }

    /// <summary>Reads the clock once at the end of a command; the next command of the batch starts there.</summary>
    public long CommandEnded() => _timestamp = Stopwatch.GetTimestamp();
}
