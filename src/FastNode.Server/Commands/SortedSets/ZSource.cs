using FastNode.Server.Storage.Sets;
using FastNode.Server.Storage.SortedSets;

namespace FastNode.Server.Commands.SortedSets;

/// <summary>
/// One input of ZUNION/ZINTER/ZDIFF(STORE)/ZINTERCARD: a sorted set, a plain set (every member scores 1, as in
/// Redis), or a missing key (empty); with its WEIGHTS multiplier. Valid while the input's shard lock is held.
/// </summary>
internal struct ZSource
{
    public SortedSetValue? Zset;
    public SetValue? Set;
    public double Weight;

    public readonly int Count => Zset?.Count ?? Set?.Count ?? 0;

    public readonly bool TryGetScore(ReadOnlySpan<byte> member, out double score)
    {
        score = 1.0;
        if (Zset is not null) return Zset.TryGetScore(member, out score);
        return Set is not null && Set.Contains(member);
    }
}
