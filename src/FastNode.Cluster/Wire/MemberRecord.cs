using FastNode.Cluster.Membership;
using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.Wire;

/// <summary>One member as a state sync carries it.</summary>
public sealed record MemberRecord(NodeId Id, long Incarnation, MemberState State, NodeConfig Config);
