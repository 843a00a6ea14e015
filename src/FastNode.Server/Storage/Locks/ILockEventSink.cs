namespace FastNode.Server.Storage.Locks;

/// <summary>
/// Told of what happens to a lock or semaphore's holders, in the order it happens: a release (before the waiter it
/// frees a permit for is granted), a lease that ran out, a waiter granted a permit. Called under the key's shard lock
/// (keep it short, take no shard lock).
/// </summary>
public interface ILockEventSink
{
    void Released(Database db, byte[] key, bool semaphore);

    void LeaseExpired(Database db, byte[] key, bool semaphore);

    void HandedOff(Database db, byte[] key, bool semaphore);
}
