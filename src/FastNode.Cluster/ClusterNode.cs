using FastNode.Cluster.Failover;
using FastNode.Cluster.Membership;
using FastNode.Cluster.Nodes;
using FastNode.Cluster.Placement;
using FastNode.Cluster.Routing;
using FastNode.Cluster.State;
using FastNode.Cluster.Wire;

namespace FastNode.Cluster;

/// <summary>
/// One cluster node's bus logic: SWIM membership underneath, Redis Cluster's rules on top (failure reports and FAIL,
/// replica elections, configEpochs, the slot map, cluster_state), plus a write lease that keeps a minority primary
/// from accepting writes. Everything it touches is injected (transport, clock, randomness, replication progress), so
/// the same code runs over TCP in the server and in the simulator.
/// <para>Single-threaded: call <see cref="Tick"/> (every 100 ms or so), <see cref="Receive"/> and the configuration
/// methods from one thread. <see cref="Snapshot"/> returns an immutable object any thread may read.</para>
/// </summary>
public sealed partial class ClusterNode : IMembershipSender, IMembershipEvents
{
    // How often the lease maintenance runs; it sorts the primaries, so not on every tick.
    private const long LeaseMaintenanceMs = 250;

    private readonly ClusterOptions _options;
    private readonly IClusterTransport _transport;
    private readonly TimeProvider _time;
    private readonly long _startTimestamp;
    private readonly Random _random;
    private readonly IReplicationProgress _replication;
    private readonly BusFrameCodec _codec;
    private readonly SwimMembership _membership;

    private readonly FailureReports _reports = new();
    private readonly VoteLedger _votes = new();
    private readonly ReplicaElection _election = new();
    private readonly WriteLease _lease = new();
    private readonly LeaseGrantLog _grants = new();

    // Last replication offset each node put in a frame header (replicas rank themselves with it).
    private readonly Dictionary<NodeId, long> _offsets = [];

    // Derived from the member configs by Rebuild(); valid while _configDirty is false.
    private SlotMap _map = SlotMap.Empty;
    private List<NodeId> _voters = [];
    private HashSet<NodeId> _voterSet = [];
    private HashSet<NodeId> _goodStanding = [];
    private ulong _digest;
    private bool _configDirty = true;
    private bool _snapshotStale = true;
    private ClusterSnapshot? _snapshot;

    private long _currentEpoch;
    private long _leaseUntil;
    private long _acceptWritesFrom;
    private long _nextLeaseMaintenance;
    private bool _coverageOk;
    private bool _majorityOk;

    // Anti-entropy: since when frames have carried a digest different from ours, and from whom.
    private long _mismatchSince;
    private NodeId _mismatchPeer;
    private long _lastSyncAt = long.MinValue / 2;

    public ClusterNode(NodeId id, NodeConfig config, ClusterOptions options, IClusterTransport transport,
        TimeProvider time, Random random, IReplicationProgress? replication = null)
    {
        _options = options;
        _transport = transport;
        _time = time;
        _startTimestamp = time.GetTimestamp();
        _random = random;
        _replication = replication ?? NoReplication.Instance;
        _codec = new BusFrameCodec(BusFrameCodec.ClusterIdOf(options.ClusterName), options.Secret, options.Limits);
        var verdict = new ClusterFailureVerdict(_reports, IsVoter, () => Quorum, () => _membership!.Health,
            options.NodeTimeoutMs, options.Membership.ProbeIntervalMs, options.FailureReportValidityMs);
        _membership = new SwimMembership(id, config, options.Membership, this, this, verdict, random, Now);
        _currentEpoch = config.ConfigEpoch;
    }

    // ---- identity and read-only views ---------------------------------------------------------------------

    public NodeId Id => _membership.Self.Id;

    public NodeConfig Config => _membership.Self.Config;

    public long CurrentEpoch => _currentEpoch;

    public long LastVoteEpoch => _votes.LastVoteEpoch;

    /// <summary>cluster_state as of the last tick.</summary>
    public ClusterHealth Health => _coverageOk && _majorityOk ? ClusterHealth.Ok : ClusterHealth.Fail;

    /// <summary>Raised on every change nodes.conf records (epochs, votes, any node's config); the server saves when it moves.</summary>
    public long ConfigVersion { get; private set; }

    public ClusterStats Stats { get; } = new();

    public SwimMembership Membership => _membership;

    /// <summary>The slot map as of the last tick (one array read per lookup).</summary>
    public SlotMap SlotMap => _map;

    /// <summary>The config digest this node sends in its headers.</summary>
    public ulong ConfigDigest => _digest;

    public ClusterSnapshot Snapshot
    {
        get
        {
            if (_snapshotStale || _snapshot is null)
            {
                _snapshot = BuildSnapshot();
                _snapshotStale = false;
            }
            return _snapshot;
        }
    }

    /// <summary>
    /// Whether a write to the slot may be accepted now: this node owns it, cluster_state is ok, its write lease holds,
    /// and (after a promotion) the previous owner's lease has certainly run out.
    /// </summary>
    public bool CanWrite(int slot)
    {
        long now = Now;
        if (!Config.IsPrimary || _map.Owner(slot) != Id || !_coverageOk) return false;
        if (!_options.WriteLease) return _majorityOk;
        return now < _leaseUntil && now >= _acceptWritesFrom;
    }

    /// <summary>CLUSTER COUNT-FAILURE-REPORTS (reports this node holds as one of the suspect's counters).</summary>
    public int CountFailureReports(NodeId node) => _reports.CountAll(node, Now, _options.FailureReportValidityMs);

    // Monotonic milliseconds since this node started, plus one so that 0 can mean "never".
    private long Now => (long)_time.GetElapsedTime(_startTimestamp).TotalMilliseconds + 1;

    private int Quorum => _voters.Count / 2 + 1;

    private bool IsVoter(NodeId id) => _voterSet.Contains(id);

    private bool IAmVoter => _voterSet.Contains(Id);

    // ---- driving ------------------------------------------------------------------------------------------

    /// <summary>Runs timers: probes, verdicts, elections, lease upkeep, anti-entropy. Call every ~100 ms.</summary>
    public void Tick()
    {
        long now = Now;
        _membership.Tick(now);
        if (_configDirty) Rebuild(now);
        _reports.Expire(now, _options.FailureReportValidityMs);
        MaintainLease(now);
        RunElection(now);
        if (_configDirty) Rebuild(now);
        ManualFailoverTick(now);
        MigrateToOrphanedPrimary(now);
        SyncIfDiverged(now);
        UpdateHealth(now);
        ExpireSlotHints(now);
    }

    /// <summary>
    /// Handles one received frame. A rejection means the frame was dropped and nothing changed; the server should
    /// close the link and log it (rate-limited).
    /// </summary>
    public FrameRejection Receive(ReadOnlySpan<byte> frame)
    {
        var rejection = _codec.TryDecode(frame, out var decoded);
        if (rejection != FrameRejection.None)
        {
            Stats.Reject(rejection);
            return rejection;
        }
        var header = decoded!.Header;
        if (header.Sender == Id) return FrameRejection.None;
        Stats.Received(header.Type);
        long now = Now;
        _membership.Heard(header.Sender, now);
        if (header.CurrentEpoch > _currentEpoch)
        {
            _currentEpoch = header.CurrentEpoch;
            ConfigVersion++;
        }
        _offsets[header.Sender] = header.ReplicationOffset;
        TrackDigest(header, now);

        switch (decoded.Message)
        {
            case PingMessage ping: _membership.HandlePing(header.Sender, ping, now); break;
            case AckMessage ack: OnAck(header, ack, now); break;
            case PingRequestMessage request: _membership.HandlePingRequest(header.Sender, request, now); break;
            case NackMessage nack: _membership.HandleNack(nack); break;
            case AccusationMessage accusation: OnAccusation(header.Sender, accusation, now); break;
            case FailoverAuthRequestMessage request: OnAuthRequest(header, request, now); break;
            case FailoverAuthAckMessage vote: OnAuthAck(header.Sender, vote); break;
            case StateSyncMessage sync: OnStateSync(header.Sender, sync, now); break;
            case GossipMessage gossip: _membership.HandleGossip(gossip, now); break;
            case PublishMessage publish: OnPublish(header.Sender, publish); break;
            case ManualFailoverStartMessage: OnManualFailoverStart(header.Sender, now); break;
            case ManualFailoverOffsetMessage offset: OnManualFailoverOffset(header.Sender, offset); break;
        }
        return FrameRejection.None;
    }

    // ---- configuration (CLUSTER MEET / ADDSLOTS / DELSLOTS / REPLICATE / SET-CONFIG-EPOCH / BUMPEPOCH) -------

    /// <summary>CLUSTER MEET: push our member table to the endpoint; its answer brings its table back.</summary>
    public void Meet(BusEndpoint endpoint)
    {
        Send(NodeId.None, endpoint, new StateSyncMessage(false, _membership.ExportState()));
        Stats.StateSyncsStarted++;
    }

    /// <summary>Adds members learned out of band (nodes.conf at start-up, or a simulator building a running cluster).</summary>
    public void Seed(IReadOnlyList<MemberRecord> members)
    {
        _membership.Merge(members, Id, Now);
        foreach (var m in members) _currentEpoch = Math.Max(_currentEpoch, m.Config.ConfigEpoch);
        _configDirty = true;
    }

    /// <summary>Restores the epochs saved in nodes.conf (the "vars" line).</summary>
    public void RestoreEpochs(long currentEpoch, long lastVoteEpoch)
    {
        _currentEpoch = Math.Max(_currentEpoch, currentEpoch);
        _votes.LastVoteEpoch = lastVoteEpoch;
    }

    /// <summary>CLUSTER ADDSLOTS: claim slots at the current configEpoch (the server checks they are unowned).</summary>
    public void AddSlots(SlotSet slots) =>
        ChangeSelf(Config with { Slots = Config.Slots.Union(slots) });

    /// <summary>CLUSTER DELSLOTS.</summary>
    public void RemoveSlots(SlotSet slots) =>
        ChangeSelf(Config with { Slots = Config.Slots.Except(slots) });

    /// <summary>CLUSTER SET-CONFIG-EPOCH (redis-cli --cluster create gives each primary its own epoch).</summary>
    public void SetConfigEpoch(long epoch)
    {
        _currentEpoch = Math.Max(_currentEpoch, epoch);
        ChangeSelf(Config with { ConfigEpoch = epoch });
    }

    /// <summary>
    /// CLUSTER BUMPEPOCH (Redis's bump without consensus): take a new configEpoch unless ours is already the highest
    /// epoch known. Returns true for BUMPED, false for STILL.
    /// </summary>
    public bool BumpEpoch()
    {
        long highest = Math.Max(_currentEpoch, _membership.Members.Max(m => m.Config.ConfigEpoch));
        if (Config.ConfigEpoch != 0 && Config.ConfigEpoch == highest) return false;
        _currentEpoch++;
        ChangeSelf(Config with { ConfigEpoch = _currentEpoch });
        return true;
    }

    /// <summary>
    /// CLUSTER REPLICATE: follow a primary (the server checks this node has no slots and no keys). False when the
    /// node is unknown or is not a primary.
    /// </summary>
    public bool TryReplicate(NodeId primary)
    {
        var target = _membership.Find(primary);
        if (target is null || target.Id == Id || !target.Config.IsPrimary) return false;
        ChangeSelf(Config with
        {
            Role = NodeRole.Replica,
            PrimaryId = primary,
            ShardId = target.Config.ShardId,
            Slots = SlotSet.Empty,
        });
        return true;
    }

    /// <summary>cluster-replica-no-failover: announced to the cluster as the nofailover flag.</summary>
    public void SetNoFailover(bool noFailover) => ChangeSelf(Config with { NoFailover = noFailover });

    /// <summary>Leave the cluster on purpose.</summary>
    public void Leave() => _membership.Leave();

    private void ChangeSelf(NodeConfig config)
    {
        if (config == Config) return;
        _membership.UpdateSelf(config);
        _configDirty = true;
        ConfigVersion++;
    }

    // ---- received messages --------------------------------------------------------------------------------

    private void OnAck(FrameHeader header, AckMessage ack, long now)
    {
        long pingSentAt = _membership.HandleAck(header.Sender, ack, now);
        if (pingSentAt >= 0 && IsVoter(header.Sender))
        {
            _lease.Answered(header.Sender, pingSentAt, (header.Flags & FrameFlags.LeaseGrant) != 0);
        }
    }

    private void OnAccusation(NodeId reporter, AccusationMessage accusation, long now)
    {
        var suspect = _membership.Find(accusation.Suspect);
        if (suspect is null || !IsVoter(reporter) || accusation.Incarnation < suspect.Incarnation) return;
        _reports.Add(accusation.Suspect, accusation.Incarnation, reporter, now);
        _membership.ReportSuspicion(accusation.Suspect, accusation.Incarnation, reporter, now);
    }

    private void OnAuthRequest(FrameHeader header, FailoverAuthRequestMessage request, long now)
    {
        var decision = DecideVote(header, request, now);
        if (decision != VoteDecision.Granted)
        {
            Note($"Failover auth denied to {header.Sender} for epoch {header.CurrentEpoch}: {decision}");
            return;
        }
        Note($"Failover auth granted to {header.Sender} for epoch {header.CurrentEpoch}");
        _votes.Record(_currentEpoch, request.FailedPrimary, now);
        ConfigVersion++;
        var requester = _membership.Find(header.Sender)!;
        // Our grants to that primary stop here (the vote withdraws them); the winner learns when the last one was.
        long grantAge = request.FailedPrimary == Id ? StepDownForOwnReplica(now)
            : _grants.AgeMs(request.FailedPrimary, now, FailoverAuthAckMessage.NeverGranted);
        Send(requester.Id, requester.Config.Address.Bus, new FailoverAuthAckMessage(_currentEpoch, grantAge));
    }

    /// <summary>Redis's vote rules (clusterSendFailoverAuthIfNeeded), in its order.</summary>
    private VoteDecision DecideVote(FrameHeader header, FailoverAuthRequestMessage request, long now)
    {
        if (!IAmVoter) return VoteDecision.NotAVoter;
        var decision = _votes.Check(header.CurrentEpoch, _currentEpoch, now, request.FailedPrimary,
            _options.NodeTimeoutMs * 2L);
        if (decision != VoteDecision.Granted) return decision;
        var requester = _membership.Find(header.Sender);
        if (requester is null || requester.Config.Role != NodeRole.Replica
            || requester.Config.PrimaryId != request.FailedPrimary)
        {
            return VoteDecision.NotAReplica;
        }
        var primary = _membership.Find(request.FailedPrimary);
        if (!request.Force && primary?.State != MemberState.Dead) return VoteDecision.PrimaryNotFailed;
        foreach (int slot in request.Slots.Slots())
        {
            var owner = _membership.Find(_map.Owner(slot));
            if (owner is not null && owner.Config.ConfigEpoch > request.ClaimedConfigEpoch) return VoteDecision.StaleSlotClaim;
        }
        return VoteDecision.Granted;
    }

    private void OnAuthAck(NodeId voter, FailoverAuthAckMessage vote)
    {
        // A lease the voter granted GrantAgeMs before voting lasts at most one window from then (clocks run at the
        // same rate; the vote left the voter before it arrived here, so "now" is no earlier than its send time).
        if (IsVoter(voter)) _election.AddVote(voter, vote.Epoch, Now - vote.GrantAgeMs + _options.EffectiveLeaseWindowMs);
    }

    private void OnStateSync(NodeId sender, StateSyncMessage sync, long now)
    {
        _membership.Merge(sync.Members, sender, now);
        _configDirty = true;
        if (sync.IsReply) return;
        var peer = _membership.Find(sender);
        if (peer is not null) Send(peer.Id, peer.Config.Address.Bus, new StateSyncMessage(true, _membership.ExportState()));
    }

    /// <summary>
    /// Notes a peer whose digest differs from ours. The clock restarts only when our own digest changes: a matching
    /// frame from a peer as stale as we are proves nothing, so it must not hold off the sync.
    /// </summary>
    private void TrackDigest(FrameHeader header, long now)
    {
        if (_configDirty || header.ConfigDigest == _digest) return;
        if (_mismatchSince == 0) _mismatchSince = now;
        _mismatchPeer = header.Sender;
    }

    // ---- membership events --------------------------------------------------------------------------------

    void IMembershipEvents.MemberAlive(Member member, bool joined)
    {
        _reports.Clear(member.Id);
        _configDirty = true;
    }

    void IMembershipEvents.MemberSuspected(Member member, NodeId accuser)
    {
        _snapshotStale = true;
        // A failure report must be our own observation, so a voter checks for itself before reporting.
        if (IAmVoter && member.Id != Id) _membership.RequestProbe(member.Id);
    }

    void IMembershipEvents.MemberDead(Member member) => _configDirty = true;

    void IMembershipEvents.DeclaredDead(Member member, DeadItem verdict)
    {
        // Redis broadcasts FAIL to every node at once (clusterSendFail): voters and the failed node's replicas must
        // act on it, and clients asking any node must stop being sent there. One frame per member per verdict.
        var message = new GossipMessage([verdict]);
        foreach (var m in _membership.Members)
        {
            if (m.Id != Id && m.Id != member.Id && m.IsProbeable) Send(m.Id, m.Config.Address.Bus, message);
        }
    }

    void IMembershipEvents.MemberLeft(Member member) => _configDirty = true;

    void IMembershipEvents.ProbeFailed(Member member)
    {
        if (!IAmVoter || _membership.Health.IsDoubtful) return;
        long now = Now;
        foreach (var counter in FailureCounters(member.Id))
        {
            if (counter == Id)
            {
                _reports.Add(member.Id, member.Incarnation, Id, now);
                continue;
            }
            var target = _membership.Find(counter)!;
            Send(counter, target.Config.Address.Bus, new AccusationMessage(member.Id, member.Incarnation));
        }
    }

    /// <summary>The voters that count reports about a suspect: the top few by rendezvous hash among live voters.</summary>
    private List<NodeId> FailureCounters(NodeId suspect) =>
        RendezvousHash.Top(suspect,
            _voters.Where(v => v != suspect && _membership.Find(v)?.State == MemberState.Alive),
            _options.FailureReportCounters);

    void IMembershipSender.Send(NodeId to, BusEndpoint endpoint, IBusMessage message) => Send(to, endpoint, message);

    private void Send(NodeId to, BusEndpoint endpoint, IBusMessage message)
    {
        var flags = message is AckMessage && GrantsLeaseTo(to) ? FrameFlags.LeaseGrant : FrameFlags.None;
        if (flags == FrameFlags.LeaseGrant) _grants.Granted(to, Now);
        var header = new FrameHeader(message.Type, flags, _codec.ClusterId, Id, _currentEpoch, _digest,
            _replication.ReplicationOffset);
        byte[] frame = _codec.Encode(header, message);
        Stats.Sent(message.Type, frame.Length);
        _transport.Send(endpoint, frame);
    }

    /// <summary>
    /// Whether our Acks vouch for this primary's write lease: it owns every slot it claims in our map, is not FAIL
    /// here, and we have not voted to replace it.
    /// </summary>
    private bool GrantsLeaseTo(NodeId primary)
    {
        if (!_goodStanding.Contains(primary)) return false;
        var member = _membership.Find(primary);
        if (member is null || member.State is MemberState.Dead or MemberState.Left) return false;
        return !_votes.IsWithdrawn(primary, member.Config.ConfigEpoch, Now, _options.GrantWithdrawalMs);
    }

    // ---- derived state ------------------------------------------------------------------------------------

    private void Rebuild(long now)
    {
        _configDirty = false;
        var previous = _map;
        _map = SlotClaims.Resolve(_membership.Members);
        bool reconciled = ReconcileSelf(now);
        if (reconciled || ResolveEpochCollision()) _map = SlotClaims.Resolve(_membership.Members);
        _map = KeepHandedOverSlots(previous, _map, now);
        // Voters withhold lease grants while we claim a slot they know we lost: tell everyone at once.
        if (reconciled) AnnounceSelf();
        _configDirty = false;

        foreach (var m in _membership.Members) _currentEpoch = Math.Max(_currentEpoch, m.Config.ConfigEpoch);
        NoteReplicaHistory();
        _voters = _map.Owners.Where(o => _membership.Find(o)?.Config.IsPrimary == true).OrderBy(o => o).ToList();
        _voterSet = [.. _voters];
        _goodStanding = [];
        foreach (var owner in _voters)
        {
            var config = _membership.Find(owner)!.Config;
            if (config.Slots.Slots().All(s => ClaimStands(owner, config, s))) _goodStanding.Add(owner);
        }
        ulong digest = State.ConfigDigest.Compute(_membership.Members);
        if (digest != _digest) _mismatchSince = 0;
        _digest = digest;
        _snapshotStale = true;
        ConfigVersion++;
    }

    /// <summary>
    /// Redis's reactions to losing slots (clusterUpdateSlotsConfigWith): drop slots someone else won; a primary left
    /// with none becomes a replica of whoever took its last slot, and a replica whose primary lost everything (or
    /// turned replica) follows the new owner. Returns true when our own config changed.
    /// </summary>
    private bool ReconcileSelf(long now)
    {
        var me = Config;
        if (me.IsPrimary && !me.Slots.IsEmpty)
        {
            var lost = SlotSet.FromSlots(me.Slots.Slots().Where(s => _map.Owner(s) != Id));
            if (lost.IsEmpty) return false;
            var remaining = me.Slots.Except(lost);
            if (!remaining.IsEmpty)
            {
                _membership.UpdateSelf(me with { Slots = remaining });
                NoteStaleSlots(lost);
                return true;
            }
            var taker = _membership.Find(_map.Owner(lost.Slots().Last()));
            _lease.Forget();
            bool followTaker = taker is { Config.IsPrimary: true } && FollowsTaker(me.Slots, taker.Config.Slots);
            _membership.UpdateSelf(followTaker
                ? me with { Role = NodeRole.Replica, PrimaryId = taker!.Id, ShardId = taker.Config.ShardId, Slots = SlotSet.Empty }
                : me with { Slots = SlotSet.Empty });
            // A new replica's full sync replaces the dataset; an empty primary deletes what it no longer serves.
            if (!followTaker) NoteStaleSlots(lost);
            return true;
        }
        if (me.Role != NodeRole.Replica) return false;
        var primary = _membership.Find(me.PrimaryId);
        if (primary is null) return false;
        var pc = primary.Config;
        NodeId follow = NodeId.None;
        if (pc.Role == NodeRole.Replica && !pc.PrimaryId.IsNone && pc.PrimaryId != Id) follow = pc.PrimaryId;
        else if (pc.IsPrimary && !pc.Slots.IsEmpty && pc.Slots.Slots().All(s => _map.Owner(s) != primary.Id))
        {
            follow = _map.Owner(pc.Slots.Slots().First());
            if (_membership.Find(follow) is { } taker && !FollowsTaker(pc.Slots, taker.Config.Slots)) return false;
        }
        var leader = _membership.Find(follow);
        if (leader is null || leader.Id == Id || !leader.Config.IsPrimary) return false;
        _election.Reset();
        _membership.UpdateSelf(me with { PrimaryId = leader.Id, ShardId = leader.Config.ShardId });
        return true;
    }

    /// <summary>
    /// Redis's configEpoch collision rule: of two primaries with the same configEpoch, the one with the smaller id
    /// takes a new epoch, so every claim ends up with a distinct epoch.
    /// </summary>
    private bool ResolveEpochCollision()
    {
        var me = Config;
        if (!me.IsPrimary) return false;
        foreach (var m in _membership.Members)
        {
            if (m.Id == Id || m.State == MemberState.Left || !m.Config.IsPrimary) continue;
            if (m.Config.ConfigEpoch != me.ConfigEpoch || Id > m.Id) continue;
            _currentEpoch++;
            _membership.UpdateSelf(me with { ConfigEpoch = _currentEpoch });
            return true;
        }
        return false;
    }

    // ---- lease, elections, anti-entropy, health -----------------------------------------------------------

    private void MaintainLease(long now)
    {
        if (!IAmVoter || !Config.IsPrimary || !_options.WriteLease)
        {
            _leaseUntil = 0;
            return;
        }
        var others = _voters.Where(v => v != Id).ToList();
        long window = _options.EffectiveLeaseWindowMs;
        _leaseUntil = now < _ownVoteUntil ? 0 : _lease.ValidUntil(others, Quorum, window);
        if (now < _nextLeaseMaintenance) return;
        _nextLeaseMaintenance = now + LeaseMaintenanceMs;
        var live = others.Where(v => _membership.Find(v)?.IsProbeable == true).ToList();
        foreach (var id in _lease.DueForPing(live, Quorum, now, window, _options.Membership.ProbeTimeoutMs))
        {
            Stats.LeasePings++;
            _membership.SendPing(_membership.Find(id)!, now);
        }
    }

    private void RunElection(long now)
    {
        if (RunManualFailover(now)) return;
        var me = Config;
        var primary = me.Role == NodeRole.Replica ? _membership.Find(me.PrimaryId) : null;
        if (primary is null || me.NoFailover || primary.State != MemberState.Dead || !IsVoter(primary.Id))
        {
            _election.Reset();
            return;
        }
        if (_options.ReplicaValidityFactor > 0 && _replication.PrimaryLinkDownFor is { } down
            && down.TotalMilliseconds > _options.NodeTimeoutMs * (1L + _options.ReplicaValidityFactor) + 10_000)
        {
            return;
        }
        long timeout = _options.ElectionTimeoutMs;
        if (_election.MayStart(now, timeout))
        {
            _election.Schedule(primary.Id, now, Rank(primary.Id), _options.ElectionFixedDelayMs,
                _options.ElectionRandomDelayMs, _options.ElectionRankDelayMs, _random);
            AnnounceToSiblings(primary.Id);
        }
        switch (_election.Next(now, timeout))
        {
            case ElectionStep.Wait when _election.Epoch == 0:
                _election.Rerank(Rank(primary.Id), _options.ElectionRankDelayMs);
                break;
            case ElectionStep.RequestVotes:
                RequestVotes(primary);
                break;
            case ElectionStep.GiveUp:
                _election.Abandon();
                break;
        }
        if (_election.Epoch != 0 && _election.Votes >= Quorum) Promote(primary, now);
    }

    /// <summary>Redis's replica rank: how many sibling replicas (not failed) report a larger replication offset.</summary>
    private int Rank(NodeId primary)
    {
        long mine = _replication.ReplicationOffset;
        int rank = 0;
        foreach (var m in _membership.Members)
        {
            if (m.Id == Id || m.State == MemberState.Dead || m.Config.Role != NodeRole.Replica) continue;
            if (m.Config.PrimaryId == primary && _offsets.GetValueOrDefault(m.Id) > mine) rank++;
        }
        return rank;
    }

    private void AnnounceToSiblings(NodeId primary)
    {
        foreach (var m in _membership.Members)
        {
            if (m.Id != Id && m.IsProbeable && m.Config.Role == NodeRole.Replica && m.Config.PrimaryId == primary)
            {
                Send(m.Id, m.Config.Address.Bus, AnnounceMessage.Instance);
            }
        }
    }

    private void RequestVotes(Member primary, bool force = false)
    {
        _currentEpoch++;
        _election.VotesRequested(_currentEpoch);
        Stats.ElectionsStarted++;
        ConfigVersion++;
        var request = new FailoverAuthRequestMessage(primary.Id, primary.Config.ConfigEpoch, force, _map.SlotsOf(primary.Id));
        foreach (var voter in _voters)
        {
            var m = _membership.Find(voter)!;
            // A forced request (manual failover) goes to the primary too: as in Redis, its own vote counts.
            if ((voter != primary.Id || force) && m.IsProbeable) Send(voter, m.Config.Address.Bus, request);
        }
    }

    private void Promote(Member primary, long now)
    {
        var slots = _map.SlotsOf(primary.Id);
        long epoch = Math.Max(Config.ConfigEpoch, _election.Epoch);
        long oldLeaseEndsBy = _election.OldLeaseEndsBy;
        _election.Reset();
        _lease.Forget();
        // The old primary's lease needed grants from a majority, and every majority holds one of our voters: it ends
        // at the latest one window after the last grant any of them reported (none after their vote). A primary dead
        // for node-timeout got its last grants long ago, so the winner writes at once.
        if (_options.WriteLease) _acceptWritesFrom = Math.Max(now, oldLeaseEndsBy);
        Stats.ElectionsWon++;
        ChangeSelf(Config with { Role = NodeRole.Primary, PrimaryId = NodeId.None, ConfigEpoch = epoch, Slots = slots });
        // Redis's winner broadcasts a PONG so every node learns the new owner at once; so do we.
        var announcement = new GossipMessage([new AliveItem(Id, _membership.Self.Incarnation, Config)]);
        foreach (var m in _membership.Members)
        {
            if (m.Id != Id && m.IsProbeable) Send(m.Id, m.Config.Address.Bus, announcement);
        }
    }

    private void SyncIfDiverged(long now)
    {
        if (_mismatchSince == 0 || now - _mismatchSince < _options.SyncAfterMismatchMs) return;
        if (now - _lastSyncAt < _options.SyncCooldownMs) return;
        var peer = _membership.Find(_mismatchPeer);
        _mismatchSince = 0;
        if (peer is null) return;
        _lastSyncAt = now;
        Stats.StateSyncsStarted++;
        Send(peer.Id, peer.Config.Address.Bus, new StateSyncMessage(false, _membership.ExportState()));
    }

    /// <summary>
    /// Redis's cluster_state: fail when a slot has no live owner (with full coverage required) or when this node
    /// cannot count on a majority of the primaries: for a primary serving slots its write lease, for any other node
    /// the primaries it does not suspect, as long as its own local health is not doubtful.
    /// </summary>
    private void UpdateHealth(long now)
    {
        bool coverage = !_options.RequireFullCoverage || _map.AssignedCount == KeySlot.SlotCount;
        if (coverage)
        {
            foreach (var owner in _map.Owners)
            {
                if (_membership.Find(owner)?.State == MemberState.Dead) coverage = false;
            }
        }
        bool majority;
        if (IAmVoter && Config.IsPrimary && _options.WriteLease) majority = now < LeaseDeadline;
        else
        {
            // Redis's rule, plus Lifeguard: a node whose own probes keep failing is more likely cut off than
            // surrounded by failures, and it probes too slowly by then to learn the rest in time.
            majority = _voters.Count(v => _membership.Find(v)?.State == MemberState.Alive) >= Quorum
                && !_membership.Health.IsDoubtful;
        }
        if (coverage != _coverageOk || majority != _majorityOk) _snapshotStale = true;
        _coverageOk = coverage;
        _majorityOk = majority;
    }

    private ClusterSnapshot BuildSnapshot()
    {
        var map = EffectiveSlotMap();
        var owned = new Dictionary<NodeId, List<int>>();
        for (int slot = 0; slot < KeySlot.SlotCount; slot++)
        {
            var owner = map.Owner(slot);
            if (owner.IsNone) continue;
            if (!owned.TryGetValue(owner, out var list)) owned[owner] = list = [];
            list.Add(slot);
        }
        long unixNow = _time.GetUtcNow().ToUnixTimeMilliseconds();
        long now = Now;
        var views = new List<ClusterNodeView>();
        foreach (var m in _membership.Members)
        {
            if (m.State == MemberState.Left) continue;
            var flags = m.Config.IsPrimary ? NodeFlags.Primary : NodeFlags.Replica;
            if (m.Id == Id) flags |= NodeFlags.Myself;
            if (m.State == MemberState.Suspect) flags |= NodeFlags.PFail;
            if (m.State == MemberState.Dead) flags |= NodeFlags.Fail;
            if (m.Config.Address.Ip.Length == 0) flags |= NodeFlags.NoAddr;
            if (m.Config.NoFailover) flags |= NodeFlags.NoFailover;
            long pingSent = m.PingPendingSince == 0 ? 0 : unixNow - (now - m.PingPendingSince);
            long pongReceived = m.LastHeardAt == 0 ? 0 : unixNow - (now - m.LastHeardAt);
            var slots = owned.TryGetValue(m.Id, out var list) ? SlotSet.FromSlots(list) : SlotSet.Empty;
            views.Add(new ClusterNodeView(m.Id, m.Config, flags, pingSent, pongReceived,
                m.Id == Id || m.State != MemberState.Dead, slots));
        }
        return new ClusterSnapshot(Id, _currentEpoch, _votes.LastVoteEpoch, Health, views, map) { Migrations = _migrations };
    }
}
