using FastNode.Protocol;
using FastNode.Server.Blocking;
using FastNode.Server.Commands;

namespace FastNode.Server.Sessions;

/// <summary>What a pause holds back: commands that may change data (WRITE), or every command (ALL).</summary>
public enum PauseKind : byte { None, Write, All }

/// <summary>Who asked for a pause; each keeps its own, and the strongest one in force applies (Redis's pause purposes).</summary>
public enum PausePurpose : byte { ClientCommand, Failover }

/// <summary>
/// CLIENT PAUSE and the pause a FAILOVER takes, as in Redis 7.0: while a pause is in force, a normal client's command
/// that it covers is not refused but postponed (<see cref="PausedCommand"/>): the connection stops reading and runs it
/// once every pause has ended. Replicas and the link to a primary are never paused. While writes are paused, keys are
/// not expired either (actively or lazily): an expired key reads as missing but stays, so the dataset and the
/// replication stream do not move. The pause state is read on every command: one volatile read while none is in force.
/// </summary>
public sealed class ClientPause
{
    private readonly ServerState _server;
    private readonly Lock _lock = new();
    private readonly PauseKind[] _kinds = new PauseKind[2];     // by PausePurpose
    private readonly long[] _endsMs = new long[2];               // by PausePurpose; long.MaxValue = until lifted
    private readonly List<PausedCommand> _postponed = [];
    private ITimer? _timer;
    private volatile PauseKind _inForce;

    public ClientPause(ServerState server) => _server = server;

    /// <summary>The strongest pause in force now.</summary>
    public PauseKind InForce => _inForce;

    /// <summary>
    /// Holds <paramref name="def"/> from <paramref name="session"/> back when a pause covers it: everything under ALL;
    /// under WRITE, commands that may write or replicate (an EXEC whose queue holds one counts as such); never for
    /// replicas or the master link. Then the session is blocked on a <see cref="PausedCommand"/> that runs the command
    /// once released, and true is returned (no reply is written now). One volatile read while no pause is in force.
    /// </summary>
    public bool TryHold(CommandDef def, ClientSession session, CommandArgs args)
    {
        var kind = _inForce;
        if (kind == PauseKind.None || session.IsMasterLink || session.Replica is not null) return false;
        bool writes = WritesOrReplicates(def, session);
        if (kind == PauseKind.Write && !writes) return false;
        var held = new PausedCommand(this, args, writes);
        session.Block(held);
        Postpone(held);
        return true;
    }

    /// <summary>Redis's is_may_replicate_command: a write or may-replicate command, or an EXEC that queued one.</summary>
    private bool WritesOrReplicates(CommandDef def, ClientSession session)
    {
        const CommandFlags mayWrite = CommandFlags.Write | CommandFlags.MayReplicate;
        if ((def.Flags & mayWrite) != 0) return true;
        if (def.Name != "EXEC" || session.Multi is not { } queued) return false;
        foreach (var command in queued)
        {
            if (_server.Commands.Find(command.Args) is { } queuedDef && (queuedDef.Flags & mayWrite) != 0) return true;
        }
        return false;
    }

    /// <summary>
    /// Starts or changes a purpose's pause: the kind is the one asked for now, the end only moves later (Redis 7.0's
    /// pauseClients: CLIENT PAUSE 300 ALL then CLIENT PAUSE 1000 WRITE pauses writes for 1000 ms and reads not at all).
    /// </summary>
    public void Pause(PausePurpose purpose, PauseKind kind, long endMs)
    {
        lock (_lock)
        {
            int p = (int)purpose;
            _kinds[p] = kind;
            _endsMs[p] = Math.Max(_endsMs[p], endMs);
            Update();
        }
    }

    /// <summary>Lifts one purpose's pause (CLIENT UNPAUSE, the end of a failover); postponed commands run if none is left.</summary>
    public void Unpause(PausePurpose purpose)
    {
        lock (_lock)
        {
            _kinds[(int)purpose] = PauseKind.None;
            _endsMs[(int)purpose] = 0;
            Update();
        }
    }

    /// <summary>Keeps a held command until no pause covers it (released at once if the pause just ended).</summary>
    private void Postpone(PausedCommand command)
    {
        lock (_lock)
        {
            if (_inForce == PauseKind.None) command.Release();
            else _postponed.Add(command);
        }
    }

    /// <summary>Forgets a postponed command whose client went away.</summary>
    public void Forget(PausedCommand command)
    {
        lock (_lock) _postponed.Remove(command);
    }

    /// <summary>Clients waiting for a pause to end (counted in INFO blocked_clients, as Redis does).</summary>
    public int PostponedCount
    {
        get
        {
            lock (_lock) return _postponed.Count;
        }
    }

    /// <summary>
    /// Recomputes the pause in force after a change or a timer (lock held): drops pauses that ended, sets the databases'
    /// write-pause flag, re-arms the timer for the next end, and releases postponed commands that no pause covers now.
    /// </summary>
    private void Update()
    {
        long now = _server.NowMs;
        var strongest = PauseKind.None;
        long nextEnd = long.MaxValue;
        for (int p = 0; p < _kinds.Length; p++)
        {
            if (_kinds[p] == PauseKind.None) continue;
            if (_endsMs[p] <= now)
            {
                _kinds[p] = PauseKind.None;
                continue;
            }
            if (_kinds[p] > strongest) strongest = _kinds[p];
            nextEnd = Math.Min(nextEnd, _endsMs[p]);
        }
        _inForce = strongest;
        for (int d = 0; d < _server.DatabaseCount; d++) _server.Database(d).WritesPaused = strongest != PauseKind.None;
        _timer?.Dispose();
        _timer = nextEnd == long.MaxValue ? null
            : _server.Time.CreateTimer(_ => { lock (_lock) Update(); }, null, TimeSpan.FromMilliseconds(Math.Min(nextEnd - now, uint.MaxValue - 1L)), Timeout.InfiniteTimeSpan);
        if (strongest == PauseKind.All) return;
        for (int i = _postponed.Count - 1; i >= 0; i--)
        {
            var command = _postponed[i];
            if (strongest == PauseKind.Write && command.WritesOrReplicates) continue;
            _postponed.RemoveAt(i);
            command.Release();
        }
    }
}
