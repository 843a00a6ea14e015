namespace FastNode.Server.Commands;

/// <summary>Command properties, as Redis's command table declares them (COMMAND INFO reports their names).</summary>
[Flags]
public enum CommandFlags
{
    None = 0,
    Write = 1 << 0,
    ReadOnly = 1 << 1,
    DenyOom = 1 << 2,
    Admin = 1 << 3,
    PubSub = 1 << 4,
    NoScript = 1 << 5,
    Blocking = 1 << 6,
    Loading = 1 << 7,
    Stale = 1 << 8,
    SkipMonitor = 1 << 9,
    Fast = 1 << 10,
    NoAuth = 1 << 11,
    MayReplicate = 1 << 12,
    NoMulti = 1 << 13,
    AllowBusy = 1 << 14,
    /// <summary>Only meaningful with subcommands: the parent just routes to a subcommand table.</summary>
    Container = 1 << 15,
    /// <summary>FastNode only: the command may legitimately write no reply (CLIENT REPLY OFF/SKIP).</summary>
    NoReply = 1 << 16,
    /// <summary>Redis's no_async_loading: refused while a replica loads a dataset in the background (SAVE, BGSAVE...).</summary>
    NoAsyncLoading = 1 << 17,
    /// <summary>Redis's skip_slowlog: never recorded in the slow log (EXEC, and commands that carry secrets).</summary>
    SkipSlowlog = 1 << 18,
    /// <summary>Redis's movablekeys: key positions depend on the arguments (EVAL, ZUNIONSTORE...).</summary>
    MovableKeys = 1 << 19,
    /// <summary>Redis's no_mandatory_keys: the command may be called with no key at all.</summary>
    NoMandatoryKeys = 1 << 20,
    /// <summary>
    /// FastNode only: not flagged fast by Redis but as short, its time bounded by its arguments (SET, SETEX, PSETEX,
    /// MSET, MSETNX); timed in runs of consecutive calls like the fast commands (see CommandContext.BeginCommand).
    /// </summary>
    ShortRunning = 1 << 21,
}
