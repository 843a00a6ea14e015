using FastNode.Cluster.Failover;

namespace FastNode.Cluster.Tests.Simulation;

/// <summary>A replication offset a test sets by hand.</summary>
public sealed class FixedReplication(long offset) : IReplicationProgress
{
    public long ReplicationOffset { get; set; } = offset;

    public TimeSpan? PrimaryLinkDownFor => null;
}
