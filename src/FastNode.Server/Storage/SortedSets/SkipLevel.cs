namespace FastNode.Server.Storage.SortedSets;

/// <summary>One express lane of a <see cref="SkipNode"/>: the next node at that level and how many level-0 steps it skips.</summary>
internal struct SkipLevel
{
    public SkipNode? Forward;
    public int Span;
}
