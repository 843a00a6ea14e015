using FastNode.Protocol;

namespace FastNode.Server.Commands.Keys;

/// <summary>
/// COMMAND GETKEYS / GETKEYSANDFLAGS as Redis 7.0 answers them: each key of a command line with the flags of the key
/// specification that found it, in the order of the specs (<see cref="KeySpecTable"/>, generated from redis-server's
/// COMMAND reply by scripts/keyspecs.py). The specs are walked generically; the commands whose specs Redis marks as
/// not telling the whole story (variable flags, incomplete, or an unknown search: SET, BITFIELD, MIGRATE, SORT,
/// SORT_RO) get their own search, as Redis then uses its per-command getkeys procedures. A spec whose search runs out of
/// the arguments (a key count that is not a number, negative, zero or too big) makes the whole line keyless.
/// </summary>
internal static partial class KeySpecs
{
    private static readonly string[] ReadAccess = ["RO", "access"];
    private static readonly string[] OverwriteUpdate = ["OW", "update"];
    private static readonly string[] ReadWriteUpdate = ["RW", "access", "update"];
    private static readonly string[] ReadWriteDelete = ["RW", "access", "delete"];

    /// <summary>The command's key specs (Redis's table); false for commands Redis does not have.</summary>
    public static bool TryFind(CommandDef def, out KeySpec[] specs) => Table.TryGetValue(def.FullName, out specs!);

    /// <summary>Whether the command has a spec for real keys (else GETKEYS says it has no key arguments).</summary>
    public static bool HasKeys(KeySpec[] specs) => Array.Exists(specs, s => !s.NotKey);

    /// <summary>
    /// The keys of the command line <c>args[offset..]</c> (argument 0 the command's name) as (argument index, flags), or
    /// an empty list when it names none (or a search ran out of the arguments).
    /// </summary>
    public static List<(int Index, string[] Flags)> Find(CommandDef def, KeySpec[] specs, CommandArgs args, int offset)
    {
        var keys = new List<(int, string[])>();
        int argc = args.Count - offset;
        if (Array.Exists(specs, s => s.Unreliable || s.UnknownBegin || s.FindKind == KeySpec.Find.Unknown))
        {
            OwnSearch(def.FullName, args, offset, keys);
            return keys;
        }
        foreach (var spec in specs)
        {
            if (spec.NotKey) continue;
            int first;
            if (spec.SearchKeyword is { } keyword)
            {
                first = -1;
                int from = spec.BeginIndex;
                if (from > 0)
                {
                    for (int i = from; i < argc - 1 && first < 0; i++) if (Ascii.EqualsIgnoreCase(args[offset + i], keyword)) first = i + 1;
                }
                else
                {
                    for (int i = argc + from; i > 1 && first < 0; i--) if (i < argc && Ascii.EqualsIgnoreCase(args[offset + i], keyword)) first = i + 1;
                }
                if (first < 0) continue;   // no such keyword: this spec finds nothing
            }
            else first = spec.BeginIndex;

            int last, step;
            if (spec.FindKind == KeySpec.Find.Range)
            {
                int lastKey = spec.A, limit = spec.C;
                if (lastKey >= 0) last = first + lastKey;
                else if (limit == 0) last = argc + lastKey;
                else last = first + (argc - first) / limit + lastKey;
                step = spec.B;
            }
            else
            {
                int countAt = first + spec.A;
                if (countAt >= argc || !Numbers.TryParseInt64(args[offset + countAt], out long count) || count < 0 || count > argc)
                {
                    keys.Clear();
                    return keys;
                }
                first += spec.B;
                last = first + (int)count - 1;
                step = spec.C;
            }
            if (last >= argc || last < first || first >= argc)
            {
                keys.Clear();
                return keys;
            }
            for (int i = first; i <= last; i += Math.Max(1, step)) keys.Add((i, spec.Flags));
        }
        return keys;
    }

    /// <summary>The commands whose specs do not decide (Redis's getkeys procedures for them, by their documented rules).</summary>
    private static void OwnSearch(string name, CommandArgs args, int offset, List<(int, string[])> keys)
    {
        int argc = args.Count - offset;
        switch (name)
        {
            case "set":
            {
                // GET makes SET read the old value.
                bool get = false;
                for (int i = 3; i < argc && !get; i++) get = Ascii.EqualsIgnoreCase(args[offset + i], "GET"u8);
                keys.Add((1, get ? ReadWriteUpdate : OverwriteUpdate));
                break;
            }
            case "bitfield":
            {
                // Read-only while every subcommand is a complete GET or OVERFLOW; anything else (SET, INCRBY, or a
                // syntax error) counts as a write.
                bool writes = false;
                for (int i = 2; i < argc && !writes; i++)
                {
                    int rest = argc - i - 1;
                    if (Ascii.EqualsIgnoreCase(args[offset + i], "GET"u8) && rest >= 2) i += 2;
                    else if (Ascii.EqualsIgnoreCase(args[offset + i], "OVERFLOW"u8) && rest >= 1) i += 1;
                    else writes = true;
                }
                keys.Add((1, writes ? ReadWriteUpdate : ReadAccess));
                break;
            }
            case "migrate":
            {
                // MIGRATE host port key|"" db timeout [COPY] [REPLACE] [AUTH ...] [KEYS k ...]: the keys after KEYS when
                // the key argument is empty.
                int keysAt = -1;
                for (int i = 6; i < argc && keysAt < 0; i++) if (Ascii.EqualsIgnoreCase(args[offset + i], "KEYS"u8)) keysAt = i;
                if (keysAt < 0) keys.Add((3, ReadWriteDelete));
                else if (args[offset + 3].IsEmpty) for (int i = keysAt + 1; i < argc; i++) keys.Add((i, ReadWriteDelete));
                break;
            }
            case "sort":
            {
                keys.Add((1, ReadAccess));
                // The last STORE's key, skipping LIMIT's two arguments and GET's and BY's one.
                int store = -1;
                for (int i = 2; i < argc; i++)
                {
                    if (Ascii.EqualsIgnoreCase(args[offset + i], "LIMIT"u8)) i += 2;
                    else if (Ascii.EqualsIgnoreCase(args[offset + i], "GET"u8) || Ascii.EqualsIgnoreCase(args[offset + i], "BY"u8)) i++;
                    else if (Ascii.EqualsIgnoreCase(args[offset + i], "STORE"u8) && i + 1 < argc) store = i + 1;
                }
                if (store > 0) keys.Add((store, OverwriteUpdate));
                break;
            }
            default:
                // SORT_RO: its first key (BY and GET name patterns, not keys).
                keys.Add((1, ReadAccess));
                break;
        }
    }
}
