using System.Diagnostics;
using FastNode.Protocol;
using FastNode.Server.Commands;
using FastNode.Server.Sessions;

namespace FastNode.Server.Monitoring;

/// <summary>
/// The operator's view of command execution: the slow log, the latency monitor and MONITOR clients. The command path
/// asks two cheap questions after each command: was it at least <see cref="SlowTicks"/> long (one compare), and is
/// anyone monitoring (one volatile read); only a yes does any work here.
/// </summary>
public sealed class ServerMonitoring
{
    /// <summary>Below this slowlog-log-slower-than, fast commands are timed one by one instead of in runs (see CommandContext).</summary>
    private const long RunsNeedMicros = 1000;

    public ServerMonitoring(MonitoringOptions options)
    {
        Options = options;
        options.Changed = Recompute;
        Recompute();
    }

    public MonitoringOptions Options { get; }
    public SlowLog SlowLog { get; } = new();
    public LatencyMonitor Latency { get; } = new();
    public MonitorFeed Monitors { get; } = new();

    /// <summary>Stopwatch ticks from which a command goes to the slow log or the latency monitor (long.MaxValue: never).</summary>
    public long SlowTicks { get; private set; } = long.MaxValue;

    /// <summary>
    /// False when the slow log wants every command's own time at sub-millisecond precision: consecutive fast commands
    /// of a pipelined batch are then each timed instead of timed together as a run.
    /// </summary>
    public bool RunsAllowed { get; private set; } = true;

    /// <summary>latency-tracking, read per command.</summary>
    public bool TrackLatency { get; private set; } = true;

    private void Recompute()
    {
        long slow = long.MaxValue;
        long slowlogUs = Options.SlowlogLogSlowerThan;
        if (slowlogUs >= 0) slow = TicksOfMicros(slowlogUs);
        if (Options.LatencyMonitorThreshold > 0) slow = Math.Min(slow, TicksOfMicros(Options.LatencyMonitorThreshold * 1000));
        SlowTicks = slow;
        RunsAllowed = slowlogUs < 0 || slowlogUs >= RunsNeedMicros;
        TrackLatency = Options.LatencyTracking;
        SlowLog.Trim(Options.SlowlogMaxLen);
    }

    private static long TicksOfMicros(long micros) =>
        micros >= long.MaxValue / Stopwatch.Frequency ? long.MaxValue : micros * Stopwatch.Frequency / 1_000_000;

    public static long MicrosOfTicks(long ticks) => ticks / (Stopwatch.Frequency / 1_000_000);

    /// <summary>
    /// A command took at least <see cref="SlowTicks"/>: the slow log (unless the command skips it) and the latency
    /// monitor's command / fast-command event. <paramref name="fromScript"/>: called by a script (Redis shows such
    /// calls with no client address).
    /// </summary>
    public void CommandWasSlow(CommandDef def, CommandArgs args, long ticks, ClientSession session, bool fromScript, long nowMs)
    {
        long micros = MicrosOfTicks(ticks);
        long slowlogUs = Options.SlowlogLogSlowerThan;
        if (slowlogUs >= 0 && micros >= slowlogUs && (def.Flags & CommandFlags.SkipSlowlog) == 0)
        {
            SlowLog.Add(def, args, micros, nowMs, fromScript ? "?:0" : session.RemoteAddress, fromScript ? "" : session.Name ?? "",
                Options.SlowlogMaxLen);
        }
        long thresholdMs = Options.LatencyMonitorThreshold;
        if (thresholdMs > 0 && micros / 1000 >= thresholdMs)
            Latency.Add((def.Flags & CommandFlags.Fast) != 0 ? LatencyEvents.FastCommand : LatencyEvents.Command, micros / 1000, nowMs);
    }

    /// <summary>Any other event Redis's latency monitor knows (<see cref="LatencyEvents"/>: expire-cycle, aof-write...).</summary>
    public void EventTook(string eventName, long micros, long nowMs)
    {
        long thresholdMs = Options.LatencyMonitorThreshold;
        if (thresholdMs > 0 && micros / 1000 >= thresholdMs) Latency.Add(eventName, micros / 1000, nowMs);
    }

    /// <summary>
    /// An event that started at <paramref name="startTimestamp"/> (Stopwatch.GetTimestamp) ended now. Costs one clock
    /// read and a compare when the event was short or the latency monitor is off.
    /// </summary>
    public void EventSince(string eventName, long startTimestamp, long nowMs)
    {
        if (Options.LatencyMonitorThreshold <= 0) return;
        EventTook(eventName, MicrosOfTicks(Stopwatch.GetTimestamp() - startTimestamp), nowMs);
    }
}
