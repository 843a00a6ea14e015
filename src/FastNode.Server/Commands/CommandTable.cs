using FastNode.Server.Commands.Connection;
using FastNode.Server.Commands.Strings;
using static FastNode.Server.Commands.CommandFlags;

namespace FastNode.Server.Commands;

/// <summary>
/// Every command FastNode serves, one line each, in the shape of Redis's command metadata:
/// name, arity (negative = at least), flags, first key, last key, key step, handler, group.
/// The dispatcher checks existence, arity and auth from this table before any handler runs.
/// </summary>
public sealed class CommandTable
{
    public static readonly CommandTable Default = new(
    [
        // connection
        new("PING", -1, Fast | Stale, 0, 0, 0, ConnectionCommands.Ping, "connection"),
        new("ECHO", 2, Fast, 0, 0, 0, ConnectionCommands.Echo, "connection"),
        new("QUIT", -1, Fast | NoAuth | Stale | Loading | AllowBusy, 0, 0, 0, ConnectionCommands.Quit, "connection"),

        // strings
        new("GET", 2, ReadOnly | Fast, 1, 1, 1, StringCommands.Get, "string"),
        new("SET", -3, Write | DenyOom, 1, 1, 1, StringCommands.Set, "string"),
        new("SETNX", 3, Write | DenyOom | Fast, 1, 1, 1, StringCommands.SetNx, "string"),
        new("SETEX", 4, Write | DenyOom, 1, 1, 1, StringCommands.SetEx, "string"),
        new("PSETEX", 4, Write | DenyOom, 1, 1, 1, StringCommands.PSetEx, "string"),
        new("GETSET", 3, Write | DenyOom | Fast, 1, 1, 1, StringCommands.GetSet, "string"),
        new("INCR", 2, Write | DenyOom | Fast, 1, 1, 1, StringCommands.Incr, "string"),
        new("DECR", 2, Write | DenyOom | Fast, 1, 1, 1, StringCommands.Decr, "string"),
        new("INCRBY", 3, Write | DenyOom | Fast, 1, 1, 1, StringCommands.IncrBy, "string"),
        new("DECRBY", 3, Write | DenyOom | Fast, 1, 1, 1, StringCommands.DecrBy, "string"),
    ]);

    public CommandTable(CommandDef[] commands)
    {
        Commands = commands;
        Lookup = new CommandLookup(commands);
        var all = new List<CommandDef>();
        foreach (var def in commands)
        {
            all.Add(def);
            if (def.Subcommands is not null) all.AddRange(def.Subcommands);
        }
        for (int i = 0; i < all.Count; i++) all[i].Id = i;
        AllIncludingSubcommands = all;
    }

    /// <summary>Top-level commands in table order (COMMAND, COMMAND COUNT).</summary>
    public IReadOnlyList<CommandDef> Commands { get; }

    public IReadOnlyList<CommandDef> AllIncludingSubcommands { get; }

    public CommandLookup Lookup { get; }

    /// <summary>A subcommand row: Redis names it "parent|sub" in errors and COMMAND replies.</summary>
    private static CommandDef Sub(string parent, string name, int arity, CommandFlags flags, CommandHandler handler,
        int firstKey = 0, int lastKey = 0, int step = 0) =>
        new(name, arity, flags, firstKey, lastKey, step, handler, parent) { FullName = $"{parent}|{name.ToLowerInvariant()}" };
}
