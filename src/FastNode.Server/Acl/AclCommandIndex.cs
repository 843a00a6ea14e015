using FastNode.Server.Commands;

namespace FastNode.Server.Acl;

/// <summary>
/// The command table as ACL rules see it: commands and subcommands by lower-case full name ("get", "config|get"),
/// their categories, and each parent's subcommands. Built once per server from its <see cref="CommandTable"/>; the
/// command bitmap of a selector is indexed by <see cref="CommandDef.Id"/>.
/// </summary>
public sealed class AclCommandIndex
{
    private readonly Dictionary<string, CommandDef> _byName = new(StringComparer.OrdinalIgnoreCase);

    public AclCommandIndex(CommandTable table)
    {
        All = table.AllIncludingSubcommands;
        Categories = new int[All.Count];
        Parent = new CommandDef?[All.Count];
        foreach (var def in table.Commands)
        {
            _byName[def.FullName] = def;
            Categories[def.Id] = CommandCategories.Of(def, def.Group);
            if (def.Subcommands is null) continue;
            foreach (var sub in def.Subcommands)
            {
                _byName[sub.FullName] = sub;
                Parent[sub.Id] = def;
                Categories[sub.Id] = CommandCategories.Of(sub, def.Group);
            }
        }
    }

    public IReadOnlyList<CommandDef> All { get; }

    /// <summary>Category bits (over <see cref="CommandCategories.Names"/>) by command id.</summary>
    public int[] Categories { get; }

    /// <summary>The parent of a subcommand, by its id (null for top-level commands).</summary>
    public CommandDef?[] Parent { get; }

    public int Count => All.Count;

    public CommandDef? Find(string fullName) => _byName.GetValueOrDefault(fullName);

    public bool InCategory(CommandDef def, int category) => (Categories[def.Id] & (1 << category)) != 0;
}
