using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.Placement;

/// <summary>One slot to migrate (SETSLOT IMPORTING/MIGRATING, MIGRATE, SETSLOT NODE). From is None for an unassigned slot.</summary>
public readonly record struct SlotMove(int Slot, NodeId From, NodeId To);
