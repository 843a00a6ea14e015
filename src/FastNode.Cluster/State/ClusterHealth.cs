namespace FastNode.Cluster.State;

/// <summary>CLUSTER INFO cluster_state.</summary>
public enum ClusterHealth
{
    Ok,
    Fail,
}
