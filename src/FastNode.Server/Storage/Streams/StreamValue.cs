using FastNode.Protocol;

namespace FastNode.Server.Storage.Streams;

/// <summary>
/// A stream: its entries in listpack nodes ordered by master ID (<see cref="StreamNode"/>, Redis's radix tree of
/// listpacks, here a sorted array searched by binary search), its metadata (last ID, first ID, largest deleted ID,
/// entries ever added) and its consumer groups. Only touched under its key's shard lock.
/// </summary>
public sealed class StreamValue : ICopyableValue, IMemoryUsage, IObjectEncoding
{
    /// <summary>Redis's STREAM_LISTPACK_MAX_PRE_ALLOCATE: the room a new node starts with.</summary>
    private const int MaxPreallocate = 4096;

    /// <summary>Redis's STREAM_LISTPACK_MAX_SIZE: no node, and no entry, grows past 1 GB.</summary>
    public const long MaxNodeBytes = 1 << 30;

    // Nodes live in _nodes[_head .. _head + _count); trimming drops nodes at the head without moving the others.
    private StreamNode[] _nodes = [];
    private int _head;
    private int _count;
    private List<StreamGroup>? _groups;

    /// <summary>Entries not deleted.</summary>
    public long Length;

    /// <summary>The largest ID ever added (or set by XSETID).</summary>
    public StreamId LastId;

    /// <summary>The first live entry's ID at the last change (0-0 while empty): XINFO's recorded-first-entry-id.</summary>
    public StreamId FirstId;

    /// <summary>The largest ID ever removed by XDEL (or set by XSETID ... MAXDELETEDID).</summary>
    public StreamId MaxDeletedId;

    /// <summary>Entries ever added (XADD), for the groups' lag.</summary>
    public long EntriesAdded;

    public int NodeCount => _count;

    public StreamNode NodeAt(int index) => _nodes[_head + index];

    public ReadOnlySpan<byte> ObjectEncoding => "stream"u8;

    // ---- adding ----

    /// <summary>
    /// Appends an entry with <paramref name="id"/> (larger than <see cref="LastId"/>, checked by the caller) and the
    /// field/value pairs <paramref name="pairs"/>, opening a node when the last one is full as Redis 7.0 does
    /// (stream-node-max-bytes / stream-node-max-entries, 0 = no limit).
    /// </summary>
    public void Append(StreamId id, scoped in CommandArgs pairs, long nodeMaxBytes, long nodeMaxEntries)
    {
        long elementBytes = 0;
        for (int i = 0; i < pairs.Count; i++) elementBytes += pairs[i].Length;
        StreamNode? tail = _count > 0 ? _nodes[_head + _count - 1] : null;
        if (tail is not null)
        {
            long maxBytes = nodeMaxBytes <= 0 || nodeMaxBytes > MaxNodeBytes ? MaxNodeBytes : nodeMaxBytes;
            bool full = tail.UsedBytes + elementBytes >= maxBytes
                || (nodeMaxEntries > 0 && tail.Live + tail.Deleted >= nodeMaxEntries);
            if (full)
            {
                StreamListpack.ShrinkToFit(ref tail.Listpack);
                tail = null;
            }
        }
        if (tail is null)
        {
            int prealloc = nodeMaxBytes > 0 && nodeMaxBytes < MaxPreallocate ? (int)nodeMaxBytes : MaxPreallocate;
            tail = StreamNode.Create(id, pairs, prealloc);
            AddNode(tail);
        }
        tail.Append(id, pairs);
        Length++;
        EntriesAdded++;
        LastId = id;
        if (Length == 1) FirstId = id;
    }

    /// <summary>Adds a node after the others (appending, and loading from RDB in order).</summary>
    public void AddNode(StreamNode node)
    {
        if (_head + _count == _nodes.Length)
        {
            if (_head > 0 && _head >= _count)
            {
                Array.Copy(_nodes, _head, _nodes, 0, _count);
                Array.Clear(_nodes, _count, _head);
                _head = 0;
            }
            else Array.Resize(ref _nodes, Math.Max(4, _nodes.Length * 2));
        }
        _nodes[_head + _count++] = node;
    }

    private void RemoveNodeAt(int index)
    {
        if (index == 0)
        {
            _nodes[_head++] = null!;
            _count--;
            if (_count == 0) _head = 0;
            return;
        }
        int at = _head + index;
        Array.Copy(_nodes, at + 1, _nodes, at, _count - index - 1);
        _nodes[_head + --_count] = null!;
    }

    /// <summary>The index of the last node whose master ID is at most <paramref name="id"/>, or -1.</summary>
    public int FindNode(StreamId id)
    {
        int lo = 0, hi = _count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_nodes[_head + mid].Master <= id)
            {
                found = mid;
                lo = mid + 1;
            }
            else hi = mid - 1;
        }
        return found;
    }

    // ---- deleting and trimming ----

    /// <summary>Deletes the live entry <paramref name="id"/> (XDEL); false when there is none.</summary>
    public bool Delete(StreamId id)
    {
        int index = FindNode(id);
        if (index < 0) return false;
        var node = NodeAt(index);
        int masterCount = node.MasterFields(out _, out int pos);
        while (!node.IsEnd(pos))
        {
            int body = node.ReadEntry(pos, masterCount, out int flags, out var entryId, out int fieldCount);
            if (entryId == id && (flags & StreamNode.FlagDeleted) == 0)
            {
                if (node.Live == 1) RemoveNodeAt(index);
                else
                {
                    node.MarkDeleted(pos);
                    node.CountDeleted(1);
                }
                Length--;
                return true;
            }
            if (entryId > id) return false;
            pos = node.SkipBody(body, flags, fieldCount);
        }
        return false;
    }

    /// <summary>
    /// Trims to at most <paramref name="maxLength"/> entries (MAXLEN) or removes the entries below
    /// <paramref name="minId"/> (MINID), Redis 7.0's streamTrim: whole nodes while they fit, then (exact trimming only)
    /// entries of the next node marked deleted. <paramref name="limit"/> caps the entries removed (0 = no cap).
    /// Returns how many were removed.
    /// </summary>
    public long Trim(bool byMinId, long maxLength, StreamId minId, bool approximate, long limit)
    {
        long removed = 0;
        while (_count > 0)
        {
            if (!byMinId && Length <= maxLength) break;
            var node = _nodes[_head];
            long entries = node.Live;
            if (limit > 0 && removed + entries > limit) break;
            bool removeNode = byMinId ? node.LastEntryId() < minId : Length - entries >= maxLength;
            if (removeNode)
            {
                RemoveNodeAt(0);
                Length -= entries;
                removed += entries;
                continue;
            }
            if (approximate) break;
            removed += TrimInsideNode(node, byMinId, maxLength, minId);
            break;
        }
        FirstId = Length == 0 ? StreamId.Min : EdgeId(first: true, skipTombstones: true);
        return removed;
    }

    private long TrimInsideNode(StreamNode node, bool byMinId, long maxLength, StreamId minId)
    {
        int masterCount = node.MasterFields(out _, out int pos);
        long marked = 0;
        while (!node.IsEnd(pos))
        {
            int body = node.ReadEntry(pos, masterCount, out int flags, out var id, out int fieldCount);
            if (byMinId ? id >= minId : Length <= maxLength) break;
            if ((flags & StreamNode.FlagDeleted) == 0)
            {
                node.MarkDeleted(pos);
                marked++;
                Length--;
            }
            pos = node.SkipBody(body, flags, fieldCount);
        }
        if (marked > 0) node.CountDeleted(marked);
        return marked;
    }

    // ---- reading ----

    /// <summary>The first or last entry's ID (with or without tombstones); Max / Min when there is none, as Redis.</summary>
    public StreamId EdgeId(bool first, bool skipTombstones)
    {
        var it = new StreamIterator(this, StreamId.Min, StreamId.Max, reverse: !first, skipTombstones);
        return it.MoveNext() ? it.Id : first ? StreamId.Max : StreamId.Min;
    }

    /// <summary>Redis's streamRangeHasTombstones: whether an XDEL tombstone may lie in [start, end].</summary>
    public bool RangeHasTombstones(StreamId start, StreamId end)
    {
        if (Length == 0 || MaxDeletedId.IsZero) return false;
        if (FirstId > MaxDeletedId) return false;
        return start <= MaxDeletedId && MaxDeletedId <= end;
    }

    /// <summary>
    /// Redis's streamEstimateDistanceFromFirstEverEntry: the logical read counter of <paramref name="id"/>, or
    /// <see cref="StreamGroup.InvalidEntriesRead"/> when it cannot be known.
    /// </summary>
    public long EstimateEntriesRead(StreamId id)
    {
        if (EntriesAdded == 0) return 0;
        if (Length == 0 && id <= LastId) return EntriesAdded;
        int toLast = id.CompareTo(LastId);
        if (toLast == 0) return EntriesAdded;
        if (toLast > 0) return StreamGroup.InvalidEntriesRead;
        if (MaxDeletedId.IsZero || MaxDeletedId < FirstId)
        {
            int toFirst = id.CompareTo(FirstId);
            if (toFirst < 0) return EntriesAdded - Length;
            if (toFirst == 0) return EntriesAdded - Length + 1;
        }
        return StreamGroup.InvalidEntriesRead;
    }

    /// <summary>The lag of a group (XINFO GROUPS), or null when it cannot be known.</summary>
    public long? Lag(StreamGroup group)
    {
        if (EntriesAdded == 0) return 0;
        if (group.EntriesRead != StreamGroup.InvalidEntriesRead && !RangeHasTombstones(group.LastId, StreamId.Max))
            return EntriesAdded - group.EntriesRead;
        long read = EstimateEntriesRead(group.LastId);
        return read != StreamGroup.InvalidEntriesRead ? EntriesAdded - read : null;
    }

    // ---- groups ----

    public int GroupCount => _groups?.Count ?? 0;

    /// <summary>The groups sorted by name (XINFO GROUPS order, as Redis's rax).</summary>
    public StreamGroup GroupAt(int index) => _groups![index];

    public StreamGroup? FindGroup(ReadOnlySpan<byte> name)
    {
        int i = IndexOfGroup(name);
        return i >= 0 ? _groups![i] : null;
    }

    /// <summary>Creates a group; null when one of that name exists.</summary>
    public StreamGroup? CreateGroup(ReadOnlySpan<byte> name, StreamId lastId, long entriesRead)
    {
        _groups ??= [];
        int i = IndexOfGroup(name);
        if (i >= 0) return null;
        var group = new StreamGroup(name.ToArray(), lastId, entriesRead);
        _groups.Insert(~i, group);
        return group;
    }

    public bool RemoveGroup(ReadOnlySpan<byte> name)
    {
        int i = IndexOfGroup(name);
        if (i < 0) return false;
        _groups!.RemoveAt(i);
        return true;
    }

    private int IndexOfGroup(ReadOnlySpan<byte> name)
    {
        if (_groups is null) return -1;
        int lo = 0, hi = _groups.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int c = _groups[mid].Name.AsSpan().SequenceCompareTo(name);
            if (c == 0) return mid;
            if (c < 0) lo = mid + 1;
            else hi = mid - 1;
        }
        return ~lo;
    }

    // ---- copies and sizes ----

    public object DeepCopy()
    {
        var copy = new StreamValue
        {
            Length = Length, LastId = LastId, FirstId = FirstId, MaxDeletedId = MaxDeletedId, EntriesAdded = EntriesAdded,
        };
        for (int i = 0; i < _count; i++) copy.AddNode(NodeAt(i).Copy());
        if (_groups is not null)
        {
            copy._groups = new List<StreamGroup>(_groups.Count);
            foreach (var g in _groups) copy._groups.Add(g.Copy());
        }
        return copy;
    }

    public long EstimateBytes(int samples)
    {
        // The object, the node array, and per node its object and listpack array (with spare room).
        long bytes = 80 + 24 + 8L * _nodes.Length;
        for (int i = 0; i < _count; i++) bytes += 40 + 24 + NodeAt(i).Listpack.Length;
        if (_groups is null) return bytes;
        foreach (var g in _groups)
        {
            bytes += 120 + g.Name.Length + g.Pending.Count * 160L;
            foreach (var c in g.Consumers) bytes += 80 + c.Name.Length;
        }
        return bytes;
    }
}
