using FastNode.Protocol;
using FastNode.Server.Sessions;
using FastNode.Server.Transactions;

namespace FastNode.Server.Blocking;

/// <summary>
/// A command held back by CLIENT PAUSE or a FAILOVER (<see cref="ClientPause"/>). Its arguments are copied out of the
/// input buffer; the connection waits like any blocked client, and once released runs the command through the
/// dispatcher as if it had just arrived (so a pause that began again meanwhile holds it again). It has no timeout
/// of its own: the pause's end releases it.
/// </summary>
public sealed class PausedCommand : BlockedCommand
{
    private readonly ClientPause _pause;

    public PausedCommand(ClientPause pause, CommandArgs args, bool writesOrReplicates) : base(deadlineMs: 0)
    {
        _pause = pause;
        Command = new QueuedCommand(args);
        WritesOrReplicates = writesOrReplicates;
    }

    /// <summary>The command to run once released.</summary>
    public QueuedCommand Command { get; }

    /// <summary>Whether a WRITE pause covers it (an ALL pause covers every command).</summary>
    public bool WritesOrReplicates { get; }

    /// <summary>Called by the pause (under its lock) when no pause covers the command any more.</summary>
    public void Release()
    {
        if (TryClaim()) Complete();
    }

    protected override void OnCancelled() => _pause.Forget(this);

    /// <summary>Nothing to write: the connection runs <see cref="Command"/> instead, which writes its own reply.</summary>
    public override void WriteReply(ref RespWriter writer)
    {
    }
}
