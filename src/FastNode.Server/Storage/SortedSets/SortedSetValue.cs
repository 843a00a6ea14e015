namespace FastNode.Server.Storage.SortedSets;

/// <summary>
/// The value of a sorted-set key. Two encodings, as in Redis 7.0:
/// - packed ("listpack", <see cref="PackedEntries"/>) while it has at most <see cref="MaxPackedEntries"/> members of
///   at most <see cref="MaxPackedLength"/> bytes: one byte[] searched linearly, 6 bytes per member (10 for a
///   non-integer score) plus its bytes;
/// - a <see cref="SkipList"/> with a member index ("skiplist") once it outgrows that; it never converts back,
///   except that the store commands build small results packed, like Redis.
///
/// Ranks are 0-based, in ascending order (score, then member bytes). Every member is called with the key's shard
/// lock held; spans returned point into the storage and are valid only until the next change.
/// </summary>
public sealed class SortedSetValue : ICopyableValue, IObjectEncoding, IMemberCollection
{
    /// <summary>zset-max-listpack-entries (Redis 7.0 default).</summary>
    public const int MaxPackedEntries = 128;

    /// <summary>zset-max-listpack-value (Redis 7.0 default).</summary>
    public const int MaxPackedLength = 64;

    private object _store;   // byte[] while packed, SkipList once large
    private int _used;       // bytes of the packed array in use
    private int _count;      // members while packed

    public SortedSetValue() => _store = Array.Empty<byte>();

    private SortedSetValue(object store, int used, int count)
    {
        _store = store;
        _used = used;
        _count = count;
    }

    /// <summary>
    /// An empty set in the encoding Redis picks for an expected size (zsetTypeCreate): packed unless more than
    /// <see cref="MaxPackedEntries"/> members or a member longer than <see cref="MaxPackedLength"/> are coming.
    /// <paramref name="packedBytes"/> presizes the packed array (0 = grow on demand).
    /// </summary>
    public static SortedSetValue Create(int sizeHint, int maxMemberLength, int packedBytes = 0)
    {
        if (sizeHint > MaxPackedEntries || maxMemberLength > MaxPackedLength) return new SortedSetValue(new SkipList(), 0, 0);
        return new SortedSetValue(packedBytes > 0 ? new byte[packedBytes] : Array.Empty<byte>(), 0, 0);
    }

    /// <summary>Bytes one member takes in the packed encoding (to presize a new key's array exactly).</summary>
    public static int PackedSize(ReadOnlySpan<byte> member, double score) => PackedEntries.Size(member, score);

    public int Count => _store is SkipList list ? list.Count : _count;

    public bool IsPacked => _store is byte[];

    public ReadOnlySpan<byte> ObjectEncoding => _store is byte[] ? "listpack"u8 : "skiplist"u8;

    /// <summary>The skip list of a large set (ZSCAN walks its member index), or null while packed.</summary>
    public SkipList? SkipList => _store as SkipList;

    public object DeepCopy()
    {
        if (_store is byte[] packed) return new SortedSetValue(packed.AsSpan(0, _used).ToArray(), _used, _count);
        var source = (SkipList)_store;
        var copy = new SkipList();
        copy.Reserve(source.Count);
        for (var node = source.First; node is not null; node = node.Next0) copy.Insert(node.Member.AsSpan().ToArray(), node.Score);
        return new SortedSetValue(copy, 0, 0);
    }

    public bool TryGetScore(ReadOnlySpan<byte> member, out double score)
    {
        if (_store is SkipList list)
        {
            var node = list.Find(member);
            score = node?.Score ?? 0;
            return node is not null;
        }
        var packed = (byte[])_store;
        int offset = PackedEntries.Find(packed, _used, member, out _);
        score = offset >= 0 ? PackedEntries.Score(packed, offset) : 0;
        return offset >= 0;
    }

    /// <summary>0-based ascending rank of <paramref name="member"/>, or -1 when absent.</summary>
    public int RankOf(ReadOnlySpan<byte> member, out double score)
    {
        score = 0;
        if (_store is SkipList list)
        {
            var node = list.Find(member);
            if (node is null) return -1;
            score = node.Score;
            return list.RankOf(node) - 1;
        }
        var packed = (byte[])_store;
        int offset = PackedEntries.Find(packed, _used, member, out int rank);
        if (offset < 0) return -1;
        score = PackedEntries.Score(packed, offset);
        return rank;
    }

    /// <summary>
    /// ZADD / ZINCRBY for one element (Redis zsetAdd). <paramref name="newScore"/> is the member's score afterwards
    /// (meaningful unless the outcome is <see cref="ZAddOutcome.Skipped"/> or <see cref="ZAddOutcome.NaN"/>).
    /// Changing an existing member allocates nothing.
    /// </summary>
    public ZAddOutcome Add(ReadOnlySpan<byte> member, double score, ZAddFlags flags, out double newScore)
    {
        newScore = score;
        if (_store is SkipList list)
        {
            var node = list.Find(member);
            if (node is null)
            {
                if ((flags & ZAddFlags.Xx) != 0) return ZAddOutcome.Skipped;
                list.Insert(member.ToArray(), score);
                return ZAddOutcome.Added;
            }
            var outcome = Decide(node.Score, ref newScore, flags);
            if (outcome == ZAddOutcome.Updated) list.UpdateScore(node, newScore);
            return outcome;
        }

        var packed = (byte[])_store;
        int offset = PackedEntries.Find(packed, _used, member, out _);
        if (offset < 0)
        {
            if ((flags & ZAddFlags.Xx) != 0) return ZAddOutcome.Skipped;
            if (_count + 1 > MaxPackedEntries || member.Length > MaxPackedLength)
            {
                ConvertToSkipList();
                ((SkipList)_store).Insert(member.ToArray(), score);
                return ZAddOutcome.Added;
            }
            InsertPacked(member, score);
            return ZAddOutcome.Added;
        }
        var result = Decide(PackedEntries.Score(packed, offset), ref newScore, flags);
        if (result == ZAddOutcome.Updated)
        {
            Span<byte> copy = stackalloc byte[MaxPackedLength];
            var current = PackedEntries.Member(packed, offset);
            current.CopyTo(copy);
            int length = current.Length;
            RemovePackedAt(offset);
            InsertPacked(copy.Slice(0, length), newScore);
        }
        return result;
    }

    /// <summary>What ZADD does to an existing member whose score is <paramref name="current"/>.</summary>
    private static ZAddOutcome Decide(double current, ref double score, ZAddFlags flags)
    {
        if ((flags & ZAddFlags.Nx) != 0) return ZAddOutcome.Skipped;
        if ((flags & ZAddFlags.Incr) != 0)
        {
            score += current;
            if (double.IsNaN(score)) return ZAddOutcome.NaN;
        }
        if (((flags & ZAddFlags.Lt) != 0 && score >= current) || ((flags & ZAddFlags.Gt) != 0 && score <= current))
            return ZAddOutcome.Skipped;
        if (score == current)
        {
            score = current;
            return ZAddOutcome.Unchanged;
        }
        return ZAddOutcome.Updated;
    }

    public bool Remove(ReadOnlySpan<byte> member)
    {
        if (_store is SkipList list)
        {
            var node = list.Find(member);
            if (node is null) return false;
            list.Delete(node);
            return true;
        }
        int offset = PackedEntries.Find((byte[])_store, _used, member, out _);
        if (offset < 0) return false;
        RemovePackedAt(offset);
        return true;
    }

    /// <summary>Deletes 0-based ranks <paramref name="start"/>..<paramref name="end"/> (both in range); returns how many.</summary>
    public int RemoveRankRange(int start, int end)
    {
        if (_store is SkipList list) return list.DeleteRankRange(start + 1, end + 1);
        var packed = (byte[])_store;
        int from = PackedEntries.AtRank(packed, _used, _count, start);
        int to = from;
        for (int i = start; i <= end; i++) to = PackedEntries.Next(packed, to);
        packed.AsSpan(to, _used - to).CopyTo(packed.AsSpan(from));
        _used -= to - from;
        _count -= end - start + 1;
        return end - start + 1;
    }

    // ---- positions (iteration) ----

    /// <summary>The member of 0-based <paramref name="rank"/>, or an invalid position when out of range.</summary>
    public SortedSetPosition AtRank(int rank)
    {
        if ((uint)rank >= (uint)Count) return SortedSetPosition.None;
        if (_store is SkipList list) return new SortedSetPosition(list.ByRank(rank + 1), -1);
        return new SortedSetPosition(null, PackedEntries.AtRank((byte[])_store, _used, _count, rank));
    }

    public SortedSetPosition Next(SortedSetPosition position)
    {
        if (position.Node is { } node) return new SortedSetPosition(node.Next0, -1);
        int next = PackedEntries.Next((byte[])_store, position.Offset);
        return new SortedSetPosition(null, next < _used ? next : -1);
    }

    public SortedSetPosition Previous(SortedSetPosition position)
    {
        if (position.Node is { } node) return new SortedSetPosition(node.Backward, -1);
        return new SortedSetPosition(null, position.Offset == 0 ? -1 : PackedEntries.Previous((byte[])_store, position.Offset));
    }

    public ReadOnlySpan<byte> MemberAt(SortedSetPosition position) =>
        position.Node is { } node ? node.Member : PackedEntries.Member((byte[])_store, position.Offset);

    public double ScoreAt(SortedSetPosition position) =>
        position.Node is { } node ? node.Score : PackedEntries.Score((byte[])_store, position.Offset);

    // ---- ranges as ranks ----

    /// <summary>Rank of the first member at or above the range's minimum (Count when none).</summary>
    public int FirstRank(in ScoreRange range)
    {
        if (_store is SkipList list) return list.CountBelow(range);
        var packed = (byte[])_store;
        int rank = 0;
        for (int offset = 0; offset < _used && !range.AboveMin(PackedEntries.Score(packed, offset)); offset = PackedEntries.Next(packed, offset)) rank++;
        return rank;
    }

    /// <summary>1 + rank of the last member at or below the range's maximum (0 when none).</summary>
    public int EndRank(in ScoreRange range)
    {
        if (_store is SkipList list) return list.CountNotAbove(range);
        var packed = (byte[])_store;
        int rank = 0;
        for (int offset = 0; offset < _used && range.BelowMax(PackedEntries.Score(packed, offset)); offset = PackedEntries.Next(packed, offset)) rank++;
        return rank;
    }

    /// <summary>Where a forward lex walk starts: the first member at or above the minimum (Count when none).</summary>
    public int FirstRank(scoped in LexRange range)
    {
        if (_store is SkipList list) return list.CountBelow(range);
        var packed = (byte[])_store;
        int rank = 0;
        for (int offset = 0; offset < _used && !range.AboveMin(PackedEntries.Member(packed, offset)); offset = PackedEntries.Next(packed, offset)) rank++;
        return rank;
    }

    /// <summary>Where a backward lex walk starts: 1 + rank of the last member at or below the maximum (0 when none).</summary>
    public int EndRank(scoped in LexRange range)
    {
        if (_store is SkipList list) return list.CountNotAbove(range);
        var packed = (byte[])_store;
        int rank = _count;
        for (int offset = _used; rank > 0; rank--)
        {
            offset = PackedEntries.Previous(packed, offset);
            if (range.BelowMax(PackedEntries.Member(packed, offset))) break;
        }
        return rank;
    }

    // ---- lex ranges, exactly as Redis walks them ----
    // Lex ranges are meant for members of one score; on mixed scores Redis's answers depend on where its searches
    // land, so these follow its listpack and skip-list code paths step by step (zzl/zslFirstInLexRange...).

    /// <summary>Redis's zzl/zslIsInLexRange: a range can match only if the last member is above min and the first below max.</summary>
    private bool MayContain(scoped in LexRange range)
    {
        int count = Count;
        if (range.IsEmpty || count == 0) return false;
        return range.AboveMin(MemberAt(AtRank(count - 1))) && range.BelowMax(MemberAt(AtRank(0)));
    }

    /// <summary>Where a forward lex walk starts, or an invalid position when nothing can match.</summary>
    public SortedSetPosition FirstInLex(scoped in LexRange range)
    {
        if (!MayContain(range)) return SortedSetPosition.None;
        var position = AtRank(FirstRank(range));
        return position.IsValid && range.BelowMax(MemberAt(position)) ? position : SortedSetPosition.None;
    }

    /// <summary>Where a backward lex walk starts, or an invalid position when nothing can match.</summary>
    public SortedSetPosition LastInLex(scoped in LexRange range)
    {
        if (!MayContain(range)) return SortedSetPosition.None;
        var position = AtRank(EndRank(range) - 1);
        return position.IsValid && range.AboveMin(MemberAt(position)) ? position : SortedSetPosition.None;
    }

    /// <summary>ZLEXCOUNT: a walk from the first match while below max (packed), rank arithmetic (skip list).</summary>
    public int LexCount(scoped in LexRange range)
    {
        var first = FirstInLex(range);
        if (!first.IsValid) return 0;
        if (_store is SkipList)
        {
            int count = Count - FirstRank(range);
            if (LastInLex(range).IsValid) count -= Count - EndRank(range);
            return count;
        }
        int n = 0;
        for (var p = first; p.IsValid && range.BelowMax(MemberAt(p)); p = Next(p)) n++;
        return n;
    }

    /// <summary>ZREMRANGEBYLEX: from the first match (the skip list skips the in-range check), while below max.</summary>
    public int RemoveLexRange(scoped in LexRange range)
    {
        int start;
        SortedSetPosition position;
        if (_store is SkipList)
        {
            start = FirstRank(range);
            position = AtRank(start);
        }
        else
        {
            position = FirstInLex(range);
            if (!position.IsValid) return 0;
            start = PackedEntries.RankAt((byte[])_store, position.Offset);
        }
        int count = 0;
        for (; position.IsValid && range.BelowMax(MemberAt(position)); position = Next(position)) count++;
        return count == 0 ? 0 : RemoveRankRange(start, start + count - 1);
    }

    // ---- packed encoding ----

    /// <summary>Makes room for <paramref name="bytes"/> more packed bytes (a new key's ZADD presizes exactly).</summary>
    private void EnsurePackedRoom(int bytes)
    {
        var packed = (byte[])_store;
        int needed = _used + bytes;
        if (needed <= packed.Length) return;
        int size = Math.Max(needed, packed.Length + packed.Length / 4);
        var bigger = new byte[(size + 7) & ~7];
        packed.AsSpan(0, _used).CopyTo(bigger);
        _store = bigger;
    }

    private void InsertPacked(ReadOnlySpan<byte> member, double score)
    {
        int size = PackedEntries.Size(member, score);
        EnsurePackedRoom(size);
        var packed = (byte[])_store;
        int offset = 0;
        while (offset < _used && PackedEntries.Before(packed, offset, score, member)) offset = PackedEntries.Next(packed, offset);
        packed.AsSpan(offset, _used - offset).CopyTo(packed.AsSpan(offset + size));
        PackedEntries.Write(packed, offset, member, score);
        _used += size;
        _count++;
    }

    private void RemovePackedAt(int offset)
    {
        var packed = (byte[])_store;
        int next = PackedEntries.Next(packed, offset);
        packed.AsSpan(next, _used - next).CopyTo(packed.AsSpan(offset));
        _used -= next - offset;
        _count--;
    }

    private void ConvertToSkipList()
    {
        var packed = (byte[])_store;
        var list = new SkipList();
        list.Reserve(_count + 1);
        for (int offset = 0; offset < _used; offset = PackedEntries.Next(packed, offset))
            list.Insert(PackedEntries.Member(packed, offset).ToArray(), PackedEntries.Score(packed, offset));
        _store = list;
        _used = 0;
        _count = 0;
    }
}
