namespace FastNode.Server.Commands.Locks.Replication;

/// <summary>lock-replication and lock-replication-timeout (docs/locks.md "Replication and fencing").</summary>
public sealed class LockReplicationOptions
{
    /// <summary>
    /// lock-replication majority (default): LOCK.* and SEM.* changes reply once a majority of the slot's copies
    /// acknowledged them. async: they reply at once, as any write (a failover can lose a grant).
    /// </summary>
    public bool Majority { get; set; } = true;

    /// <summary>lock-replication-timeout: ms a change may wait for the majority before it is undone and answered an error.</summary>
    public int TimeoutMs { get; set; } = 1000;
}
