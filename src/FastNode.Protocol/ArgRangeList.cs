namespace FastNode.Protocol;

/// <summary>
/// A reusable list of argument ranges, owned by one connection. It grows only as arguments actually arrive,
/// so a request that merely announces a million arguments costs nothing until their bytes do.
/// </summary>
public sealed class ArgRangeList
{
    private ArgRange[] _items = new ArgRange[16];
    private int _count;

    public int Count => _count;

    public ReadOnlySpan<ArgRange> AsSpan() => _items.AsSpan(0, _count);

    public void Clear() => _count = 0;

    public void Add(ArgRange range)
    {
        if (_count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
        _items[_count++] = range;
    }

    /// <summary>
    /// Drops a large array left by one huge command, so an idle connection does not keep it. The ranges held now are
    /// kept (a request may be half parsed), so this is safe to call at any point.
    /// </summary>
    public void TrimExcess(int keep = 1024)
    {
        if (_items.Length > keep && _count <= keep) Array.Resize(ref _items, Math.Max(16, _count));
    }
}
