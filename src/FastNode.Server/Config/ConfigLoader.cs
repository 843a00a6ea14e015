namespace FastNode.Server.Config;

/// <summary>
/// Collects start-up settings by their Redis names, lowest precedence first:
/// 1. a redis.conf-style file (`name value...` per line, # comments), given as the first argument or `--config path`;
/// 2. environment variables FASTNODE_NAME (underscores become dashes: FASTNODE_PROTO_MAX_BULK_LEN);
/// 3. command-line flags `--name value...`, as redis-server accepts them (`--port 7000`, `--save ""`).
/// </summary>
public static class ConfigLoader
{
    public const string EnvironmentPrefix = "FASTNODE_";

    public static List<KeyValuePair<string, string>> Load(string[] args, IDictionary<string, string?>? environment = null) =>
        Load(args, out _, environment);

    /// <param name="configFile">The config file's absolute path, or null when none was given (CONFIG REWRITE writes it).</param>
    public static List<KeyValuePair<string, string>> Load(string[] args, out string? configFile, IDictionary<string, string?>? environment = null)
    {
        var settings = new List<KeyValuePair<string, string>>();
        int i = 0;
        string? file = null;
        if (args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal))
        {
            file = args[0];
            i = 1;
        }
        var flags = ParseFlags(args, i);
        foreach (var (name, value) in flags)
        {
            if (name == "config") file = value;
        }
        if (file is not null) settings.AddRange(ParseFile(file));
        configFile = file is null ? null : Path.GetFullPath(file);

        environment ??= ReadEnvironment();
        foreach (var (key, value) in environment)
        {
            if (!key.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase) || value is null) continue;
            settings.Add(new(key[EnvironmentPrefix.Length..].Replace('_', '-').ToLowerInvariant(), value));
        }

        foreach (var pair in flags)
        {
            if (pair.Key != "config") settings.Add(pair);
        }
        return settings;
    }

    private static Dictionary<string, string?> ReadEnvironment()
    {
        var result = new Dictionary<string, string?>();
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
            result[(string)entry.Key] = entry.Value as string;
        return result;
    }

    private static List<KeyValuePair<string, string>> ParseFlags(string[] args, int start)
    {
        var flags = new List<KeyValuePair<string, string>>();
        for (int i = start; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
                throw new ConfigException($"unexpected argument '{args[i]}' (settings are given as --name value)");
            string name = args[i][2..].ToLowerInvariant();
            var values = new List<string>();
            while (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) values.Add(args[++i]);
            flags.Add(new(name, string.Join(' ', values)));
        }
        return flags;
    }

    public static List<KeyValuePair<string, string>> ParseFile(string path)
    {
        if (!File.Exists(path)) throw new ConfigException($"can't open config file '{path}'");
        var settings = new List<KeyValuePair<string, string>>();
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            int space = line.IndexOfAny([' ', '\t']);
            string name = (space < 0 ? line : line[..space]).ToLowerInvariant();
            string value = space < 0 ? "" : Unquote(line[(space + 1)..].Trim());
            settings.Add(new(name, value));
        }
        return settings;
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '"' && value[^1] == '"' || value[0] == '\'' && value[^1] == '\'') ? value[1..^1] : value;
}
