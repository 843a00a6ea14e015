using System.Runtime.CompilerServices;

namespace FastNode.Server.Storage.SortedSets;

/// <summary>
/// The rightmost node visited at each level while searching the skip list, and its rank: what an insert or delete
/// must patch. An inline array, so a search needs no allocation (it lives on the stack).
/// </summary>
[InlineArray(SkipList.MaxLevel)]
internal struct SkipPath
{
    private SkipNode? _node;
}
