using FastNode.Protocol;
using FastNode.Server.Commands;

namespace FastNode.Server.Acl;

/// <summary>
/// The access a command needs on each of its keys, from Redis 7.0's key specs: a read command reads (except the ones
/// that only look at a key's existence or metadata, which need no particular access), a write command writes, and the
/// write commands whose key specs also read the value (INCR, LPOP, GETDEL...) need both. Commands with a destination
/// and sources (SINTERSTORE, LMOVE...) give each side its own access. Cold: only users without allkeys come here.
/// </summary>
public static class AclKeyAccess
{
    /// <summary>Read commands whose key specs do not access the value (Redis: no ACCESS flag).</summary>
    private static readonly HashSet<string> NoAccessReads =
    [
        "exists", "hexists", "hlen", "hstrlen", "llen", "memory|usage", "object|encoding", "object|freq", "object|idletime",
        "object|refcount", "scard", "sismember", "strlen", "touch", "type", "xlen", "zcard",
    ];

    /// <summary>Write commands whose key specs read the value too (Redis: RW with ACCESS).</summary>
    private static readonly HashSet<string> ReadWrite =
    [
        "bitfield", "blmpop", "blpop", "brpop", "bzmpop", "bzpopmax", "bzpopmin", "decr", "decrby", "getdel", "getex", "getset",
        "hincrby", "hincrbyfloat", "incr", "incrby", "incrbyfloat", "lmpop", "lpop", "migrate", "move", "pfdebug", "pfmerge",
        "rpop", "spop", "xreadgroup", "zincrby", "zmpop", "zpopmax", "zpopmin",
    ];

    /// <summary>The first key is written, the others only read.</summary>
    private static readonly HashSet<string> DestinationFirst =
    [
        "sdiffstore", "sinterstore", "sunionstore", "zdiffstore", "zinterstore", "zunionstore", "zrangestore", "geosearchstore", "bitop",
    ];

    /// <summary>The first key is read and changed (or, for COPY, read), the second written.</summary>
    private static readonly HashSet<string> SourceFirst =
    [
        "lmove", "blmove", "rpoplpush", "brpoplpush", "smove", "copy", "rename", "renamenx",
    ];

    public static KeyAccess Needed(CommandDef def, CommandArgs args, int argIndex, int ordinal)
    {
        string name = def.FullName;
        if ((def.Flags & CommandFlags.Write) == 0)
            return (def.Flags & CommandFlags.ReadOnly) != 0 && !NoAccessReads.Contains(name) ? KeyAccess.Read : KeyAccess.None;
        if (DestinationFirst.Contains(name)) return ordinal == 0 ? KeyAccess.Write : KeyAccess.Read;
        if (SourceFirst.Contains(name))
            return ordinal > 0 ? KeyAccess.Write : name == "copy" ? KeyAccess.Read : KeyAccess.All;
        if (name is "sort" or "georadius" or "georadiusbymember") return argIndex == 1 ? KeyAccess.Read : KeyAccess.Write;
        if (name == "set") return HasGetOption(args) ? KeyAccess.All : KeyAccess.Write;
        return ReadWrite.Contains(name) ? KeyAccess.All : KeyAccess.Write;
    }

    private static bool HasGetOption(CommandArgs args)
    {
        for (int i = 3; i < args.Count; i++)
        {
            if (Ascii.EqualsIgnoreCase(args[i], "GET"u8)) return true;
        }
        return false;
    }
}
