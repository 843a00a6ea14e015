namespace FastNode.Server.Storage.Locks;

/// <summary>
/// A client blocked in LOCK.ACQUIRE / SEM.ACQUIRE ... WAIT, as its <see cref="LockState"/> queues it: one node of the
/// state's FIFO. The links and <see cref="Queued"/> are only touched under the state's shard lock; <see cref="Token"/>
/// is written by the waker after a successful <see cref="ILockWaitHandoff.TryClaim"/> and read by the client after
/// it was woken. The server side (blocking, the reply) is the <see cref="Handoff"/>.
/// </summary>
public sealed class LockWaiter
{
    public LockWaiter(LockState state, byte[] owner, long ttlMs, ILockWaitHandoff handoff)
    {
        State = state;
        Owner = owner;
        TtlMs = ttlMs;
        Handoff = handoff;
    }

    /// <summary>The lock this waiter is queued on; its shard lock guards the queue.</summary>
    public LockState State { get; }
    /// <summary>Owner bytes (a copy: arguments do not outlive the command).</summary>
    public byte[] Owner { get; }
    /// <summary>Lease length to grant, counted from the moment of the grant.</summary>
    public long TtlMs { get; }
    /// <summary>The blocked client: claimed and completed by the waker.</summary>
    public ILockWaitHandoff Handoff { get; }
    /// <summary>The granted fencing token; 0 when claimed without a grant (the lock key was deleted or replaced).</summary>
    public long Token;

    internal LockWaiter? Prev, Next;
    /// <summary>True while linked in the state's queue.</summary>
    internal bool Queued;

    /// <summary>The wait timed out or the client left: unlinks the waiter (takes the shard lock).</summary>
    public void Cancel() => State.CancelWaiter(this);
}
