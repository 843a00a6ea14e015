using System.Diagnostics;
using FastNode.Server.Persistence.Snapshots;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace FastNode.Server.Persistence.Aof;

/// <summary>
/// The append-only file of a server, in Redis 7.0's multi-part layout under dir/appenddirname: a base file (the
/// dataset at the last rewrite), incremental files of change records since, and a manifest naming them in order.
/// Owns the writer (<see cref="AofWriter"/>), start-up loading and rewrites.
///
/// A rewrite (BGREWRITEAOF, or turning appendonly on at run time) pauses the writers for an instant to fix a point in
/// the stream: records after it go to a new incremental file, already listed in the manifest before any record reaches
/// it, so a crash mid-rewrite still loads old base + old increments + the new one. The base is written in the
/// background from a point-in-time snapshot (<see cref="SnapshotCapture"/>); once it is synced and renamed into
/// place, the manifest is switched to new base + new increment and the old parts are deleted.
/// </summary>
public sealed class AppendOnlyFile(ServerState server)
{
    private readonly ILogger _log = server.Loggers.CreateLogger("FastNode.Aof");
    private readonly Lock _lock = new();
    private AofManifest _manifest = new();
    private AofWriter? _writer;
    private long _baseSize;
    private long _rewriteBaseSize;
    private long _rewriteStarted;

    /// <summary>The writer while the AOF is on (appendonly yes and its first base written).</summary>
    public AofWriter? Writer => _writer;

    public bool Enabled => _writer is not null;

    public bool RewriteInProgress { get; private set; }
    /// <summary>Always false: a rewrite never waits for a BGSAVE here (snapshots run side by side), unlike Redis's forks.</summary>
    public bool RewriteScheduled => false;
    public int Rewrites { get; private set; }
    public int ConsecutiveFailures { get; private set; }
    public bool LastRewriteOk { get; private set; } = true;
    public long LastRewriteSeconds { get; private set; } = -1;
    public long CurrentRewriteSeconds => RewriteInProgress ? (long)Stopwatch.GetElapsedTime(_rewriteStarted).TotalSeconds : -1;

    /// <summary>Bytes of the base and incremental files (INFO aof_current_size).</summary>
    public long CurrentSize => _baseSize + IncrementsSize;

    public long BaseSize => _baseSize;

    private long IncrementsSize
    {
        get
        {
            long total = _writer?.FileSize ?? 0;
            foreach (var part in _manifest.Increments)
            {
                if (_writer is not null && part == _manifest.Increments[^1]) continue;
                var info = new FileInfo(Path.Combine(Directory, part.Name));
                if (info.Exists) total += info.Length;
            }
            return total;
        }
    }

    private string Prefix => server.Options.AppendFileName;

    /// <summary>dir/appenddirname.</summary>
    public string Directory => Path.Combine(server.DataDirectory, server.Options.AppendDirName);

    private string ManifestPath => Path.Combine(Directory, AofManifest.FileName(Prefix));

    /// <summary>
    /// At start-up with appendonly yes: loads the AOF if there is one, then starts appending (writing a first base when
    /// there was none). Throws <see cref="AofLoadException"/> for a file that cannot be loaded.
    /// </summary>
    public async Task StartAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        if (File.Exists(ManifestPath))
        {
            var manifest = AofManifest.Parse(await File.ReadAllTextAsync(ManifestPath).ConfigureAwait(false), out var error);
            if (error is not null) throw new AofLoadException($"{error} ({ManifestPath})");
            var loader = new AofLoader(server, _log);
            var started = Stopwatch.GetTimestamp();
            await loader.LoadAsync(Directory, manifest, server.Options.AofLoadTruncated).ConfigureAwait(false);
            _log.LogInformation("DB loaded from append only file: {Seconds:0.000} seconds, {Keys} keys, {Commands} commands",
                Stopwatch.GetElapsedTime(started).TotalSeconds, loader.KeysLoaded, loader.Commands);
            _manifest = manifest;
            foreach (var part in manifest.History) TryDelete(part.Name);
            manifest.History.Clear();
            _baseSize = manifest.Base is null ? 0 : new FileInfo(Path.Combine(Directory, manifest.Base.Name)).Length;
            OpenLastIncrement();
            _rewriteBaseSize = CurrentSize;
            return;
        }
        // No AOF yet: write a base of the dataset as it is (empty, or loaded from elsewhere) before serving, as Redis
        // does ("Creating AOF base file ... on server start").
        var done = StartRewrite();
        await done.ConfigureAwait(false);
        if (!LastRewriteOk) throw new AofLoadException($"Can't create the AOF base file in {Directory}");
    }

    /// <summary>CONFIG SET appendonly yes: writes a base of the current dataset in the background, then appends.</summary>
    public string? Enable()
    {
        if (_writer is not null || RewriteInProgress) return null;
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"Can't create the AOF directory {Directory}: {ex.Message}";
        }
        _ = StartRewrite();
        return null;
    }

    /// <summary>CONFIG SET appendonly no: stops appending after writing and syncing what is pending.</summary>
    public void Disable()
    {
        lock (_lock)
        {
            if (_writer is not { } writer) return;
            server.Feed.RemoveSink(writer);
            writer.Dispose();
            writer.File.Dispose();
            _writer = null;
        }
    }

    /// <summary>BGREWRITEAOF: the reply text, or an error.</summary>
    public string BackgroundRewrite()
    {
        if (RewriteInProgress) return "-ERR Background append only file rewriting already in progress";
        _ = StartRewrite();
        return "+Background append only file rewriting started";
    }

    /// <summary>Called by the cron: starts a rewrite once the files grew past auto-aof-rewrite-percentage.</summary>
    public void RewriteIfGrown()
    {
        var options = server.Options;
        if (_writer is null || RewriteInProgress || options.AutoAofRewritePercentage == 0) return;
        long size = CurrentSize;
        if (size < options.AutoAofRewriteMinSize) return;
        long baseSize = Math.Max(_rewriteBaseSize, 1);
        if ((size - baseSize) * 100 / baseSize < options.AutoAofRewritePercentage) return;
        _log.LogInformation("Starting automatic rewriting of AOF on {Growth}% growth", (size - baseSize) * 100 / baseSize);
        _ = StartRewrite();
    }

    /// <summary>Writes and syncs everything appended so far (shutdown).</summary>
    public void FlushAndClose() => Disable();

    private Task StartRewrite()
    {
        lock (_lock)
        {
            if (RewriteInProgress) return Task.CompletedTask;
            RewriteInProgress = true;
            _rewriteStarted = Stopwatch.GetTimestamp();
        }
        try
        {
            long baseSeq = _manifest.LastBaseSeq + 1;
            long incrSeq = _manifest.LastIncrementSeq + 1;
            // With appendonly no (BGREWRITEAOF alone) only a base is written; nothing is appended after it.
            bool appending = server.Options.AppendOnly;
            var increment = appending ? new AofManifest.Part(AofManifest.IncrementName(Prefix, incrSeq), incrSeq, 'i') : null;
            System.IO.Directory.CreateDirectory(Directory);
            var incrementFile = increment is null ? null
                : File.OpenHandle(Path.Combine(Directory, increment.Name), FileMode.Create, FileAccess.Write, FileShare.Read);
            bool rdb = server.Options.AofUseRdbPreamble;
            ISnapshotEncoder encoder = rdb
                ? new Rdb.RdbSnapshot(server, new Rdb.RdbSaveOptions { Compression = server.Options.RdbCompression, Checksum = server.Options.RdbChecksum, AofBase = true })
                : new CommandSnapshotEncoder(server);
            var capture = SnapshotCapture.Start(server, encoder, atPoint: () =>
            {
                if (increment is null) return;
                // Listed before any record can reach it: a crash from here on still loads it after the old parts.
                _manifest.Increments.Add(increment);
                WriteManifest(_manifest);
                if (_writer is null)
                {
                    _writer = new AofWriter(server.Feed, incrementFile!, 0, server.Options, _log) { OnLatency = RecordLatency };
                    server.Feed.AddSink(_writer);
                }
                else
                {
                    _writer.SwitchFile(incrementFile!);
                    server.Feed.ForceSelect();
                }
            });
            return Task.Factory.StartNew(() => FinishRewrite(capture, baseSeq, rdb, increment), TaskCreationOptions.LongRunning);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            RewriteFailed(ex);
            return Task.CompletedTask;
        }
    }

    private void FinishRewrite(SnapshotCapture capture, long baseSeq, bool rdb, AofManifest.Part? increment)
    {
        string temp = Path.Combine(Directory, $"temp-rewriteaof-bg-{Environment.ProcessId}.aof");
        try
        {
            var basePart = new AofManifest.Part(AofManifest.BaseName(Prefix, baseSeq, rdb), baseSeq, 'b');
            FileSync.ReplaceAtomically(Path.Combine(Directory, basePart.Name), temp, file => capture.WriteTo(file));
            var next = new AofManifest { Base = basePart };
            if (_manifest.Base is { } oldBase) next.History.Add(oldBase with { Type = 'h' });
            foreach (var part in _manifest.Increments)
            {
                if (part == increment) next.Increments.Add(part);
                else next.History.Add(part with { Type = 'h' });
            }
            WriteManifest(next);
            _manifest = next;
            foreach (var part in next.History) TryDelete(part.Name);
            next.History.Clear();
            WriteManifest(next);
            _baseSize = new FileInfo(Path.Combine(Directory, basePart.Name)).Length;
            _rewriteBaseSize = CurrentSize;
            Rewrites++;
            ConsecutiveFailures = 0;
            LastRewriteOk = true;
            LastRewriteSeconds = (long)Stopwatch.GetElapsedTime(_rewriteStarted).TotalSeconds;
            _log.LogInformation("Background AOF rewrite finished successfully ({Keys} keys)", capture.Keys);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            capture.Detach();
            RewriteFailed(ex);
            return;
        }
        finally
        {
            RewriteInProgress = false;
        }
    }

    private void RewriteFailed(Exception ex)
    {
        RewriteInProgress = false;
        LastRewriteOk = false;
        ConsecutiveFailures++;
        _log.LogWarning("Background AOF rewrite failed: {Error}", ex.Message);
    }

    /// <summary>Opens the last incremental file for appending (creating one when the manifest has none).</summary>
    private void OpenLastIncrement()
    {
        if (_manifest.Increments.Count == 0)
        {
            long seq = _manifest.LastIncrementSeq + 1;
            _manifest.Increments.Add(new AofManifest.Part(AofManifest.IncrementName(Prefix, seq), seq, 'i'));
            WriteManifest(_manifest);
        }
        var last = _manifest.Increments[^1];
        string path = Path.Combine(Directory, last.Name);
        var file = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
        long size = RandomAccess.GetLength(file);
        server.Feed.Gate.Pause(() =>
        {
            _writer = new AofWriter(server.Feed, file, size, server.Options, _log) { OnLatency = RecordLatency };
            server.Feed.AddSink(_writer);
        });
    }

    /// <summary>The AOF writer's events, for LATENCY (stamped with the server's clock).</summary>
    private void RecordLatency(string eventName, long micros) => server.Monitoring.EventTook(eventName, micros, server.NowMs);

    /// <summary>Replaces the manifest atomically: a temp file, synced, renamed over it, the directory synced.</summary>
    private void WriteManifest(AofManifest manifest)
    {
        FileSync.ReplaceAtomically(ManifestPath, Path.Combine(Directory, "temp-" + AofManifest.FileName(Prefix)),
            file => file.Write(System.Text.Encoding.UTF8.GetBytes(manifest.Format())));
    }

    private void TryDelete(string name)
    {
        try
        {
            File.Delete(Path.Combine(Directory, name));
        }
        catch (IOException ex)
        {
            _log.LogWarning("Could not delete old AOF file {File}: {Error}", name, ex.Message);
        }
    }
}
