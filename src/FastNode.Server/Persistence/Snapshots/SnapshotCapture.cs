using System.Buffers;
using FastNode.Server.Storage;

namespace FastNode.Server.Persistence.Snapshots;

/// <summary>
/// A point-in-time snapshot of every database without a fork. <see cref="Start"/> pauses the writers for an instant
/// (<see cref="WriteGate.Pause"/>) to fix the point; from then on a background thread encodes the shards one after
/// another, a bounded number of entries per hold of a shard's lock, so readers wait at most for one chunk. A writer
/// about to change a shard the snapshot has not finished first encodes the rest of that shard itself
/// (<see cref="BeforeWrite"/>), so every shard is saved as it was at the point: the cost of a write during a snapshot
/// is at most one shard's encoding, once per shard.
///
/// Keys deleted by expiry after the point may be missing from the snapshot; they had expired by then, and a reload
/// happens later still, so it could not have seen them anyway.
/// </summary>
public sealed class SnapshotCapture : IShardCapture
{
    private const int EntriesPerHold = 256;

    private readonly Database[] _databases;   // numbered as at the point (SWAPDB later does not move them here)
    private readonly ShardProgress[][] _progress;
    private readonly ISnapshotEncoder _encoder;
    private readonly long[] _keysAtPoint;
    private readonly long[] _expiresAtPoint;

    private SnapshotCapture(ServerState server, ISnapshotEncoder encoder)
    {
        _encoder = encoder;
        _databases = new Database[server.DatabaseCount];
        _progress = new ShardProgress[_databases.Length][];
        _keysAtPoint = new long[_databases.Length];
        _expiresAtPoint = new long[_databases.Length];
        for (int d = 0; d < _databases.Length; d++)
        {
            var db = _databases[d] = server.Database(d);
            _progress[d] = new ShardProgress[db.ShardCount];
            for (int s = 0; s < db.ShardCount; s++) _progress[d][s] = new ShardProgress();
        }
    }

    /// <summary>Keys in the snapshot's databases at the point (counted while writers were paused).</summary>
    public long KeysAtStart { get; private set; }

    /// <summary>
    /// Fixes the point and starts capturing. <paramref name="atPoint"/> runs at the point itself, with writers paused
    /// (switch the AOF to a new file, note the replication offset...).
    /// </summary>
    public static SnapshotCapture Start(ServerState server, ISnapshotEncoder encoder, Action? atPoint = null)
    {
        SnapshotCapture? capture = null;
        long pauseStarted = System.Diagnostics.Stopwatch.GetTimestamp();
        server.Feed.Gate.Pause(() =>
        {
            capture = new SnapshotCapture(server, encoder);
            for (int d = 0; d < capture._databases.Length; d++)
            {
                var db = capture._databases[d];
                db.AddCapture(capture);
                capture._keysAtPoint[d] = db.Count();
                capture._expiresAtPoint[d] = db.VolatileCount();
                capture.KeysAtStart += capture._keysAtPoint[d];
            }
            atPoint?.Invoke();
            encoder.AtPoint();   // after atPoint: a DeferredEncoder is created from what atPoint read
        });
        // The writers' pause is what stands in for fork: LATENCY reports it as the "fork" event.
        server.Monitoring.EventSince(Monitoring.LatencyEvents.Fork, pauseStarted, server.NowMs);
        return capture!;
    }

    /// <summary>
    /// Encodes the whole snapshot into <paramref name="output"/> (on the calling thread: run it on a thread of its own),
    /// then lets writers go without capturing again. Returns the number of keys written.
    /// </summary>
    public long WriteTo(Stream output)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        try
        {
            _encoder.WriteHeader(buffer);
            Drain(buffer, output);
            for (int d = 0; d < _databases.Length; d++)
            {
                if (_keysAtPoint[d] == 0) continue;
                var db = _databases[d];
                _encoder.BeginDatabase(buffer, d, _keysAtPoint[d], _expiresAtPoint[d]);
                Drain(buffer, output);
                for (int s = 0; s < db.ShardCount; s++)
                {
                    var progress = _progress[d][s];
                    var shard = db.ShardAt(s);
                    bool done;
                    do
                    {
                        lock (shard.Lock)
                        {
                            if (!progress.Done) EncodeChunk(shard, progress, EntriesPerHold);
                            done = progress.Done;
                            // What is encoded so far, by this thread or by a writer that got there first, in entry order.
                            if (progress.Output is { WrittenCount: > 0 } encoded)
                            {
                                buffer.Write(encoded.WrittenSpan);
                                encoded.Clear();
                            }
                            if (done) progress.Output = null;
                        }
                        if (buffer.WrittenCount >= 64 * 1024 || done) Drain(buffer, output);
                    }
                    while (!done);
                }
            }
            _encoder.WriteFooter(buffer);
            output.Write(buffer.WrittenSpan);
            buffer.Clear();
            return Keys;
        }
        finally
        {
            Detach();
        }
    }

    /// <summary>Keys encoded so far.</summary>
    public long Keys => Interlocked.Read(ref _keys);

    private long _keys;

    /// <summary>Stops capturing (a failed or abandoned snapshot must not keep taxing writers).</summary>
    public void Detach()
    {
        foreach (var db in _databases) db.RemoveCapture(this);
    }

    public void BeforeWrite(Database db, int shardIndex)
    {
        int d = Array.IndexOf(_databases, db);
        if (d < 0) return;
        var progress = _progress[d][shardIndex];
        if (progress.Done) return;
        var shard = db.ShardAt(shardIndex);
        lock (shard.Lock)
        {
            if (!progress.Done) EncodeChunk(shard, progress, int.MaxValue);
        }
    }

    /// <summary>Encodes up to <paramref name="limit"/> more entries of a shard (its lock held).</summary>
    private void EncodeChunk(Shard shard, ShardProgress progress, int limit)
    {
        var output = progress.Output ??= new ArrayBufferWriter<byte>(4096);
        int end = shard.SlotCount;
        int encoded = 0;
        int i = progress.Next;
        for (; i < end && encoded < limit; i++)
        {
            ref var e = ref shard.At(i);
            if (e.Key is null) continue;
            _encoder.WriteEntry(output, e);
            encoded++;
        }
        Interlocked.Add(ref _keys, encoded);
        progress.Next = i;
        if (i >= end) progress.Done = true;
    }

    private void Drain(ArrayBufferWriter<byte> buffer, Stream output)
    {
        _encoder.Observe(buffer.WrittenSpan);
        output.Write(buffer.WrittenSpan);
        buffer.Clear();
    }

    /// <summary>How far one shard is captured. Guarded by the shard's lock (Done is also read without it, as a hint).</summary>
    private sealed class ShardProgress
    {
        public int Next;                          // next entry slot to encode
        public volatile bool Done;                // every entry slot encoded
        public ArrayBufferWriter<byte>? Output;   // encoded, not yet written to the file
    }
}
