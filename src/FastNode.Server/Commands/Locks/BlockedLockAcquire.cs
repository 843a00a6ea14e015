using FastNode.Protocol;
using FastNode.Server.Blocking;
using FastNode.Server.Storage.Locks;

namespace FastNode.Server.Commands.Locks;

/// <summary>
/// A client blocked in LOCK.ACQUIRE / SEM.ACQUIRE ... WAIT: the blocking side of the <see cref="LockWaiter"/> queued
/// on the lock. The state claims and completes it through <see cref="ILockWaitHandoff"/> (implemented by
/// <see cref="BlockedCommand.TryClaim"/> and <see cref="BlockedCommand.Complete"/>); the reply is the granted token.
/// </summary>
internal sealed class BlockedLockAcquire : BlockedCommand, ILockWaitHandoff
{
    public BlockedLockAcquire(LockState state, byte[] owner, long ttlMs, long deadlineMs) : base(deadlineMs) =>
        Waiter = new LockWaiter(state, owner, ttlMs, this);

    /// <summary>The node queued on the lock (enqueue it under the key's shard lock).</summary>
    public LockWaiter Waiter { get; }

    protected override void OnCancelled() => Waiter.Cancel();

    public override void WriteReply(ref RespWriter writer)
    {
        if (IsGranted && Waiter.Token != 0) writer.WriteInteger(Waiter.Token);
        else writer.WriteNullBulk();
    }
}
