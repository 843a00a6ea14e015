using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace FastNode.Server.Persistence.Aof;

/// <summary>
/// Moves the change feed into the current incremental AOF file on a thread of its own, with the appendfsync policy:
/// - always: after each write the file is synced before the writes it holds are acknowledged. Writes of every
///   connection that arrive during one sync are written and synced together (group commit): their connections hold
///   their replies until <see cref="WaitSynced"/> says their records are on disk.
/// - everysec: written within about <see cref="PollMs"/> milliseconds, synced once a second.
/// - no: written within about <see cref="PollMs"/> milliseconds; the kernel syncs when it likes.
/// <see cref="IFeedSink.Write"/> runs under the feed's append lock and only copies into the pending buffer.
/// </summary>
public sealed class AofWriter : IFeedSink, IDisposable
{
    // How often the writer looks for new records under load (everysec, no). Each pass is a wake-up and a pwrite taken
    // from the cores the event loop and its clients share: at 1 ms, SET -P 16 with everysec ran at 0.79x of no AOF
    // (median of 5 A/B pairs), at 10 ms at 0.90x. It is also the window kill -9 can lose (see docs/persistence.md).
    private const int PollMs = 10;

    // Room for a burst of records between two passes of the writer thread (which may be late by several milliseconds
    // on a busy machine): growing a buffer is an allocation on the hot path, so start large (two of them: 2 MB).
    private const int BufferBytes = 1 << 20;
    private const int IdlePollsBeforeSleep = 20;

    private readonly ChangeFeed _feed;
    private readonly ILogger _log;
    private readonly Thread _thread;
    private readonly AutoResetEvent _wake = new(false);
    private readonly Lock _waitersLock = new();
    private readonly List<(long Offset, TaskCompletionSource<bool> Done)> _waiters = [];
    private readonly Queue<(SafeFileHandle File, byte[] Bytes, int Length, long EndOffset)> _closing = new();

    // Guarded by the feed's append lock.
    private byte[] _pending = new byte[BufferBytes];
    private int _pendingLength;
    private bool _sleeping;
    private SafeFileHandle _file;

    // Writer thread only (read by others as statistics).
    private byte[] _spare = new byte[BufferBytes];
    private long _fileSize;
    private long _lastSyncTicks = Stopwatch.GetTimestamp();
    private long _writtenOffset;
    private long _syncedOffset;
    private volatile bool _stopping;

    private readonly Config.ServerOptions _options;

    public AofWriter(ChangeFeed feed, SafeFileHandle file, long fileSize, Config.ServerOptions options, ILogger log)
    {
        _feed = feed;
        _file = file;
        _fileSize = fileSize;
        _log = log;
        _options = options;
        _writtenOffset = _syncedOffset = feed.Offset;
        _thread = new Thread(Run) { IsBackground = true, Name = "aof writer" };
        _thread.Start();
    }

    /// <summary>
    /// Told how long each AOF write and each appendfsync-always fsync took (event name, microseconds) for the latency
    /// monitor (<see cref="Monitoring.LatencyEvents"/>).
    /// </summary>
    public Action<string, long>? OnLatency { get; init; }

    /// <summary>appendfsync: "always", "everysec" or "no" (CONFIG SET changes it at run time).</summary>
    public string Policy => _options.AppendFsync;

    public bool SyncsEveryWrite => Policy == "always";

    /// <summary>Bytes in the current incremental file (INFO aof_current_size is the base plus these).</summary>
    public long FileSize => Interlocked.Read(ref _fileSize);

    public long SyncedOffset => Interlocked.Read(ref _syncedOffset);

    /// <summary>Bytes waiting to be written (INFO aof_buffer_length).</summary>
    public int PendingBytes
    {
        get
        {
            lock (_feed.AppendLock) return _pendingLength;
        }
    }

    /// <summary>The last write or sync error, null while everything is written (INFO aof_last_write_status).</summary>
    public string? LastError { get; private set; }

    void IFeedSink.Write(ReadOnlySpan<byte> records)
    {
        if (_pendingLength + records.Length > _pending.Length)
            Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _pendingLength + records.Length));
        records.CopyTo(_pending.AsSpan(_pendingLength));
        _pendingLength += records.Length;
        if (_sleeping || SyncsEveryWrite)
        {
            _sleeping = false;
            _wake.Set();
        }
    }

    /// <summary>
    /// Completes (true) once every record up to <paramref name="offset"/> is synced; false if writing failed (the
    /// connection must then not acknowledge them).
    /// </summary>
    public ValueTask<bool> WaitSynced(long offset)
    {
        if (SyncedOffset >= offset) return ValueTask.FromResult(true);
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waitersLock)
        {
            if (SyncedOffset >= offset) return ValueTask.FromResult(true);
            _waiters.Add((offset, done));
        }
        _wake.Set();
        return new ValueTask<bool>(done.Task);
    }

    /// <summary>
    /// From now on records go to <paramref name="next"/>: what is pending goes to the current file, which is then
    /// synced and closed by the writer thread. Call with writers paused (the switch is a point in the stream).
    /// </summary>
    public void SwitchFile(SafeFileHandle next)
    {
        lock (_feed.AppendLock)
        {
            var bytes = _pending;
            _closing.Enqueue((_file, bytes, _pendingLength, _feed.OffsetUnlocked));
            _pending = new byte[BufferBytes];
            _pendingLength = 0;
            _file = next;
            _sleeping = false;
        }
        _wake.Set();
    }

    /// <summary>Writes and syncs everything appended so far, on the calling thread's behalf (shutdown, rewrite points).</summary>
    public bool Flush(TimeSpan timeout) => WaitSynced(_feed.Offset).AsTask().Wait(timeout) && LastError is null;

    private void Run()
    {
        int idlePolls = 0;
        (SafeFileHandle File, byte[] Bytes, int Length, long EndOffset, bool Closing)? failed = null;
        while (true)
        {
            if (failed is { } retry)
            {
                // A failed write (a full disk) is retried as it was, before anything newer: the file never has a hole.
                Thread.Sleep(100);
                if (!Persist(retry.File, retry.Bytes, retry.Length, retry.EndOffset, forceSync: retry.Closing)) continue;
                if (retry.Closing) Close(retry.File);
                else _spare = retry.Bytes;
                failed = null;
                continue;
            }
            SafeFileHandle file;
            byte[] bytes;
            int length;
            long endOffset;
            (SafeFileHandle File, byte[] Bytes, int Length, long EndOffset) closing;
            bool closingFile;
            lock (_feed.AppendLock)
            {
                closingFile = _closing.TryDequeue(out closing);
                file = _file;
                bytes = _pending;
                length = _pendingLength;
                endOffset = _feed.OffsetUnlocked;
                if (!closingFile && length > 0)
                {
                    // The two buffers take turns; each only grows, so a steady load allocates nothing.
                    _pending = _spare;
                    _pendingLength = 0;
                }
                else if (!closingFile && length == 0 && idlePolls >= IdlePollsBeforeSleep && !HasWaiters) _sleeping = true;
            }
            if (closingFile)
            {
                if (Persist(closing.File, closing.Bytes, closing.Length, closing.EndOffset, forceSync: true)) Close(closing.File);
                else failed = (closing.File, closing.Bytes, closing.Length, closing.EndOffset, true);
                continue;
            }
            if (length > 0)
            {
                idlePolls = 0;
                if (Persist(file, bytes, length, endOffset, forceSync: false)) _spare = bytes;
                else failed = (file, bytes, length, endOffset, false);
                continue;
            }
            if (_stopping) return;
            if (HasWaiters || (Policy == "everysec" && _writtenOffset > _syncedOffset && SecondSinceSync()))
            {
                Sync(file, _writtenOffset);
                continue;
            }
            idlePolls++;
            if (_sleeping) _wake.WaitOne(Policy == "everysec" ? 1000 : Timeout.Infinite);
            else if (!SyncsEveryWrite) Thread.Sleep(PollMs);
            else _wake.WaitOne(PollMs);
        }
    }

    /// <summary>A file left behind by <see cref="SwitchFile"/> is complete: the next one is written from its start.</summary>
    private void Close(SafeFileHandle file)
    {
        file.Dispose();
        Interlocked.Exchange(ref _fileSize, 0);
    }

    private bool HasWaiters
    {
        get
        {
            lock (_waitersLock) return _waiters.Count > 0;
        }
    }

    /// <summary>Writes a run of records and syncs as the policy says. Returns false on an error (kept for INFO).</summary>
    private bool Persist(SafeFileHandle file, byte[] bytes, int length, long endOffset, bool forceSync)
    {
        try
        {
            if (length > 0)
            {
                long started = Stopwatch.GetTimestamp();
                RandomAccess.Write(file, bytes.AsSpan(0, length), _fileSize);
                Interlocked.Add(ref _fileSize, length);
                OnLatency?.Invoke(Monitoring.LatencyEvents.AofWrite, ElapsedMicros(started));
            }
            _writtenOffset = endOffset;
            if (forceSync || SyncsEveryWrite || HasWaiters || (Policy == "everysec" && SecondSinceSync())) Sync(file, endOffset);
            LastError = null;
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Failed(ex);
            return false;
        }
    }

    private void Sync(SafeFileHandle file, long offset)
    {
        long started = Stopwatch.GetTimestamp();
        try
        {
            FileSync.Data(file);
            // Redis samples only the fsyncs its event loop waits for (always); everysec syncs in the background.
            if (SyncsEveryWrite) OnLatency?.Invoke(Monitoring.LatencyEvents.AofFsyncAlways, ElapsedMicros(started));
        }
        catch (IOException ex)
        {
            Failed(ex);
            return;
        }
        _lastSyncTicks = Stopwatch.GetTimestamp();
        Interlocked.Exchange(ref _syncedOffset, offset);
        lock (_waitersLock)
        {
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Offset > offset) continue;
                _waiters[i].Done.TrySetResult(true);
                _waiters.RemoveAt(i);
            }
        }
    }

    private void Failed(Exception ex)
    {
        if (LastError is null) _log.LogWarning("Error writing to the AOF file: {Error}", ex.Message);
        LastError = ex.Message;
        lock (_waitersLock)
        {
            foreach (var (_, done) in _waiters) done.TrySetResult(false);
            _waiters.Clear();
        }
    }

    private static long ElapsedMicros(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds;

    private bool SecondSinceSync() => Stopwatch.GetElapsedTime(_lastSyncTicks) >= TimeSpan.FromSeconds(1);

    /// <summary>Writes and syncs what is pending, then stops the thread (the file stays open for the caller).</summary>
    public void Dispose()
    {
        Flush(TimeSpan.FromSeconds(10));
        _stopping = true;
        _wake.Set();
        _thread.Join(TimeSpan.FromSeconds(10));
    }

    /// <summary>The current incremental file (to close after <see cref="Dispose"/>).</summary>
    public SafeFileHandle File => _file;
}
