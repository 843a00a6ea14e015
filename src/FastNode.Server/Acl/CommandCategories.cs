using FastNode.Server.Commands;

namespace FastNode.Server.Acl;

/// <summary>
/// Redis 7.0's ACL categories (ACL CAT, +@category). Most follow from a command's flags and group, as Redis derives
/// them (write, read, admin, pubsub, fast/slow, blocking, the data-type groups); the rest (keyspace, dangerous, and the
/// commands whose Redis metadata says otherwise) come from the small tables below. CommandCategoryTests compares the
/// result with redis-server's.
/// </summary>
public static class CommandCategories
{
    /// <summary>In Redis's order (ACL CAT with no argument).</summary>
    public static readonly string[] Names =
    [
        "keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap", "hyperloglog", "geo", "stream",
        "pubsub", "admin", "fast", "slow", "blocking", "dangerous", "connection", "transaction", "scripting",
    ];

    public static int IndexOf(ReadOnlySpan<char> name)
    {
        for (int i = 0; i < Names.Length; i++)
        {
            if (name.Equals(Names[i], StringComparison.OrdinalIgnoreCase)) return i;
        }
        return -1;
    }

    /// <summary>The categories of one command or subcommand, as a bit set over <see cref="Names"/>.</summary>
    public static int Of(CommandDef def, string group)
    {
        var flags = def.Flags;
        // A parent that only routes to its subcommands (CLIENT, OBJECT...) is just "slow" in Redis.
        if ((flags & CommandFlags.Container) != 0) return Bit("slow");
        int cats = 0;
        if ((flags & CommandFlags.Write) != 0) cats |= Bit("write");
        if ((flags & CommandFlags.ReadOnly) != 0) cats |= Bit("read");
        if ((flags & CommandFlags.Admin) != 0) cats |= Bit("admin") | Bit("dangerous");
        if ((flags & CommandFlags.PubSub) != 0) cats |= Bit("pubsub");
        cats |= (flags & CommandFlags.Fast) != 0 ? Bit("fast") : Bit("slow");
        if ((flags & CommandFlags.Blocking) != 0) cats |= Bit("blocking");
        cats |= GroupBit(group);
        foreach (var (name, add, remove) in Exceptions)
        {
            if (name != def.FullName) continue;
            foreach (var c in add.Split(' ', StringSplitOptions.RemoveEmptyEntries)) cats |= Bit(c);
            foreach (var c in remove.Split(' ', StringSplitOptions.RemoveEmptyEntries)) cats &= ~Bit(c);
        }
        return cats;
    }

    private static int Bit(string name) => 1 << IndexOf(name);

    private static int GroupBit(string group) => group switch
    {
        "string" => Bit("string"),
        "hash" => Bit("hash"),
        "list" => Bit("list"),
        "set" => Bit("set"),
        "sorted_set" or "sortedset" or "sorted-set" => Bit("sortedset"),
        "geo" => Bit("geo"),
        "bitmap" => Bit("bitmap"),
        "hyperloglog" => Bit("hyperloglog"),
        "stream" => Bit("stream"),
        "pubsub" => Bit("pubsub"),
        "connection" => Bit("connection"),
        "transactions" => Bit("transaction"),
        "scripting" => Bit("scripting"),
        "generic" => Bit("keyspace"),
        _ => 0,
    };

    /// <summary>Where Redis's own metadata differs from the derivation: (command, categories added, categories removed).</summary>
    private static readonly (string Name, string Add, string Remove)[] Exceptions =
    [
        ("dbsize", "keyspace", ""), ("flushall", "keyspace dangerous", ""), ("flushdb", "keyspace dangerous", ""),
        ("swapdb", "keyspace dangerous", ""), ("keys", "dangerous", ""), ("info", "dangerous", ""), ("migrate", "dangerous", ""),
        ("restore", "dangerous", ""), ("restore-asking", "dangerous", ""), ("lastsave", "admin dangerous", ""),
        ("role", "admin dangerous", ""), ("sort", "set sortedset list dangerous", "keyspace"),
        ("sort_ro", "set sortedset list dangerous", "keyspace"), ("eval_ro", "", "read"), ("evalsha_ro", "", "read"),
        ("fcall_ro", "", "read"), ("pubsub|help", "", "pubsub"), ("asking", "connection", ""), ("readonly", "connection", ""),
        ("readwrite", "connection", ""), ("command", "connection", ""), ("command|count", "connection", ""),
        ("command|docs", "connection", ""), ("command|getkeys", "connection", ""), ("command|getkeysandflags", "connection", ""),
        ("command|help", "connection", ""), ("command|info", "connection", ""), ("command|list", "connection", ""),
    ];
}
