using FastNode.Cluster.Nodes;
using FastNode.Cluster.Wire;

namespace FastNode.Cluster.Membership;

/// <summary>
/// SWIM failure detection and dissemination with Lifeguard's refinements, driven by <see cref="Tick"/> and by the
/// received messages. Not thread-safe: one thread calls everything (the server's cluster loop, or the simulator).
/// <list type="number">
/// <item>Each period, probe one member (round-robin over a shuffled list, so every member is probed within N periods;
/// SWIM section 4.3). Members the layer above asked to verify go first.</item>
/// <item>No Ack within the probe timeout: ask k others to probe it (ping-req). They answer with the Ack or a Nack.</item>
/// <item>No Ack by the end of the period: suspect it, and gossip the suspicion. A suspected member that hears of it
/// refutes with a higher incarnation (section 4.2).</item>
/// <item>A suspicion becomes a death when <see cref="ISuspicionVerdict"/> says so.</item>
/// <item>All updates ride piggy-back on Pings and Acks, a bounded number per message, each a bounded number of times.</item>
/// <item>Lifeguard: missed Acks and Nacks raise <see cref="LocalHealth"/>, which stretches this node's own timeouts;
/// when probing a suspect, the suspicion is sent along so the suspect can refute at once (buddy system).</item>
/// </list>
/// Time is monotonic milliseconds passed in by the caller.
/// </summary>
public sealed class SwimMembership
{
    private readonly MembershipOptions _options;
    private readonly IMembershipSender _sender;
    private readonly IMembershipEvents _events;
    private readonly ISuspicionVerdict _verdict;
    private readonly Random _random;
    private readonly MemberTable _table;
    private readonly BroadcastQueue _broadcasts = new();

    // Members the layer above wants probed next (Redis failure reports need independent observations).
    private readonly List<NodeId> _priorityProbes = [];

    // Shuffled round-robin order of probe targets; rebuilt when exhausted.
    private readonly List<Member> _probeOrder = [];
    private int _probeIndex;

    // Members currently suspect, so the verdict check does not scan the whole table each tick.
    private readonly List<Member> _suspects = [];

    // Every Ping sent and not yet answered, by sequence (probes, extra pings, pings relayed for others).
    private readonly Dictionary<uint, PendingPing> _pending = [];

    // CLUSTER FORGET's ban list: id -> monotonic ms until which nothing about it is learned again.
    private readonly Dictionary<NodeId, long> _banned = [];

    private ProbeRound? _probe;
    private long _nextProbeAt;
    private long _periods;
    private uint _nextSequence;

    public SwimMembership(NodeId self, NodeConfig config, MembershipOptions options, IMembershipSender sender,
        IMembershipEvents events, ISuspicionVerdict? verdict, Random random, long now, long incarnation = 0)
    {
        _options = options;
        _sender = sender;
        _events = events;
        _verdict = verdict ?? new LifeguardTimeoutVerdict(options);
        _random = random;
        _table = new MemberTable(new Member(self, incarnation, MemberState.Alive, config, now));
        Health = new LocalHealth(options.MaxLocalHealth);
        // Spread the first probe over one period so nodes started together do not probe in lock-step.
        _nextProbeAt = now + random.Next(options.ProbeIntervalMs);
    }

    public Member Self => _table.Self;

    public IReadOnlyList<Member> Members => _table.All;

    public LocalHealth Health { get; }

    public MembershipCounters Counters { get; } = new();

    public MembershipOptions Options => _options;

    /// <summary>Gossip items waiting to be sent (for tests and metrics).</summary>
    public int QueuedBroadcasts => _broadcasts.Count;

    public Member? Find(NodeId id) => _table.Find(id);

    private int TransmitLimit => BroadcastQueue.TransmitLimit(_options.RetransmitMultiplier, _table.Count);

    // ---- driven by the caller ------------------------------------------------------------------------------

    public void Tick(long now)
    {
        ExpirePending(now);
        AdvanceProbe(now);
        if (_probe is null && now >= _nextProbeAt)
        {
            _nextProbeAt = now + Health.Scale(_options.ProbeIntervalMs);
            _periods++;
            StartProbe(now);
            if (_options.DeadProbePeriods > 0 && _periods % _options.DeadProbePeriods == 0) PingOneDeadMember(now);
        }
        CheckSuspicions(now);
    }

    /// <summary>This node's config changed: raise the incarnation and gossip the new config.</summary>
    public void UpdateSelf(NodeConfig config)
    {
        Self.Config = config;
        Self.Incarnation++;
        _broadcasts.Enqueue(new AliveItem(Self.Id, Self.Incarnation, config));
    }

    /// <summary>Leave on purpose: members stop probing and suspecting this node.</summary>
    public void Leave()
    {
        Self.Incarnation++;
        _broadcasts.Enqueue(new LeftItem(Self.Id, Self.Incarnation));
    }

    /// <summary>Probe this member in the next period, ahead of the round-robin order.</summary>
    public void RequestProbe(NodeId id)
    {
        if (id != Self.Id && !_priorityProbes.Contains(id)) _priorityProbes.Add(id);
    }

    /// <summary>An extra Ping outside the probe schedule (the write lease uses it); its Ack is reported by <see cref="HandleAck"/>.</summary>
    public void SendPing(Member target, long now)
    {
        Counters.ExtraPings++;
        SendPingTo(target, now, withBuddyItem: false, withGossip: false);
    }

    /// <summary>
    /// CLUSTER FORGET: removes a member and ignores every item and record about it until <paramref name="bannedUntil"/>
    /// (Redis's 60 s blacklist), so the gossip of nodes that still know it does not add it back at once.
    /// </summary>
    public bool Forget(NodeId id, long bannedUntil)
    {
        var member = _table.Find(id);
        if (member is null || !_table.Remove(id)) return false;
        _banned[id] = bannedUntil;
        _probeOrder.Remove(member);
        _probeIndex = Math.Min(_probeIndex, _probeOrder.Count);
        _suspects.Remove(member);
        _priorityProbes.Remove(id);
        if (_probe?.Target == member) _probe = null;
        return true;
    }

    private bool IsBanned(NodeId id, long now)
    {
        if (_banned.Count == 0 || !_banned.TryGetValue(id, out long until)) return false;
        if (now < until) return true;
        _banned.Remove(id);
        return false;
    }

    /// <summary>Members learned out of band (a state sync, or a simulator seeding a running cluster).</summary>
    public void Merge(IReadOnlyList<MemberRecord> records, NodeId reporter, long now)
    {
        foreach (var record in records) MergeOne(record, reporter, now);
    }

    public List<MemberRecord> ExportState()
    {
        var records = new List<MemberRecord>(_table.Count);
        foreach (var m in _table.All) records.Add(m.ToRecord());
        return records;
    }

    // ---- received messages ---------------------------------------------------------------------------------

    /// <summary>Every frame from a member counts as hearing from it.</summary>
    public void Heard(NodeId from, long now)
    {
        var member = _table.Find(from);
        if (member is not null) member.LastHeardAt = now;
    }

    public void HandlePing(NodeId from, PingMessage ping, long now)
    {
        ApplyGossip(ping.Gossip, now);
        if (!ping.Target.IsNone && ping.Target != Self.Id) return;
        // An unknown sender cannot be answered: its address comes with its Alive item or a state sync.
        var sender = _table.Find(from);
        if (sender is null) return;
        _sender.Send(from, sender.Config.Address.Bus, new AckMessage(ping.Sequence, TakeGossip(BuddyItem(sender))));
    }

    /// <summary>
    /// Applies an Ack. Returns the time the answered Ping was sent when the Ack comes straight from the pinged member,
    /// or -1 (relayed, unknown or late).
    /// </summary>
    public long HandleAck(NodeId from, AckMessage ack, long now)
    {
        ApplyGossip(ack.Gossip, now);
        if (!_pending.Remove(ack.Sequence, out var pending)) return -1;
        var target = _table.Find(pending.Target);
        if (target is not null) target.PingPendingSince = 0;
        if (_probe is not null && _probe.Sequence == ack.Sequence) _probe.Acked = true;
        if (!pending.RelayFor.IsNone)
        {
            var origin = _table.Find(pending.RelayFor);
            if (origin is not null)
            {
                _sender.Send(origin.Id, origin.Config.Address.Bus, new AckMessage(pending.RelaySequence, []));
            }
        }
        return from == pending.Target ? pending.SentAt : -1;
    }

    public void HandlePingRequest(NodeId from, PingRequestMessage request, long now)
    {
        if (request.Target == Self.Id) return;
        uint sequence = ++_nextSequence;
        _pending[sequence] = new PendingPing(request.Target, now) { RelayFor = from, RelaySequence = request.Sequence };
        // The requester could not reach the target, so it may well be down: no gossip spent on it.
        _sender.Send(request.Target, request.TargetEndpoint, new PingMessage(sequence, request.Target, []));
    }

    public void HandleGossip(GossipMessage gossip, long now) => ApplyGossip(gossip.Gossip, now);

    public void HandleNack(NackMessage nack)
    {
        if (_probe is not null && _probe.Sequence == nack.Sequence) _probe.NacksReceived++;
    }

    // ---- probing -------------------------------------------------------------------------------------------

    private void StartProbe(long now)
    {
        var target = NextProbeTarget();
        if (target is null) return;
        uint sequence = SendPingTo(target, now, withBuddyItem: true);
        _probe = new ProbeRound(target, sequence, now);
        Counters.Probes++;
    }

    private Member? NextProbeTarget()
    {
        while (_priorityProbes.Count > 0)
        {
            var id = _priorityProbes[0];
            _priorityProbes.RemoveAt(0);
            var member = _table.Find(id);
            if (member is { IsProbeable: true }) return member;
        }
        for (int attempts = 0; attempts <= _table.Count; attempts++)
        {
            if (_probeIndex >= _probeOrder.Count)
            {
                RebuildProbeOrder();
                if (_probeOrder.Count == 0) return null;
            }
            var candidate = _probeOrder[_probeIndex++];
            if (candidate.IsProbeable) return candidate;
        }
        return null;
    }

    private void RebuildProbeOrder()
    {
        _probeOrder.Clear();
        _probeIndex = 0;
        foreach (var m in _table.All)
        {
            if (m != Self && m.IsProbeable) _probeOrder.Add(m);
        }
        for (int i = _probeOrder.Count - 1; i > 0; i--)
        {
            int j = _random.Next(i + 1);
            (_probeOrder[i], _probeOrder[j]) = (_probeOrder[j], _probeOrder[i]);
        }
    }

    private uint SendPingTo(Member target, long now, bool withBuddyItem, bool withGossip = true)
    {
        uint sequence = ++_nextSequence;
        _pending[sequence] = new PendingPing(target.Id, now);
        if (target.PingPendingSince == 0) target.PingPendingSince = now;
        // Each piggy-backed item spends one of its few transmissions, so none is spent where it is unlikely to
        // arrive or to be news: extra pings go often to the same few members and carry nothing, and a member we
        // already suspect gets only its own suspicion (so it can refute), not the queue.
        var buddy = withBuddyItem ? BuddyItem(target) : null;
        var gossip = !withGossip ? []
            : target.State == MemberState.Alive ? TakeGossip(buddy)
            : buddy is null ? [] : [buddy];
        _sender.Send(target.Id, target.Config.Address.Bus, new PingMessage(sequence, target.Id, gossip));
        return sequence;
    }

    private void AdvanceProbe(long now)
    {
        var probe = _probe;
        if (probe is null) return;
        if (probe.Acked)
        {
            Health.Apply(-1);
            _probe = null;
            return;
        }
        if (!probe.IndirectSent && now >= probe.StartedAt + Health.Scale(_options.ProbeTimeoutMs))
        {
            probe.IndirectSent = true;
            probe.ExpectedNacks = SendPingRequests(probe);
            return;
        }
        if (now < probe.StartedAt + Health.Scale(_options.ProbeIntervalMs)) return;

        // Lifeguard: a missing Nack means our own links may be at fault; with no helpers, count the probe itself.
        int missed = probe.ExpectedNacks > 0 ? probe.ExpectedNacks - probe.NacksReceived : 1;
        Health.Apply(Math.Max(missed, 0));
        _probe = null;
        Counters.FailedProbes++;
        ProbeFailed(probe.Target, now);
    }

    private int SendPingRequests(ProbeRound probe)
    {
        var helpers = new List<Member>();
        int candidates = 0;
        foreach (var m in _table.All)
        {
            if (m == Self || m == probe.Target || m.State != MemberState.Alive) continue;
            // Reservoir sampling: k helpers uniformly at random in one pass.
            candidates++;
            if (helpers.Count < _options.IndirectProbes) helpers.Add(m);
            else
            {
                int j = _random.Next(candidates);
                if (j < helpers.Count) helpers[j] = m;
            }
        }
        var request = new PingRequestMessage(probe.Sequence, probe.Target.Id, probe.Target.Config.Address.Bus);
        foreach (var helper in helpers) _sender.Send(helper.Id, helper.Config.Address.Bus, request);
        return helpers.Count;
    }

    private void ProbeFailed(Member target, long now)
    {
        if (target.State == MemberState.Alive)
        {
            var item = new SuspectItem(target.Id, target.Incarnation, Self.Id);
            if (_table.ApplySuspect(item, now, out _) == MemberTable.Outcome.News)
            {
                Counters.SuspicionsRaised++;
                Announce(item, target);
            }
        }
        else if (target.State == MemberState.Suspect && target.Suspicion!.Confirm(Self.Id, now))
        {
            // A confirmation goes out with our own retransmit budget only; receivers count it but do not relay it.
            _broadcasts.Enqueue(new SuspectItem(target.Id, target.Incarnation, Self.Id));
        }
        _events.ProbeFailed(target);
    }

    private void PingOneDeadMember(long now)
    {
        Member? chosen = null;
        int seen = 0;
        foreach (var m in _table.All)
        {
            if (m.State != MemberState.Dead) continue;
            if (_random.Next(++seen) == 0) chosen = m;
        }
        if (chosen is null) return;
        Counters.ExtraPings++;
        SendPingTo(chosen, now, withBuddyItem: true);
    }

    private void ExpirePending(long now)
    {
        if (_pending.Count == 0) return;
        // The requester decides at the end of its period, ProbeInterval - ProbeTimeout after asking us; a Nack sent
        // halfway through the probe timeout arrives well before that even when ticks are 100 ms apart.
        long nackAfter = _options.ProbeTimeoutMs / 2;
        long forgetAfter = Health.Scale(_options.ProbeIntervalMs) * 3;
        List<uint>? expired = null;
        foreach (var (sequence, pending) in _pending)
        {
            // An unanswered extra ping is evidence too: probe that member next, indirect probes included.
            if (pending.RelayFor.IsNone && !pending.Escalated && pending.Target != _probe?.Target.Id
                && now - pending.SentAt >= Health.Scale(_options.ProbeTimeoutMs))
            {
                pending.Escalated = true;
                RequestProbe(pending.Target);
            }
            if (!pending.RelayFor.IsNone && !pending.NackSent && now - pending.SentAt >= nackAfter)
            {
                pending.NackSent = true;
                var origin = _table.Find(pending.RelayFor);
                if (origin is not null)
                {
                    _sender.Send(origin.Id, origin.Config.Address.Bus, new NackMessage(pending.RelaySequence));
                }
            }
            if (now - pending.SentAt >= forgetAfter) (expired ??= []).Add(sequence);
        }
        if (expired is null) return;
        foreach (uint sequence in expired) _pending.Remove(sequence);
    }

    private void CheckSuspicions(long now)
    {
        for (int i = _suspects.Count - 1; i >= 0; i--)
        {
            var member = _suspects[i];
            if (member.State != MemberState.Suspect)
            {
                _suspects.RemoveAt(i);
                continue;
            }
            if (!_verdict.IsDead(member, member.Suspicion!, now, _table.Count)) continue;
            _suspects.RemoveAt(i);
            DeclareDead(member, now);
        }
    }

    /// <summary>Applies a suspicion learned outside gossip (a failure report sent to us directly).</summary>
    public void ReportSuspicion(NodeId subject, long incarnation, NodeId accuser, long now)
    {
        if (subject != Self.Id) ApplyGossip([new SuspectItem(subject, incarnation, accuser)], now);
    }

    /// <summary>Declares a member dead on this node's authority and gossips it (Redis: broadcast FAIL).</summary>
    public void DeclareDead(Member member, long now)
    {
        var item = new DeadItem(member.Id, member.Incarnation, Self.Id);
        if (_table.ApplyDead(item, now, out _) != MemberTable.Outcome.News) return;
        Counters.DeathsDeclared++;
        Announce(item, member);
        _events.DeclaredDead(member, item);
    }

    // ---- gossip --------------------------------------------------------------------------------------------

    private void ApplyGossip(IReadOnlyList<GossipItem> items, long now)
    {
        foreach (var item in items)
        {
            if (item.Subject == Self.Id)
            {
                AboutSelf(item);
                continue;
            }
            if (IsBanned(item.Subject, now)) continue;
            Member? member;
            bool joined = false;
            var outcome = item switch
            {
                AliveItem alive => _table.ApplyAlive(alive, now, out member, out joined),
                SuspectItem suspect => _table.ApplySuspect(suspect, now, out member),
                DeadItem dead => _table.ApplyDead(dead, now, out member),
                LeftItem left => _table.ApplyLeft(left, now, out member),
                _ => throw new InvalidOperationException(item.GetType().Name),
            };
            if (outcome == MemberTable.Outcome.News) Announce(item, member!, joined);
        }
    }

    private void MergeOne(MemberRecord record, NodeId reporter, long now)
    {
        if (record.Id == Self.Id)
        {
            bool deniesUs = record.State != MemberState.Alive && record.Incarnation >= Self.Incarnation;
            if (deniesUs || record.Incarnation > Self.Incarnation) Refute(record.Incarnation);
            return;
        }
        if (IsBanned(record.Id, now)) return;
        var member = _table.Find(record.Id);
        if (member is null)
        {
            member = _table.AddFromRecord(record, reporter, now);
            if (member.State == MemberState.Suspect) _suspects.Add(member);
            Notify(member, joined: true, accuser: reporter);
            return;
        }
        bool configChanged = record.State != MemberState.Alive && MemberTable.TakeNewerConfig(member, record);
        GossipItem item = record.State switch
        {
            MemberState.Alive => new AliveItem(record.Id, record.Incarnation, record.Config),
            MemberState.Suspect => new SuspectItem(record.Id, record.Incarnation, reporter),
            MemberState.Dead => new DeadItem(record.Id, record.Incarnation, reporter),
            _ => new LeftItem(record.Id, record.Incarnation),
        };
        var outcome = item switch
        {
            AliveItem a => _table.ApplyAlive(a, now, out _, out _),
            SuspectItem s => _table.ApplySuspect(s, now, out _),
            DeadItem d => _table.ApplyDead(d, now, out _),
            _ => _table.ApplyLeft((LeftItem)item, now, out _),
        };
        if (outcome == MemberTable.Outcome.News) Announce(item, member);
        else if (configChanged) _events.MemberAlive(member, joined: false);
    }

    private void AboutSelf(GossipItem item)
    {
        switch (item)
        {
            case SuspectItem or DeadItem when item.Incarnation >= Self.Incarnation:
                Refute(item.Incarnation);
                break;
            case SuspectItem or DeadItem when !_broadcasts.Holds(Self.Id):
                // Someone still holds an accusation we refuted long ago (our Alive ran out of retransmissions
                // before reaching it). Announce our current incarnation again; the reply to its ping carries it.
                _broadcasts.Enqueue(new AliveItem(Self.Id, Self.Incarnation, Self.Config));
                break;
            case AliveItem or LeftItem when item.Incarnation > Self.Incarnation:
                // Someone holds a newer "us" than we do: we restarted and lost our incarnation. Take the lead back.
                Refute(item.Incarnation);
                break;
        }
    }

    private void Refute(long incarnation)
    {
        Self.Incarnation = Math.Max(Self.Incarnation, incarnation) + 1;
        Counters.Refutations++;
        _broadcasts.Enqueue(new AliveItem(Self.Id, Self.Incarnation, Self.Config));
        // Lifeguard: being suspected means others could not reach us in time; slow down our own verdicts.
        Health.Apply(1);
    }

    private void Announce(GossipItem item, Member member, bool joined = false)
    {
        _broadcasts.Enqueue(item);
        if (member.State == MemberState.Suspect && !_suspects.Contains(member)) _suspects.Add(member);
        Notify(member, joined, item is SuspectItem s ? s.Accuser : Self.Id);
    }

    private void Notify(Member member, bool joined, NodeId accuser)
    {
        switch (member.State)
        {
            case MemberState.Alive: _events.MemberAlive(member, joined); break;
            case MemberState.Suspect: _events.MemberSuspected(member, accuser); break;
            case MemberState.Dead: _events.MemberDead(member); break;
            case MemberState.Left: _events.MemberLeft(member); break;
        }
    }

    /// <summary>Lifeguard's buddy system: whoever we talk to and hold suspect or dead hears it from us directly.</summary>
    private static GossipItem? BuddyItem(Member? member) => member?.State switch
    {
        MemberState.Suspect => new SuspectItem(member.Id, member.Incarnation, member.Suspicion!.Accusers.Keys.First()),
        MemberState.Dead => new DeadItem(member.Id, member.Incarnation, member.Id), // declarer unknown here; informational only
        _ => null,
    };

    private List<GossipItem> TakeGossip(GossipItem? first) =>
        _broadcasts.Take(_options.MaxGossipPerMessage, _options.MaxGossipBytesPerMessage, TransmitLimit, first);
}
