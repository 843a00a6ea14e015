using FastNode.Cluster.Membership;
using FastNode.Cluster.Nodes;
using FastNode.Cluster.State;
using FastNode.Cluster.Wire;

namespace FastNode.Cluster.Config;

/// <summary>Between a node's snapshot and nodes.conf: what to save, and what to seed a restarting node with.</summary>
public static class NodesConfMapping
{
    public static NodesConf FromSnapshot(ClusterSnapshot snapshot) =>
        new(snapshot.Nodes.Select(n => WithMigrations(ToLine(n), snapshot)).ToList(), snapshot.CurrentEpoch, snapshot.LastVoteEpoch);

    /// <summary>The myself line carries this node's MIGRATING / IMPORTING slots; other lines never do (as in Redis).</summary>
    public static NodesConfLine WithMigrations(NodesConfLine line, ClusterSnapshot snapshot) =>
        line.Id != snapshot.MyId || snapshot.Migrations.IsEmpty ? line
            : line with { Migrating = snapshot.Migrations.Migrating, Importing = snapshot.Migrations.Importing };

    public static NodesConfLine ToLine(ClusterNodeView node) => new()
    {
        Id = node.Id,
        Address = node.Config.Address,
        ShardId = node.Config.ShardId,
        Flags = node.Flags,
        PrimaryId = node.Config.PrimaryId,
        PingSentUnixMs = node.PingSentUnixMs,
        PongReceivedUnixMs = node.PongReceivedUnixMs,
        ConfigEpoch = node.Config.ConfigEpoch,
        LinkConnected = node.LinkConnected,
        // nodes.conf records what each node claims; for a healthy cluster that is also what it owns.
        Slots = node.Config.IsPrimary ? node.Config.Slots : SlotSet.Empty,
    };

    public static NodeConfig ToConfig(NodesConfLine line) => new()
    {
        Address = line.Address,
        Role = (line.Flags & NodeFlags.Replica) != 0 ? NodeRole.Replica : NodeRole.Primary,
        PrimaryId = line.PrimaryId,
        ShardId = line.ShardId.IsNone ? (line.PrimaryId.IsNone ? line.Id : line.PrimaryId) : line.ShardId,
        ConfigEpoch = line.ConfigEpoch,
        NoFailover = (line.Flags & NodeFlags.NoFailover) != 0,
        Slots = line.Slots,
    };

    /// <summary>
    /// The other nodes as member records for <see cref="ClusterNode.Seed"/>. Incarnations are not saved, so they
    /// start at 0; anything newer the cluster knows wins as soon as gossip arrives.
    /// </summary>
    public static List<MemberRecord> OtherMembers(NodesConf conf) =>
        conf.Nodes.Where(n => !n.IsMyself)
            .Select(n => new MemberRecord(n.Id, 0,
                (n.Flags & NodeFlags.Fail) != 0 ? MemberState.Dead : MemberState.Alive, ToConfig(n)))
            .ToList();
}
