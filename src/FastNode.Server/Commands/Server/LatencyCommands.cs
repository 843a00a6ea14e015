using System.Globalization;
using System.Text;
using FastNode.Protocol;
using FastNode.Server.Monitoring;

namespace FastNode.Server.Commands.Server;

/// <summary>
/// LATENCY LATEST/HISTORY/RESET/GRAPH/DOCTOR/HISTOGRAM over the latency monitor (events of at least
/// latency-monitor-threshold ms) and the per-command latency histograms (latency-tracking). Replies have Redis 7.0's
/// shapes; GRAPH and DOCTOR are human-readable text of FastNode's own.
/// </summary>
public static class LatencyCommands
{
    public static void Latest(ref CommandContext ctx)
    {
        var events = ctx.Server.Monitoring.Latency.Snapshot();
        ref var w = ref ctx.Writer;
        w.WriteArrayHeader(events.Count);
        foreach (var (name, series) in events)
        {
            var last = series.Samples[^1];
            w.WriteArrayHeader(4);
            w.WriteBulkString(name);
            w.WriteInteger(last.Time);
            w.WriteInteger(last.Latency);
            w.WriteInteger(series.Max);
        }
    }

    public static void History(ref CommandContext ctx)
    {
        var series = ctx.Server.Monitoring.Latency.Get(Encoding.UTF8.GetString(ctx.Args[2]));
        ref var w = ref ctx.Writer;
        if (series is null)
        {
            w.WriteArrayHeader(0);
            return;
        }
        w.WriteArrayHeader(series.Samples.Count);
        foreach (var (time, latency) in series.Samples)
        {
            w.WriteArrayHeader(2);
            w.WriteInteger(time);
            w.WriteInteger(latency);
        }
    }

    public static void Reset(ref CommandContext ctx)
    {
        var names = new List<string>();
        for (int i = 2; i < ctx.Args.Count; i++) names.Add(Encoding.UTF8.GetString(ctx.Args[i]));
        ctx.Writer.WriteInteger(ctx.Server.Monitoring.Latency.Reset(names));
    }

    /// <summary>One column per sample, oldest left, bars of up to <see cref="GraphRows"/> rows scaled between the lowest and highest sample.</summary>
    private const int GraphRows = 8;

    public static void Graph(ref CommandContext ctx)
    {
        string name = Encoding.UTF8.GetString(ctx.Args[2]);
        var series = ctx.Server.Monitoring.Latency.Get(name);
        if (series is null || series.Samples.Count == 0)
        {
            ctx.Writer.WriteError($"ERR No samples available for event '{name}'");
            return;
        }
        var samples = series.Samples;
        long low = long.MaxValue, high = 0;
        foreach (var (_, latency) in samples)
        {
            low = Math.Min(low, latency);
            high = Math.Max(high, latency);
        }
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(name).Append(" - high ").Append(high.ToString(inv)).Append(" ms, low ").Append(low.ToString(inv))
          .Append(" ms (all time high ").Append(series.Max.ToString(inv)).Append(" ms)\n");
        sb.Append('-', Math.Max(samples.Count, 20)).Append('\n');
        for (int row = GraphRows; row >= 1; row--)
        {
            foreach (var (_, latency) in samples)
            {
                int height = high == low ? GraphRows : 1 + (int)((latency - low) * (GraphRows - 1) / (high - low));
                sb.Append(height >= row ? '#' : ' ');
            }
            sb.Append('\n');
        }
        long now = ctx.NowMs / 1000;
        sb.Append("oldest sample ").Append((now - samples[0].Time).ToString(inv)).Append(" s ago, newest ")
          .Append((now - samples[^1].Time).ToString(inv)).Append(" s ago\n");
        ctx.Writer.WriteVerbatim("txt"u8, Encoding.UTF8.GetBytes(sb.ToString()));
    }

    public static void Doctor(ref CommandContext ctx)
    {
        var events = ctx.Server.Monitoring.Latency.Snapshot();
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        long threshold = ctx.Server.Monitoring.Options.LatencyMonitorThreshold;
        if (threshold == 0)
        {
            sb.Append("The latency monitor is off: set latency-monitor-threshold to a number of milliseconds (CONFIG SET latency-monitor-threshold 100) to record events at least that slow.\n");
        }
        else if (events.Count == 0)
        {
            sb.Append("No event of ").Append(threshold.ToString(inv)).Append(" ms or more was recorded since start or the last LATENCY RESET.\n");
        }
        else
        {
            sb.Append("Events of ").Append(threshold.ToString(inv)).Append(" ms or more since start or the last LATENCY RESET:\n\n");
            int n = 1;
            foreach (var (name, series) in events)
            {
                long sum = 0;
                foreach (var (_, latency) in series.Samples) sum += latency;
                sb.Append(n++.ToString(inv)).Append(". ").Append(name).Append(": ").Append(series.Samples.Count.ToString(inv))
                  .Append(" samples, average ").Append((sum / series.Samples.Count).ToString(inv)).Append(" ms, worst ")
                  .Append(series.Max.ToString(inv)).Append(" ms.\n");
            }
            sb.Append("\nAdvice:\n");
            foreach (var (name, _) in events) sb.Append("- ").Append(Advice(name)).Append('\n');
        }
        ctx.Writer.WriteVerbatim("txt"u8, Encoding.UTF8.GetBytes(sb.ToString()));
    }

    private static string Advice(string eventName) => eventName switch
    {
        "command" => "command: slow commands ran; SLOWLOG GET names them. O(N) commands on large keys (KEYS, SMEMBERS, LRANGE 0 -1, SORT) are the usual cause.",
        "fast-command" => "fast-command: O(1) commands were slow, which points at the machine (CPU starvation, swapping) or at garbage-collection pauses (INFO memory gc_*).",
        "expire-cycle" => "expire-cycle: many keys expired at once; spread expiry times out.",
        "eviction-cycle" => "eviction-cycle: maxmemory eviction took long; raise maxmemory or lower maxmemory-eviction-tenacity.",
        "aof-fsync-always" => "aof-fsync-always: the disk is slow to fsync; appendfsync everysec trades a second of writes for latency.",
        _ => eventName + ": see docs/monitoring.md.",
    };

    /// <summary>
    /// LATENCY HISTOGRAM [command ...]: for each command with tracked calls, its calls and a cumulative histogram over
    /// power-of-two microsecond buckets (1024 ns doubling, keyed by the bucket's upper bound in whole microseconds, only
    /// where the count grows), as Redis 7.0 reports it. Unknown commands are left out.
    /// </summary>
    public static void Histogram(ref CommandContext ctx)
    {
        var defs = new List<CommandDef>();
        if (ctx.Args.Count == 2)
        {
            foreach (var def in ctx.Server.Commands.AllIncludingSubcommands) if (def.Stats.Histogram is not null) defs.Add(def);
        }
        else
        {
            for (int i = 2; i < ctx.Args.Count; i++)
            {
                string name = Encoding.UTF8.GetString(ctx.Args[i]).ToLowerInvariant();
                foreach (var def in ctx.Server.Commands.AllIncludingSubcommands)
                {
                    if (def.FullName == name && def.Stats.Histogram is not null && !defs.Contains(def)) defs.Add(def);
                }
            }
        }
        var counts = new long[LatencyHistogram.BucketCount];
        ref var w = ref ctx.Writer;
        w.WriteMapHeader(defs.Count);
        foreach (var def in defs)
        {
            long total = def.Stats.Histogram!.CopyTo(counts);
            var buckets = CumulativeBuckets(counts);
            w.WriteBulkString(def.FullName);
            w.WriteMapHeader(2);
            w.WriteBulkString("calls"u8);
            w.WriteInteger(total);
            w.WriteBulkString("histogram_usec"u8);
            w.WriteMapHeader(buckets.Count);
            foreach (var (upperUs, cumulative) in buckets)
            {
                w.WriteInteger(upperUs);
                w.WriteInteger(cumulative);
            }
        }
    }

    /// <summary>(upper bound in µs, cumulative count) for the doubling buckets 1024 ns, 2048 ns... where the count grows.</summary>
    public static List<(long UpperUs, long Cumulative)> CumulativeBuckets(ReadOnlySpan<long> counts)
    {
        var result = new List<(long, long)>();
        long cumulative = 0, reported = 0;
        int i = 0;
        for (long upper = 1024; upper <= 2 * LatencyHistogram.MaxNanoseconds; upper *= 2)
        {
            while (i < counts.Length && LatencyHistogram.LowestOf(i) < upper) cumulative += counts[i++];
            if (cumulative > reported)
            {
                result.Add((upper / 1000, cumulative));
                reported = cumulative;
            }
        }
        return result;
    }

    public static void Help(ref CommandContext ctx) => HelpText.Write(ref ctx, "LATENCY",
    [
        "DOCTOR", "    A report on the latency events recorded, with advice.",
        "GRAPH <event>", "    A text chart of the samples of <event>.",
        "HISTORY <event>", "    The samples of <event>: pairs of unix time and milliseconds.",
        "LATEST", "    For each event: its name, the time and latency of its latest sample, and its highest latency.",
        "RESET [<event> ...]", "    Forget the samples of the given events (of every event when none is given).",
        "HISTOGRAM [<command> ...]", "    Cumulative latency histograms of the given commands (of every command called when none is given).",
    ]);
}
