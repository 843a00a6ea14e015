using FastNode.Protocol;
using FastNode.Server.Commands.Server.Docs;

namespace FastNode.Server.Commands.Server;

/// <summary>
/// Writes the COMMAND INFO and COMMAND DOCS entries of one command in Redis 7.0's shapes (RESP3 sets and maps, which
/// the writer turns into arrays for RESP2). Cold path.
/// </summary>
public static class CommandReplies
{
    /// <summary>Flag names in the order Redis prints them (may_replicate and FastNode's own flags are not shown).</summary>
    private static readonly (CommandFlags Flag, string Name)[] FlagNames =
    [
        (CommandFlags.Write, "write"), (CommandFlags.ReadOnly, "readonly"), (CommandFlags.DenyOom, "denyoom"),
        (CommandFlags.Admin, "admin"), (CommandFlags.PubSub, "pubsub"), (CommandFlags.NoScript, "noscript"),
        (CommandFlags.Blocking, "blocking"), (CommandFlags.Loading, "loading"), (CommandFlags.Stale, "stale"),
        (CommandFlags.SkipMonitor, "skip_monitor"), (CommandFlags.SkipSlowlog, "skip_slowlog"), (CommandFlags.Fast, "fast"),
        (CommandFlags.NoAuth, "no_auth"), (CommandFlags.NoMandatoryKeys, "no_mandatory_keys"),
        (CommandFlags.NoAsyncLoading, "no_async_loading"), (CommandFlags.NoMulti, "no_multi"),
        (CommandFlags.MovableKeys, "movablekeys"), (CommandFlags.AllowBusy, "allow_busy"),
    ];

    /// <summary>COMMAND INFO: name, arity, flags, first key, last key, step, ACL categories, tips, key specs, subcommands.</summary>
    public static void WriteInfo(ref RespWriter w, CommandDef def, string group)
    {
        CommandDocs.TryFind(def.FullName, out var doc, out _);
        bool container = def.Subcommands is not null;
        w.WriteArrayHeader(10);
        w.WriteBulkString(def.FullName);
        w.WriteInteger(def.Arity);

        var flags = new List<string>();
        foreach (var (flag, name) in FlagNames)
        {
            if ((def.Flags & flag) != 0) flags.Add(name);
        }
        WriteStatusSet(ref w, flags);
        w.WriteInteger(container ? 0 : def.FirstKey);
        w.WriteInteger(container ? 0 : def.LastKey);
        w.WriteInteger(container ? 0 : def.Step);

        var categories = AclCategories.For(def, group, doc);
        for (int i = 0; i < categories.Count; i++) categories[i] = "@" + categories[i];
        WriteStatusSet(ref w, categories);

        var tips = doc?.Tips?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        w.WriteSetHeader(tips.Length);
        foreach (var tip in tips) w.WriteBulkString(tip);

        if (container || def.FirstKey <= 0) w.WriteSetHeader(0);
        else
        {
            w.WriteSetHeader(1);
            WriteKeySpec(ref w, def, KeyFlags(def, doc));
        }

        if (!container) w.WriteSetHeader(0);
        else
        {
            w.WriteArrayHeader(def.Subcommands!.Length);
            foreach (var sub in def.Subcommands) WriteInfo(ref w, sub, group);
        }
    }

    /// <summary>The one key spec FastNode derives from first/last/step: an index search and a range.</summary>
    private static void WriteKeySpec(ref RespWriter w, CommandDef def, string[] flags)
    {
        w.WriteMapHeader(3);
        w.WriteBulkString("flags"u8);
        WriteStatusSet(ref w, flags);
        w.WriteBulkString("begin_search"u8);
        w.WriteMapHeader(2);
        w.WriteBulkString("type"u8);
        w.WriteBulkString("index"u8);
        w.WriteBulkString("spec"u8);
        w.WriteMapHeader(1);
        w.WriteBulkString("index"u8);
        w.WriteInteger(def.FirstKey);
        w.WriteBulkString("find_keys"u8);
        w.WriteMapHeader(2);
        w.WriteBulkString("type"u8);
        w.WriteBulkString("range"u8);
        w.WriteBulkString("spec"u8);
        w.WriteMapHeader(3);
        w.WriteBulkString("lastkey"u8);
        w.WriteInteger(def.LastKey < 0 ? def.LastKey : def.LastKey - def.FirstKey);
        w.WriteBulkString("keystep"u8);
        w.WriteInteger(def.Step);
        w.WriteBulkString("limit"u8);
        w.WriteInteger(0);
    }

    /// <summary>Key-spec flags from the docs table, else RO+access for reads and RW+update for writes.</summary>
    public static string[] KeyFlags(CommandDef def, CommandDoc? doc)
    {
        if (doc?.KeyFlags is { } explicitFlags) return explicitFlags.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if ((def.Flags & CommandFlags.Write) != 0) return ["RW", "update"];
        return ["RO", "access"];
    }

    public static void WriteStatusSet(ref RespWriter w, IReadOnlyList<string> items)
    {
        w.WriteSetHeader(items.Count);
        foreach (var item in items) w.WriteSimpleString(System.Text.Encoding.UTF8.GetBytes(item));
    }

    /// <summary>COMMAND DOCS entry: summary, since, group, complexity, arguments, subcommands (map by full name).</summary>
    public static void WriteDocs(ref RespWriter w, CommandDef def, string group)
    {
        bool found = CommandDocs.TryFind(def.FullName, out var doc, out var arguments);
        if (!found) arguments = def.Subcommands is null ? CommandDocs.FallbackArguments(def) : [];
        string summary = found ? doc.Summary : def.Summary;
        string since = found ? doc.Since : "";
        string complexity = found ? doc.Complexity : "";

        int pairs = 3 + (complexity.Length > 0 ? 1 : 0) + (arguments.Length > 0 ? 1 : 0) + (def.Subcommands is not null ? 1 : 0);
        w.WriteMapHeader(pairs);
        w.WriteBulkString("summary"u8);
        w.WriteBulkString(summary);
        w.WriteBulkString("since"u8);
        w.WriteBulkString(since);
        w.WriteBulkString("group"u8);
        w.WriteBulkString(group);
        if (complexity.Length > 0)
        {
            w.WriteBulkString("complexity"u8);
            w.WriteBulkString(complexity);
        }
        if (arguments.Length > 0)
        {
            w.WriteBulkString("arguments"u8);
            WriteArguments(ref w, arguments);
        }
        if (def.Subcommands is not null)
        {
            w.WriteBulkString("subcommands"u8);
            w.WriteMapHeader(def.Subcommands.Length);
            foreach (var sub in def.Subcommands)
            {
                w.WriteBulkString(sub.FullName);
                WriteDocs(ref w, sub, group);
            }
        }
    }

    private static void WriteArguments(ref RespWriter w, ArgSpec[] arguments)
    {
        w.WriteArrayHeader(arguments.Length);
        foreach (var arg in arguments)
        {
            var flags = new List<string>(3);
            if (arg.Optional) flags.Add("optional");
            if (arg.Multiple) flags.Add("multiple");
            if (arg.MultipleToken) flags.Add("multiple_token");
            bool key = arg.Type == "key";
            int pairs = 2 + (key ? 1 : 0) + (arg.Token is not null ? 1 : 0) + (flags.Count > 0 ? 1 : 0) + (arg.Arguments is not null ? 1 : 0);
            w.WriteMapHeader(pairs);
            w.WriteBulkString("name"u8);
            w.WriteBulkString(arg.Name);
            w.WriteBulkString("type"u8);
            w.WriteBulkString(arg.Type);
            if (key)
            {
                w.WriteBulkString("key_spec_index"u8);
                w.WriteInteger(0);
            }
            if (arg.Token is not null)
            {
                w.WriteBulkString("token"u8);
                w.WriteBulkString(arg.Token);
            }
            if (flags.Count > 0)
            {
                w.WriteBulkString("flags"u8);
                WriteStatusSet(ref w, flags);
            }
            if (arg.Arguments is not null)
            {
                w.WriteBulkString("arguments"u8);
                WriteArguments(ref w, arg.Arguments);
            }
        }
    }
}
