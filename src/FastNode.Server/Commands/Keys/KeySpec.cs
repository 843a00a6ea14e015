namespace FastNode.Server.Commands.Keys;

/// <summary>
/// One key specification of a command, as COMMAND INFO describes it (Redis 7.0): where the search starts (a fixed
/// index, or after a keyword searched from an index, backwards when negative), how the keys are found from there (a
/// range up to a last key, or a count argument), and the flags of the keys it finds.
/// </summary>
internal sealed class KeySpec(string flags, (int Index, string? Keyword) begin, (KeySpec.Find Kind, int A, int B, int C) find)
{
    public enum Find { Range, KeyNum, Unknown }

    /// <summary>The flags as GETKEYSANDFLAGS lists them ("RW", "access", ...), without the spec-only ones.</summary>
    public string[] Flags { get; } = Array.FindAll(flags.Split(' '), f => f is not ("variable_flags" or "incomplete"));

    /// <summary>The spec may miss keys or give wrong flags: a command-specific search decides instead.</summary>
    public bool Unreliable { get; } = flags.Contains("variable_flags") || flags.Contains("incomplete");

    public bool NotKey { get; } = flags.Contains("not_key");

    /// <summary>First argument searched (index search), or where the keyword search starts (keyword search).</summary>
    public int BeginIndex { get; } = begin.Index;

    /// <summary>The keyword after which the keys start; null for an index search.</summary>
    public byte[]? SearchKeyword { get; } = begin.Keyword is null ? null : System.Text.Encoding.ASCII.GetBytes(begin.Keyword);

    public bool UnknownBegin { get; } = begin.Index == int.MinValue;

    public Find FindKind { get; } = find.Kind;

    /// <summary>Range: last key (relative to the first; negative from the end), step, limit. KeyNum: count index, first key, step.</summary>
    public int A { get; } = find.A;
    public int B { get; } = find.B;
    public int C { get; } = find.C;

    public static (int, string?) Index(int index) => (index, null);
    public static (int, string?) Keyword(string keyword, int startFrom) => (startFrom, keyword);
    public static readonly (int, string?) BeginUnknown = (int.MinValue, null);
    public static (Find, int, int, int) Range(int lastKey, int keyStep, int limit) => (Find.Range, lastKey, keyStep, limit);
    public static (Find, int, int, int) KeyNum(int keyNumIndex, int firstKey, int keyStep) => (Find.KeyNum, keyNumIndex, firstKey, keyStep);
    public static readonly (Find, int, int, int) FindUnknown = (Find.Unknown, 0, 0, 0);
}
