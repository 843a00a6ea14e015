using FastNode.Server.Memory;

namespace FastNode.Server.Commands;

/// <summary>The Dispatcher's maxmemory check, out of line: it only runs while used_memory is over maxmemory.</summary>
public static class MemoryGate
{
    public const string OomError = "OOM command not allowed when used memory > 'maxmemory'.";

    /// <summary>Evicts what it can; true when the command must be refused with <see cref="OomError"/>.</summary>
    public static bool RefusesForMemory(ref CommandContext ctx, CommandDef def)
    {
        // Evictions are writes: they enter the gate so their DELs reach the change feed in order with the commands.
        ctx.EnterWriteGate();
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = ctx.Server.Memory.PerformEvictions();
        ctx.Server.Monitoring.EventSince(Monitoring.LatencyEvents.EvictionCycle, started, ctx.NowMs);
        if (result != EvictionResult.Fail) return false;
        if ((def.Flags & CommandFlags.DenyOom) != 0) return true;
        // Queued commands take memory too (Redis refuses everything inside MULTI but these).
        return ctx.Session.Multi is not null && def.FullName is not ("exec" or "discard" or "quit" or "reset");
    }
}
