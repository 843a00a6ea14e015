namespace FastNode.Server.Sessions;

/// <summary>
/// Per-connection state that commands read and change (SELECT, HELLO, CLIENT SETNAME, AUTH...).
/// Owned by the connection's own loop; other threads only read it (CLIENT LIST) or call <see cref="Kill"/>.
/// </summary>
public sealed class ClientSession
{
    private static long s_nextId;
    private Action<Network.DisconnectReason>? _kill;

    public ClientSession(string remoteAddress, string localAddress, long nowMs)
    {
        Id = Interlocked.Increment(ref s_nextId);
        RemoteAddress = remoteAddress;
        LocalAddress = localAddress;
        CreatedAtMs = nowMs;
        LastInteractionMs = nowMs;
    }

    /// <summary>CLIENT ID: unique and increasing for the life of the process.</summary>
    public long Id { get; }
    public string RemoteAddress { get; }
    public string LocalAddress { get; }
    public long CreatedAtMs { get; }

    /// <summary>Unix ms of the last command (idle time for CLIENT LIST and the `timeout` setting).</summary>
    public long LastInteractionMs;

    public int DbIndex;

    /// <summary>
    /// The change-feed offset after the last record this client's commands appended: with appendfsync always its
    /// replies go out once the AOF is synced up to here.
    /// </summary>
    public long FeedOffset;
    /// <summary>What this client said with REPLCONF before PSYNC/SYNC (null for ordinary clients).</summary>
    public Persistence.Replication.ReplicaHandshake? Handshake;

    /// <summary>Set by PSYNC/SYNC: this connection is a replica, and its loop sends it the stream from now on.</summary>
    public Persistence.Replication.ReplicaFeed? Replica;

    /// <summary>The client that applies the stream of this server's primary (exempt from READONLY).</summary>
    public bool IsMasterLink;

    /// <summary>2 or 3, as negotiated by HELLO.</summary>
    public int Protocol = 2;
    public bool Authenticated;
    public string? Name;
    public string? LibraryName;
    public string? LibraryVersion;
    /// <summary>Lower-case name of the last command (CLIENT LIST cmd=).</summary>
    public string LastCommand = "NULL";
    public bool NoEvict;

    /// <summary>CLIENT REPLY: ON, OFF, or SKIP (which silences only the command after it).</summary>
    public ReplyMode ReplyMode;

    /// <summary>Set by QUIT (and CLIENT KILL of oneself): close the connection once the pending replies are sent.</summary>
    public bool CloseAfterReply;

    /// <summary>Commands executed by this client (total_commands_processed).</summary>
    public long CommandsProcessed;

    public long InputBytes;
    public long OutputBytes;

    /// <summary>Commands queued since MULTI, or null outside a transaction.</summary>
    public List<Transactions.QueuedCommand>? Multi;

    /// <summary>A command failed to queue (unknown, wrong arity): EXEC must answer EXECABORT.</summary>
    public bool MultiDirty;

    /// <summary>True while EXEC runs this client's queued commands: blocking commands must not block then.</summary>
    public bool InExec;

    /// <summary>Keys this client WATCHes (managed by WatchRegistry).</summary>
    public List<Transactions.WatchedKey> WatchedKeys { get; } = [];

    /// <summary>Set by any client that modifies a watched key; read by EXEC.</summary>
    public volatile bool WatchInvalidated;

    /// <summary>The command this client is blocked in, if any; the connection waits on it before reading on.</summary>
    public Blocking.BlockedCommand? PendingBlock { get; private set; }

    /// <summary>Called by a blocking handler instead of writing a reply: the reply comes when the wait ends.</summary>
    public void Block(Blocking.BlockedCommand command) => PendingBlock = command;

    public void Unblock() => PendingBlock = null;

    public void OnKill(Action<Network.DisconnectReason> kill) => _kill = kill;

    /// <summary>Closes the connection from another thread (CLIENT KILL, the idle timeout, shutdown).</summary>
    public void Kill(Network.DisconnectReason reason = Network.DisconnectReason.Killed) => _kill?.Invoke(reason);
}

public enum ReplyMode
{
    On,
    Off,
    SkipNext,
}
