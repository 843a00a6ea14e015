using FastNode.Server.Sessions;

namespace FastNode.Server.Commands;

/// <summary>
/// The client batches being executed right now, so that a script about to run can wait for the commands that passed
/// the dispatcher's BUSY check before it claimed the engine. Without that wait such a command could go on to block on
/// a shard lock the script then holds for as long as it runs, and never answer -BUSY. A batch counts from its first
/// command to its end; a command waiting for a running script (the BUSY check, a second EVAL) stops counting first.
/// </summary>
public sealed class CommandsInFlight
{
    [ThreadStatic] private static int t_depth;   // this thread's batches in flight (nested when a busy script's loop serves others)

    private readonly InFlightStripes _stripes = new();

    public void Enter()
    {
        t_depth++;
        _stripes.Add();
    }

    public void Exit()
    {
        _stripes.Remove();
        t_depth--;
    }

    /// <summary>Stops counting this thread's batches while it waits; returns how many to give back to <see cref="Resume"/>.</summary>
    public int Suspend()
    {
        int depth = t_depth;
        for (int i = 0; i < depth; i++) Exit();
        return depth;
    }

    public void Resume(int depth)
    {
        for (int i = 0; i < depth; i++) Enter();
    }

    /// <summary>Waits until every batch other threads had in flight has ended (this thread's own are not waited for).</summary>
    public void WaitForOthers() => _stripes.WaitForOthers(t_depth);
}
