using FastNode.Cluster.Failover;

namespace FastNode.Cluster.Tests.Simulation;

/// <summary>A replication offset a test sets by hand, recording the write pauses a manual failover asks for.</summary>
public sealed class PausableReplication(long offset) : IReplicationProgress
{
    public long ReplicationOffset { get; set; } = offset;

    public TimeSpan? PrimaryLinkDownFor => null;

    /// <summary>Pauses asked for (CLUSTER FAILOVER reached this primary).</summary>
    public int Pauses { get; private set; }

    /// <summary>Pauses ended (the failover finished or timed out).</summary>
    public int Resumes { get; private set; }

    public long PauseWritesForFailover(long pauseMs)
    {
        Pauses++;
        return ReplicationOffset;
    }

    public void ResumeWritesAfterFailover() => Resumes++;
}
