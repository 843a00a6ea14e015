namespace FastNode.Server.Commands.Locks.Replication;

/// <summary>Errors of lock-replication majority (NOREPLICAS, as Redis's min-replicas-to-write refusal).</summary>
public static class LockReplicationErrors
{
    public static ReadOnlySpan<byte> Unreachable =>
        "NOREPLICAS Not enough replicas connected to acknowledge the lock change (lock-replication majority); nothing was changed"u8;

    public static ReadOnlySpan<byte> Timeout =>
        "NOREPLICAS Lock change not acknowledged by a majority within lock-replication-timeout; it was undone and the lock is not held"u8;

    public static ReadOnlySpan<byte> ReleaseTimeout =>
        "NOREPLICAS Release not acknowledged by a majority within lock-replication-timeout; it took effect on the primary"u8;

    public static ReadOnlySpan<byte> InTransaction =>
        "ERR lock-replication majority: LOCK.* and SEM.* changes cannot wait for replicas inside MULTI/EXEC or a script"u8;
}
