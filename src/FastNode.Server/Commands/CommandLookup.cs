using System.Runtime.CompilerServices;

namespace FastNode.Server.Commands;

/// <summary>
/// Case-insensitive name -> command lookup over raw bytes, built once at start-up. An open-addressed table
/// probed by an ASCII-case-folded FNV hash: no string, no upper-cased copy, no allocation per lookup.
/// </summary>
public sealed class CommandLookup
{
    private readonly CommandDef?[] _slots;
    private readonly byte[][] _names;
    private readonly int _mask;

    public CommandLookup(IReadOnlyList<CommandDef> commands)
    {
        int size = 16;
        while (size < commands.Count * 4) size <<= 1;
        _slots = new CommandDef?[size];
        _names = new byte[size][];
        _mask = size - 1;
        foreach (var def in commands)
        {
            var name = System.Text.Encoding.ASCII.GetBytes(def.Name.ToUpperInvariant());
            int i = (int)(Hash(name) & (uint)_mask);
            while (_slots[i] is not null)
            {
                if (_names[i].AsSpan().SequenceEqual(name)) throw new InvalidOperationException($"duplicate command {def.Name}");
                i = (i + 1) & _mask;
            }
            _slots[i] = def;
            _names[i] = name;
        }
    }

    public CommandDef? Find(ReadOnlySpan<byte> name)
    {
        if (name.Length > 64) return null;
        int i = (int)(Hash(name) & (uint)_mask);
        while (true)
        {
            var def = _slots[i];
            if (def is null) return null;
            if (EqualsIgnoreCase(_names[i], name)) return def;
            i = (i + 1) & _mask;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Hash(ReadOnlySpan<byte> name)
    {
        uint h = 2166136261;
        foreach (byte b in name) h = (h ^ (uint)(b & 0xDF)) * 16777619;
        return h;
    }

    /// <summary>Compares with an upper-case stored name; folding with 0xDF is exact for letters, and the byte
    /// compare below rejects the non-letters that folding would confuse.</summary>
    private static bool EqualsIgnoreCase(ReadOnlySpan<byte> upper, ReadOnlySpan<byte> candidate)
    {
        if (upper.Length != candidate.Length) return false;
        for (int i = 0; i < upper.Length; i++)
        {
            byte c = candidate[i];
            if (c == upper[i]) continue;
            if ((uint)(c - 'a') <= 'z' - 'a' && (byte)(c - 32) == upper[i]) continue;
            return false;
        }
        return true;
    }
}
