using System.Text;
using FastNode.Protocol;
using FastNode.Server.Text;

namespace FastNode.Server.Commands.Server;

/// <summary>CONFIG GET/SET/RESETSTAT/REWRITE/HELP over <see cref="Config.ConfigRegistry"/>.</summary>
public static class ConfigCommands
{
    /// <summary>
    /// CONFIG GET pattern [pattern ...] (several since 7.0): a map of name to value, each setting once. A pattern
    /// without glob characters is looked up directly and reported under the name as typed; glob patterns match
    /// case-insensitively against every name, aliases included.
    /// </summary>
    public static void Get(ref CommandContext ctx)
    {
        var config = ctx.Server.Config;
        var names = new List<string>();
        var values = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 2; i < ctx.Args.Count; i++)
        {
            var pattern = ctx.Args[i];
            if (pattern.IndexOfAny("*?["u8) < 0)
            {
                string name = Encoding.UTF8.GetString(pattern);
                if (config.TryGet(name, out var setting) && seen.Add(name))
                {
                    names.Add(name);
                    values.Add(setting.Get());
                }
                continue;
            }
            foreach (var (name, setting) in config.All)
            {
                if (seen.Contains(name) || !GlobMatcher.IsMatch(pattern, Encoding.UTF8.GetBytes(name), ignoreCase: true)) continue;
                seen.Add(name);
                names.Add(name);
                values.Add(setting.Get());
            }
        }
        ctx.Writer.WriteMapHeader(names.Count);
        for (int i = 0; i < names.Count; i++)
        {
            ctx.Writer.WriteBulkString(names[i]);
            ctx.Writer.WriteBulkString(values[i]);
        }
    }

    /// <summary>CONFIG SET name value [name value ...]: all or nothing (see ConfigRegistry.SetAtRunTime).</summary>
    public static void Set(ref CommandContext ctx)
    {
        var args = ctx.Args;
        if ((args.Count & 1) != 0)
        {
            ctx.Writer.WriteError(RespErrors.Syntax);
            return;
        }
        var pairs = new List<KeyValuePair<string, string>>();
        for (int i = 2; i < args.Count; i += 2) pairs.Add(new(Encoding.UTF8.GetString(args[i]), Encoding.UTF8.GetString(args[i + 1])));

        var options = ctx.Server.Options;
        bool hadPassword = options.RequirePass.Length > 0;
        bool appendOnly = options.AppendOnly;
        if (ctx.Server.Config.SetAtRunTime(pairs) is { } error)
        {
            ctx.Writer.WriteError(error);
            return;
        }
        ctx.Server.ApplyLimits();
        if (options.AppendOnly != appendOnly && ApplyAppendOnly(ref ctx) is { } aofError)
        {
            options.AppendOnly = appendOnly;
            ctx.Writer.WriteError("ERR CONFIG SET failed (possibly related to argument 'appendonly') - " + aofError);
            return;
        }
        // Clients connected while there was no password were authenticated as the "nopass" default user; in Redis
        // setting a password later does not log them out, so mark them authenticated before the check starts.
        if (!hadPassword && options.RequirePass.Length > 0)
        {
            foreach (var client in ctx.Server.Clients.All) client.Authenticated = true;
        }
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    /// <summary>
    /// appendonly changed: yes writes a base of the dataset in the background and then appends (Redis's
    /// startAppendOnly); no stops appending after syncing what is pending.
    /// </summary>
    private static string? ApplyAppendOnly(ref CommandContext ctx)
    {
        var aof = ctx.Server.Aof;
        if (!ctx.Server.Options.AppendOnly)
        {
            aof.Disable();
            return null;
        }
        return aof.Enable();
    }

    /// <summary>CONFIG RESETSTAT: zeroes what INFO stats, commandstats and errorstats report.</summary>
    public static void ResetStat(ref CommandContext ctx)
    {
        var server = ctx.Server;
        foreach (var def in server.Commands.AllIncludingSubcommands) def.Stats.Reset();
        server.Stats.Reset();
        server.Clients.ResetStats();
        // Redis counts RESETSTAT itself once it has run, so total_commands_processed restarts at 1.
        ctx.Session.CommandsProcessed = 1;
        server.Metrics.ResetPeak();
        for (int db = 0; db < server.DatabaseCount; db++) server.Database(db).ResetStats();
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    /// <summary>FastNode is not tied to a config file it could rewrite (settings may also come from the environment).</summary>
    /// <summary>CONFIG REWRITE: the config file the server started from now says what is in force (see <see cref="Config.ConfigRewriter"/>).</summary>
    public static void Rewrite(ref CommandContext ctx)
    {
        var server = ctx.Server;
        string path = server.Options.ConfigFile;
        if (path.Length == 0)
        {
            ctx.Writer.WriteError("ERR The server is running without a config file");
            return;
        }
        try
        {
            var old = File.Exists(path) ? File.ReadAllLines(path) : [];
            var lines = Config.ConfigRewriter.Rewrite(old, SettingsInForce(server), server.Config.OwnName);
            string temp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.rewrite-{Environment.ProcessId}");
            FastNode.Server.Persistence.FileSync.ReplaceAtomically(path, temp, stream =>
            {
                using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true);
                foreach (var line in lines) writer.Write(line + "\n");
            });
            ctx.Writer.WriteRaw(RespReplies.Ok);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ctx.Writer.WriteError("ERR Rewriting config file: " + ex.Message);
        }
    }

    /// <summary>Every setting by its own name with its value now; replicaof is the replication link, not the start-up value.</summary>
    private static List<Config.ConfigRewriter.Current> SettingsInForce(ServerState server)
    {
        var defaults = new Config.ConfigRegistry(new Config.ServerOptions());
        var settings = new List<Config.ConfigRewriter.Current>();
        foreach (var (name, setting) in server.Config.All)
        {
            if (server.Config.OwnName(name) != name) continue;   // an alias
            string value = name == "replicaof"
                ? server.Replication.Link is { } link ? $"{link.Host} {link.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : ""
                : setting.Get();
            string? fallback = defaults.TryGet(name, out var plain) ? plain.Get() : null;
            settings.Add(new(name, value, value == fallback));
        }
        return settings;
    }

    public static void Help(ref CommandContext ctx) => HelpText.Write(ref ctx, "CONFIG",
    [
        "GET <pattern> [<pattern> ...]", "    Return the settings whose names match a glob pattern, with their values.",
        "SET <directive> <value> [<directive> <value> ...]", "    Change settings; if one value is refused, none changes.",
        "RESETSTAT", "    Zero the statistics reported by INFO.",
        "REWRITE", "    Rewrite the configuration file the server started from with the settings in force.",
    ]);
}
