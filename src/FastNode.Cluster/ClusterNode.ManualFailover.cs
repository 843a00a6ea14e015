using FastNode.Cluster.Failover;
using FastNode.Cluster.Membership;
using FastNode.Cluster.Nodes;
using FastNode.Cluster.Wire;

namespace FastNode.Cluster;

/// <summary>
/// CLUSTER FAILOVER [FORCE|TAKEOVER], as Redis 7.0 (clusterCommand "failover", clusterHandleManualFailover):
/// <list type="number">
/// <item>Coordinated (no option): the replica sends ManualFailoverStart to its primary, which holds client writes and
///   answers with its replication offset, now fixed. Once the replica has processed that offset, it runs an election at
///   once whose vote request carries the force flag, so primaries vote although its primary is not failed. The old
///   primary sees its slots taken at a higher epoch and becomes a replica of the winner: no acknowledged write is
///   lost.</item>
/// <item>FORCE: no handshake (the primary may be unreachable); the forced election starts at once.</item>
/// <item>TAKEOVER: a new configEpoch without consensus and the primary's slots at once, without votes.</item>
/// </list>
/// Either side gives up after <see cref="ManualFailoverTimeoutMs"/> (Redis's CLUSTER_MF_TIMEOUT); the primary then lets
/// the held writes go. The winner of a vote still waits for the old primary's lease (see <c>OnAuthAck</c>); a takeover,
/// which has no votes to tell it when the lease ended, waits one full lease window.
/// </summary>
public sealed partial class ClusterNode
{
    /// <summary>Redis's CLUSTER_MF_TIMEOUT: how long a manual failover may take on either side.</summary>
    public const int ManualFailoverTimeoutMs = 5000;

    // Replica side: when the manual failover gives up (0 = none), its mode, the primary's paused offset (-1 = not
    // known yet) and whether the election may start.
    private long _mfEnd;
    private ManualFailoverMode _mfMode;
    private long _mfPrimaryOffset = -1;
    private bool _mfCanStart;
    private long _mfNextStartSend;

    // The bus may drop a frame (a full queue, a link being re-established): the request is repeated this often until
    // the primary's offset arrives. Redis sends it once over a link that does not drop.
    private const long ManualFailoverStartRepeatMs = 500;

    // Primary side: the replica taking over (None = none) and when we give up and let writes go.
    private NodeId _mfReplica;
    private long _mfPrimaryEnd;
    private long _mfPausedOffset;

    // Primary side: after voting for one of our own replicas we hold no write lease until this time (monotonic ms).
    private long _ownVoteUntil;

    /// <summary>
    /// How long a replica that won with its primary's vote waits for writes the primary had already let through its
    /// view before it stepped down (the server republishes its view at once; this covers commands in flight).
    /// </summary>
    public const long OwnVoteHandoverMs = 1000;

    /// <summary>Manual failovers this replica gave up on (Redis logs "Manual failover timed out").</summary>
    public long ManualFailoversTimedOut { get; private set; }

    /// <summary>A manual failover this replica asked for is under way.</summary>
    public bool ManualFailoverInProgress => _mfEnd != 0;

    /// <summary>This primary holds writes for a replica's manual failover.</summary>
    public bool HoldingWritesForFailover => !_mfReplica.IsNone;

    /// <summary>CLUSTER FAILOVER [FORCE|TAKEOVER]: null once started, otherwise Redis's error text.</summary>
    public string? StartManualFailover(ManualFailoverMode mode)
    {
        var me = Config;
        if (me.IsPrimary) return "ERR You should send CLUSTER FAILOVER to a replica";
        var primary = _membership.Find(me.PrimaryId);
        if (primary is null) return "ERR I'm a replica but my master is unknown to me";
        if (mode == ManualFailoverMode.Coordinated && primary.State is MemberState.Dead or MemberState.Suspect)
        {
            return "ERR Master is down or failed, please use CLUSTER FAILOVER FORCE";
        }
        long now = Now;
        ResetManualFailover();
        _election.Reset();
        switch (mode)
        {
            case ManualFailoverMode.Takeover:
                TakeOver(primary, now);
                break;
            case ManualFailoverMode.Force:
                _mfEnd = now + ManualFailoverTimeoutMs;
                _mfMode = mode;
                _mfCanStart = true;
                break;
            default:
                _mfEnd = now + ManualFailoverTimeoutMs;
                _mfMode = mode;
                _mfNextStartSend = now + ManualFailoverStartRepeatMs;
                Send(primary.Id, primary.Config.Address.Bus, ManualFailoverStartMessage.Instance);
                break;
        }
        return null;
    }

    private void ResetManualFailover()
    {
        _mfEnd = 0;
        _mfPrimaryOffset = -1;
        _mfCanStart = false;
    }

    /// <summary>
    /// Replica side, from <c>RunElection</c>: drives a manual failover in progress (the automatic election rules do not
    /// apply meanwhile). Returns false when there is none.
    /// </summary>
    private bool RunManualFailover(long now)
    {
        if (_mfEnd == 0) return false;
        var me = Config;
        var primary = me.Role == NodeRole.Replica ? _membership.Find(me.PrimaryId) : null;
        if (primary is null || now > _mfEnd)
        {
            if (primary is not null)
            {
                ManualFailoversTimedOut++;
                Note($"Manual failover timed out (primary's offset {_mfPrimaryOffset}, ours {_replication.ReplicationOffset}, votes {_election.Votes}).");
            }
            ResetManualFailover();
            _election.Reset();
            return true;
        }
        if (!_mfCanStart)
        {
            if (_mfPrimaryOffset < 0 && now >= _mfNextStartSend)
            {
                _mfNextStartSend = now + ManualFailoverStartRepeatMs;
                Send(primary.Id, primary.Config.Address.Bus, ManualFailoverStartMessage.Instance);
            }
            // Redis waits for the exact offset; the stream only grows, so reaching it is the same test.
            if (_mfPrimaryOffset < 0 || _replication.ReplicationOffset < _mfPrimaryOffset) return true;
            _mfCanStart = true;
            Note("All master replication stream processed, manual failover can start.");
        }
        if (!_election.IsScheduled) _election.Schedule(primary.Id, now, 0, 0, 0, 0, _random);
        switch (_election.Next(now, _options.ElectionTimeoutMs))
        {
            case ElectionStep.RequestVotes:
                RequestVotes(primary, force: true);
                break;
            case ElectionStep.GiveUp:
                _election.Abandon();
                break;
        }
        if (_election.Epoch != 0 && _election.Votes >= Quorum)
        {
            ResetManualFailover();
            Promote(primary, now);
        }
        return true;
    }

    /// <summary>
    /// TAKEOVER (Redis's clusterBumpConfigEpochWithoutConsensus + clusterFailoverReplaceYourMaster): a new epoch and
    /// the primary's slots, announced to everyone, without asking anybody.
    /// </summary>
    private void TakeOver(Member primary, long now)
    {
        _currentEpoch++;
        // Promote takes the election's epoch as the new configEpoch; there are no votes, so nothing shortens the wait.
        _election.VotesRequested(_currentEpoch);
        Promote(primary, now);
        // No voter withdrew its grants: the old primary keeps its lease until the grants it already holds run out.
        if (_options.WriteLease) _acceptWritesFrom = now + _options.EffectiveLeaseWindowMs;
    }

    /// <summary>
    /// Primary side: we are voting for one of our own replicas (a manual failover: Redis counts the primary's vote).
    /// Other primaries' leases stay safe because their voters withdraw grants, but ours could still be held up by the
    /// primaries that did not vote, so we stop writing now, for as long as a voter withholds its grants
    /// (<see cref="State.ClusterOptions.GrantWithdrawalMs"/>; we turn replica as soon as the winner's claim arrives).
    /// Returns the grant age to report, which makes the winner wait <see cref="OwnVoteHandoverMs"/>.
    /// </summary>
    private long StepDownForOwnReplica(long now)
    {
        _ownVoteUntil = now + _options.GrantWithdrawalMs;
        _leaseUntil = 0;
        _importGraceUntil = 0;
        _snapshotStale = true;
        Note("Voting for my own replica: no more writes here until it takes over.");
        return Math.Max(0, _options.EffectiveLeaseWindowMs - OwnVoteHandoverMs);
    }

    /// <summary>Primary side: a replica of ours asks for a coordinated manual failover (Redis MFSTART).</summary>
    private void OnManualFailoverStart(NodeId sender, long now)
    {
        var replica = _membership.Find(sender);
        if (!Config.IsPrimary || replica is null || replica.Config.Role != NodeRole.Replica || replica.Config.PrimaryId != Id) return;
        if (_mfReplica == sender)
        {
            // A repeated request: the offset is already fixed, and the pause keeps its original end.
            SendPausedOffset();
            return;
        }
        _mfReplica = sender;
        _mfPrimaryEnd = now + ManualFailoverTimeoutMs;
        // Redis pauses for twice the timeout; we let writes go ourselves when the failover ends either way.
        _mfPausedOffset = _replication.PauseWritesForFailover(ManualFailoverTimeoutMs * 2L);
        Note($"Manual failover requested by replica {sender}: writes held at offset {_mfPausedOffset}.");
        SendPausedOffset();
    }

    /// <summary>Replica side: our primary holds its writes and its offset will not move past this.</summary>
    private void OnManualFailoverOffset(NodeId sender, ManualFailoverOffsetMessage message)
    {
        if (_mfEnd == 0 || _mfMode != ManualFailoverMode.Coordinated || sender != Config.PrimaryId) return;
        if (_mfPrimaryOffset < 0) Note($"Received replication offset for paused master manual failover: {message.Offset}");
        _mfPrimaryOffset = message.Offset;
    }

    /// <summary>
    /// Primary side, every tick: repeat the offset while the failover lasts; once we lost our slots (the replica won) or
    /// the time is up, let the held writes go.
    /// </summary>
    private void ManualFailoverTick(long now)
    {
        if (_mfReplica.IsNone) return;
        if (!Config.IsPrimary || Config.Slots.IsEmpty || now > _mfPrimaryEnd)
        {
            _mfReplica = NodeId.None;
            _replication.ResumeWritesAfterFailover();
            return;
        }
        SendPausedOffset();
    }

    private void SendPausedOffset()
    {
        var replica = _membership.Find(_mfReplica);
        if (replica is not null) Send(replica.Id, replica.Config.Address.Bus, new ManualFailoverOffsetMessage(_mfPausedOffset));
    }
}
