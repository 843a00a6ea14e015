namespace FastNode.Server.Storage.Streams;

/// <summary>
/// Walks the entries of a stream with IDs in [start, end], forwards or backwards, skipping deleted ones unless asked
/// not to. After <see cref="MoveNext"/> returns true, <see cref="Node"/>, <see cref="Body"/>, <see cref="Id"/>,
/// <see cref="Flags"/> and <see cref="FieldCount"/> describe the entry (valid until the stream changes).
/// A backward walk keeps the positions of the current node's entries (Redis walks back with each entry's element
/// count; collecting them forwards is simpler and as fast for nodes of about 100 entries).
/// </summary>
public ref struct StreamIterator
{
    private readonly StreamValue _stream;
    private readonly StreamId _start;
    private readonly StreamId _end;
    private readonly bool _reverse;
    private readonly bool _skipTombstones;
    private int _node;          // index of the node being walked, or past the edge when done
    private int _pos;           // forward: position of the next entry's flags; -1 before the node is opened
    private int[]? _positions;  // backward: the node's entry positions
    private int _positionIndex;
    private bool _done;

    public StreamIterator(StreamValue stream, StreamId start, StreamId end, bool reverse, bool skipTombstones = true)
    {
        _stream = stream;
        _start = start;
        _end = end;
        _reverse = reverse;
        _skipTombstones = skipTombstones;
        _pos = -1;
        if (!reverse)
        {
            int n = start.IsZero ? -1 : stream.FindNode(start);
            _node = n < 0 ? 0 : n;
        }
        else
        {
            _node = stream.FindNode(end);
            if (end.IsZero && stream.NodeCount > 0) _node = stream.NodeCount - 1;
        }
        _done = stream.NodeCount == 0 || _node < 0 || start > end;
    }

    public StreamNode Node { get; private set; } = null!;
    public int MasterFieldCount { get; private set; }
    public int MasterFieldsPos { get; private set; }
    public int EntryPos { get; private set; }
    public int Body { get; private set; }
    public StreamId Id { get; private set; }
    public int Flags { get; private set; }
    public int FieldCount { get; private set; }

    public bool IsDeleted => (Flags & StreamNode.FlagDeleted) != 0;

    public bool SameFields => (Flags & StreamNode.FlagSameFields) != 0;

    public bool MoveNext() => _reverse ? MoveBack() : MoveForward();

    private bool MoveForward()
    {
        while (!_done)
        {
            if (_pos < 0)
            {
                if (_node >= _stream.NodeCount)
                {
                    _done = true;
                    return false;
                }
                OpenNode();
            }
            if (Node.IsEnd(_pos))
            {
                _node++;
                _pos = -1;
                continue;
            }
            if (Read(_pos))
            {
                if (Id < _start || (_skipTombstones && IsDeleted)) continue;
                if (Id > _end)
                {
                    _done = true;
                    return false;
                }
                return true;
            }
        }
        return false;
    }

    private bool MoveBack()
    {
        while (!_done)
        {
            if (_pos < 0)
            {
                if (_node < 0)
                {
                    _done = true;
                    return false;
                }
                OpenNode();
                CollectPositions();
                _pos = 0;
            }
            if (_positionIndex < 0)
            {
                _node--;
                _pos = -1;
                continue;
            }
            Read(_positions![_positionIndex--]);
            if (Id > _end || (_skipTombstones && IsDeleted)) continue;
            if (Id < _start)
            {
                _done = true;
                return false;
            }
            return true;
        }
        return false;
    }

    private void OpenNode()
    {
        Node = _stream.NodeAt(_node);
        MasterFieldCount = Node.MasterFields(out int fieldsPos, out int first);
        MasterFieldsPos = fieldsPos;
        _pos = first;
    }

    private void CollectPositions()
    {
        int n = 0;
        int pos = _pos;
        _positions ??= new int[128];
        while (!Node.IsEnd(pos))
        {
            if (n == _positions.Length)
            {
                Array.Resize(ref _positions, n * 2);
            }
            _positions[n++] = pos;
            int body = Node.ReadEntry(pos, MasterFieldCount, out int flags, out _, out int fieldCount);
            pos = Node.SkipBody(body, flags, fieldCount);
        }
        _positionIndex = n - 1;
    }

    /// <summary>Reads the entry at <paramref name="pos"/> and, walking forwards, moves past it.</summary>
    private bool Read(int pos)
    {
        EntryPos = pos;
        Body = Node.ReadEntry(pos, MasterFieldCount, out int flags, out var id, out int fieldCount);
        Flags = flags;
        Id = id;
        FieldCount = fieldCount;
        if (!_reverse) _pos = Node.SkipBody(Body, flags, fieldCount);
        return true;
    }

    /// <summary>Marks the current entry deleted (the caller fixes the node's counters and the stream's length).</summary>
    public void MarkDeleted() => Node.MarkDeleted(EntryPos);
}
