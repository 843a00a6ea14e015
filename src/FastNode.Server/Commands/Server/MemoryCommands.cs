using System.Text;
using FastNode.Protocol;
using FastNode.Server.Storage;

namespace FastNode.Server.Commands.Server;

/// <summary>
/// MEMORY USAGE/STATS/DOCTOR/MALLOC-STATS/PURGE/HELP. Figures are the .NET runtime's: the managed heap stands in for
/// Redis's allocator, and MEMORY USAGE estimates a key from the arrays it holds.
/// </summary>
public static class MemoryCommands
{
    /// <summary>MEMORY USAGE key [SAMPLES count]: nil for a missing key.</summary>
    public static void Usage(ref CommandContext ctx)
    {
        var args = ctx.Args;
        int samples = 5;
        for (int i = 3; i < args.Count; i++)
        {
            if (Ascii.EqualsIgnoreCase(args[i], "SAMPLES"u8) && i + 1 < args.Count)
            {
                if (!Numbers.TryParseInt64(args[i + 1], out long n))
                {
                    ctx.Writer.WriteError(RespErrors.NotInteger);
                    return;
                }
                if (n < 0)
                {
                    ctx.Writer.WriteError(RespErrors.Syntax);
                    return;
                }
                samples = (int)Math.Min(n, int.MaxValue);
                i++;
            }
            else
            {
                ctx.Writer.WriteError(RespErrors.Syntax);
                return;
            }
        }

        long bytes;
        {
            using var k = ctx.Open(args[2], Lookup.Peek);
            if (!k.Exists)
            {
                ctx.Writer.WriteNullBulk();
                return;
            }
            // The figure used_memory counts for the key: entry, key array, and the string's buffer or the collection's
            // estimate from its element count.
            bytes = k.Value is IMemoryUsage measured ? k.MemoryUsage - k.ValueEstimate + measured.EstimateBytes(samples) : k.MemoryUsage;
        }
        ctx.Writer.WriteInteger(bytes);
    }


    public static void Stats(ref CommandContext ctx)
    {
        var server = ctx.Server;
        var memory = server.Memory;
        long used = memory.ObservePeak();
        long peak = memory.Peak;
        long rss = Environment.WorkingSet;
        long dataset = memory.DatasetBytesExact();
        long keys = 0;
        for (int i = 0; i < server.DatabaseCount; i++) keys += server.Database(i).Count();

        ref var w = ref ctx.Writer;
        w.WriteMapHeader(10);
        w.WriteBulkString("peak.allocated"u8);
        w.WriteInteger(peak);
        w.WriteBulkString("total.allocated"u8);
        w.WriteInteger(used);
        w.WriteBulkString("startup.allocated"u8);
        w.WriteInteger(memory.StartupBytes);
        w.WriteBulkString("clients.normal"u8);
        w.WriteInteger(memory.ClientBuffers);
        w.WriteBulkString("keys.count"u8);
        w.WriteInteger(keys);
        w.WriteBulkString("keys.bytes-per-key"u8);
        w.WriteInteger(keys > 0 ? dataset / keys : 0);
        w.WriteBulkString("dataset.bytes"u8);
        w.WriteInteger(dataset);
        w.WriteBulkString("peak.percentage"u8);
        w.WriteDouble(peak > 0 ? used * 100.0 / peak : 0);
        w.WriteBulkString("fragmentation"u8);
        w.WriteDouble(used > 0 ? (double)rss / used : 0);
        w.WriteBulkString("fragmentation.bytes"u8);
        w.WriteInteger(rss - used);
    }

    /// <summary>
    /// MEMORY DOCTOR: a short letter in Redis's manner. Too little data says so; otherwise it names what it finds (a
    /// peak far above today's use, client buffers that take a large share, a dataset over maxmemory), or that it found
    /// nothing. The thresholds follow the spirit of Redis's checks, on the numbers FastNode keeps (MEMORY STATS).
    /// </summary>
    public static void Doctor(ref CommandContext ctx)
    {
        var memory = ctx.Server.Memory;
        long used = memory.ObservePeak();
        long dataset = memory.Dataset.Bytes;
        var issues = new List<string>();
        if (dataset < 5L * 1024 * 1024)
        {
            ctx.Writer.WriteVerbatim("txt"u8, Encoding.UTF8.GetBytes(
                "Hi Sam, this instance holds too little data for my memory checks to mean anything. Store a few megabytes of keys "
                + "and ask me again.\n"));
            return;
        }
        if (memory.Peak > used * 3 / 2)
            issues.Add($" * Peak memory: at some point the server used {Human(memory.Peak)}, over 150% of the {Human(used)} it uses now. "
                + "The memory in between went back to the .NET heap; MEMORY PURGE (or memory-reclaim) can hand it to the OS.");
        if (memory.ClientBuffers > used / 4)
            issues.Add($" * Client buffers: connections hold {Human(memory.ClientBuffers)} of requests and replies, a quarter or more of the "
                + "memory in use. Look for slow readers (CLIENT LIST omem=) and client-output-buffer-limit.");
        long max = ctx.Server.Options.Memory.MaxMemory;
        if (max > 0 && used > max)
            issues.Add($" * Over maxmemory: {Human(used)} used against a limit of {Human(max)}; check maxmemory-policy.");
        string text = issues.Count == 0
            ? "Hi Sam, I looked for memory trouble and found none in this instance.\n"
            : "Sam, I found the following possible memory issues:\n\n" + string.Join("\n", issues) + "\n\nThat is all I can see from here, Sam.\n";
        ctx.Writer.WriteVerbatim("txt"u8, Encoding.UTF8.GetBytes(text));
    }

    private static string Human(long bytes) => bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):F2}G"
        : bytes >= 1L << 20 ? $"{bytes / (double)(1L << 20):F2}M" : $"{bytes / 1024.0:F2}K";

    public static void MallocStats(ref CommandContext ctx) =>
        ctx.Writer.WriteVerbatim("txt"u8, "Stats not supported for the current allocator"u8);

    /// <summary>Asks the GC for a full, compacting collection so freed memory can go back to the OS.</summary>
    public static void Purge(ref CommandContext ctx)
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    public static void Help(ref CommandContext ctx) => HelpText.Write(ref ctx, "MEMORY",
    [
        "DOCTOR", "    Report memory problems, if any.",
        "MALLOC-STATS", "    Report allocator statistics (not available with the .NET GC).",
        "PURGE", "    Run a full, compacting garbage collection.",
        "STATS", "    Report memory usage figures.",
        "USAGE <key> [SAMPLES <count>]", "    Estimate the memory used by a key and its value.",
    ]);
}
