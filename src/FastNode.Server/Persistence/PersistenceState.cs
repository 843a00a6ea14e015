namespace FastNode.Server.Persistence;

/// <summary>
/// The server's persistence bookkeeping (INFO persistence, LASTSAVE, the save rules, MISCONF): one per server,
/// <c>server.Persistence</c>. Counters are updated with Interlocked or under <see cref="_gate"/>; readers tolerate a
/// value from a moment ago.
/// </summary>
public sealed class PersistenceState
{
    private readonly object _gate = new();

    public PersistenceState(long startedAtMs)
    {
        LastSaveUnix = startedAtMs / 1000;
        LastBgsaveTryUnix = LastSaveUnix;
    }

    /// <summary>Changes since the last successful save (rdb_changes_since_last_save). Interlocked.</summary>
    public long Dirty;

    /// <summary>Unix seconds of the last successful save, or the start time (LASTSAVE).</summary>
    public long LastSaveUnix { get; private set; }

    /// <summary>Unix seconds of the last background save attempt (failed saves are retried after 5 s).</summary>
    public long LastBgsaveTryUnix { get; private set; }

    /// <summary>False after a background save failed, until a save succeeds (rdb_last_bgsave_status, MISCONF).</summary>
    public bool LastBgsaveOk { get; private set; } = true;

    /// <summary>Seconds the last background save took, -1 before the first (rdb_last_bgsave_time_sec).</summary>
    public long LastBgsaveSeconds { get; private set; } = -1;

    /// <summary>Successful saves since start (rdb_saves).</summary>
    public long Saves { get; private set; }

    /// <summary>True while a save (foreground or background) writes a file.</summary>
    public bool SaveInProgress { get; private set; }

    /// <summary>True while the save in progress is a background one (rdb_bgsave_in_progress).</summary>
    public bool BackgroundSaveInProgress { get; private set; }

    /// <summary>Unix ms when the save in progress started.</summary>
    public long SaveStartedMs { get; private set; }

    /// <summary>Keys written so far by the save in progress, and keys there were when it started.</summary>
    public long SaveKeysProcessed, SaveKeysTotal;

    /// <summary>A BGSAVE asked for while it could not start (BGSAVE SCHEDULE, or inside EXEC): the cron starts it.</summary>
    public bool BackgroundSaveScheduled { get; set; }

    /// <summary>The background save in progress, if any (SHUTDOWN waits for it).</summary>
    public Task? BackgroundSave { get; private set; }

    /// <summary>True while the dataset is being loaded (INFO loading).</summary>
    public bool Loading { get; set; }

    /// <summary>Set once the shutdown save ran (or was not needed), so SHUTDOWN then SIGTERM saves only once.</summary>
    public bool ShutdownSaveDone { get; set; }

    public long LastLoadKeysLoaded { get; set; }
    public long LastLoadKeysExpired { get; set; }

    /// <summary>Marks a save as started; false when one is already running. Returns the dirty count it covers.</summary>
    internal bool TryBegin(bool background, long nowMs, out long dirtyAtStart)
    {
        lock (_gate)
        {
            dirtyAtStart = 0;
            if (SaveInProgress) return false;
            SaveInProgress = true;
            BackgroundSaveInProgress = background;
            SaveStartedMs = nowMs;
            SaveKeysProcessed = 0;
            SaveKeysTotal = 0;
            dirtyAtStart = Interlocked.Read(ref Dirty);
            if (background) LastBgsaveTryUnix = nowMs / 1000;
            return true;
        }
    }

    internal void SetBackgroundTask(Task task)
    {
        lock (_gate) BackgroundSave = task;
    }

    /// <summary>Records the end of the save begun by <see cref="TryBegin"/>.</summary>
    internal void End(bool ok, long dirtyAtStart, long nowMs)
    {
        lock (_gate)
        {
            if (ok)
            {
                Interlocked.Add(ref Dirty, -dirtyAtStart);
                LastSaveUnix = nowMs / 1000;
                Saves++;
            }
            // A foreground SAVE that succeeds also clears a failed BGSAVE's status, as in Redis.
            if (BackgroundSaveInProgress || ok) LastBgsaveOk = ok;
            if (BackgroundSaveInProgress) LastBgsaveSeconds = Math.Max(0, (nowMs - SaveStartedMs) / 1000);
            SaveInProgress = false;
            BackgroundSaveInProgress = false;
            BackgroundSave = null;
        }
    }

    /// <summary>Whether writes get MISCONF: the last background save failed, save rules exist and the setting is on.</summary>
    public bool RefusesWrites(Config.ServerOptions options) =>
        !LastBgsaveOk && options.StopWritesOnBgsaveError && options.SaveRules.Length > 0;
}
