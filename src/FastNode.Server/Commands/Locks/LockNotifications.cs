using FastNode.Server.PubSub;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Locks;

namespace FastNode.Server.Commands.Locks;

/// <summary>
/// Keyspace notifications for locks and semaphores, in class 'd' (module key types: in Redis a lock service like this
/// one would be a module): lock.acquired, lock.renewed, lock.released, lock.expired and lock.handoff, with the
/// sem. prefix for semaphores (docs/pubsub.md lists them).
/// </summary>
internal sealed class LockNotifications(KeyspaceNotifier notifier) : ILockEventSink
{
    public void Released(Database db, byte[] key, bool semaphore) =>
        notifier.Publish(KeyspaceEventClass.Module, semaphore ? "sem.released"u8 : "lock.released"u8, db.Index, key);

    public void LeaseExpired(Database db, byte[] key, bool semaphore) =>
        notifier.Publish(KeyspaceEventClass.Module, semaphore ? "sem.expired"u8 : "lock.expired"u8, db.Index, key);

    public void HandedOff(Database db, byte[] key, bool semaphore) =>
        notifier.Publish(KeyspaceEventClass.Module, semaphore ? "sem.handoff"u8 : "lock.handoff"u8, db.Index, key);

    public static void Acquired(ref CommandContext ctx, bool semaphore) =>
        ctx.Notify(KeyspaceEventClass.Module, semaphore ? "sem.acquired"u8 : "lock.acquired"u8, ctx.Args[1]);

    public static void Renewed(ref CommandContext ctx, bool semaphore) =>
        ctx.Notify(KeyspaceEventClass.Module, semaphore ? "sem.renewed"u8 : "lock.renewed"u8, ctx.Args[1]);
}
