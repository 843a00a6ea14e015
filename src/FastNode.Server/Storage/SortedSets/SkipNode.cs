namespace FastNode.Server.Storage.SortedSets;

/// <summary>
/// One member of a large sorted set: a node of the <see cref="SkipList"/> (ordered by score, then member bytes) and,
/// through <see cref="HashNext"/>, of its member index (an intrusive hash table, so a member costs one object besides
/// its bytes). Level 0 is inline because three nodes in four have no other level; higher levels live in
/// <see cref="Upper"/>. Only touched with the owning key's shard lock held.
/// </summary>
public sealed class SkipNode
{
    internal SkipNode(byte[] member, double score, int level)
    {
        Member = member;
        Score = score;
        if (level > 1) Upper = new SkipLevel[level - 1];
    }

    /// <summary>The member bytes, owned by the set.</summary>
    public byte[] Member { get; }

    public double Score { get; internal set; }

    /// <summary>The previous node at level 0 (null for the first node).</summary>
    internal SkipNode? Backward;

    /// <summary>Level 0: the next node and how many nodes that step skips (always 1 unless the next is null).</summary>
    internal SkipNode? Next0;
    internal int Span0;

    /// <summary>Levels 1 and up (index i holds level i + 1), or null for a level-1 node.</summary>
    internal readonly SkipLevel[]? Upper;

    /// <summary>Next node in the same member-index bucket.</summary>
    internal SkipNode? HashNext;

    /// <summary>Hash of <see cref="Member"/>, kept so the index can grow without rehashing bytes.</summary>
    internal uint Hash;

    internal int Level => Upper is null ? 1 : Upper.Length + 1;

    /// <summary>The next node in ascending order, or null.</summary>
    public SkipNode? Next => Next0;

    /// <summary>The previous node in ascending order, or null.</summary>
    public SkipNode? Previous => Backward;
}
