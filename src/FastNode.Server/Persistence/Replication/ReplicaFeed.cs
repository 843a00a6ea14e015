using System.Buffers;
using FastNode.Server.Sessions;

namespace FastNode.Server.Persistence.Replication;

/// <summary>
/// The primary's side of one replica: a sink of the change feed that buffers the stream for the replica's connection,
/// whose own loop (<see cref="ReplicaStreamer"/>) sends it (a PipeWriter is written by one loop only). The buffer is
/// bounded by client-output-buffer-limit's replica class, read at every write so CONFIG SET applies at once: at the
/// hard limit, or over the soft limit for longer than its seconds, the replica is dropped, as Redis does, and
/// reconnects (partially if the backlog still has what it missed). The limit counts this buffer only: the output pipe
/// (which pauses the streamer at 4 MB) and the socket's buffer come on top of it.
/// </summary>
public sealed class ReplicaFeed : IReplicationSink
{
    private readonly Lock _lock = new();
    private readonly Func<Config.OutputBufferLimit> _limit;
    private ArrayBufferWriter<byte> _pending = new(64 * 1024);
    private TaskCompletionSource? _wake;
    private long _softSinceMs;

    /// <summary>A replica held to a fixed hard limit only (tests).</summary>
    public ReplicaFeed(ClientSession session, ReplicaHandshake handshake, long hardLimit)
        : this(session, handshake, () => new Config.OutputBufferLimit(hardLimit, 0, 0))
    {
    }

    /// <param name="limit">The replica class's current limits (called at every write).</param>
    public ReplicaFeed(ClientSession session, ReplicaHandshake handshake, Func<Config.OutputBufferLimit> limit)
    {
        Session = session;
        ListeningPort = handshake.ListeningPort;
        AnnouncedIp = handshake.AnnouncedIp;
        CapaEof = handshake.CapaEof;
        RdbOnly = handshake.RdbOnly;
        _limit = limit;
    }

    public ClientSession Session { get; }

    /// <summary>REPLCONF listening-port (0 when not sent).</summary>
    public int ListeningPort { get; }

    /// <summary>REPLCONF ip-address, or null to report the connection's address.</summary>
    public string? AnnouncedIp { get; }

    /// <summary>REPLCONF capa eof: the replica reads the "$EOF:" form of the snapshot.</summary>
    public bool CapaEof { get; }

    /// <summary>REPLCONF rdb-only 1 (redis-cli --rdb): the snapshot and nothing after it.</summary>
    public bool RdbOnly { get; }

    /// <summary>wait_bgsave, send_bulk or online (INFO replication's state=).</summary>
    public volatile string State = "wait_bgsave";

    /// <summary>Set while the stream waits for the replica's first ACK after a "$EOF:" snapshot (see ReplicaStreamer).</summary>
    public volatile bool WaitsForFirstAck;

    /// <summary>The offset the replica last acknowledged (REPLCONF ACK).</summary>
    public long AckOffset;

    /// <summary>Unix ms of the last ACK (or of the end of the sync): INFO's lag and min-replicas-max-lag.</summary>
    public long AckTimeMs;

    /// <summary>The stream's database at the snapshot's point when this server relays its primary's stream, else -1.</summary>
    public int StreamDb = -1;

    /// <summary>The snapshot still to send (full sync), or null for a partial one.</summary>
    public Snapshots.SnapshotCapture? Capture;

    /// <summary>True once the buffer passed the hard limit or the replica was dropped: its loop closes the connection.</summary>
    public bool Dropped { get; private set; }

    public string Ip => AnnouncedIp ?? HostOf(Session.RemoteAddress);

    /// <summary>Bytes buffered and not yet handed to the connection's output (the replica's output buffer).</summary>
    public long PendingBytes
    {
        get
        {
            lock (_lock) return _pending.WrittenCount;
        }
    }

    public void Write(ReadOnlySpan<byte> records)
    {
        TaskCompletionSource? wake;
        bool dropNow = false;
        lock (_lock)
        {
            if (Dropped) return;
            long used = _pending.WrittenCount + (long)records.Length;
            Session.ObserveOutput(used);
            if (_limit().Exceeded(used, Environment.TickCount64, ref _softSinceMs))
            {
                Dropped = dropNow = true;
                _pending = new ArrayBufferWriter<byte>(1);
            }
            else
            {
                records.CopyTo(_pending.GetSpan(records.Length));
                _pending.Advance(records.Length);
            }
            wake = _wake;
            _wake = null;
        }
        wake?.TrySetResult();
        if (dropNow) CloseConnection();
    }

    /// <summary>Adds bytes ahead of the live stream (the backlog's part of a partial resync, before the sink joins).</summary>
    public void Prepend(ReadOnlySpan<byte> bytes) => Write(bytes);

    /// <summary>Completes when there is something to send or the replica was dropped.</summary>
    public Task WaitAsync()
    {
        lock (_lock)
        {
            if (_pending.WrittenCount > 0 || Dropped) return Task.CompletedTask;
            _wake ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _wake.Task;
        }
    }

    /// <summary>Takes what is buffered, leaving <paramref name="spare"/> (cleared) in its place.</summary>
    public ArrayBufferWriter<byte> Take(ArrayBufferWriter<byte> spare)
    {
        spare.Clear();
        lock (_lock)
        {
            var taken = _pending;
            _pending = spare;
            return taken;
        }
    }

    /// <summary>Wakes the loop so it sees a state change (dropped, killed).</summary>
    public void Wake()
    {
        TaskCompletionSource? wake;
        lock (_lock)
        {
            wake = _wake;
            _wake = null;
        }
        wake?.TrySetResult();
    }

    public void Drop()
    {
        lock (_lock) Dropped = true;
        Wake();
        CloseConnection();
    }

    /// <summary>
    /// Closes the replica's connection: its loop may be waiting for a flush the replica will never read, and only a
    /// closed socket ends that wait. Off the caller's thread (this runs under the feed's append lock).
    /// </summary>
    private void CloseConnection() =>
        ThreadPool.UnsafeQueueUserWorkItem(static session => session.Kill(), Session, preferLocal: false);

    private static string HostOf(string address)
    {
        int colon = address.LastIndexOf(':');
        return colon > 0 ? address[..colon] : address;
    }
}
