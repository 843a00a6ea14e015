namespace FastNode.Protocol;

/// <summary>
/// The arguments of one command, as slices of the buffer it was parsed from (no copies).
/// Valid until the connection advances its input past the command, i.e. only while the command executes.
/// Index 0 is the command name.
/// </summary>
public readonly ref struct CommandArgs
{
    private readonly ReadOnlySpan<byte> _source;
    private readonly ReadOnlySpan<ArgRange> _ranges;

    public CommandArgs(ReadOnlySpan<byte> source, ReadOnlySpan<ArgRange> ranges)
    {
        _source = source;
        _ranges = ranges;
    }

    public int Count => _ranges.Length;

    public ReadOnlySpan<byte> this[int index]
    {
        get
        {
            var range = _ranges[index];
            return _source.Slice(range.Offset, range.Length);
        }
    }

    /// <summary>The arguments from <paramref name="start"/> on, still sharing the same buffer.</summary>
    public CommandArgs Skip(int start) => new(_source, _ranges.Slice(start));

    /// <summary><paramref name="count"/> arguments from <paramref name="start"/> on, still sharing the same buffer.</summary>
    public CommandArgs Slice(int start, int count) => new(_source, _ranges.Slice(start, count));
}
