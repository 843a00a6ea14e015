namespace FastNode.Cluster.Failover;

/// <summary>Outcome of a failover vote request, with Redis's reasons for refusing (clusterSendFailoverAuthIfNeeded).</summary>
public enum VoteDecision
{
    Granted,
    /// <summary>This node does not vote: it is not a primary serving slots.</summary>
    NotAVoter,
    /// <summary>The request's epoch is older than this node's currentEpoch.</summary>
    StaleEpoch,
    /// <summary>This node already voted in this epoch.</summary>
    AlreadyVoted,
    /// <summary>The requester is not a known replica of the primary it wants to replace.</summary>
    NotAReplica,
    /// <summary>The primary is not FAIL here (and the request is not forced).</summary>
    PrimaryNotFailed,
    /// <summary>This node voted for a replica of the same primary less than node-timeout × 2 ago.</summary>
    VotedRecently,
    /// <summary>A claimed slot is owned here by a node with a higher configEpoch than the request's.</summary>
    StaleSlotClaim,
}
