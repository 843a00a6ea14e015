using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.Wire;

/// <summary>The subject is alive at this incarnation and announces this config (a join, a refutation or a config change).</summary>
public sealed record AliveItem(NodeId Subject, long Incarnation, NodeConfig Config) : GossipItem(Subject, Incarnation)
{
    public override GossipKind Kind => GossipKind.Alive;
}
