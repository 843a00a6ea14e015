namespace FastNode.Server.Storage.SortedSets;

/// <summary>
/// Where a member sits in a <see cref="SortedSetValue"/>: a byte offset while packed, a node once large.
/// Valid until the next change to the set (and only while the shard lock is held).
/// </summary>
public readonly struct SortedSetPosition
{
    internal SortedSetPosition(SkipNode? node, int offset)
    {
        Node = node;
        Offset = offset;
    }

    public static SortedSetPosition None => new(null, -1);

    internal SkipNode? Node { get; }

    internal int Offset { get; }

    /// <summary>False past either end.</summary>
    public bool IsValid => Node is not null || Offset >= 0;
}
