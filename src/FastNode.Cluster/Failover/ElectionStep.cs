namespace FastNode.Cluster.Failover;

/// <summary>What a replica's election wants done on this tick.</summary>
public enum ElectionStep
{
    /// <summary>Nothing to do yet (not scheduled, delay running, or votes outstanding).</summary>
    Wait,
    /// <summary>The delay is over: bump currentEpoch and ask the primaries for votes.</summary>
    RequestVotes,
    /// <summary>The election timed out; a new one may be scheduled after the retry time.</summary>
    GiveUp,
}
