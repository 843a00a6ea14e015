using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.Wire;

/// <summary>The declarer has confirmed the subject failed (FAIL in Redis terms); everyone who hears it agrees.</summary>
public sealed record DeadItem(NodeId Subject, long Incarnation, NodeId Declarer) : GossipItem(Subject, Incarnation)
{
    public override GossipKind Kind => GossipKind.Dead;
}
