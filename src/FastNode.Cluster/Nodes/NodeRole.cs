namespace FastNode.Cluster.Nodes;

/// <summary>Whether a node serves slots or follows a primary. Sent on the bus: append only, values are part of the protocol.</summary>
public enum NodeRole : byte
{
    Primary = 0,
    Replica = 1,
}
