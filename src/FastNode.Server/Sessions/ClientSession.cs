namespace FastNode.Server.Sessions;

/// <summary>
/// Per-connection state that commands read and change (SELECT, HELLO, CLIENT SETNAME, AUTH...).
/// Owned by the connection's own loop; other threads only read it (CLIENT LIST) or call <see cref="Kill"/>.
/// </summary>
public sealed partial class ClientSession
{
    private static long s_nextId;
    private Action<Network.DisconnectReason>? _kill;
    private Action? _wake;

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
    /// <summary>Bytes the client's request buffer takes (set by its loop after each batch; INFO mem_clients_normal).</summary>
    public long QueryBufferBytes;

    /// <summary>The client that applies the stream of this server's primary (exempt from READONLY).</summary>
    public bool IsMasterLink;

    /// <summary>READONLY (cluster mode): reads of slots this replica's primary owns are served here instead of MOVED.</summary>
    public bool ClusterReadOnly;

    /// <summary>ASKING (cluster mode): the next command may touch a slot this node is importing (cleared after it).</summary>
    public bool Asking;

    /// <summary>2 or 3, as negotiated by HELLO.</summary>
    public int Protocol = 2;
    public bool Authenticated;
    /// <summary>The ACL user this connection runs as (AUTH/HELLO); null = the "default" user.</summary>
    public Acl.AclUser? User;
    /// <summary>Internal clients (AOF loading, the primary's stream) run without ACL checks, as Redis's user-less clients.</summary>
    public bool AclExempt;
    public string? Name;
    public string? LibraryName;
    public string? LibraryVersion;
    /// <summary>Lower-case name of the last command (CLIENT LIST cmd=).</summary>
    public string LastCommand = "NULL";
    public bool NoEvict;
    /// <summary>This client's buffers as last counted toward maxmemory-clients (Memory/ClientEviction.cs owns it).</summary>
    public long ReportedMemory;

    /// <summary>CLIENT REPLY: ON, OFF, or SKIP (which silences only the command after it).</summary>
    public ReplyMode ReplyMode;

    /// <summary>Set by QUIT (and CLIENT KILL of oneself): close the connection once the pending replies are sent.</summary>
    public bool CloseAfterReply;

    /// <summary>Commands executed by this client (total_commands_processed).</summary>
    public long CommandsProcessed;

    public long InputBytes;
    /// <summary>Reply bytes since start or CONFIG RESETSTAT (total_net_output_bytes).</summary>
    public long OutputBytes;

    /// <summary>Bytes put into the output pipe since the connection opened (never reset, unlike <see cref="OutputBytes"/>).</summary>
    public long OutputWritten;

    /// <summary>
    /// Bytes the transport has handed to the socket, or -1 when no transport counts them (in-memory tests): with
    /// <see cref="OutputWritten"/> it tells what still waits in the output pipe.
    /// </summary>
    public long OutputSent = -1;

    /// <summary>Unix-independent ms (Environment.TickCount64) since the output buffer has been at or over its class's soft limit; 0 when under it.</summary>
    public long OutputSoftLimitSinceMs;

    /// <summary>The largest output buffer seen since the server cron last sampled this client (client_recent_max_output_buffer).</summary>
    public long PeakOutput;

    /// <summary>The pub/sub side of this connection (subscriptions and the queue of pushes), created at its first subscription.</summary>
    public FastNode.Server.PubSub.Subscriber? PubSub;

    /// <summary>CLIENT TRACKING state while tracking is on, else null (Tracking/Tracker.cs).</summary>
    public Tracking.ClientTracking? Tracking;

    /// <summary>
    /// The queue of pushes for this connection (<see cref="PubSub"/>), created on first use by any thread: pub/sub
    /// creates it on the owner's loop, client tracking from whichever loop invalidates a key.
    /// </summary>
    public FastNode.Server.PubSub.Subscriber PushQueue() =>
        Volatile.Read(ref PubSub) ?? Interlocked.CompareExchange(ref PubSub, new FastNode.Server.PubSub.Subscriber(this), null) ?? PubSub!;

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

    /// <summary>Set by the connection: how to make its loop come round soon on its own thread (see <see cref="WakeLoop"/>).</summary>
    public void OnWake(Action wake) => _wake = wake;

    /// <summary>
    /// Any thread: asks the connection's loop to come round soon, on the thread that serves it, and drain what waits
    /// in its outbound queue. Never runs the loop on the caller's thread.
    /// </summary>
    public void WakeLoop() => _wake?.Invoke();

    /// <summary>Closes the connection from a thread pool thread: for callers that must not run its teardown inline (they hold locks, or fan out).</summary>
    public void KillSoon(Network.DisconnectReason reason) =>
        ThreadPool.UnsafeQueueUserWorkItem(static state => state.Session.Kill(state.Reason), (Session: this, Reason: reason), preferLocal: false);

    /// <summary>Bytes in the output pipe that the transport has not sent yet (0 when nothing counts them).</summary>
    public long PipedOutput
    {
        get
        {
            long sent = Volatile.Read(ref OutputSent);
            return sent < 0 ? 0 : Math.Max(0, Volatile.Read(ref OutputWritten) - sent);
        }
    }

    /// <summary>
    /// What Redis calls the client's output buffer: for a replica, the stream buffered for it; for others, queued
    /// pub/sub messages plus the reply bytes not yet sent (CLIENT LIST omem=, client-output-buffer-limit).
    /// </summary>
    public long OutputBufferUsage() =>
        Replica is { } replica ? replica.PendingBytes : (PubSub?.QueuedBytes ?? 0) + PipedOutput;

    /// <summary>The client-output-buffer-limit class this client is held to (a primary's link counts as normal, as in Redis).</summary>
    public Config.OutputBufferClass OutputClass =>
        Replica is not null ? Config.OutputBufferClass.Replica
        : PubSub is { Active: true } ? Config.OutputBufferClass.PubSub
        : Config.OutputBufferClass.Normal;

    /// <summary>Keeps the largest output buffer seen until the cron takes it (racy max: a lost update only loses a sample).</summary>
    public void ObserveOutput(long used)
    {
        if (used > Volatile.Read(ref PeakOutput)) Volatile.Write(ref PeakOutput, used);
    }

    /// <summary>The peak since the last call, and starts a new one.</summary>
    public long TakeOutputPeak() => Interlocked.Exchange(ref PeakOutput, 0);

    /// <summary>Closes the connection from another thread (CLIENT KILL, the idle timeout, shutdown).</summary>
    public void Kill(Network.DisconnectReason reason = Network.DisconnectReason.Killed) => _kill?.Invoke(reason);
}

public enum ReplyMode
{
    On,
    Off,
    SkipNext,
}
