using Microsoft.Extensions.Logging;

namespace FastNode.Server.Persistence.Rdb;

/// <summary>
/// Saving to and loading from `dir`/`dbfilename`. A save writes temp-&lt;pid&gt;.rdb in the same directory, fsyncs it,
/// renames it over the target and fsyncs the directory, so a process killed mid-save leaves the previous file intact
/// (at worst a stray temp file, which the next save overwrites).
/// </summary>
public static class RdbFile
{
    /// <summary>Foreground save (SAVE, SHUTDOWN): writes the file on this thread. Returns false on failure (logged).</summary>
    public static bool Save(ServerState server, out bool alreadyInProgress)
    {
        var state = server.Persistence;
        alreadyInProgress = !state.TryBegin(background: false, server.NowMs, out long dirty);
        if (alreadyInProgress) return false;
        bool ok = WriteAndLog(server, "DB saved on disk");
        state.End(ok, dirty, server.NowMs);
        return ok;
    }

    /// <summary>Starts a background save on the thread pool (BGSAVE, the save rules).</summary>
    public static BackgroundSaveStart StartBackground(ServerState server)
    {
        var state = server.Persistence;
        if (!state.TryBegin(background: true, server.NowMs, out long dirty)) return BackgroundSaveStart.AlreadyInProgress;
        state.BackgroundSaveScheduled = false;
        Log(server).LogInformation("Background saving started");
        var task = Task.Run(() =>
        {
            bool ok = false;
            try
            {
                ok = WriteAndLog(server, "Background saving terminated with success");
            }
            finally
            {
                state.End(ok, dirty, server.NowMs);
            }
        });
        state.SetBackgroundTask(task);
        return BackgroundSaveStart.Started;
    }

    /// <summary>Waits for a background save in progress, if any (SHUTDOWN).</summary>
    public static void WaitForBackground(ServerState server)
    {
        try
        {
            server.Persistence.BackgroundSave?.Wait();
        }
        catch (AggregateException)
        {
            // Already logged by the save.
        }
    }

    /// <summary>
    /// Loads `dir`/`dbfilename` if it exists (start-up). Returns false when there is no file; throws
    /// <see cref="RdbFormatException"/> (or an IOException) when it cannot be loaded.
    /// </summary>
    public static bool LoadAtStartup(ServerState server)
    {
        string path = server.Options.RdbPath;
        if (!File.Exists(path)) return false;
        var state = server.Persistence;
        var log = Log(server);
        long started = Environment.TickCount64;
        state.Loading = true;
        try
        {
            using var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            var result = RdbLoader.Load(input, server, new RdbLoadOptions { Logger = log });
            server.Replication.RestoreSaveInfo(result.Aux, willReplicate: server.Options.ReplicaOf.Length > 0);
            state.LastLoadKeysLoaded = result.KeysLoaded;
            state.LastLoadKeysExpired = result.KeysExpired;
            log.LogInformation("Done loading RDB, keys loaded: {Loaded}, keys expired: {Expired}.", result.KeysLoaded, result.KeysExpired);
            log.LogInformation("DB loaded from disk: {Seconds:0.000} seconds", (Environment.TickCount64 - started) / 1000.0);
            return true;
        }
        finally
        {
            state.Loading = false;
        }
    }

    /// <summary>Writes the snapshot to <paramref name="path"/> atomically (temp file, fsync, rename, fsync dir).</summary>
    /// <paramref name="atPoint"/> runs at the snapshot's point, with writers paused.
    public static void WriteAtomically(ServerState server, string path, RdbSaveOptions options, Action? atPoint = null)
    {
        string temp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $"temp-{Environment.ProcessId}.rdb");
        FileSync.ReplaceAtomically(path, temp, file => RdbSnapshot.Write(server, file, options, atPoint));
    }

    private static bool WriteAndLog(ServerState server, string success)
    {
        var log = Log(server);
        var state = server.Persistence;
        try
        {
            long total = 0;
            for (int i = 0; i < server.DatabaseCount; i++) total += server.Database(i).ApproximateCount;
            state.SaveKeysTotal = total;
            // The replication history at the point (repl-id, repl-offset, repl-stream-db): a replica restarted from this
            // file asks its primary to continue from there instead of syncing in full.
            var replicationInfo = new List<KeyValuePair<string, string>>();
            var options = new RdbSaveOptions
            {
                Compression = server.Options.RdbCompression,
                Checksum = server.Options.RdbChecksum,
                Progress = keys => state.SaveKeysProcessed = keys,
                ExtraAux = replicationInfo,
            };
            WriteAtomically(server, server.Options.RdbPath, options, () => replicationInfo.AddRange(server.Replication.SaveInfo()));
            log.LogInformation("{Message}", success);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            log.LogWarning("Failed opening or writing the .rdb file {Path}: {Error}", server.Options.RdbPath, ex.Message);
            return false;
        }
        catch (Exception ex)
        {
            log.LogError(ex, "RDB save failed");
            return false;
        }
    }

    private static ILogger Log(ServerState server) => server.Loggers.CreateLogger("FastNode.Rdb");
}
