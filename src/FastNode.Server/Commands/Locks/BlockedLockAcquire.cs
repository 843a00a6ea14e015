using FastNode.Protocol;
using FastNode.Server.Blocking;
using FastNode.Server.Commands.Locks.Replication;
using FastNode.Server.Storage.Locks;

namespace FastNode.Server.Commands.Locks;

/// <summary>
/// A client blocked in LOCK.ACQUIRE / SEM.ACQUIRE ... WAIT: the blocking side of the <see cref="LockWaiter"/> queued
/// on the lock. The state claims and completes it through <see cref="ILockWaitHandoff"/> (implemented by
/// <see cref="BlockedCommand.TryClaim"/> and <see cref="BlockedCommand.Complete"/>); the reply is the granted token.
/// With lock-replication majority the grant's reply then waits for the replicas (<see cref="FollowUp"/>).
/// </summary>
internal sealed class BlockedLockAcquire : BlockedCommand, ILockWaitHandoff
{
    private LockReplication? _replication;   // set when the grant must be acknowledged by a majority
    private int _db;
    private byte[]? _key;

    public BlockedLockAcquire(LockState state, byte[] owner, long ttlMs, long deadlineMs) : base(deadlineMs) =>
        Waiter = new LockWaiter(state, owner, ttlMs, this);

    /// <summary>The node queued on the lock (enqueue it under the key's shard lock).</summary>
    public LockWaiter Waiter { get; }

    /// <summary>lock-replication majority: once granted, the reply waits for the replicas to hold the grant.</summary>
    public void AckAfterGrant(LockReplication replication, int db, byte[] key)
    {
        _replication = replication;
        _db = db;
        _key = key;
    }

    protected override void OnCancelled()
    {
        Waiter.Cancel();
        Interlocked.Increment(ref Waiter.State.Stats.WaitTimeoutsCount);
    }

    public override BlockedCommand? FollowUp()
    {
        if (_replication is null || !IsGranted || Waiter.Token <= 0) return null;
        int needed = _replication.AcksNeeded();
        if (needed == 0) return null;
        var wait = _replication.AfterHandOff(needed, Waiter.Token, _db, _key!, Waiter.Owner, Waiter.State.IsSemaphore);
        _replication.Add(wait);
        return wait;
    }

    public override void WriteReply(ref RespWriter writer)
    {
        if (IsGranted && Waiter.Token != 0) writer.WriteInteger(Waiter.Token);
        else writer.WriteNullBulk();
    }
}
