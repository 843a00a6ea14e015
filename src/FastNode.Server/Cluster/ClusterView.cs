using FastNode.Cluster.Nodes;
using FastNode.Cluster.State;

namespace FastNode.Server.Cluster;

/// <summary>
/// What the cluster thread publishes for every other thread after each tick and each configuration change: immutable,
/// swapped whole through a volatile field, so the dispatcher's slot check reads it without a lock and without allocating.
/// </summary>
public sealed class ClusterView(ClusterSnapshot snapshot)
{
    /// <summary>The node's picture of the cluster (CLUSTER NODES / SLOTS / SHARDS / INFO).</summary>
    public ClusterSnapshot Snapshot { get; } = snapshot;

    /// <summary>Slot → owner (one array read per lookup).</summary>
    public SlotMap Slots { get; } = snapshot.Slots;

    /// <summary>This node's id.</summary>
    public NodeId MyId { get; } = snapshot.MyId;

    /// <summary>The primary this node replicates (None for a primary): READONLY clients read its slots here.</summary>
    public NodeId MyPrimary { get; } = snapshot.Myself.Config.PrimaryId;

    /// <summary>This node's MIGRATING / IMPORTING slots; null when there are none (the common case costs one null check).</summary>
    public SlotMigrations? Migrations { get; } = snapshot.Migrations.IsEmpty ? null : snapshot.Migrations;

    /// <summary>
    /// cluster_state:ok (coverage, majority, and for a primary serving slots its write lease) as of the last tick, and
    /// only until the lease runs out: a process that wakes from a pause serves its queued commands before the cluster
    /// thread's next tick, and must not take them on a view older than its lease.
    /// </summary>
    public bool Ok => _ok && Environment.TickCount64 < OkUntil;

    private readonly bool _ok = snapshot.Health == ClusterHealth.Ok;

    /// <summary><see cref="Environment.TickCount64"/> when the write lease behind this view runs out (MaxValue: never).</summary>
    public long OkUntil { get; init; } = long.MaxValue;
}
