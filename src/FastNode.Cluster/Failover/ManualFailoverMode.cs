namespace FastNode.Cluster.Failover;

/// <summary>CLUSTER FAILOVER's option (Redis 7.0).</summary>
public enum ManualFailoverMode
{
    /// <summary>No option: the primary holds writes, the replica catches up with it, then an election with the force flag.</summary>
    Coordinated,
    /// <summary>FORCE: no handshake with the primary (it may be unreachable); still an election with the force flag.</summary>
    Force,
    /// <summary>TAKEOVER: a new configEpoch without consensus and the primary's slots at once, no election.</summary>
    Takeover,
}
