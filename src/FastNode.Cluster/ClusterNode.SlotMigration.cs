using FastNode.Cluster.Membership;
using FastNode.Cluster.Nodes;
using FastNode.Cluster.Routing;
using FastNode.Cluster.State;
using FastNode.Cluster.Wire;

namespace FastNode.Cluster;

/// <summary>
/// Live slot migration (CLUSTER SETSLOT) and the commands that remove state (FORGET, FLUSHSLOTS), in FastNode's model
/// where a node only ever changes its own record:
/// <list type="number">
/// <item>MIGRATING / IMPORTING are local to the node, as in Redis; the server routes with them (ASK, ASKING, TRYAGAIN).</item>
/// <item>SETSLOT NODE myself on the importing node takes a new configEpoch without consensus (Redis's
/// clusterBumpConfigEpochWithoutConsensus) and claims the slot; the higher epoch makes every node drop the old claim.</item>
/// <item>SETSLOT NODE other records a routing hint "slot → other": until that node's claim reaches us by gossip, the
/// slot redirects there (the old owner keeps its claim meanwhile, so no slot is ever unclaimed). A hint yields to the
/// slot map once the map agrees with it, and expires after <see cref="SlotHintMs"/>.</item>
/// </list>
/// Single-threaded like the rest of the node.
/// </summary>
public sealed partial class ClusterNode
{
    /// <summary>How long CLUSTER FORGET keeps a node from being learned again (Redis: 60 s).</summary>
    public const long ForgetBanMs = 60_000;

    /// <summary>How long a SETSLOT NODE hint routes a slot when the new owner's claim never arrives.</summary>
    public const long SlotHintMs = 60_000;

    private readonly Dictionary<int, NodeId> _migratingTo = [];
    private readonly Dictionary<int, NodeId> _importingFrom = [];

    // Slot → (node named by SETSLOT NODE, monotonic ms it expires at).
    private readonly Dictionary<int, (NodeId Owner, long Until)> _slotHints = [];

    private SlotMigrations _migrations = SlotMigrations.None;

    // Slot → (old owner kept in the map after it dropped its claim, monotonic ms until which it is kept).
    private readonly Dictionary<int, (NodeId Owner, long Until)> _handedOver = [];

    // A primary that imports its first slot has no lease yet (it was no voter): until this time (one lease window) it
    // counts as holding one while its first lease pings go out. Safe: the slot's old owner redirects it to us, and
    // replacing us needs a FAIL verdict, which takes node-timeout, longer than the window.
    private long _importGraceUntil;

    /// <summary>This node's MIGRATING / IMPORTING slots.</summary>
    public SlotMigrations Migrations => _migrations;

    /// <summary>CLUSTER SETSLOT slot MIGRATING node (the server checks this node owns the slot and the target is a primary).</summary>
    public void SetSlotMigrating(int slot, NodeId target)
    {
        _migratingTo[slot] = target;
        MigrationsChanged();
    }

    /// <summary>CLUSTER SETSLOT slot IMPORTING node (the server checks this node does not own the slot).</summary>
    public void SetSlotImporting(int slot, NodeId source)
    {
        _importingFrom[slot] = source;
        MigrationsChanged();
    }

    /// <summary>CLUSTER SETSLOT slot STABLE.</summary>
    public void SetSlotStable(int slot)
    {
        bool changed = _migratingTo.Remove(slot) | _importingFrom.Remove(slot);
        if (changed) MigrationsChanged();
    }

    /// <summary>
    /// CLUSTER SETSLOT slot NODE node. The server has checked the node is a known primary and that this node holds no
    /// keys of the slot if it gives the slot away; <paramref name="slotIsEmpty"/> says whether it holds none at all.
    /// </summary>
    public void SetSlotNode(int slot, NodeId node, bool slotIsEmpty)
    {
        if (slotIsEmpty) _migratingTo.Remove(slot);
        if (node == Id)
        {
            _slotHints.Remove(slot);
            var me = Config;
            bool imported = _importingFrom.Remove(slot);
            long epoch = me.ConfigEpoch;
            // Redis: a slot migrated by hand needs a new epoch so the new claim wins everywhere, and none was voted.
            if (imported && (epoch == 0 || epoch != HighestEpoch()))
            {
                _currentEpoch++;
                epoch = _currentEpoch;
            }
            if (me.Slots.IsEmpty && _options.WriteLease)
            {
                _importGraceUntil = Now + _options.EffectiveLeaseWindowMs;
                _nextLeaseMaintenance = 0;
            }
            ChangeSelf(me with { ConfigEpoch = epoch, Slots = me.Slots.With(slot) });
            if (imported) AnnounceSelf();
        }
        else
        {
            _slotHints[slot] = (node, Now + SlotHintMs);
            _snapshotStale = true;
            ConfigVersion++;
        }
        MigrationsChanged();
    }

    /// <summary>Why cluster_state is what it is, for the log line on a change (Redis logs "Cluster state changed").</summary>
    public string HealthDetail => $"coverage {(_coverageOk ? "ok" : "incomplete")}, {(_majorityOk ? "majority ok" : "no majority or lease")} (voters {_voters.Count}, lease until {_leaseUntil}, now {Now})";

    /// <summary>Who owns a slot as this node routes it: the hint while one is pending, otherwise the slot map.</summary>
    public NodeId EffectiveOwner(int slot)
    {
        var owner = _map.Owner(slot);
        if (_slotHints.Count == 0 || !_slotHints.TryGetValue(slot, out var hint) || hint.Owner == owner) return owner;
        return hint.Until > Now && _membership.Find(hint.Owner) is not null ? hint.Owner : owner;
    }

    /// <summary>
    /// CLUSTER FORGET: removes a node (its slot claims go with it) and bans it for <see cref="ForgetBanMs"/>. False when
    /// the node is unknown. The server refuses myself and my own primary first.
    /// </summary>
    public bool Forget(NodeId id)
    {
        if (id == Id || !_membership.Forget(id, Now + ForgetBanMs)) return false;
        _offsets.Remove(id);
        _slotHints.Clear();
        bool migrations = RemoveWhere(_migratingTo, id) | RemoveWhere(_importingFrom, id);
        if (migrations) MigrationsChanged();
        _configDirty = true;
        _snapshotStale = true;
        ConfigVersion++;
        return true;
    }

    /// <summary>CLUSTER FLUSHSLOTS: give up every claim (the server checks the database is empty).</summary>
    public void FlushSlots() => ChangeSelf(Config with { Slots = SlotSet.Empty });

    /// <summary>Restores the migration states saved on nodes.conf's myself line.</summary>
    public void RestoreMigrations(IReadOnlyList<(int Slot, NodeId Target)> migrating, IReadOnlyList<(int Slot, NodeId Source)> importing)
    {
        foreach (var (slot, target) in migrating) _migratingTo[slot] = target;
        foreach (var (slot, source) in importing) _importingFrom[slot] = source;
        MigrationsChanged();
    }

    /// <summary>The slot map with pending SETSLOT NODE hints laid over it (what the snapshot publishes).</summary>
    private SlotMap EffectiveSlotMap()
    {
        if (_slotHints.Count == 0) return _map;
        var owners = _map.ToOwnerArray();
        bool changed = false;
        foreach (var slot in _slotHints.Keys)
        {
            var owner = EffectiveOwner(slot);
            if (owner == owners[slot]) continue;
            owners[slot] = owner;
            changed = true;
        }
        return changed ? SlotMap.FromOwners(owners) : _map;
    }

    /// <summary>
    /// A slot handed over with SETSLOT NODE has two claims in flight: the old owner drops its claim once it hears the
    /// new owner's, and a third node can hear of the drop first. Rather than see the slot unassigned for that moment
    /// (cluster_state:fail, CLUSTERDOWN for clients), it keeps the old owner, which redirects to the new one, until a
    /// claim arrives or <see cref="HandoverGraceMs"/> passes (after that a slot given up with DELSLOTS shows as
    /// unassigned). Never for this node's own slots: a slot it gave up is not its to serve.
    /// </summary>
    private SlotMap KeepHandedOverSlots(SlotMap previous, SlotMap current, long now)
    {
        if (current.AssignedCount == KeySlot.SlotCount && _handedOver.Count == 0) return current;
        NodeId[]? owners = null;
        for (int slot = 0; slot < KeySlot.SlotCount; slot++)
        {
            if (current.IsAssigned(slot))
            {
                _handedOver.Remove(slot);
                continue;
            }
            var last = previous.Owner(slot);
            if (!_handedOver.TryGetValue(slot, out var kept))
            {
                if (last.IsNone || last == Id) continue;
                kept = _handedOver[slot] = (last, now + HandoverGraceMs);
            }
            var member = _membership.Find(kept.Owner);
            if (kept.Until <= now || member is null || member.State is MemberState.Dead or MemberState.Left)
            {
                _handedOver.Remove(slot);
                continue;
            }
            (owners ??= current.ToOwnerArray())[slot] = kept.Owner;
        }
        return owners is null ? current : SlotMap.FromOwners(owners);
    }

    // The new claim goes to every node directly before the old owner even drops its own, so this only covers jitter.
    private long HandoverGraceMs => Math.Min(_options.NodeTimeoutMs / 2, 2000);

    /// <summary>Drops hints the slot map now agrees with, or that ran out, and ends handover graces (called on every tick).</summary>
    private void ExpireSlotHints(long now)
    {
        foreach (var (_, kept) in _handedOver)
        {
            if (kept.Until > now) continue;
            _configDirty = true;   // the next tick's rebuild lets the slot show as unassigned
            break;
        }
        if (_slotHints.Count == 0) return;
        List<int>? done = null;
        foreach (var (slot, hint) in _slotHints)
        {
            if (hint.Until <= now || _map.Owner(slot) == hint.Owner || _membership.Find(hint.Owner) is null) (done ??= []).Add(slot);
        }
        if (done is null) return;
        foreach (int slot in done) _slotHints.Remove(slot);
        _snapshotStale = true;
    }

    /// <summary>
    /// Whether a primary's claim on a slot keeps it in good standing for lease grants: it owns the slot, or the slot
    /// went to another shard (a migration: the claimer drops it at its next tick, and it redirects the slot since
    /// SETSLOT). A slot taken by a node of the claimer's own shard means a failover replaced it: no grants.
    /// </summary>
    private bool ClaimStands(NodeId claimer, NodeConfig config, int slot)
    {
        var owner = _map.Owner(slot);
        if (owner == claimer) return true;
        var winner = _membership.Find(owner);
        return winner is not null && winner.Config.ShardId != config.ShardId;
    }

    private long HighestEpoch()
    {
        long highest = _currentEpoch;
        foreach (var m in _membership.Members) highest = Math.Max(highest, m.Config.ConfigEpoch);
        return highest;
    }

    /// <summary>Tells every member our new config at once (Redis broadcasts a PONG after an import), not only by gossip.</summary>
    private void AnnounceSelf()
    {
        var announcement = new GossipMessage([new AliveItem(Id, _membership.Self.Incarnation, Config)]);
        foreach (var m in _membership.Members)
        {
            if (m.Id != Id && m.IsProbeable) Send(m.Id, m.Config.Address.Bus, announcement);
        }
    }

    private void MigrationsChanged()
    {
        _migrations = _migratingTo.Count == 0 && _importingFrom.Count == 0 ? SlotMigrations.None
            : new SlotMigrations(_migratingTo, _importingFrom);
        _snapshotStale = true;
        ConfigVersion++;
    }

    private static bool RemoveWhere(Dictionary<int, NodeId> states, NodeId node)
    {
        List<int>? slots = null;
        foreach (var (slot, other) in states)
        {
            if (other == node) (slots ??= []).Add(slot);
        }
        if (slots is null) return false;
        foreach (int slot in slots) states.Remove(slot);
        return true;
    }
}
