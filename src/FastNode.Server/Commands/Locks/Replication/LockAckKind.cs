namespace FastNode.Server.Commands.Locks.Replication;

/// <summary>Which lock change waits for a majority: it decides the reply and what a timeout undoes.</summary>
public enum LockAckKind
{
    /// <summary>A grant (new or re-entrant): the reply is the token; a timeout drops the lease.</summary>
    Acquire,
    /// <summary>A renewal: the reply is 1; a timeout drops the lease (its extension may be unknown to the replicas).</summary>
    Renew,
    /// <summary>A release: the reply is 1; a timeout cannot undo it (the permit may already be someone else's).</summary>
    Release,
}
