using System.Text;
using FastNode.Protocol;
using FastNode.Server.Commands;
using FastNode.Server.Text;

namespace FastNode.Server.Acl;

/// <summary>
/// One set of permissions (a user's root permissions or one of its "(...)" selectors): a command bitmap indexed by
/// <see cref="CommandDef.Id"/>, key patterns with read/write access, and channel patterns. Changed only on a copy
/// (<see cref="Clone"/>) that replaces the user's state at once, so the check reads it without locks.
/// </summary>
public sealed class AclSelector
{
    private readonly AclCommandIndex _index;
    private ulong[] _allowed;
    /// <summary>"+select|0" style first arguments allowed for commands whose bit is off, by command id.</summary>
    private Dictionary<int, List<string>>? _firstArgs;
    /// <summary>The command rules as applied since the last +@all/-@all (ACL LIST prints them after that base).</summary>
    private List<string> _rules = [];
    private List<AclKeyPattern> _keys = [];
    private List<byte[]> _channels = [];

    public AclSelector(AclCommandIndex index, bool allChannels)
    {
        _index = index;
        _allowed = new ulong[(index.Count + 63) / 64];
        AllChannels = allChannels;
    }

    /// <summary>Set by +@all/allcommands, cleared by -@all: the base ACL LIST prints ("+@all" or "-@all").</summary>
    public bool AllCommandsBase { get; private set; }
    public bool AllKeys { get; private set; }
    public bool AllChannels { get; private set; }
    public IReadOnlyList<AclKeyPattern> Keys => _keys;
    public IReadOnlyList<byte[]> Channels => _channels;

    /// <summary>Every command, every key and every channel: the check has nothing to do.</summary>
    public bool Unrestricted
    {
        get
        {
            if (!AllKeys || !AllChannels) return false;
            for (int i = 0; i < _index.Count; i++)
            {
                if (!IsAllowed(i)) return false;
            }
            return true;
        }
    }

    public AclSelector Clone() => new(_index, AllChannels)
    {
        _allowed = (ulong[])_allowed.Clone(),
        _firstArgs = _firstArgs is null ? null : CloneFirstArgs(_firstArgs),
        _rules = [.. _rules],
        _keys = [.. _keys],
        _channels = [.. _channels],
        AllCommandsBase = AllCommandsBase,
        AllKeys = AllKeys,
    };

    public bool IsAllowed(int id) => (_allowed[id >> 6] & (1UL << (id & 63))) != 0;

    /// <summary>Applies one selector rule; returns Redis's error detail, or null when applied.</summary>
    public string? Apply(string op)
    {
        if (op.Equals("allkeys", StringComparison.OrdinalIgnoreCase) || op == "~*")
        {
            AllKeys = true;
            _keys.Clear();
            return null;
        }
        if (op.Equals("resetkeys", StringComparison.OrdinalIgnoreCase))
        {
            AllKeys = false;
            _keys.Clear();
            return null;
        }
        if (op.Equals("allchannels", StringComparison.OrdinalIgnoreCase) || op == "&*")
        {
            AllChannels = true;
            _channels.Clear();
            return null;
        }
        if (op.Equals("resetchannels", StringComparison.OrdinalIgnoreCase))
        {
            AllChannels = false;
            _channels.Clear();
            return null;
        }
        if (op.Equals("allcommands", StringComparison.OrdinalIgnoreCase) || op.Equals("+@all", StringComparison.OrdinalIgnoreCase))
        {
            SetAll(true);
            return null;
        }
        if (op.Equals("nocommands", StringComparison.OrdinalIgnoreCase) || op.Equals("-@all", StringComparison.OrdinalIgnoreCase))
        {
            SetAll(false);
            return null;
        }
        if (op.Length > 0 && (op[0] == '~' || op[0] == '%')) return AddKeyPattern(op);
        if (op.Length > 0 && op[0] == '&') return AddChannel(op[1..]);
        if (op.Length > 1 && (op[0] == '+' || op[0] == '-')) return ApplyCommandRule(op, record: true);
        return AclErrors.Syntax;
    }

    private void SetAll(bool allow)
    {
        Array.Fill(_allowed, allow ? ulong.MaxValue : 0UL);
        AllCommandsBase = allow;
        _firstArgs = null;
        _rules.Clear();
    }

    private string? AddKeyPattern(string op)
    {
        var access = KeyAccess.All;
        int at = 1;
        if (op[0] == '%')
        {
            access = KeyAccess.None;
            for (; at < op.Length && op[at] != '~'; at++)
            {
                if (op[at] is 'R' or 'r') access |= KeyAccess.Read;
                else if (op[at] is 'W' or 'w') access |= KeyAccess.Write;
                else return AclErrors.Syntax;
            }
            if (access == KeyAccess.None || at == op.Length) return AclErrors.Syntax;
            at++;
        }
        string pattern = op[at..];
        if (AllKeys) return AclErrors.PatternAfterAllKeys;
        if (pattern == "*" && access == KeyAccess.All)
        {
            AllKeys = true;
            _keys.Clear();
            return null;
        }
        var bytes = Encoding.UTF8.GetBytes(pattern);
        for (int i = 0; i < _keys.Count; i++)
        {
            if (!_keys[i].Pattern.AsSpan().SequenceEqual(bytes)) continue;
            _keys[i] = _keys[i] with { Access = _keys[i].Access | access };
            return null;
        }
        _keys.Add(new AclKeyPattern(bytes, access));
        return null;
    }

    private string? AddChannel(string pattern)
    {
        if (AllChannels) return AclErrors.PatternAfterAllChannels;
        if (pattern == "*")
        {
            AllChannels = true;
            _channels.Clear();
            return null;
        }
        var bytes = Encoding.UTF8.GetBytes(pattern);
        foreach (var existing in _channels)
        {
            if (existing.AsSpan().SequenceEqual(bytes)) return null;
        }
        _channels.Add(bytes);
        return null;
    }

    /// <summary>+cmd, -cmd, +cmd|sub, -cmd|sub, +cmd|firstarg, +@category, -@category.</summary>
    private string? ApplyCommandRule(string op, bool record)
    {
        bool allow = op[0] == '+';
        string name = op[1..].ToLowerInvariant();
        if (name.StartsWith('@'))
        {
            int category = CommandCategories.IndexOf(name.AsSpan(1));
            if (category < 0) return AclErrors.UnknownCommand;
            Record(name, allow, record, coveredBy: def => _index.InCategory(def, category), apply: s => s.SetCategory(category, allow));
            return null;
        }
        int bar = name.IndexOf('|');
        var def = _index.Find(name);
        if (def is null && bar > 0 && _index.Find(name[..bar]) is { Subcommands: null } parent && bar + 1 < name.Length && name.IndexOf('|', bar + 1) < 0)
        {
            // Redis 7.0 still accepts "+select|0": one first argument allowed for a command without subcommands.
            if (!allow) return AclErrors.UnknownCommand;
            string firstArg = name[(bar + 1)..];
            Record(name, allow, record, coveredBy: _ => false, apply: s => s.AddFirstArg(parent, firstArg));
            return null;
        }
        if (def is null) return AclErrors.UnknownCommand;
        Record(name, allow, record, coveredBy: other => other == def || _index.Parent[other.Id] == def, apply: s => s.SetCommand(def, allow));
        return null;
    }

    /// <summary>
    /// Applies a command rule and records it for ACL LIST: an earlier rule it overrides (the same name, or a command the
    /// category or parent covers) is dropped, and the rule itself is kept only when it changes what the remaining rules
    /// allow, so "+get -get" lists as "-@all", as in Redis.
    /// </summary>
    private void Record(string name, bool allow, bool record, Func<CommandDef, bool> coveredBy, Action<AclSelector> apply)
    {
        if (!record)
        {
            apply(this);
            return;
        }
        var kept = new List<string>(_rules.Count);
        foreach (var rule in _rules)
        {
            string ruleName = rule[1..];
            if (ruleName == name) continue;
            if (!ruleName.StartsWith('@') && _index.Find(ruleName) is { } covered && coveredBy(covered)) continue;
            kept.Add(rule);
        }
        var before = Replay(kept);
        apply(this);
        var after = before.Clone();
        apply(after);
        _rules = kept;
        if (!after.SameCommands(before)) _rules.Add((allow ? "+" : "-") + name);
    }

    private AclSelector Replay(List<string> rules)
    {
        var replay = new AclSelector(_index, false);
        replay.SetAll(AllCommandsBase);
        foreach (var rule in rules) replay.ApplyCommandRule(rule, record: false);
        return replay;
    }

    private bool SameCommands(AclSelector other)
    {
        if (!_allowed.AsSpan().SequenceEqual(other._allowed)) return false;
        int mine = _firstArgs?.Count ?? 0, theirs = other._firstArgs?.Count ?? 0;
        if (mine != theirs) return false;
        if (_firstArgs is null) return true;
        foreach (var (id, args) in _firstArgs)
        {
            if (!other._firstArgs!.TryGetValue(id, out var otherArgs) || otherArgs.Count != args.Count) return false;
        }
        return true;
    }

    private void SetCategory(int category, bool allow)
    {
        foreach (var def in _index.All)
        {
            if (_index.InCategory(def, category)) SetBit(def.Id, allow);
        }
    }

    private void SetCommand(CommandDef def, bool allow)
    {
        SetBit(def.Id, allow);
        _firstArgs?.Remove(def.Id);
        if (def.Subcommands is null) return;
        foreach (var sub in def.Subcommands) SetBit(sub.Id, allow);
    }

    private void AddFirstArg(CommandDef def, string firstArg)
    {
        if (IsAllowed(def.Id)) return;
        _firstArgs ??= [];
        if (!_firstArgs.TryGetValue(def.Id, out var list)) _firstArgs[def.Id] = list = [];
        if (!list.Contains(firstArg)) list.Add(firstArg);
    }

    private void SetBit(int id, bool allow)
    {
        if (allow) _allowed[id >> 6] |= 1UL << (id & 63);
        else _allowed[id >> 6] &= ~(1UL << (id & 63));
    }

    private static Dictionary<int, List<string>> CloneFirstArgs(Dictionary<int, List<string>> source)
    {
        var copy = new Dictionary<int, List<string>>(source.Count);
        foreach (var (id, list) in source) copy[id] = [.. list];
        return copy;
    }

    /// <summary>As ACL LIST prints a selector: keys, channels, then the command rules.</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        string keys = DescribeKeys();
        if (keys.Length > 0) sb.Append(keys).Append(' ');
        if (AllChannels) sb.Append("&* ");
        else
        {
            sb.Append("resetchannels ");
            foreach (var channel in _channels) sb.Append('&').Append(Encoding.UTF8.GetString(channel)).Append(' ');
        }
        sb.Append(DescribeCommands());
        return sb.ToString();
    }

    public string DescribeKeys()
    {
        if (AllKeys) return "~*";
        var parts = new string[_keys.Count];
        for (int i = 0; i < parts.Length; i++) parts[i] = _keys[i].Describe();
        return string.Join(' ', parts);
    }

    public string DescribeChannels()
    {
        if (AllChannels) return "&*";
        var parts = new string[_channels.Count];
        for (int i = 0; i < parts.Length; i++) parts[i] = "&" + Encoding.UTF8.GetString(_channels[i]);
        return string.Join(' ', parts);
    }

    public string DescribeCommands() => _rules.Count == 0
        ? (AllCommandsBase ? "+@all" : "-@all")
        : (AllCommandsBase ? "+@all " : "-@all ") + string.Join(' ', _rules);

    /// <summary>
    /// Redis's ACLSelectorCheckCmd: the command bit (or an allowed first argument), then each key with the access the
    /// command needs, then each published or subscribed channel. <paramref name="argIndex"/> names the refused key or
    /// channel.
    /// </summary>
    public AclDenial Check(CommandDef def, CommandArgs args, out int argIndex)
    {
        argIndex = 0;
        if (!IsAllowed(def.Id) && (def.Flags & CommandFlags.NoAuth) == 0 && !FirstArgAllowed(def, args)) return AclDenial.Command;
        // The shard channel commands name their channels as keys for cluster routing only; ACL checks them as channels.
        if (!AllKeys && (def.Flags & CommandFlags.PubSub) == 0)
        {
            var keys = FastNode.Server.Cluster.CommandKeys.Of(def, args);
            int ordinal = 0;
            while (keys.MoveNext(out int index))
            {
                var need = AclKeyAccess.Needed(def, args, index, ordinal++);
                if (!KeyAllowed(args[index], need))
                {
                    argIndex = index;
                    return AclDenial.Key;
                }
            }
            if (ScriptKeysRefused(def, args, out argIndex)) return AclDenial.Key;
        }
        if (!AllChannels && AclChannels.Check(this, def, args, out argIndex) is AclDenial.Channel) return AclDenial.Channel;
        return AclDenial.None;
    }

    /// <summary>EVAL/EVALSHA/FCALL and their _RO forms: the numkeys keys declared after the script (read and write, or read).</summary>
    private bool ScriptKeysRefused(CommandDef def, CommandArgs args, out int argIndex)
    {
        argIndex = 0;
        if (def.Group != "scripting" || (def.Flags & CommandFlags.MovableKeys) == 0 || args.Count < 3) return false;
        if (!Numbers.TryParseInt64(args[2], out long numKeys) || numKeys <= 0 || numKeys > args.Count - 3) return false;
        var need = def.FullName.EndsWith("_ro", StringComparison.Ordinal) ? KeyAccess.Read : KeyAccess.All;
        for (int i = 3; i < 3 + numKeys; i++)
        {
            if (KeyAllowed(args[i], need)) continue;
            argIndex = i;
            return true;
        }
        return false;
    }

    private bool FirstArgAllowed(CommandDef def, CommandArgs args)
    {
        if (_firstArgs is null || args.Count < 2 || !_firstArgs.TryGetValue(def.Id, out var list)) return false;
        foreach (var arg in list)
        {
            if (FastNode.Server.Commands.Ascii.EqualsIgnoreCase(args[1], Encoding.UTF8.GetBytes(arg))) return true;
        }
        return false;
    }

    public bool KeyAllowed(ReadOnlySpan<byte> key, KeyAccess need)
    {
        if (AllKeys) return true;
        foreach (var pattern in _keys)
        {
            if ((pattern.Access & need) == need && GlobMatcher.IsMatch(pattern.Pattern, key)) return true;
        }
        return false;
    }

    /// <summary>A published or subscribed channel; a PSUBSCRIBE pattern must equal a listed pattern, as in Redis.</summary>
    public bool ChannelAllowed(ReadOnlySpan<byte> channel, bool isPattern)
    {
        if (AllChannels) return true;
        foreach (var allowed in _channels)
        {
            if (isPattern ? allowed.AsSpan().SequenceEqual(channel) : GlobMatcher.IsMatch(allowed, channel)) return true;
        }
        return false;
    }

    /// <summary>Whether every key and every channel is allowed (SORT BY/GET need full key access in Redis 7.0).</summary>
    public bool HasFullKeyAccess => AllKeys;
}

/// <summary>Why a command was refused, in Redis's order of relevance (a later kind is reported over an earlier one).</summary>
public enum AclDenial
{
    None = 0,
    Command = 1,
    Key = 2,
    Auth = 3,
    Channel = 4,
}
