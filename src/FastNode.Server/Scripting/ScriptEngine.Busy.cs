using System.Diagnostics;
using FastNode.Server.Sessions;
using Microsoft.Extensions.Logging;

namespace FastNode.Server.Scripting;

/// <summary>
/// Runaway scripts, as in Redis 7.0. Until busy-reply-threshold has passed, other clients' commands wait (their
/// threads wait here, as Redis's clients wait for its one thread). After it, they get -BUSY, except the commands
/// flagged allow-busy (SCRIPT KILL, FUNCTION KILL, ...). The script's own event loop thread serves its other clients
/// from the count hook meanwhile (<see cref="Network.Epoll.EpollLoop.ServeOthersWhileBusy"/>), so even on one loop a
/// script that never ends can be killed, and the server never stops answering.
/// </summary>
public sealed partial class ScriptEngine
{
    public const string NotBusy = "NOTBUSY No scripts in execution right now.";
    private const string BusyScript = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
    private const string BusyFunction = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";

    private bool _slowLogged;

    /// <summary>A script or function is running (one volatile read: the dispatcher asks on every command).</summary>
    public bool Running => _running;

    private long ElapsedMs => (Stopwatch.GetTimestamp() - Volatile.Read(ref _startedAt)) * 1000 / Stopwatch.Frequency;

    /// <summary>
    /// The dispatcher's check for another client's command while a script runs: null once the script has ended,
    /// otherwise, after busy-reply-threshold, the -BUSY error. Called on the script's own thread only from inside its
    /// hook, by then past the threshold.
    /// </summary>
    public string? BusyError(ClientSession session)
    {
        if (!_running || ReferenceEquals(_caller, session)) return null;
        if (t_running == this) return BusyText;
        long threshold = _server.Options.BusyReplyThresholdMs;
        var spin = new SpinWait();
        while (_running && ElapsedMs < threshold)
        {
            if (spin.NextSpinWillYield) Thread.Sleep(1);
            else spin.SpinOnce();
        }
        return _running ? BusyText : null;
    }

    /// <summary>Called every <see cref="HookInstructions"/> instructions of a running script.</summary>
    private void OnHook()
    {
        if (ElapsedMs < _server.Options.BusyReplyThresholdMs) return;
        if (!_slowLogged)
        {
            _slowLogged = true;
            _log.LogWarning("Slow script detected: still in execution after {Ms} milliseconds. You can try killing the script using the {Kill} command. Script name is: {Name}.",
                ElapsedMs, _isFunction ? "FUNCTION KILL" : "SCRIPT KILL", _runName);
        }
        Network.Epoll.EpollLoop.ServeOthersWhileBusy();
    }

    /// <summary>
    /// Claims the engine for <paramref name="caller"/>'s script, before it takes any lock: from here on other clients'
    /// commands wait or get -BUSY. False when another script has it. <see cref="Release"/> ends the claim.
    /// </summary>
    public bool TryClaim(ClientSession caller)
    {
        if (Interlocked.CompareExchange(ref _claimed, 1, 0) != 0) return false;
        _caller = caller;
        _wrote = false;
        _killRequested = false;
        _slowLogged = false;
        _startedAt = Stopwatch.GetTimestamp();
        _running = true;
        return true;
    }

    public void Release()
    {
        _running = false;
        _caller = null;
        Volatile.Write(ref _claimed, 0);
    }

    /// <summary>The -BUSY text for the running kind (EVAL or function).</summary>
    public string BusyText => _isFunction ? BusyFunction : BusyScript;

    /// <summary>SHUTDOWN NOSAVE: the running script stops at its next hook even if it wrote (the server is exiting).</summary>
    public void AbortForShutdown() => _killRequested = true;

    /// <summary>
    /// SCRIPT KILL (<paramref name="function"/> false) or FUNCTION KILL: null once the running script is told to stop
    /// (at its next hook), else Redis's refusal: nothing running, the other kind running, or it already wrote.
    /// </summary>
    public string? Kill(bool function)
    {
        if (!_running) return NotBusy;
        if (_caller?.IsMasterLink == true)
            return "UNKILLABLE The busy script was sent by a master instance in the context of replication and cannot be killed.";
        if (_wrote)
            return "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.";
        if (_isFunction != function) return BusyText;   // the other KILL: Redis answers with the running kind's BUSY
        _killRequested = true;
        // As in Redis, whoever got OK finds the script gone: from another thread, wait (bounded) for its next hook.
        // From the script's own thread (served by its hook) it ends once this command returns.
        if (t_running != this)
        {
            // Not counted among the batches in flight meanwhile: a script still starting waits for those.
            int depth = _server.CommandsInFlight.Suspend();
            long deadline = Stopwatch.GetTimestamp() + 10 * Stopwatch.Frequency;
            var spin = new SpinWait();
            while (_running && Stopwatch.GetTimestamp() < deadline) spin.SpinOnce();
            _server.CommandsInFlight.Resume(depth);
        }
        return null;
    }
}
