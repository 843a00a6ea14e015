using System.Text;
using FastNode.Protocol;
using FastNode.Server.Commands.Server.Docs;
using FastNode.Server.Text;

namespace FastNode.Server.Commands.Server;

/// <summary>
/// COMMAND and its subcommands, answered from the command table (names, arity, flags, key positions) and the docs
/// table (summaries, argument syntax). Order is the table's (Redis's is its hash table's, so clients do not rely on it).
/// </summary>
public static class CommandCommands
{
    /// <summary>COMMAND with no subcommand: the COMMAND INFO entry of every command.</summary>
    public static void All(ref CommandContext ctx)
    {
        var commands = ctx.Server.Commands.Commands;
        ctx.Writer.WriteArrayHeader(commands.Count);
        foreach (var def in commands) CommandReplies.WriteInfo(ref ctx.Writer, def, def.Group);
    }

    public static void Count(ref CommandContext ctx) => ctx.Writer.WriteInteger(ctx.Server.Commands.Commands.Count);

    /// <summary>COMMAND INFO [name ...]: one entry per name ("config|get" names a subcommand), nil for unknown ones.</summary>
    public static void Info(ref CommandContext ctx)
    {
        if (ctx.Args.Count == 2)
        {
            All(ref ctx);
            return;
        }
        ctx.Writer.WriteArrayHeader(ctx.Args.Count - 2);
        for (int i = 2; i < ctx.Args.Count; i++)
        {
            if (TryFind(ctx.Server, ctx.Args[i], out var def, out string group)) CommandReplies.WriteInfo(ref ctx.Writer, def, group);
            else ctx.Writer.WriteNullBulk();
        }
    }

    /// <summary>COMMAND DOCS [name ...]: a map of name to docs; unknown names are left out. redis-cli calls it at start.</summary>
    public static void Docs(ref CommandContext ctx)
    {
        var found = new List<(CommandDef Def, string Group)>();
        if (ctx.Args.Count == 2)
        {
            foreach (var def in ctx.Server.Commands.Commands) found.Add((def, def.Group));
        }
        for (int i = 2; i < ctx.Args.Count; i++)
        {
            if (TryFind(ctx.Server, ctx.Args[i], out var def, out string group)) found.Add((def, group));
        }
        ctx.Writer.WriteMapHeader(found.Count);
        foreach (var (def, group) in found)
        {
            ctx.Writer.WriteBulkString(def.FullName);
            CommandReplies.WriteDocs(ref ctx.Writer, def, group);
        }
    }

    /// <summary>COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]: names, subcommands included.</summary>
    public static void List(ref CommandContext ctx)
    {
        var args = ctx.Args;
        int filter = 0;
        byte[] value = [];
        if (args.Count == 5 && Ascii.EqualsIgnoreCase(args[2], "FILTERBY"u8))
        {
            if (Ascii.EqualsIgnoreCase(args[3], "MODULE"u8)) filter = 1;
            else if (Ascii.EqualsIgnoreCase(args[3], "ACLCAT"u8)) filter = 2;
            else if (Ascii.EqualsIgnoreCase(args[3], "PATTERN"u8)) filter = 3;
            value = args[4].ToArray();
        }
        if (args.Count != 2 && filter == 0)
        {
            ctx.Writer.WriteError(RespErrors.Syntax);
            return;
        }

        var names = new List<string>();
        foreach (var def in ctx.Server.Commands.Commands)
        {
            if (Matches(def, def.Group, filter, value)) names.Add(def.FullName);
            if (def.Subcommands is null) continue;
            foreach (var sub in def.Subcommands)
            {
                if (Matches(sub, def.Group, filter, value)) names.Add(sub.FullName);
            }
        }
        ctx.Writer.WriteArrayHeader(names.Count);
        foreach (var name in names) ctx.Writer.WriteBulkString(name);
    }

    private static bool Matches(CommandDef def, string group, int filter, byte[] value)
    {
        switch (filter)
        {
            case 1: return false;  // FastNode loads no modules
            case 2:
                CommandDocs.TryFind(def.FullName, out var doc, out _);
                string category = Encoding.UTF8.GetString(value).ToLowerInvariant();
                return AclCategories.For(def, group, doc).Contains(category);
            case 3: return GlobMatcher.IsMatch(value, Encoding.UTF8.GetBytes(def.FullName), ignoreCase: true);
            default: return true;
        }
    }

    /// <summary>COMMAND GETKEYS command [arg ...]: the key arguments, found from the command's key positions.</summary>
    public static void GetKeys(ref CommandContext ctx) => WriteKeys(ref ctx, withFlags: false);

    /// <summary>COMMAND GETKEYSANDFLAGS: the same keys, each with its key-spec flags.</summary>
    public static void GetKeysAndFlags(ref CommandContext ctx) => WriteKeys(ref ctx, withFlags: true);

    private static void WriteKeys(ref CommandContext ctx, bool withFlags)
    {
        var args = ctx.Args;
        var def = ctx.Server.Commands.Lookup.Find(args[2]);
        if (def?.SubcommandLookup is not null) def = def.SubcommandLookup.Find(args[3]);
        if (def is null)
        {
            ctx.Writer.WriteError("ERR Invalid command specified");
            return;
        }
        // Commands Redis has are answered from its key specs (Keys/KeySpecs.cs); FastNode's own from the table's positions.
        bool specified = Keys.KeySpecs.TryFind(def, out var specs);
        if (specified ? !Keys.KeySpecs.HasKeys(specs) : def.FirstKey <= 0)
        {
            ctx.Writer.WriteError("ERR The command has no key arguments");
            return;
        }
        int count = args.Count - 2;
        if (def.Arity > 0 ? count != def.Arity : count < -def.Arity)
        {
            ctx.Writer.WriteError("ERR Invalid number of arguments specified for command");
            return;
        }
        if (specified)
        {
            WriteSpecKeys(ref ctx, def, specs, withFlags);
            return;
        }
        int last = def.LastKey < 0 ? count + def.LastKey : def.LastKey;
        int step = Math.Max(1, def.Step);
        int keys = last >= def.FirstKey ? (Math.Min(last, count - 1) - def.FirstKey) / step + 1 : 0;
        if (keys <= 0)
        {
            ctx.Writer.WriteError("ERR Invalid arguments specified for command");
            return;
        }
        string[] flags = [];
        if (withFlags)
        {
            CommandDocs.TryFind(def.FullName, out var doc, out _);
            // "variable_flags" only says the flags depend on the arguments; the answer lists the flags themselves.
            flags = Array.FindAll(CommandReplies.KeyFlags(def, doc), f => f != "variable_flags");
        }
        ctx.Writer.WriteArrayHeader(keys);
        for (int i = 0; i < keys; i++)
        {
            var key = args[2 + def.FirstKey + i * step];
            if (!withFlags)
            {
                ctx.Writer.WriteBulkString(key);
                continue;
            }
            ctx.Writer.WriteArrayHeader(2);
            ctx.Writer.WriteBulkString(key);
            CommandReplies.WriteStatusSet(ref ctx.Writer, flags);
        }
    }

    private static void WriteSpecKeys(ref CommandContext ctx, CommandDef def, Keys.KeySpec[] specs, bool withFlags)
    {
        var keys = Keys.KeySpecs.Find(def, specs, ctx.Args, 2);
        if (keys.Count == 0 && (def.Flags & CommandFlags.NoMandatoryKeys) == 0)
        {
            ctx.Writer.WriteError("ERR Invalid arguments specified for command");
            return;
        }
        ctx.Writer.WriteArrayHeader(keys.Count);
        foreach (var (index, flags) in keys)
        {
            if (!withFlags)
            {
                ctx.Writer.WriteBulkString(ctx.Args[2 + index]);
                continue;
            }
            ctx.Writer.WriteArrayHeader(2);
            ctx.Writer.WriteBulkString(ctx.Args[2 + index]);
            CommandReplies.WriteStatusSet(ref ctx.Writer, flags);
        }
    }

    public static void Help(ref CommandContext ctx) => HelpText.Write(ref ctx, "COMMAND",
    [
        "(no subcommand)", "    Describe every command.",
        "COUNT", "    Return how many commands there are.",
        "LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]", "    Return the command names, subcommands included.",
        "INFO [<command-name> ...]", "    Describe the given commands (all when none is given).",
        "DOCS [<command-name> ...]", "    Return the documentation of the given commands (all when none is given).",
        "GETKEYS <full-command>", "    Return the keys of a full command line.",
        "GETKEYSANDFLAGS <full-command>", "    Return the keys of a full command line, with their access flags.",
    ]);

    /// <summary>Finds "name" or "parent|sub" (case-insensitive); the group of a subcommand is its parent's.</summary>
    private static bool TryFind(ServerState server, ReadOnlySpan<byte> name, out CommandDef def, out string group)
    {
        int bar = name.IndexOf((byte)'|');
        var parent = server.Commands.Lookup.Find(bar < 0 ? name : name.Slice(0, bar));
        def = parent!;
        group = parent?.Group ?? "";
        if (parent is null) return false;
        if (bar < 0) return true;
        var sub = parent.SubcommandLookup?.Find(name.Slice(bar + 1));
        if (sub is null) return false;
        def = sub;
        return true;
    }
}
