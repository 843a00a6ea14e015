using FastNode.Server.Sessions;
using Microsoft.Extensions.Logging;

namespace FastNode.Server.Persistence.Replication;

/// <summary>master_failover_state in INFO replication.</summary>
public enum FailoverState : byte { None, WaitingForSync, InProgress }

/// <summary>
/// Standalone FAILOVER (Redis 7.0): a primary hands its role to one of its replicas without losing acknowledged writes.
/// 1. FAILOVER pauses clients' writes (they wait, they are not refused) and asks the replicas for their offsets.
/// 2. Once the target replica (or, without TO, the first replica) has acknowledged everything, this server becomes a
///    replica of it and connects with <c>PSYNC replid offset FAILOVER</c>. The target, whose history is this server's,
///    makes itself a primary and answers +CONTINUE: nothing is copied again.
/// 3. The pause ends when the target accepts. If the target refuses, the timeout passes without FORCE, or FAILOVER
///    ABORT is sent, this server is a primary again and writes resume. With FORCE, the timeout starts step 2 anyway.
/// The command, the cron, replica ACKs and the link call in from different threads; a lock keeps them apart.
/// </summary>
public sealed class CoordinatedFailover
{
    private readonly ServerState _server;
    private readonly ReplicationState _replication;
    private readonly ILogger _log;
    private readonly Lock _lock = new();
    private string? _targetHost;      // null until chosen (FAILOVER without TO picks the first replica in sync)
    private int _targetPort;
    private long _endMs;              // 0: no timeout
    private bool _force;
    private long _lastAskMs;

    public CoordinatedFailover(ServerState server, ReplicationState replication, ILogger log)
    {
        _server = server;
        _replication = replication;
        _log = log;
    }

    public FailoverState State { get; private set; }

    /// <summary>INFO's master_failover_state text.</summary>
    public string StateName => State switch
    {
        FailoverState.WaitingForSync => "waiting-for-sync",
        FailoverState.InProgress => "failover-in-progress",
        _ => "no-failover",
    };

    /// <summary>FAILOVER [TO host port] [TIMEOUT ms] [FORCE], arguments parsed: the error text, or null once started.</summary>
    public string? Start(string? host, int port, long timeoutMs, bool force)
    {
        lock (_lock)
        {
            if (State != FailoverState.None) return "ERR FAILOVER already in progress.";
            if (_replication.IsReplica) return "ERR FAILOVER is not valid when server is a replica.";
            if (_replication.Replicas.Count == 0) return "ERR FAILOVER requires connected replicas.";
            if (force && (timeoutMs == 0 || host is null)) return "ERR FAILOVER with force option requires both a timeout and target HOST and IP.";
            if (host is not null)
            {
                var replica = Find(host, port);
                if (replica is null) return "ERR FAILOVER target HOST and PORT is not a replica.";
                if (replica.State != "online") return "ERR FAILOVER target replica is not online.";
                _log.LogInformation("FAILOVER requested to {Host}:{Port}.", host, port);
            }
            else _log.LogInformation("FAILOVER requested to any replica.");
            _targetHost = host;
            _targetPort = port;
            _endMs = timeoutMs > 0 ? _server.NowMs + timeoutMs : 0;
            _force = force;
            _lastAskMs = 0;
            State = FailoverState.WaitingForSync;
            _server.Pause.Pause(PausePurpose.Failover, PauseKind.Write, long.MaxValue);
        }
        Update();
        return null;
    }

    /// <summary>FAILOVER ABORT: false when none is in progress.</summary>
    public bool TryAbort()
    {
        if (State == FailoverState.None) return false;
        Abort("Failover manually aborted");
        return true;
    }

    /// <summary>
    /// Called by the cron and after every replica ACK while waiting: hands over once the target is in sync, or acts on
    /// the timeout; otherwise asks the replicas for their offsets again (at most every 100 ms).
    /// </summary>
    public void Update()
    {
        string? host = null;
        int port = 0;
        lock (_lock)
        {
            if (State != FailoverState.WaitingForSync) return;
            long now = _server.NowMs;
            long offset = _server.Feed.Offset;
            if (_endMs != 0 && _endMs <= now)
            {
                if (!_force)
                {
                    AbortLocked("Replica never caught up before timeout");
                    return;
                }
                _log.LogInformation("FAILOVER to {Host}:{Port} time out exceeded, failing over.", _targetHost, _targetPort);
            }
            else
            {
                var target = _targetHost is not null ? Find(_targetHost, _targetPort) : FirstInSync(offset);
                if (target is null || Interlocked.Read(ref target.AckOffset) != offset)
                {
                    if (now - _lastAskMs >= 100)
                    {
                        _lastAskMs = now;
                        _replication.RequestAcks();
                    }
                    return;
                }
                _targetHost ??= target.Ip;
                if (_targetPort == 0) _targetPort = target.ListeningPort;
                _log.LogInformation("Failover target {Host}:{Port} is synced, failing over.", _targetHost, _targetPort);
            }
            State = FailoverState.InProgress;
            host = _targetHost;
            port = _targetPort;
        }
        _replication.BecomeReplica(host!, port, failover: true);
    }

    /// <summary>The target answered the PSYNC FAILOVER with +CONTINUE or +FULLRESYNC: the hand-over is done.</summary>
    public void Completed()
    {
        lock (_lock)
        {
            if (State != FailoverState.InProgress) return;
            _log.LogInformation("FAILOVER to {Host}:{Port} completed.", _targetHost, _targetPort);
            Clear();
        }
    }

    /// <summary>Ends a failover that cannot go on: a primary again (if it had turned replica) and writes resume.</summary>
    public void Abort(string reason)
    {
        lock (_lock) AbortLocked(reason);
    }

    private void AbortLocked(string reason)
    {
        if (State == FailoverState.None) return;
        if (_targetHost is not null) _log.LogInformation("FAILOVER to {Host}:{Port} aborted: {Reason}", _targetHost, _targetPort, reason);
        else _log.LogInformation("FAILOVER to any replica aborted: {Reason}", reason);
        bool turnedReplica = State == FailoverState.InProgress;
        Clear();
        if (turnedReplica) _replication.BecomePrimary();
    }

    private void Clear()
    {
        State = FailoverState.None;
        _targetHost = null;
        _targetPort = 0;
        _endMs = 0;
        _force = false;
        _server.Pause.Unpause(PausePurpose.Failover);
    }

    /// <summary>The replica that reported this address and listening port (Redis's findReplica: no name resolution).</summary>
    private ReplicaFeed? Find(string host, int port)
    {
        foreach (var replica in _replication.Replicas)
        {
            if (replica.ListeningPort == port && replica.Ip == host) return replica;
        }
        return null;
    }

    private ReplicaFeed? FirstInSync(long offset)
    {
        foreach (var replica in _replication.Replicas)
        {
            if (replica.State == "online" && Interlocked.Read(ref replica.AckOffset) == offset) return replica;
        }
        return null;
    }
}
