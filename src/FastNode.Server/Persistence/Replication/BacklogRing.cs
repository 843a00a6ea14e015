namespace FastNode.Server.Persistence.Replication;

/// <summary>
/// The replication backlog (Redis's repl-backlog-size): the last bytes of the change feed in a ring, so that a replica
/// that lost its link can resume from its offset (PSYNC ... +CONTINUE) instead of loading a whole snapshot again.
/// Offsets are stream offsets: byte k of the stream (1-based) is the k-th byte ever appended. <see cref="Write"/> is
/// called by the feed under its append lock; readers take the same lock (<see cref="ChangeFeed.AppendLock"/>) or the
/// ring's own, which Write also holds.
/// </summary>
public sealed class BacklogRing : IReplicationSink
{
    private readonly Lock _lock = new();
    private byte[] _ring;
    private int _head;          // index of the next byte to write
    private long _histLen;      // valid bytes in the ring (at most its size)
    private long _endOffset;    // stream offset of the last byte written (0 before any)

    /// <param name="size">Capacity in bytes (repl-backlog-size).</param>
    /// <param name="endOffset">The stream offset the ring starts at: its next byte is endOffset + 1.</param>
    public BacklogRing(int size, long endOffset)
    {
        _ring = new byte[Math.Max(16, size)];
        _endOffset = endOffset;
    }

    public int Size
    {
        get
        {
            lock (_lock) return _ring.Length;
        }
    }

    /// <summary>Bytes held (repl_backlog_histlen).</summary>
    public long HistLen
    {
        get
        {
            lock (_lock) return _histLen;
        }
    }

    /// <summary>Offset of the oldest byte held (repl_backlog_first_byte_offset): EndOffset - HistLen + 1.</summary>
    public long FirstByteOffset
    {
        get
        {
            lock (_lock) return _endOffset - _histLen + 1;
        }
    }

    public long EndOffset
    {
        get
        {
            lock (_lock) return _endOffset;
        }
    }

    public void Write(ReadOnlySpan<byte> records)
    {
        lock (_lock)
        {
            _endOffset += records.Length;
            if (records.Length >= _ring.Length)
            {
                records[^_ring.Length..].CopyTo(_ring);
                _head = 0;
                _histLen = _ring.Length;
                return;
            }
            int first = Math.Min(records.Length, _ring.Length - _head);
            records[..first].CopyTo(_ring.AsSpan(_head));
            records[first..].CopyTo(_ring);
            _head = (_head + records.Length) % _ring.Length;
            _histLen = Math.Min(_ring.Length, _histLen + records.Length);
        }
    }

    /// <summary>
    /// The bytes from stream offset <paramref name="from"/> (the first byte a replica is missing) to the end, or false
    /// when they are no longer (or not yet) held. from == EndOffset + 1 is valid and gives nothing.
    /// </summary>
    public bool TryCopyFrom(long from, out byte[] bytes)
    {
        lock (_lock)
        {
            long first = _endOffset - _histLen + 1;
            if (from < first || from > _endOffset + 1)
            {
                bytes = [];
                return false;
            }
            int count = (int)(_endOffset + 1 - from);
            bytes = new byte[count];
            int start = (int)(((_head - count) % _ring.Length + _ring.Length) % _ring.Length);
            int firstPart = Math.Min(count, _ring.Length - start);
            _ring.AsSpan(start, firstPart).CopyTo(bytes);
            _ring.AsSpan(0, count - firstPart).CopyTo(bytes.AsSpan(firstPart));
            return true;
        }
    }

    /// <summary>Empties the ring; the next byte written is <paramref name="endOffset"/> + 1 (a replica loaded a new history).</summary>
    public void Reset(long endOffset)
    {
        lock (_lock)
        {
            _endOffset = endOffset;
            _histLen = 0;
            _head = 0;
        }
    }

    /// <summary>CONFIG SET repl-backlog-size: keeps as much of the newest history as fits.</summary>
    public void Resize(int size)
    {
        lock (_lock)
        {
            size = Math.Max(16, size);
            if (size == _ring.Length) return;
            long keep = Math.Min(_histLen, size);
            var ring = new byte[size];
            if (TryCopyFrom(_endOffset + 1 - keep, out var tail)) tail.CopyTo(ring, 0);
            _ring = ring;
            _histLen = keep;
            _head = (int)(keep % size);
        }
    }
}
