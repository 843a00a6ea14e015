using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.Placement;

/// <summary>A node as placement sees it: its id and the host it announced (hostname, else IP).</summary>
public readonly record struct PlacementNode(NodeId Id, string Host);
