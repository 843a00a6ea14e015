using System.Runtime.CompilerServices;

namespace FastNode.Server.Storage.SortedSets;

/// <summary>Ranks (level-0 positions) of the nodes in a <see cref="SkipPath"/>.</summary>
[InlineArray(SkipList.MaxLevel)]
internal struct SkipRanks
{
    private int _rank;
}
