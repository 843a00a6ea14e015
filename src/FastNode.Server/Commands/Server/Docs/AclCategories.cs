namespace FastNode.Server.Commands.Server.Docs;

/// <summary>
/// ACL categories as COMMAND INFO reports them: those Redis implies from the flags (write, read, admin and
/// dangerous, pubsub, fast or slow, blocking), the one of the command's group, and any the docs table adds,
/// printed in Redis's category order.
/// </summary>
public static class AclCategories
{
    /// <summary>Redis's category order (the ACL category table).</summary>
    public static readonly string[] Order =
    [
        "keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap", "hyperloglog", "geo",
        "stream", "pubsub", "admin", "fast", "slow", "blocking", "dangerous", "connection", "transaction", "scripting",
    ];

    public static List<string> For(CommandDef def, string group, CommandDoc? doc)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        var flags = def.Flags;
        bool container = def.Subcommands is not null;
        if (!container && GroupCategory(group) is { } category) set.Add(category);
        if (doc?.Acl is { } extra)
        {
            foreach (var name in extra.Split(' ', StringSplitOptions.RemoveEmptyEntries)) set.Add(name.TrimStart('@'));
        }
        if ((flags & CommandFlags.Write) != 0) set.Add("write");
        if ((flags & CommandFlags.ReadOnly) != 0 && !set.Contains("scripting")) set.Add("read");
        if ((flags & CommandFlags.Admin) != 0)
        {
            set.Add("admin");
            set.Add("dangerous");
        }
        if ((flags & CommandFlags.PubSub) != 0) set.Add("pubsub");
        if ((flags & CommandFlags.Fast) != 0) set.Add("fast");
        if ((flags & CommandFlags.Blocking) != 0) set.Add("blocking");
        if (!set.Contains("fast")) set.Add("slow");

        var ordered = new List<string>(set.Count);
        foreach (var name in Order)
        {
            if (set.Contains(name)) ordered.Add(name);
        }
        return ordered;
    }

    /// <summary>
    /// The category of a group's data type; "server" and custom groups have none. The pubsub group has none either:
    /// Redis derives @pubsub from the pubsub flag only (PUBSUB HELP, without it, is just @slow).
    /// </summary>
    private static string? GroupCategory(string group) => group switch
    {
        "generic" => "keyspace",
        "string" => "string",
        "hash" => "hash",
        "list" => "list",
        "set" => "set",
        "sorted-set" or "sorted_set" or "zset" => "sortedset",
        "stream" => "stream",
        "bitmap" => "bitmap",
        "hyperloglog" => "hyperloglog",
        "geo" => "geo",
        "connection" => "connection",
        "transactions" => "transaction",
        "scripting" => "scripting",
        _ => null,
    };
}
