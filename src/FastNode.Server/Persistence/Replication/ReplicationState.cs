using System.Globalization;
using System.Security.Cryptography;
using FastNode.Server.Commands.Server;
using FastNode.Server.Persistence.Snapshots;
using FastNode.Server.Sessions;
using Microsoft.Extensions.Logging;

namespace FastNode.Server.Persistence.Replication;

/// <summary>
/// A server's replication: its history ids (PSYNC2), the backlog, the replicas attached to it as a primary, and the
/// link to its own primary when it is a replica. One per server. The lock guards the ids and the replica list; the
/// feed's gate (<see cref="WriteGate.Pause"/>) fixes the points where a replica joins the stream.
/// </summary>
public sealed class ReplicationState
{
    public const string NoId = "0000000000000000000000000000000000000000";

    private static ReadOnlySpan<byte> PingRecord => "*1\r\n$4\r\nPING\r\n"u8;
    private static ReadOnlySpan<byte> GetAckRecord => "*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n"u8;

    private readonly ServerState _server;
    private readonly Lock _lock = new();
    private readonly ILogger _log;
    private ReplicaFeed[] _replicas = [];
    private readonly List<ReplicaWait> _waits = [];
    private long _lastPingMs;
    private int _restoredStreamDb;   // the stream's database in a dump this server restarted from, for its first link

    public ReplicationState(ServerState server)
    {
        _server = server;
        _log = server.Loggers.CreateLogger("FastNode.Replication");
        ReplId = NewId();
        Failover = new CoordinatedFailover(server, this, _log);
    }

    /// <summary>A FAILOVER command's hand-over to a replica, while one runs.</summary>
    public CoordinatedFailover Failover { get; }

    /// <summary>master_replid: the id of the history this server's stream belongs to.</summary>
    public string ReplId { get; private set; }

    /// <summary>master_replid2: the id of the history before the last change of role (PSYNC2).</summary>
    public string ReplId2 { get; private set; } = NoId;

    /// <summary>second_repl_offset: the first offset that is not part of ReplId2's history (-1 when none).</summary>
    public long SecondOffset { get; private set; } = -1;

    /// <summary>The backlog, created when the first replica attaches (or a link to a primary is set up).</summary>
    public BacklogRing? Backlog { get; private set; }

    /// <summary>The link to the primary while this server is a replica.</summary>
    public MasterLink? Link { get; private set; }

    public bool IsReplica => Link is not null;

    /// <summary>
    /// Whether this server's id and offset name a history a primary may know (it loaded a primary's snapshot, or had
    /// replicas of its own): only then does its link ask to continue it; a fresh server asks "PSYNC ? -1", as Redis.
    /// </summary>
    public bool HistoryKnown { get; private set; }

    public IReadOnlyList<ReplicaFeed> Replicas => Volatile.Read(ref _replicas);

    public long SyncFull;
    public long SyncPartialOk;
    public long SyncPartialErr;

    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    /// <summary>
    /// PSYNC / SYNC from <paramref name="session"/>: attaches a <see cref="ReplicaFeed"/> at a point of the stream and
    /// returns the line to answer ("+FULLRESYNC id offset", "+CONTINUE id", or null for SYNC). The connection's loop
    /// then sends the snapshot (if any) and the stream.
    /// </summary>
    public string? Attach(ClientSession session, string? replid, long from, out ReplicaFeed replica)
    {
        var handshake = session.Handshake ?? new ReplicaHandshake();
        replica = new ReplicaFeed(session, handshake, ReplicaLimit);
        var feed = replica;
        string? line = null;
        bool partial = false;
        if (replid is not null && !handshake.RdbOnly)
        {
            _server.Feed.Gate.Pause(() =>
            {
                lock (_lock)
                {
                    var backlog = Backlog;
                    if (!PsyncDecision.CanContinue(replid, from, ReplId, ReplId2, SecondOffset, backlog is not null,
                            backlog?.FirstByteOffset ?? 0, backlog?.HistLen ?? 0)) return;
                    // Under the gate nothing is appended: the backlog's tail and then the live stream, with no gap.
                    if (!backlog!.TryCopyFrom(from, out var missing)) return;
                    feed.Prepend(missing);
                    _server.Feed.AddSink(feed);
                    _replicas = [.. _replicas, feed];
                    partial = true;
                }
            });
        }
        if (partial)
        {
            Interlocked.Increment(ref SyncPartialOk);
            replica.State = "online";
            replica.AckTimeMs = _server.NowMs;
            _log.LogInformation("Partial resynchronization request from {Address} accepted, sending from offset {Offset}", session.RemoteAddress, from);
            return handshake.CapaPsync2 ? $"+CONTINUE {ReplId}" : "+CONTINUE";
        }
        if (replid is not null && replid != "?") Interlocked.Increment(ref SyncPartialErr);
        Interlocked.Increment(ref SyncFull);
        long offset = 0;
        // The stream's database at the point, for a replica that relays its primary's stream (whose records do not
        // start with a SELECT of their own). Read with writers paused, like the offset.
        int streamDb = -1;
        var encoder = new DeferredEncoder(() => SnapshotFormat.CreateEncoder(_server, streamDb, ReplId, offset));
        replica.Capture = SnapshotCapture.Start(_server, encoder, atPoint: () =>
        {
            lock (_lock)
            {
                EnsureBacklog();
                offset = _server.Feed.Offset;
                if (_server.Feed.Relaying && Link is { } link) feed.StreamDb = streamDb = link.StreamDb;
                if (!feed.RdbOnly)
                {
                    _server.Feed.AddSink(feed);
                    _replicas = [.. _replicas, feed];
                }
            }
        });
        _log.LogInformation("Full resync requested by {Address}: sending a snapshot at offset {Offset}", session.RemoteAddress, offset);
        if (replid is not null) line = $"+FULLRESYNC {ReplId} {offset.ToString(CultureInfo.InvariantCulture)}";
        return line;
    }

    /// <summary>Forgets a replica whose connection ended.</summary>
    public void Detach(ReplicaFeed replica)
    {
        _server.Feed.RemoveSink(replica);
        lock (_lock) _replicas = Array.FindAll(_replicas, r => !ReferenceEquals(r, replica));
        replica.Capture?.Detach();
    }

    /// <summary>
    /// The replication AUX fields an RDB saved now carries (Redis's rdbPopulateSaveInfo): the history id, the offset and
    /// the stream's database at the snapshot's point, for a replica (its primary's history) or a primary with a backlog
    /// (its own); none otherwise. Call at the point, with writers paused.
    /// </summary>
    public IEnumerable<KeyValuePair<string, string>> SaveInfo()
    {
        int streamDb;
        lock (_lock)
        {
            if (Link is { } link) streamDb = link.StreamDb;
            else if (Backlog is not null) streamDb = _server.Feed.SelectedDb;
            else return [];
            if (!HistoryKnown && Link is not null) return [];
        }
        return
        [
            new("repl-stream-db", streamDb.ToString(CultureInfo.InvariantCulture)),
            new("repl-id", ReplId),
            new("repl-offset", _server.Feed.Offset.ToString(CultureInfo.InvariantCulture)),
        ];
    }

    /// <summary>
    /// Start-up from a dump with replication AUX fields (Redis's loadDataFromDisk): a server that will follow a primary
    /// continues that history, so its link asks for a partial resync from the offset; a primary keeps the history as its
    /// second id, so replicas of the server it was can continue from it.
    /// </summary>
    public void RestoreSaveInfo(IReadOnlyDictionary<string, string> aux, bool willReplicate)
    {
        if (!aux.TryGetValue("repl-id", out var id) || id.Length != 40
            || !aux.TryGetValue("repl-offset", out var offsetText) || !long.TryParse(offsetText, CultureInfo.InvariantCulture, out long offset) || offset < 0
            || !aux.TryGetValue("repl-stream-db", out var dbText) || !int.TryParse(dbText, CultureInfo.InvariantCulture, out int streamDb)
            || streamDb < 0 || streamDb >= _server.DatabaseCount) return;
        _server.Feed.Gate.Pause(() =>
        {
            lock (_lock)
            {
                _server.Feed.ResetOffset(offset);
                if (willReplicate)
                {
                    ReplId = id;
                    HistoryKnown = true;
                    _restoredStreamDb = streamDb;
                }
                else
                {
                    ReplId2 = id;
                    SecondOffset = offset + 1;
                }
                // A backlog from the restored offset: it is where replicas continue (and, being there, it keeps
                // BecomeReplica from starting a new history).
                Backlog = new BacklogRing(BacklogSize(), offset);
                _server.Feed.AddSink(Backlog);
            }
        });
        _log.LogInformation("Replication history {Id} at offset {Offset} restored from the dump", id, offset);
    }

    /// <summary>Creates the backlog (inside a pause of the gate). As Redis, a primary's first backlog starts a new history.</summary>
    private void EnsureBacklog()
    {
        if (Backlog is not null) return;
        if (!IsReplica)
        {
            ReplId = NewId();
            ReplId2 = NoId;
            SecondOffset = -1;
        }
        Backlog = new BacklogRing(BacklogSize(), _server.Feed.Offset);
        _server.Feed.AddSink(Backlog);
    }

    /// <summary>REPLCONF ACK from a replica.</summary>
    public void Acknowledged(ReplicaFeed replica, long offset)
    {
        if (offset > Interlocked.Read(ref replica.AckOffset)) Interlocked.Exchange(ref replica.AckOffset, offset);
        replica.AckTimeMs = _server.NowMs;
        replica.WaitsForFirstAck = false;
        CheckWaits();
        _server.LockReplication.OnAck();
        if (Failover.State == FailoverState.WaitingForSync) Failover.Update();
    }

    /// <summary>Replicas whose acknowledged offset reached <paramref name="offset"/>.</summary>
    public int CountAcked(long offset)
    {
        int n = 0;
        foreach (var r in Replicas)
        {
            if (r.State == "online" && Interlocked.Read(ref r.AckOffset) >= offset) n++;
        }
        return n;
    }

    /// <summary>Online replicas that acknowledged within min-replicas-max-lag seconds.</summary>
    public int GoodReplicas()
    {
        long cutoff = _server.NowMs - _server.Options.MinReplicasMaxLag * 1000L;
        int n = 0;
        foreach (var r in Replicas)
        {
            if (r.State == "online" && r.AckTimeMs >= cutoff) n++;
        }
        return n;
    }

    /// <summary>A WAIT blocked: it is checked on every ACK, and the replicas are asked for one.</summary>
    public void AddWait(ReplicaWait wait)
    {
        lock (_waits) _waits.Add(wait);
        RequestAcks();
    }

    public void RemoveWait(ReplicaWait wait)
    {
        lock (_waits) _waits.Remove(wait);
    }

    private void CheckWaits()
    {
        lock (_waits)
        {
            for (int i = _waits.Count - 1; i >= 0; i--)
            {
                var wait = _waits[i];
                int acked = CountAcked(wait.Offset);
                if (acked < wait.Replicas || !wait.TryClaim()) continue;
                wait.Acked = acked;
                _waits.RemoveAt(i);
                wait.Complete();
            }
        }
    }

    /// <summary>Called by the server cron (hz times a second): pings, GETACKs, timeouts.</summary>
    public void Cron()
    {
        long now = _server.NowMs;
        if (!IsReplica && Replicas.Count > 0 && now - _lastPingMs >= _server.Options.ReplPingReplicaPeriod * 1000L)
        {
            _lastPingMs = now;
            AppendToReplicas(PingRecord);
        }
        long timeoutMs = _server.Options.ReplTimeout * 1000L;
        foreach (var r in Replicas)
        {
            if (r.State == "online" && now - r.AckTimeMs > timeoutMs)
            {
                _log.LogWarning("Disconnecting timedout replica: {Ip}:{Port}", r.Ip, r.ListeningPort);
                r.Drop();
            }
        }
        Link?.Cron(now);
        Failover.Update();
        if (Backlog is { } backlog && backlog.Size != BacklogSize()) backlog.Resize(BacklogSize());
    }

    /// <summary>REPLCONF GETACK * to every replica: each answers with the offset it has processed.</summary>
    public void RequestAcks()
    {
        if (!IsReplica && Replicas.Count > 0) AppendToReplicas(GetAckRecord);
    }

    /// <summary>A record only replicas get (PING, REPLCONF GETACK): under the gate, so it never lands inside a MULTI.</summary>
    private void AppendToReplicas(ReadOnlySpan<byte> record)
    {
        var gate = _server.Feed.Gate;
        bool ordered = gate.Enter();
        try
        {
            _server.Feed.Relay(record, replicationOnly: true);
        }
        finally
        {
            gate.Exit(ordered);
        }
    }

    /// <summary>
    /// REPLICAOF host port: becomes a replica of that primary (replacing any link). Its own replicas are dropped
    /// (they reconnect and continue from the new history), its own history is kept as the offset it asks to continue.
    /// With <paramref name="failover"/> the link asks the new primary to take over (PSYNC ... FAILOVER).
    /// </summary>
    public void BecomeReplica(string host, int port, bool failover = false)
    {
        MasterLink? old = null;
        MasterLink? link = null;
        _server.Feed.Gate.Pause(() =>
        {
            lock (_lock)
            {
                old = Link;
                if (Backlog is not null) HistoryKnown = true;
                EnsureBacklog();
                _server.Feed.Relaying = true;
                for (int d = 0; d < _server.DatabaseCount; d++) _server.Database(d).ExpiryPaused = true;
                Link = link = new MasterLink(_server, this, host, port, failover, _restoredStreamDb);
                _restoredStreamDb = 0;
            }
        });
        old?.Stop();
        DropReplicas();
        _server.LockReplication.OnDemoted();
        _log.LogInformation("Connecting to MASTER {Host}:{Port}", host, port);
        link!.Start();
    }

    /// <summary>
    /// REPLICAOF NO ONE: a primary again, with its data. The old history id becomes ReplId2 up to the current offset
    /// and a new one starts, so replicas that followed the same primary can continue from this one (PSYNC2).
    /// </summary>
    public void BecomePrimary(string reason = "REPLICAOF NO ONE")
    {
        MasterLink? old = null;
        _server.Feed.Gate.Pause(() =>
        {
            lock (_lock)
            {
                old = Link;
                if (old is null) return;
                Link = null;
                ReplId2 = ReplId;
                SecondOffset = _server.Feed.Offset + 1;
                ReplId = NewId();
                _server.Feed.Relaying = false;
                // Before any write of the new role: its fencing tokens start above the old primary's.
                _server.LockEpochs.OnPromoted();
            }
        });
        if (old is null) return;
        _server.LockReplication.OnPromoted(old.Host, old.Port);
        _server.LockEpochs.Record();
        old.Stop();
        for (int d = 0; d < _server.DatabaseCount; d++) _server.Database(d).ExpiryPaused = false;
        DropReplicas();
        _log.LogInformation("MASTER MODE enabled ({Reason}): new replication id {Id}, previous {Old} up to offset {Offset}", reason, ReplId, ReplId2, SecondOffset);
    }

    /// <summary>The link loaded a full snapshot of a new history: this server's history is now the primary's.</summary>
    internal void AdoptHistory(string replid, long offset)
    {
        lock (_lock)
        {
            ReplId = replid;
            ReplId2 = NoId;
            SecondOffset = -1;
            HistoryKnown = true;
            _server.Feed.ResetOffset(offset);
            Backlog?.Reset(offset);
        }
    }

    /// <summary>The primary answered +CONTINUE with another id (it was promoted): keep the old one as ReplId2.</summary>
    internal void SwitchHistory(string replid)
    {
        lock (_lock)
        {
            if (replid == ReplId) return;
            ReplId2 = ReplId;
            SecondOffset = _server.Feed.Offset + 1;
            ReplId = replid;
        }
    }

    /// <summary>Closes the connections of every replica of this server (they reconnect and resynchronise).</summary>
    public void DropReplicas()
    {
        foreach (var r in Replicas) r.Drop();
    }

    private int BacklogSize() => (int)Math.Clamp(_server.Options.ReplBacklogSize, 16 * 1024, int.MaxValue);

    /// <summary>
    /// client-output-buffer-limit's replica class, with Redis's floor: a hard limit below repl-backlog-size counts as
    /// repl-backlog-size (a replica could otherwise resync partially and be dropped again at once).
    /// </summary>
    private Config.OutputBufferLimit ReplicaLimit()
    {
        var limit = _server.Options.OutputBufferLimits.Replica;
        return limit.Hard > 0 && limit.Hard < _server.Options.ReplBacklogSize ? limit with { Hard = _server.Options.ReplBacklogSize } : limit;
    }
}
