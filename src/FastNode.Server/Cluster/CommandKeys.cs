using FastNode.Protocol;
using FastNode.Server.Commands;

namespace FastNode.Server.Cluster;

/// <summary>
/// The argument positions of a command's keys, for cluster routing: the table's fixed range (first, last, step), plus,
/// for MOVABLE_KEYS commands, the keys their arguments locate (Redis's getkeys procedures): a numkeys count
/// (ZUNIONSTORE's sources, ZUNION/ZINTER/ZDIFF/ZINTERCARD, SINTERCARD, LMPOP/ZMPOP, BLMPOP/BZMPOP after the timeout)
/// or MIGRATE's KEYS list. A malformed count yields no movable keys; the command then fails on its own.
/// A struct walked with <see cref="MoveNext"/>: no allocation.
/// </summary>
public struct CommandKeys
{
    private int _next, _last, _step;          // the range being walked
    private int _movableFirst, _movableLast;  // the second range (0, -1 when none)
    private bool _onMovable;

    public static CommandKeys Of(CommandDef def, CommandArgs args)
    {
        var keys = new CommandKeys { _next = 1, _last = 0, _step = 1, _movableFirst = 0, _movableLast = -1 };
        if (def.FirstKey > 0 && def.FirstKey < args.Count)
        {
            keys._next = def.FirstKey;
            keys._last = def.LastKey < 0 ? args.Count + def.LastKey : Math.Min(def.LastKey, args.Count - 1);
            keys._step = Math.Max(1, def.Step);
        }
        if ((def.Flags & CommandFlags.MovableKeys) != 0 || def.Name == "SINTERCARD") keys.AddMovable(def.Name, args);
        return keys;
    }

    /// <summary>Whether the command names any key at all.</summary>
    public readonly bool Any => _next <= _last || _movableFirst <= _movableLast;

    /// <summary>The next key's argument index.</summary>
    public bool MoveNext(out int index)
    {
        if (_next > _last && !_onMovable && _movableFirst <= _movableLast)
        {
            _onMovable = true;
            _next = _movableFirst;
            _last = _movableLast;
            _step = 1;
        }
        if (_next > _last)
        {
            index = 0;
            return false;
        }
        index = _next;
        _next += _step;
        return true;
    }

    private void AddMovable(string name, CommandArgs args)
    {
        switch (name)
        {
            case "ZUNIONSTORE" or "ZINTERSTORE" or "ZDIFFSTORE" or "BLMPOP" or "BZMPOP":
                Counted(args, countAt: 2);
                break;
            case "ZUNION" or "ZINTER" or "ZDIFF" or "ZINTERCARD" or "SINTERCARD" or "LMPOP" or "ZMPOP":
                Counted(args, countAt: 1);
                break;
            case "GEORADIUS" or "GEORADIUSBYMEMBER":
                // The last STORE/STOREDIST's argument, searched from argument 5 as Redis's georadiusGetKeys does.
                LastKeyAfter(args, 5, "STORE"u8, "STOREDIST"u8);
                break;
            case "SORT":
                SortStoreKey(args);
                break;
            case "RL.MULTI" when args.Count > 3:
                // The first limit's key (RL.MULTI n type key ...) routes the command; the handler refuses the others
                // with CROSSSLOT unless they share its slot (their positions depend on each limit's options).
                _movableFirst = 3;
                _movableLast = 3;
                break;
            case "MIGRATE":
                // MIGRATE host port "" db timeout ... KEYS k1 k2: the keys follow KEYS, and "" is no key.
                for (int i = 6; i < args.Count; i++)
                {
                    if (!Ascii.EqualsIgnoreCase(args[i], "KEYS"u8) || args[3].Length != 0) continue;
                    _next = 1;
                    _last = 0;
                    _movableFirst = i + 1;
                    _movableLast = args.Count - 1;
                    break;
                }
                break;
        }
    }

    private void LastKeyAfter(CommandArgs args, int from, ReadOnlySpan<byte> keyword, ReadOnlySpan<byte> otherKeyword)
    {
        for (int i = from; i + 1 < args.Count; i++)
        {
            if (!Ascii.EqualsIgnoreCase(args[i], keyword) && !Ascii.EqualsIgnoreCase(args[i], otherKeyword)) continue;
            _movableFirst = _movableLast = i + 1;
            i++;
        }
    }

    /// <summary>SORT's last STORE key, skipping LIMIT's two and GET's and BY's one argument (Redis's sortGetKeys).</summary>
    private void SortStoreKey(CommandArgs args)
    {
        for (int i = 2; i < args.Count; i++)
        {
            if (Ascii.EqualsIgnoreCase(args[i], "LIMIT"u8)) i += 2;
            else if (Ascii.EqualsIgnoreCase(args[i], "GET"u8) || Ascii.EqualsIgnoreCase(args[i], "BY"u8)) i++;
            else if (Ascii.EqualsIgnoreCase(args[i], "STORE"u8) && i + 1 < args.Count) _movableFirst = _movableLast = i + 1;
        }
    }

    private void Counted(CommandArgs args, int countAt)
    {
        if (countAt >= args.Count || !Numbers.TryParseInt64(args[countAt], out long count) || count <= 0
            || count > args.Count - countAt - 1)
        {
            return;
        }
        _movableFirst = countAt + 1;
        _movableLast = countAt + (int)count;
    }
}
