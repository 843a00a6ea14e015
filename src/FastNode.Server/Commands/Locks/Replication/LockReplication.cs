using FastNode.Server.Cluster;
using FastNode.Server.Persistence;
using FastNode.Server.Persistence.Replication;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Locks;

namespace FastNode.Server.Commands.Locks.Replication;

/// <summary>
/// lock-replication majority for one server (docs/locks.md "Replication and fencing"): how many replica
/// acknowledgements a lock change needs, the changes parked until they have them, and the undo of the ones that time out.
///
/// The copies of a slot are its primary plus the replicas the configuration lists: in cluster mode the nodes the
/// cluster view names as this primary's replicas (failed ones included); in standalone mode every replica that
/// completed a sync with this server since it became a primary (start-up, REPLICAOF NO ONE, FAILOVER), plus, after a
/// promotion, the primary it followed. A replica that disconnects stays listed, so it never shrinks the majority; the
/// list is forgotten when the server becomes a replica or restarts.
/// </summary>
public sealed class LockReplication
{
    private readonly ServerState _server;
    private readonly Lock _lock = new();
    private readonly List<MajorityWait> _waits = [];
    private ReplicaFeed[] _counted = [];            // replica connections already listed (by reference)
    private readonly HashSet<string> _listed = [];  // "ip:port" of the listed replicas
    private volatile int _listedCount;
    private ClusterView? _countedView;              // the cluster view _viewReplicas was counted from
    private int _viewReplicas;
    private long _ackRequestedUpTo;                 // stream offset just past the last GETACK asked for here
    private volatile int _waitCount;

    public LockReplication(ServerState server, LockStats stats)
    {
        _server = server;
        Stats = stats;
    }

    public LockStats Stats { get; }

    private LockReplicationOptions Options => _server.Options.LockReplication;

    /// <summary>
    /// Replica acknowledgements that make a majority of <c>1 + listedReplicas</c> copies together with the primary:
    /// a majority is more than half, and the primary is one of them.
    /// </summary>
    public static int RequiredAcks(int listedReplicas) => listedReplicas <= 0 ? 0 : (listedReplicas + 1) / 2;

    /// <summary>
    /// The acknowledgements a lock change made now must wait for: 0 in async mode, on a replica, or while no replica
    /// is listed (then there is nothing to wait for). Cheap: one option read in async mode.
    /// </summary>
    public int AcksNeeded()
    {
        if (!Options.Majority) return 0;
        var replication = _server.Replication;
        if (replication.IsReplica) return 0;
        return RequiredAcks(ListedReplicas(replication));
    }

    /// <summary>Replicas connected now (state online), whether or not they keep up.</summary>
    public int OnlineReplicas()
    {
        var replicas = _server.Replication.Replicas;
        int n = 0;
        for (int i = 0; i < replicas.Count; i++)
        {
            if (replicas[i].State == "online") n++;
        }
        return n;
    }

    /// <summary>The listed replicas of this primary (see the class comment).</summary>
    public int ListedReplicas(ReplicationState replication)
    {
        if (_server.Cluster is { } cluster) return ClusterReplicas(cluster.View);
        var replicas = replication.Replicas;
        for (int i = 0; i < replicas.Count; i++)
        {
            var r = replicas[i];
            if (r.State == "online" && Array.IndexOf(_counted, r) < 0) List(r);
        }
        return _listedCount;
    }

    private int ClusterReplicas(ClusterView view)
    {
        if (ReferenceEquals(view, Volatile.Read(ref _countedView))) return _viewReplicas;
        int n = 0;
        var nodes = view.Snapshot.Nodes;
        for (int i = 0; i < nodes.Count; i++)
        {
            if (nodes[i].Config.PrimaryId == view.MyId) n++;
        }
        _viewReplicas = n;
        Volatile.Write(ref _countedView, view);
        return n;
    }

    private void List(ReplicaFeed replica)
    {
        string identity = replica.Ip + ":" + replica.ListeningPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        lock (_lock)
        {
            _counted = [.. Array.FindAll(_counted, r => !r.Dropped), replica];
            _listed.Add(identity);
            _listedCount = _listed.Count;
        }
    }

    /// <summary>
    /// This server became a primary (REPLICAOF NO ONE, FAILOVER): its copies are the replicas that will follow it, plus
    /// the primary it followed, which may come back as a replica and still counts until then.
    /// </summary>
    public void OnPromoted(string? previousPrimaryHost, int previousPrimaryPort)
    {
        lock (_lock)
        {
            _counted = [];
            _listed.Clear();
            if (previousPrimaryHost is not null) _listed.Add(previousPrimaryHost + ":" + previousPrimaryPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
            _listedCount = _listed.Count;
        }
    }

    /// <summary>This server became a replica: it grants nothing, and its list starts again when it is promoted.</summary>
    public void OnDemoted() => OnPromoted(null, 0);

    /// <summary>
    /// Checks, before a lock change, that it can be acknowledged: not inside MULTI/EXEC or a script (which cannot
    /// wait), and with enough replicas connected. Writes the error and returns false otherwise.
    /// </summary>
    public bool CanWait(ref CommandContext ctx, int needed)
    {
        if (ctx.Session.InExec)
        {
            ctx.Writer.WriteError(LockReplicationErrors.InTransaction);
            return false;
        }
        if (OnlineReplicas() >= needed) return true;
        Interlocked.Increment(ref Stats.MajorityUnreachableCount);
        ctx.Writer.WriteError(LockReplicationErrors.Unreachable);
        return false;
    }

    /// <summary>
    /// Instead of replying: records the change of the command's key now, parks the client until
    /// <paramref name="needed"/> replicas acknowledged it, and asks them for an acknowledgement.
    /// </summary>
    public void ReplyAfterMajority(ref CommandContext ctx, int needed, LockAckKind kind, long token, bool semaphore)
    {
        var key = ctx.Args[1];
        RecordKeyNow(ref ctx);
        Park(ref ctx, new LockAckWait(this, DeadlineMs(ref ctx), ctx.Session.FeedOffset, needed, kind, token,
            ctx.Session.DbIndex, key.ToArray(), ctx.Args[2].ToArray(), semaphore));
    }

    /// <summary>
    /// Records the state of the command's key (its first argument) now, instead of the dispatcher after the handler,
    /// so the parked reply knows its offset; sets the session's FeedOffset.
    /// </summary>
    public void RecordKeyNow(ref CommandContext ctx)
    {
        var key = ctx.Args[1];
        ctx.Session.FeedOffset = StateRecords.Emit(ctx.Server, ctx.Db, key);
        ctx.SkipPropagation();
        // The dispatcher skips a command that blocked; this one changed its key.
        if (ctx.Server.Watches.Active) ctx.Server.Watches.Touch(ctx.Session.DbIndex, key);
    }

    /// <summary>When a reply parked now gives up (lock-replication-timeout from now).</summary>
    public long DeadlineMs(ref CommandContext ctx) => ctx.NowMs + Options.TimeoutMs;

    /// <summary>Parks the client on <paramref name="wait"/> instead of replying, and asks the replicas for an acknowledgement.</summary>
    public void Park(ref CommandContext ctx, MajorityWait wait)
    {
        ctx.Session.Block(wait);
        Add(wait);
    }

    /// <summary>
    /// A queued acquirer was granted by a hand-off (another client's release, a lease's end): its reply waits for the
    /// record of that grant, which is in the stream once the writer that made it has left the write gate.
    /// </summary>
    internal LockAckWait AfterHandOff(int needed, long token, int db, byte[] key, byte[] owner, bool semaphore)
    {
        long offset;
        var gate = _server.Feed.Gate;
        bool ordered = gate.Enter();
        try
        {
            offset = _server.Feed.Offset;
        }
        finally
        {
            gate.Exit(ordered);
        }
        return new LockAckWait(this, _server.NowMs + Options.TimeoutMs, offset, needed, LockAckKind.Acquire, token, db, key, owner, semaphore);
    }

    /// <summary>Registers a parked change (after Session.Block) and asks the replicas for an acknowledgement.</summary>
    internal void Add(MajorityWait wait)
    {
        Interlocked.Increment(ref Stats.MajorityWaitsCount);
        lock (_waits)
        {
            _waits.Add(wait);
            _waitCount = _waits.Count;
        }
        RequestAck(wait.Offset);
        // An acknowledgement may have come in before the wait was listed.
        CheckWaits();
    }

    internal void Remove(MajorityWait wait)
    {
        lock (_waits)
        {
            _waits.Remove(wait);
            _waitCount = _waits.Count;
        }
    }

    /// <summary>True while lock changes wait for acknowledgements: the stream then goes to replicas without batching delay.</summary>
    public bool HasWaits => _waitCount > 0;

    /// <summary>Called on every REPLCONF ACK: completes the parked changes a majority now holds.</summary>
    public void OnAck()
    {
        if (_waitCount > 0) CheckWaits();
    }

    private void CheckWaits()
    {
        var replication = _server.Replication;
        lock (_waits)
        {
            for (int i = _waits.Count - 1; i >= 0; i--)
            {
                var wait = _waits[i];
                if (replication.CountAcked(wait.Offset) < wait.Needed || !wait.TryClaim()) continue;
                _waits.RemoveAt(i);
                wait.Complete();
            }
            _waitCount = _waits.Count;
        }
    }

    /// <summary>
    /// Puts a REPLCONF GETACK into the stream after <paramref name="offset"/>, unless one already follows it (a GETACK
    /// that ends past the offset was appended after the record that ends there): replicas answer it at once instead of
    /// at their once-a-second ACK, as Redis asks for WAIT.
    /// </summary>
    private void RequestAck(long offset)
    {
        if (Volatile.Read(ref _ackRequestedUpTo) > offset) return;
        var feed = _server.Feed;
        bool ordered = feed.Gate.Enter();
        try
        {
            if (Volatile.Read(ref _ackRequestedUpTo) > offset) return;
            _server.Replication.RequestAcks();
            Volatile.Write(ref _ackRequestedUpTo, feed.Offset);
        }
        finally
        {
            feed.Gate.Exit(ordered);
        }
    }

    /// <summary>
    /// A change that timed out: drops <paramref name="owner"/>'s lease if it still carries <paramref name="token"/>,
    /// as a writer (inside the write gate) whose new state goes through the change feed, so the replicas drop it too.
    /// </summary>
    internal void Undo(int dbIndex, byte[] key, byte[] owner, long token, bool semaphore)
    {
        var feed = _server.Feed;
        bool ordered = feed.Gate.Enter();
        try
        {
            var db = _server.Database(dbIndex);
            long now = _server.NowMs;
            bool changed = false;
            var k = db.Open(key, now, Lookup.Read);
            try
            {
                var state = LockState.Open(k, now, semaphore, out _);
                if (state is not null)
                {
                    changed = state.ReleaseGrant(owner, token, now);
                    state.Sync(ref k, now);
                }
            }
            finally
            {
                k.Dispose();
            }
            if (changed && feed.Active) StateRecords.Emit(_server, db, key);
        }
        finally
        {
            feed.Gate.Exit(ordered);
        }
    }
}
