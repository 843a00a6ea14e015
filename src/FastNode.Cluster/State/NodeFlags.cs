namespace FastNode.Cluster.State;

/// <summary>The flags CLUSTER NODES and nodes.conf print, in Redis's order.</summary>
[Flags]
public enum NodeFlags
{
    None = 0,
    Myself = 1,
    Primary = 2,
    Replica = 4,
    PFail = 8,
    Fail = 16,
    Handshake = 32,
    NoAddr = 64,
    NoFailover = 128,
}
