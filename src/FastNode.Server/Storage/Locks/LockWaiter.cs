using FastNode.Protocol;
using FastNode.Server.Blocking;

namespace FastNode.Server.Storage.Locks;

/// <summary>
/// A client blocked in LOCK.ACQUIRE / SEM.ACQUIRE ... WAIT: one node of its <see cref="LockState"/>'s FIFO.
/// The links and <see cref="Queued"/> are only touched under the state's shard lock; <see cref="Token"/> is written
/// by the waker after a successful <see cref="BlockedCommand.TryClaim"/> and read by the connection after
/// <see cref="BlockedCommand.Completion"/>.
/// </summary>
public sealed class LockWaiter : BlockedCommand
{
    public LockWaiter(LockState state, byte[] owner, long ttlMs, long deadlineMs) : base(deadlineMs)
    {
        State = state;
        Owner = owner;
        TtlMs = ttlMs;
    }

    /// <summary>The lock this waiter is queued on; its shard lock guards the queue.</summary>
    public LockState State { get; }
    /// <summary>Owner bytes (a copy: arguments do not outlive the command).</summary>
    public byte[] Owner { get; }
    /// <summary>Lease length to grant, counted from the moment of the grant.</summary>
    public long TtlMs { get; }
    /// <summary>The granted fencing token; 0 when claimed without a grant (the lock key was deleted or replaced).</summary>
    public long Token;

    internal LockWaiter? Prev, Next;
    /// <summary>True while linked in the state's queue.</summary>
    internal bool Queued;

    protected override void OnCancelled() => State.CancelWaiter(this);

    public override void WriteReply(ref RespWriter writer)
    {
        if (IsGranted && Token != 0) writer.WriteInteger(Token);
        else writer.WriteNullBulk();
    }
}
