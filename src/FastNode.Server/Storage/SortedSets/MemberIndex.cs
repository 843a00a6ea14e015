using System.Buffers.Binary;

namespace FastNode.Server.Storage.SortedSets;

/// <summary>
/// Member → node lookup for a <see cref="SkipList"/>: a chained hash table whose chains run through the nodes
/// themselves (<see cref="SkipNode.HashNext"/>), so it costs one array slot per bucket and nothing per member.
/// Why not Dictionary: ZSCAN needs Redis's reverse-binary bucket cursor, which returns every member present for the
/// whole scan even when the table grows or shrinks between calls.
///
/// What must stay true: the bucket count is a power of two, at least <see cref="MinBuckets"/>, and at least the
/// member count (load factor ≤ 1); it halves when the load falls under 1/8. Shard lock held for every call.
/// </summary>
internal sealed class MemberIndex
{
    private const int MinBuckets = 4;

    private SkipNode?[] _buckets = new SkipNode?[MinBuckets];
    private int _count;

    public static uint HashOf(ReadOnlySpan<byte> member) => (uint)KeyHasher.Hash(member);

    public SkipNode? Find(ReadOnlySpan<byte> member)
    {
        uint hash = HashOf(member);
        var node = _buckets[hash & (uint)(_buckets.Length - 1)];
        while (node is not null)
        {
            if (node.Hash == hash && member.SequenceEqual(node.Member)) return node;
            node = node.HashNext;
        }
        return null;
    }

    /// <summary>Adds a node whose member is known to be absent.</summary>
    public void Add(SkipNode node)
    {
        if (_count >= _buckets.Length) Resize(_buckets.Length * 2);
        node.Hash = HashOf(node.Member);
        ref var head = ref _buckets[node.Hash & (uint)(_buckets.Length - 1)];
        node.HashNext = head;
        head = node;
        _count++;
    }

    public void Remove(SkipNode node)
    {
        ref var link = ref _buckets[node.Hash & (uint)(_buckets.Length - 1)];
        while (link != node) link = ref link!.HashNext;
        link = node.HashNext;
        node.HashNext = null;
        _count--;
        if (_buckets.Length > MinBuckets && _count * 8 < _buckets.Length) Resize(_buckets.Length / 2);
    }

    /// <summary>Presizes the table for <paramref name="count"/> members (conversion from the packed encoding).</summary>
    public void Reserve(int count)
    {
        int size = _buckets.Length;
        while (size < count) size *= 2;
        if (size != _buckets.Length) Resize(size);
    }

    private void Resize(int size)
    {
        var buckets = new SkipNode?[size];
        uint mask = (uint)size - 1;
        foreach (var head in _buckets)
        {
            var node = head;
            while (node is not null)
            {
                var next = node.HashNext;
                ref var bucket = ref buckets[node.Hash & mask];
                node.HashNext = bucket;
                bucket = node;
                node = next;
            }
        }
        _buckets = buckets;
    }

    /// <summary>
    /// One ZSCAN step from <paramref name="cursor"/>: visits whole buckets until at least <paramref name="count"/>
    /// nodes were seen; returns the next cursor, 0 when done. The reverse-binary increment (Redis dictScan) keeps the
    /// guarantee across resizes between calls (a member may come twice, never zero times).
    /// </summary>
    public ulong Scan<TVisitor>(ulong cursor, int count, ref TVisitor visitor) where TVisitor : struct, ISkipNodeVisitor, allows ref struct
    {
        if (_count == 0) return 0;
        ulong mask = (ulong)_buckets.Length - 1;
        int seen = 0;
        int emptyBudget = Math.Max(count, 1) * 10;
        do
        {
            var node = _buckets[cursor & mask];
            if (node is null) emptyBudget--;
            for (; node is not null; node = node.HashNext)
            {
                visitor.Visit(node);
                seen++;
            }
            cursor |= ~mask;
            cursor = ReverseBits(cursor);
            cursor++;
            cursor = ReverseBits(cursor);
        } while (cursor != 0 && seen < count && emptyBudget > 0);
        return cursor;
    }

    private static ulong ReverseBits(ulong v)
    {
        v = ((v >> 1) & 0x5555555555555555UL) | ((v & 0x5555555555555555UL) << 1);
        v = ((v >> 2) & 0x3333333333333333UL) | ((v & 0x3333333333333333UL) << 2);
        v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FUL) | ((v & 0x0F0F0F0F0F0F0F0FUL) << 4);
        return BinaryPrimitives.ReverseEndianness(v);
    }
}
