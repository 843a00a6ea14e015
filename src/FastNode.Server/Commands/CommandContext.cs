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
    // Reading the clock is a vDSO call (about 5% of a pipelined GET's CPU even once per command), so consecutive calls
    // of one short command in a batch form a run that reads it once at its end: the run's time is the sum of its
    // commands' times (each command's start is the previous one's end), so INFO commandstats loses nothing. A run
    // ends at another command, after MaxRunLength calls, or with the batch; other commands read the clock at their
    // end. The wall clock is read again only when a millisecond has passed since it was last read (as Redis
    // snapshots its time per call): with runs, at most MaxRunLength short commands late.
    public const int MaxRunLength = 32;
    private static readonly long TicksPerMs = Stopwatch.Frequency / 1000;
    private long _nowMs;
    private long _nowReadAt;
    private long _timestamp;
    private CommandDef? _run;
    private int _runCalls;
    private int _runFailed;
    /// <summary>The arguments of the run's latest command: a run slower than the slow log's threshold is logged as it.</summary>
    private CommandArgs _runArgs;

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
    /// Set by a handler that took care of its own change records (<see cref="Emit"/>, or none because it changed
    /// nothing); otherwise a write command that succeeded goes to the change feed exactly as it was called.
    /// </summary>
    public bool Propagated;

    /// <summary>
    /// Set by a write command that told WATCH itself about the keys it changed (SORT, GEORADIUS, GEOSEARCHSTORE): the
    /// dispatcher then leaves the table's key positions alone, since such a command may only have read them.
    /// </summary>
    public bool TouchedOwnKeys;

    /// <summary>True when change records are wanted (an AOF or a replica consumes them): build them only then.</summary>
    public readonly bool Propagating => Server.Feed.Active;

    /// <summary>Appends a change record for the client's database in place of the call itself.</summary>
    public void Emit(scoped ref FastNode.Server.Persistence.ChangeRecord record)
    {
        Propagated = true;
        Session.FeedOffset = Server.Feed.Append(Session.DbIndex, ref record);
    }

    private bool _inWriteGate;
    private bool _gateOrdered;

    /// <summary>Enters the server's write gate for the rest of the batch (re-entering is free).</summary>
    public void EnterWriteGate()
    {
        if (_inWriteGate) return;
        _gateOrdered = Server.Feed.Gate.Enter();
        _inWriteGate = true;
    }

    /// <summary>Leaves the write gate at the end of a batch (or of a stream's chunk), if a write entered it.</summary>
    public void LeaveWriteGate()
    {
        if (!_inWriteGate) return;
        _inWriteGate = false;
        Server.Feed.Gate.Exit(_gateOrdered);
    }

    /// <summary>
    /// Raises a keyspace notification about <paramref name="key"/> in the client's database (notify-keyspace-events);
    /// costs one AND when the class is not wanted.
    /// </summary>
    public void Notify(FastNode.Server.PubSub.KeyspaceEventClass eventClass, ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> key)
    {
        if (Server.Notifier.Wants(eventClass)) Server.Notifier.Publish(eventClass, eventName, Session.DbIndex, key, Session, ref Writer);
    }

    /// <summary>Like <see cref="Notify(FastNode.Server.PubSub.KeyspaceEventClass, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> in another database (MOVE, COPY ... DB).</summary>
    public void Notify(FastNode.Server.PubSub.KeyspaceEventClass eventClass, ReadOnlySpan<byte> eventName, int db, ReadOnlySpan<byte> key)
    {
        if (Server.Notifier.Wants(eventClass)) Server.Notifier.Publish(eventClass, eventName, db, key, Session, ref Writer);
    }

    /// <summary>The command changed nothing (or its records were written elsewhere): nothing goes to the feed for it.</summary>
    public void SkipPropagation() => Propagated = true;

    /// <summary>Opens a key of the selected database through the store API (see <see cref="KeyHandle"/>).</summary>
    public KeyHandle Open(ReadOnlySpan<byte> key, Lookup lookup) => Db.Open(key, NowMs, lookup);

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

    /// <summary>
    /// Called by the dispatcher right before <paramref name="def"/>'s handler. Returns the Stopwatch timestamp at which
    /// the command started (the end of whatever ran before it in the batch).
    /// </summary>
    public long BeginCommand(CommandDef def)
    {
        if (_run is not null && (!ReferenceEquals(_run, def) || _runCalls == MaxRunLength)) EndRun(Stopwatch.GetTimestamp());
        else if (_timestamp == 0) _timestamp = Stopwatch.GetTimestamp();
        if (_run is null && def.TimedInRuns && Server.Monitoring.RunsAllowed)
        {
            _run = def;
            _runCalls = 0;
            _runFailed = 0;
        }
        if (_timestamp - _nowReadAt >= TicksPerMs) _nowMs = 0;
        return _timestamp;
    }

    /// <summary>
    /// Called by the dispatcher after the handler of a command that <see cref="BeginCommand"/> started. Returns the
    /// command's time in Stopwatch ticks, or -1 when it is part of a run (timed with the run, see <see cref="EndRun"/>).
    /// </summary>
    public long EndCommand(CommandDef def, long started, bool failed)
    {
        if (ReferenceEquals(_run, def))
        {
            _runCalls++;
            if (failed) _runFailed++;
            _runArgs = Args;
            return -1;
        }
        long now = Stopwatch.GetTimestamp();
        if (_run is not null) EndRun(now);   // a run of the commands this one ran (EXEC)
        _timestamp = now;
        def.Stats.Record(1, now - started, failed ? 1 : 0, Server.Monitoring.TrackLatency);
        return now - started;
    }

    /// <summary>Records the open run, if any: the batch is over (or stopped) and INFO must see its commands.</summary>
    public void EndBatch()
    {
        if (_run is not null) EndRun(Stopwatch.GetTimestamp());
    }

    // Runs exist only while slowlog-log-slower-than is at least a millisecond (ServerMonitoring.RunsAllowed), far
    // above a fast command's time: a run that slow held something slow (a GC pause, a descheduled thread), and it is
    // logged as its latest command with the run's time.
    private void EndRun(long now)
    {
        if (_runCalls > 0)
        {
            long took = now - _timestamp;
            _run!.Stats.Record(_runCalls, took, _runFailed, Server.Monitoring.TrackLatency);
            if (took >= Server.Monitoring.SlowTicks) Server.Monitoring.CommandWasSlow(_run, _runArgs, took, Session, false, Server.NowMs);
        }
        _run = null;
        _timestamp = now;
    }
}
