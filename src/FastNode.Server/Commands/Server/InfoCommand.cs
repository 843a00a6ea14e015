using System.Text;

namespace FastNode.Server.Commands.Server;

/// <summary>
/// INFO [section ...]: Redis 7.0's text format ("# Section" headers, "name:value" lines, CRLF line ends, a blank line
/// between sections), as a bulk string in RESP2 and a "txt" verbatim string in RESP3. Sections always come in Redis's
/// order whatever the order asked. Cold path: builds strings.
/// </summary>
public static class InfoCommand
{
    /// <summary>What INFO with no argument (or "default") shows.</summary>
    private static readonly string[] DefaultSections =
        ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules", "errorstats", "cluster", "keyspace"];

    /// <summary>"all" and "everything": the default ones plus commandstats and latencystats.</summary>
    private static readonly string[] AllSections =
        ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules", "commandstats", "errorstats", "latencystats", "cluster", "keyspace"];

    /// <summary>Every section in output order: Redis's, then FastNode's own (docs/locks.md "Counters").</summary>
    private static readonly string[] OrderedSections = [.. AllSections, "locks"];

    public static void Info(ref CommandContext ctx)
    {
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        if (ctx.Args.Count == 1) wanted.UnionWith(DefaultSections);
        for (int i = 1; i < ctx.Args.Count; i++)
        {
            string name = Encoding.UTF8.GetString(ctx.Args[i]).ToLowerInvariant();
            if (name == "default") wanted.UnionWith(DefaultSections);
            else if (name is "all" or "everything") wanted.UnionWith(AllSections);
            // As a module's section in Redis: only "everything" (or its name) shows the lock service's.
            if (name == "everything") wanted.Add("locks");
            else wanted.Add(name);
        }
        string text = Build(ctx.Server, wanted, ctx.NowMs);
        ctx.Writer.WriteVerbatim("txt"u8, Encoding.UTF8.GetBytes(text));
    }

    public static string Build(ServerState server, IReadOnlySet<string> wanted, long nowMs)
    {
        var info = new InfoWriter();
        foreach (var section in OrderedSections)
        {
            if (!wanted.Contains(section)) continue;
            switch (section)
            {
                case "server": InfoSections.Server(info, server, nowMs); break;
                case "clients": InfoSections.Clients(info, server); break;
                case "memory": InfoSections.Memory(info, server); break;
                case "persistence": InfoSections.Persistence(info, server); break;
                case "stats": InfoSections.Stats(info, server); break;
                case "replication": InfoSections.Replication(info, server); break;
                case "cpu": InfoSections.Cpu(info); break;
                case "modules": info.Section("Modules"); break;
                case "commandstats": InfoSections.CommandStats(info, server); break;
                case "errorstats": InfoSections.ErrorStats(info, server); break;
                case "latencystats": FastNode.Server.Monitoring.LatencyStatsSection.Write(info, server); break;
                case "cluster": info.Section("Cluster").Line("cluster_enabled", server.Cluster is null ? 0 : 1); break;
                case "keyspace": InfoSections.Keyspace(info, server); break;
                case "locks": Locks.LockInfoSection.Write(info, server); break;
            }
        }
        return info.ToString();
    }
}
