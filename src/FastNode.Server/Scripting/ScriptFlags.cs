namespace FastNode.Server.Scripting;

/// <summary>
/// A script's or function's flags, as Redis 7.0 declares them in a `#!lua flags=...` shebang or in
/// redis.register_function. <see cref="NoShebang"/> marks an EVAL script without a shebang (Redis's "legacy"
/// scripts: may write, and are not checked against OOM, staleness or cluster state up front).
/// </summary>
[Flags]
public enum ScriptFlags
{
    None = 0,
    NoWrites = 1 << 0,
    AllowOom = 1 << 1,
    AllowStale = 1 << 2,
    NoCluster = 1 << 3,
    AllowCrossSlotKeys = 1 << 4,
    NoShebang = 1 << 5,
}

internal static class ScriptFlagNames
{
    public static bool TryParse(ReadOnlySpan<char> name, out ScriptFlags flag)
    {
        flag = name switch
        {
            "no-writes" => ScriptFlags.NoWrites,
            "allow-oom" => ScriptFlags.AllowOom,
            "allow-stale" => ScriptFlags.AllowStale,
            "no-cluster" => ScriptFlags.NoCluster,
            "allow-cross-slot-keys" => ScriptFlags.AllowCrossSlotKeys,
            _ => ScriptFlags.None,
        };
        return flag != ScriptFlags.None;
    }

    public static IEnumerable<string> Names(ScriptFlags flags)
    {
        if ((flags & ScriptFlags.NoWrites) != 0) yield return "no-writes";
        if ((flags & ScriptFlags.AllowOom) != 0) yield return "allow-oom";
        if ((flags & ScriptFlags.AllowStale) != 0) yield return "allow-stale";
        if ((flags & ScriptFlags.NoCluster) != 0) yield return "no-cluster";
        if ((flags & ScriptFlags.AllowCrossSlotKeys) != 0) yield return "allow-cross-slot-keys";
    }

    /// <summary>
    /// Reads an EVAL script's `#!lua [flags=a,b]` first line (Redis's evalExtractShebangFlags). Returns the error text,
    /// or null; <paramref name="length"/> is the shebang's length (blanked before compiling, so line numbers stay).
    /// </summary>
    public static string? ParseShebang(ReadOnlySpan<byte> body, out ScriptFlags flags, out int length)
    {
        flags = ScriptFlags.NoShebang;
        length = 0;
        if (body.Length < 2 || body[0] != '#' || body[1] != '!') return null;
        int end = body.IndexOf((byte)'\n');
        length = end < 0 ? body.Length : end;
        var line = System.Text.Encoding.UTF8.GetString(body[..length]);
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || parts[0] != "#!lua") return "ERR Unexpected engine in script shebang: " + (parts.Length == 0 ? line : parts[0]);
        flags = ScriptFlags.None;
        for (int i = 1; i < parts.Length; i++)
        {
            if (!parts[i].StartsWith("flags=", StringComparison.Ordinal)) return "ERR Unknown lua shebang option: " + parts[i];
            foreach (var name in parts[i]["flags=".Length..].Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!TryParse(name, out var flag)) return "ERR Unexpected flag in script shebang: " + name;
                flags |= flag;
            }
        }
        return null;
    }
}
