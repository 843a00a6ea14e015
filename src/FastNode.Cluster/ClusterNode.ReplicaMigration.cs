using FastNode.Cluster.Membership;
using FastNode.Cluster.Nodes;

namespace FastNode.Cluster;

/// <summary>
/// Replica migration, as Redis 7.0 (clusterCron's orphan count and clusterHandleSlaveMigration): a primary serving slots
/// that had replicas and has none left that are not FAIL is orphaned. When it has been orphaned for
/// <see cref="ReplicaMigrationDelayMs"/>, the replica with the smallest id among the primaries with the most working
/// replicas moves to it, provided its own primary keeps more than cluster-migration-barrier working replicas and
/// cluster_state is ok. cluster-allow-replica-migration no turns it off. One deviation: a FAIL replica is not a
/// candidate (in Redis it can be, and then blocks the migration until it returns).
/// </summary>
public sealed partial class ClusterNode
{
    /// <summary>Redis's CLUSTER_SLAVE_MIGRATION_DELAY: time for an orphan's own replicas to show up after a failover.</summary>
    public const int ReplicaMigrationDelayMs = 5000;

    // The check walks every member; a few times a second is plenty next to a 5 s delay.
    private const long ReplicaMigrationCheckMs = 250;

    // Redis's MIGRATE_TO flag: primaries that had a replica or were promoted from one. Only those are ever orphans
    // (a primary that was never meant to have replicas is not).
    private readonly HashSet<NodeId> _migrateTo = [];
    private readonly HashSet<NodeId> _seenAsReplica = [];

    // Orphaned primary → since when (Redis's orphaned_time).
    private readonly Dictionary<NodeId, long> _orphanedSince = [];
    private long _nextMigrationCheck;

    /// <summary>Replica migrations this node made (Redis logs "Migrating to orphaned master").</summary>
    public long ReplicaMigrations { get; private set; }

    // From Rebuild: remember who had replicas and who was a replica.
    private void NoteReplicaHistory()
    {
        foreach (var m in _membership.Members)
        {
            var config = m.Config;
            if (config.Role == NodeRole.Replica)
            {
                _seenAsReplica.Add(m.Id);
                if (!config.PrimaryId.IsNone) _migrateTo.Add(config.PrimaryId);
            }
            else if (m.Id != Id && _seenAsReplica.Contains(m.Id))
            {
                _migrateTo.Add(m.Id);
            }
        }
    }

    private void MigrateToOrphanedPrimary(long now)
    {
        if (now < _nextMigrationCheck) return;
        _nextMigrationCheck = now + ReplicaMigrationCheckMs;
        var me = Config;
        if (me.Role != NodeRole.Replica || me.PrimaryId.IsNone) return;

        // Working replicas (not FAIL) per working primary.
        var working = new Dictionary<NodeId, int>();
        foreach (var m in _membership.Members)
        {
            if (m.Config.IsPrimary && IsWorking(m)) working.TryAdd(m.Id, 0);
        }
        foreach (var m in _membership.Members)
        {
            if (m.Config.Role == NodeRole.Replica && IsWorking(m) && working.TryGetValue(m.Config.PrimaryId, out int n))
            {
                working[m.Config.PrimaryId] = n + 1;
            }
        }
        int most = 0, orphans = 0;
        Member? target = null;
        foreach (var (id, count) in working)
        {
            most = Math.Max(most, count);
            var primary = _membership.Find(id)!;
            if (count == 0 && !primary.Config.Slots.IsEmpty && _migrateTo.Contains(id))
            {
                orphans++;
                _orphanedSince.TryAdd(id, now);
                if (target is null || id < target.Id) target = primary;
            }
            else
            {
                _orphanedSince.Remove(id);
            }
        }
        int mine = working.GetValueOrDefault(me.PrimaryId);
        if (orphans == 0 || most < 2 || mine != most || !_options.AllowReplicaMigration) return;
        if (Health != State.ClusterHealth.Ok) return;

        // The barrier counts replicas that are not even suspected: our primary must keep more than that many.
        int healthy = 0;
        foreach (var m in _membership.Members)
        {
            if (m.Config.Role == NodeRole.Replica && m.Config.PrimaryId == me.PrimaryId && m.State == MemberState.Alive) healthy++;
        }
        if (healthy <= _options.MigrationBarrier) return;

        // Among the primaries with the most working replicas, the replica with the smallest id goes.
        var candidate = Id;
        foreach (var m in _membership.Members)
        {
            if (m.Config.Role != NodeRole.Replica || !IsWorking(m) || m.Id.CompareTo(candidate) >= 0) continue;
            if (working.GetValueOrDefault(m.Config.PrimaryId) == most) candidate = m.Id;
        }
        if (candidate != Id || target is null || now - _orphanedSince[target.Id] <= ReplicaMigrationDelayMs) return;

        Note($"Migrating to orphaned master {target.Id}");
        ReplicaMigrations++;
        _election.Reset();
        ChangeSelf(me with { PrimaryId = target.Id, ShardId = target.Config.ShardId });
    }

    /// <summary>
    /// Redis's clusterUpdateSlotsConfigWith: a primary that lost all its slots (and its replicas) follows the node that
    /// took them when replica migration is allowed, or when that node took only slots of ours (a failover, not a
    /// reshard); otherwise it stays an empty primary.
    /// </summary>
    private bool FollowsTaker(SlotSet ours, SlotSet takers) => _options.AllowReplicaMigration || takers.Except(ours).IsEmpty;

    private bool IsWorking(Member m) => m.Id == Id || m.State is MemberState.Alive or MemberState.Suspect;
}
