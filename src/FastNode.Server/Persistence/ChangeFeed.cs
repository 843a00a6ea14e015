using FastNode.Protocol;
using FastNode.Server.Storage;

namespace FastNode.Server.Persistence;

/// <summary>
/// The one stream of change records of a server (DESIGN "One write path"): every change to the data goes out as the
/// command Redis would propagate for it (its effect, with absolute times), encoded once as RESP and handed to every
/// sink (the AOF writer, the replication backlog). Replaying the stream on an empty server rebuilds the dataset.
///
/// Order: writers run under <see cref="Gate"/> while the feed has a sink, so their records are appended in the order
/// their effects happened; expiry deletes come from readers and the cron under the key's shard lock, which is enough
/// (a DEL of an expired key commutes with everything else done to other keys).
/// A SELECT goes into the stream whenever the next record is for another database than the last one.
/// </summary>
public sealed class ChangeFeed : IKeyspaceObserver
{
    private static ReadOnlySpan<byte> MultiRecord => "*1\r\n$5\r\nMULTI\r\n"u8;
    private static ReadOnlySpan<byte> ExecRecord => "*1\r\n$4\r\nEXEC\r\n"u8;

    [ThreadStatic] private static List<(int Db, byte[] Record)>? t_afterCommand;

    private readonly Lock _append = new();
    private IFeedSink[] _sinks = [];
    private long _offset;
    private int _selectedDb = -1;
    private bool _multiPending;
    private bool _multiOpen;
    private bool _relaying;

    public WriteGate Gate { get; } = new();

    /// <summary>True while at least one sink consumes records: only then do writers build them.</summary>
    public bool Active { get; private set; }

    /// <summary>Bytes appended since start (the replication offset of this server's stream).</summary>
    public long Offset
    {
        get
        {
            lock (_append) return _offset;
        }
    }

    /// <summary>The offset, for a sink that already holds <see cref="AppendLock"/>.</summary>
    public long OffsetUnlocked => _offset;

    /// <summary>The lock every append holds; a sink may take it to swap its buffers.</summary>
    public Lock AppendLock => _append;

    /// <summary>
    /// Adds a sink. Call inside <see cref="WriteGate.Pause"/>, so that the sink sees exactly the records of the writes
    /// after the point where it joined (a snapshot taken in the same pause holds everything before). Its first record
    /// starts with a SELECT.
    /// </summary>
    public void AddSink(IFeedSink sink)
    {
        lock (_append)
        {
            _sinks = [.. _sinks, sink];
            _selectedDb = -1;
            Active = true;
        }
        Gate.KeepOrdered = true;
    }

    public void RemoveSink(IFeedSink sink)
    {
        bool active;
        lock (_append)
        {
            _sinks = Array.FindAll(_sinks, s => !ReferenceEquals(s, sink));
            Active = active = _sinks.Length > 0;
        }
        Gate.KeepOrdered = active;
    }

    /// <summary>
    /// True on a replica: the feed carries the primary's stream byte for byte (<see cref="Relay"/>) and ignores the
    /// records the replica's own command execution would build (they would re-encode the same changes, and offsets
    /// down a chain of replicas must match the primary's).
    /// </summary>
    public bool Relaying
    {
        get => _relaying;
        set
        {
            lock (_append)
            {
                _relaying = value;
                _selectedDb = -1;
                _multiPending = _multiOpen = false;
            }
        }
    }

    /// <summary>
    /// Appends bytes of a replication stream as they are (a replica passing its primary's stream on). With
    /// <paramref name="replicationOnly"/> (PING, REPLCONF GETACK) only sinks that are part of replication get them; the
    /// offset counts them either way, as Redis's does. Counts even with no sink: the offset is the replica's position.
    /// </summary>
    /// <param name="db">
    /// The database the stream had selected before these bytes (-1 if unknown): a sink that joined since the last
    /// record of this kind (the AOF starting a file) gets a SELECT of its own first. It is not part of the stream and
    /// not counted: a replica's sinks get the same information from the snapshot they start from.
    /// </param>
    public long Relay(ReadOnlySpan<byte> bytes, bool replicationOnly, int db = -1)
    {
        lock (_append)
        {
            if (!replicationOnly && db >= 0 && db != _selectedDb)
            {
                Span<byte> select = stackalloc byte[40];
                int length = FormatSelect(db, select);
                foreach (var sink in _sinks)
                {
                    if (sink is not IReplicationSink) sink.Write(select[..length]);
                }
                _selectedDb = db;
            }
            foreach (var sink in _sinks)
            {
                if (!replicationOnly || sink is IReplicationSink) sink.Write(bytes);
            }
            _offset += bytes.Length;
            return _offset;
        }
    }

    /// <summary>The database the stream has selected as of its last record (0 when none yet). Read with writers paused.</summary>
    public int SelectedDb
    {
        get
        {
            lock (_append) return Math.Max(0, _selectedDb);
        }
    }

    /// <summary>Sets the offset (a replica that loaded its primary's snapshot continues at the primary's offset).</summary>
    public void ResetOffset(long offset)
    {
        lock (_append)
        {
            _offset = offset;
            _selectedDb = -1;
        }
    }

    /// <summary>The next record starts with a SELECT (a sink starts a new file mid-stream).</summary>
    public void ForceSelect()
    {
        lock (_append) _selectedDb = -1;
    }

    /// <summary>Appends a finished record for database <paramref name="db"/>; returns the stream offset after it.</summary>
    public long Append(int db, scoped ref ChangeRecord record)
    {
        lock (_append)
        {
            if (!Active || _relaying) return _offset;
            Prefix(db);
            Write(record.Bytes);
            return _offset;
        }
    }

    /// <summary>Appends a command exactly as it was received (its effect is its call).</summary>
    public long AppendCommand(int db, CommandArgs args)
    {
        var record = new ChangeRecord(args.Count);
        for (int i = 0; i < args.Count; i++) record.Add(args[i]);
        return Append(db, ref record);
    }

    /// <summary>A DEL for one key.</summary>
    public long AppendDelete(int db, ReadOnlySpan<byte> key)
    {
        var record = new ChangeRecord(2);
        record.Add("DEL"u8);
        record.Add(key);
        return Append(db, ref record);
    }

    /// <summary>
    /// A record for something the running command caused after its own effect (a blocked client it served): kept on
    /// this thread and appended after the command's record by <see cref="FlushAfterCommand"/>, as Redis propagates the
    /// LPUSH before the pops it fed.
    /// </summary>
    public void AppendAfterCommand(int db, scoped ref ChangeRecord record)
    {
        if (!Active) return;
        (t_afterCommand ??= []).Add((db, record.Bytes.ToArray()));
    }

    /// <summary>True when this thread kept records with <see cref="AppendAfterCommand"/> that are not appended yet.</summary>
    public bool HasAfterCommandRecords => t_afterCommand is { Count: > 0 };

    /// <summary>Appends what <see cref="AppendAfterCommand"/> kept; returns the stream offset after it.</summary>
    public long FlushAfterCommand()
    {
        var pending = t_afterCommand;
        if (pending is null || pending.Count == 0) return 0;
        lock (_append)
        {
            foreach (var (db, bytes) in pending)
            {
                if (!Active || _relaying) break;
                Prefix(db);
                Write(bytes);
            }
            pending.Clear();
            return _offset;
        }
    }

    void IKeyspaceObserver.KeyExpired(Database db, byte[] key)
    {
        if (Active) AppendDelete(db.Index, key);
    }

    void IKeyspaceObserver.ServedWaiter(Database db, scoped ref ChangeRecord record) => AppendAfterCommand(db.Index, ref record);

    void IKeyspaceObserver.RunAsWriter(Action change)
    {
        bool ordered = Gate.Enter();
        try
        {
            change();
            FlushAfterCommand();
        }
        finally
        {
            Gate.Exit(ordered);
        }
    }

    /// <summary>
    /// EXEC starts: its records (if any) are wrapped in MULTI ... EXEC so that a replica or a reload applies them as
    /// one. Called by the thread holding the write gate; the MULTI is written lazily, before the first record.
    /// </summary>
    public void BeginTransaction()
    {
        lock (_append) _multiPending = Active && !_relaying;
    }

    /// <summary>EXEC ends; returns the stream offset after its records.</summary>
    public long EndTransaction()
    {
        lock (_append)
        {
            _multiPending = false;
            if (_multiOpen)
            {
                _multiOpen = false;
                Write(ExecRecord);
            }
            return _offset;
        }
    }

    private void Prefix(int db)
    {
        if (db != _selectedDb)
        {
            // Formatted here, not with a ChangeRecord: the record being appended lives in the thread's scratch buffer.
            Span<byte> select = stackalloc byte[40];
            Write(select[..FormatSelect(db, select)]);
            _selectedDb = db;
        }
        if (_multiPending && !_multiOpen)
        {
            _multiOpen = true;
            Write(MultiRecord);
        }
    }

    /// <summary>SELECT db as a RESP command into <paramref name="select"/> (40 bytes); returns its length.</summary>
    public static int FormatSelect(int db, Span<byte> select)
    {
        "*2\r\n$6\r\nSELECT\r\n$"u8.CopyTo(select);
        int length = 17;
        Span<byte> digits = stackalloc byte[11];
        System.Buffers.Text.Utf8Formatter.TryFormat(db, digits, out int n);
        System.Buffers.Text.Utf8Formatter.TryFormat(n, select.Slice(length), out int m);
        length += m;
        "\r\n"u8.CopyTo(select.Slice(length));
        digits.Slice(0, n).CopyTo(select.Slice(length + 2));
        length += 2 + n;
        "\r\n"u8.CopyTo(select.Slice(length));
        return length + 2;
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        foreach (var sink in _sinks) sink.Write(bytes);
        _offset += bytes.Length;
    }
}
