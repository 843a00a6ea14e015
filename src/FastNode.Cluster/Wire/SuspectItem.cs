using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.Wire;

/// <summary>The accuser's probes of the subject failed, direct and indirect (PFAIL in Redis terms).</summary>
public sealed record SuspectItem(NodeId Subject, long Incarnation, NodeId Accuser) : GossipItem(Subject, Incarnation)
{
    public override GossipKind Kind => GossipKind.Suspect;
}
