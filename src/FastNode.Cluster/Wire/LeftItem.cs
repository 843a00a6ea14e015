using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.Wire;

/// <summary>The subject left on purpose; it is neither probed nor suspected any more.</summary>
public sealed record LeftItem(NodeId Subject, long Incarnation) : GossipItem(Subject, Incarnation)
{
    public override GossipKind Kind => GossipKind.Left;
}
