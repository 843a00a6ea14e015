namespace FastNode.Cluster.Failover;

/// <summary>Offset 0 and a link that is never down: for nodes without data (tests, a node that just joined).</summary>
public sealed class NoReplication : IReplicationProgress
{
    public static NoReplication Instance { get; } = new();

    public long ReplicationOffset => 0;

    public TimeSpan? PrimaryLinkDownFor => null;
}
