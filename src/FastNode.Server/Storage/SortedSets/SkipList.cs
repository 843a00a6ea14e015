using System.Numerics;
using System.Runtime.CompilerServices;

namespace FastNode.Server.Storage.SortedSets;

/// <summary>
/// The large encoding of a sorted set ("skiplist"): Pugh's skip list with spans, so rank queries and range starts
/// cost O(log n) and a range of m members O(log n + m), plus a <see cref="MemberIndex"/> for O(1) member lookups.
/// Order: score, then member bytes (memcmp, shorter first). Levels are drawn with p = 1/4, at most
/// <see cref="MaxLevel"/>, as in Redis.
///
/// What must stay true:
/// 1. Span(n, i) is the number of level-0 steps from n to its level-i successor; for the last node of a level it
///    is the distance to the end of the list, so summing spans along a search path gives ranks.
/// 2. Ranks here are 1-based (the header is rank 0); <see cref="SortedSetValue"/> converts to Redis's 0-based ranks.
/// 3. Not thread-safe: the owning key's shard lock is held for every call.
/// </summary>
public sealed class SkipList
{
    public const int MaxLevel = 32;

    private readonly SkipNode _header = new([], 0, MaxLevel);
    private readonly MemberIndex _index = new();
    private SkipNode? _tail;
    private int _length;
    private int _level = 1;

    public int Count => _length;

    public SkipNode? First => _header.Next0;

    public SkipNode? Last => _tail;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref SkipNode? Forward(SkipNode node, int level) =>
        ref level == 0 ? ref node.Next0 : ref node.Upper![level - 1].Forward;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref int Span(SkipNode node, int level) =>
        ref level == 0 ? ref node.Span0 : ref node.Upper![level - 1].Span;

    /// <summary>True when <paramref name="node"/> sorts before (score, member).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Before(SkipNode node, double score, ReadOnlySpan<byte> member) =>
        node.Score < score || (node.Score == score && node.Member.AsSpan().SequenceCompareTo(member) < 0);

    /// <summary>1 + the number of pairs of zero bits: level k+1 has probability (1/4)^k, capped at <see cref="MaxLevel"/>.</summary>
    private static int RandomLevel()
    {
        ulong bits = (ulong)Random.Shared.NextInt64() | (1UL << 62);
        return 1 + BitOperations.TrailingZeroCount(bits) / 2;
    }

    public SkipNode? Find(ReadOnlySpan<byte> member) => _index.Find(member);

    /// <summary>Adds a member known to be absent; the list takes ownership of <paramref name="member"/>.</summary>
    public SkipNode Insert(byte[] member, double score)
    {
        var node = new SkipNode(member, score, RandomLevel());
        Link(node);
        _index.Add(node);
        return node;
    }

    /// <summary>Presizes the member index (conversion from the packed encoding).</summary>
    public void Reserve(int count) => _index.Reserve(count);

    public void Delete(SkipNode node)
    {
        SkipPath path = default;
        FindPath(node, ref path);
        Unlink(node, ref path);
        _index.Remove(node);
    }

    /// <summary>Changes a node's score; moves it only when its neighbours no longer bracket the new score (no allocation).</summary>
    public void UpdateScore(SkipNode node, double score)
    {
        if ((node.Backward is null || node.Backward.Score < score) && (node.Next0 is null || node.Next0.Score > score))
        {
            node.Score = score;
            return;
        }
        SkipPath path = default;
        FindPath(node, ref path);
        Unlink(node, ref path);
        node.Score = score;
        Link(node);
    }

    private void FindPath(SkipNode target, ref SkipPath path)
    {
        var node = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (Forward(node, i) is { } next && Before(next, target.Score, target.Member)) node = next;
            path[i] = node;
        }
    }

    private void Link(SkipNode x)
    {
        SkipPath path = default;
        SkipRanks rank = default;
        var node = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            rank[i] = i == _level - 1 ? 0 : rank[i + 1];
            while (Forward(node, i) is { } next && Before(next, x.Score, x.Member))
            {
                rank[i] += Span(node, i);
                node = next;
            }
            path[i] = node;
        }
        int level = x.Level;
        if (level > _level)
        {
            for (int i = _level; i < level; i++)
            {
                rank[i] = 0;
                path[i] = _header;
                Span(_header, i) = _length;
            }
            _level = level;
        }
        for (int i = 0; i < level; i++)
        {
            var before = path[i]!;
            Forward(x, i) = Forward(before, i);
            Forward(before, i) = x;
            Span(x, i) = Span(before, i) - (rank[0] - rank[i]);
            Span(before, i) = rank[0] - rank[i] + 1;
        }
        for (int i = level; i < _level; i++) Span(path[i]!, i)++;
        x.Backward = path[0] == _header ? null : path[0];
        if (x.Next0 is { } after) after.Backward = x;
        else _tail = x;
        _length++;
    }

    /// <summary>Takes a node out of the list (not the index); <paramref name="path"/> holds its predecessors.</summary>
    private void Unlink(SkipNode x, ref SkipPath path)
    {
        for (int i = 0; i < _level; i++)
        {
            var before = path[i]!;
            if (Forward(before, i) == x)
            {
                Span(before, i) += Span(x, i) - 1;
                Forward(before, i) = Forward(x, i);
            }
            else
            {
                Span(before, i) -= 1;
            }
        }
        if (x.Next0 is { } after) after.Backward = x.Backward;
        else _tail = x.Backward;
        while (_level > 1 && Forward(_header, _level - 1) is null) _level--;
        _length--;
    }

    /// <summary>1-based rank of a node of this list.</summary>
    public int RankOf(SkipNode target)
    {
        int rank = 0;
        var node = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (Forward(node, i) is { } next
                && (next.Score < target.Score || (next.Score == target.Score && next.Member.AsSpan().SequenceCompareTo(target.Member) <= 0)))
            {
                rank += Span(node, i);
                node = next;
            }
            if (node == target) return rank;
        }
        return 0;
    }

    /// <summary>The node at a 1-based rank, or null when out of range.</summary>
    public SkipNode? ByRank(int rank)
    {
        if (rank < 1 || rank > _length) return null;
        int traversed = 0;
        var node = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (Forward(node, i) is { } next && traversed + Span(node, i) <= rank)
            {
                traversed += Span(node, i);
                node = next;
            }
            if (traversed == rank) return node;
        }
        return null;
    }

    /// <summary>How many nodes a search skips before the first one at or above the range's minimum.</summary>
    public int CountBelow(in ScoreRange range)
    {
        int rank = 0;
        var node = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (Forward(node, i) is { } next && !range.AboveMin(next.Score))
            {
                rank += Span(node, i);
                node = next;
            }
        }
        return rank;
    }

    /// <summary>How many nodes a search passes while they are at or below the range's maximum.</summary>
    public int CountNotAbove(in ScoreRange range)
    {
        int rank = 0;
        var node = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (Forward(node, i) is { } next && range.BelowMax(next.Score))
            {
                rank += Span(node, i);
                node = next;
            }
        }
        return rank;
    }

    /// <summary>Lex counterpart of <see cref="CountBelow(in ScoreRange)"/> (meaningful when all scores are equal).</summary>
    public int CountBelow(scoped in LexRange range)
    {
        int rank = 0;
        var node = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (Forward(node, i) is { } next && !range.AboveMin(next.Member))
            {
                rank += Span(node, i);
                node = next;
            }
        }
        return rank;
    }

    /// <summary>Lex counterpart of <see cref="CountNotAbove(in ScoreRange)"/>.</summary>
    public int CountNotAbove(scoped in LexRange range)
    {
        int rank = 0;
        var node = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (Forward(node, i) is { } next && range.BelowMax(next.Member))
            {
                rank += Span(node, i);
                node = next;
            }
        }
        return rank;
    }

    /// <summary>Deletes the nodes of 1-based ranks <paramref name="start"/>..<paramref name="end"/>: O(log n + m).</summary>
    public int DeleteRankRange(int start, int end)
    {
        SkipPath path = default;
        int traversed = 0;
        var node = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (Forward(node, i) is { } next && traversed + Span(node, i) < start)
            {
                traversed += Span(node, i);
                node = next;
            }
            path[i] = node;
        }
        // The predecessors stay the same while the nodes right after them are deleted one by one.
        int removed = 0;
        var x = node.Next0;
        for (traversed++; x is not null && traversed <= end; traversed++)
        {
            var next = x.Next0;
            Unlink(x, ref path);
            _index.Remove(x);
            removed++;
            x = next;
        }
        return removed;
    }

    public ulong Scan<TVisitor>(ulong cursor, int count, ref TVisitor visitor) where TVisitor : struct, ISkipNodeVisitor, allows ref struct =>
        _index.Scan(cursor, count, ref visitor);
}
