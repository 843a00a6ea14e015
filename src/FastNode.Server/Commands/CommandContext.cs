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
    private long _nowMs;

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

    /// <summary>Wall-clock Unix ms, read once per command so every key it touches sees the same time.</summary>
    public long NowMs
    {
        get
        {
            if (_nowMs == 0) _nowMs = Server.NowMs;
            return _nowMs;
        }
    }

    /// <summary>Called by the dispatcher before each command.</summary>
    public void Reset(CommandArgs args)
    {
        Args = args;
        _nowMs = 0;
    }
}
