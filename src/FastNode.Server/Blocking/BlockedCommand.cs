using FastNode.Protocol;

namespace FastNode.Server.Blocking;

/// <summary>
/// A command that waits for something another client does (BLPOP, LOCK.ACQUIRE ... WAIT). The handler creates one,
/// enqueues it where the waker will look (a family's per-key FIFO of waiters), and calls
/// <see cref="Sessions.ClientSession.Block"/>. The connection then stops reading commands, waits for
/// <see cref="Completion"/>, the deadline or a disconnect, and writes the reply through <see cref="WriteReply"/>.
///
/// Hand-off rules, so a grant is never lost and never doubled:
/// 1. A waker, holding the lock that guards the resource, calls <see cref="TryClaim"/>; only if it returns true does
///    it perform the operation for this waiter (pop the element, grant the lock) and store the result in it,
///    then it calls <see cref="Complete"/>. A waiter that lost the race (timed out, disconnected) is skipped.
/// 2. On timeout or disconnect the connection calls <see cref="TryCancel"/>. If a waker claimed it first, the
///    connection waits for Completion and replies with the granted result instead.
/// Completion runs continuations asynchronously, so completing it under a shard lock never runs the waiting
/// connection's code inside that lock.
/// </summary>
public abstract class BlockedCommand
{
    private const int Waiting = 0, Claimed = 1, Cancelled = 2;

    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _state;

    /// <param name="deadlineMs">Absolute Unix ms after which the wait times out; 0 waits forever.</param>
    protected BlockedCommand(long deadlineMs) => DeadlineMs = deadlineMs;

    public long DeadlineMs { get; }

    /// <summary>Completes once a waker has finished granting, or once the wait was cancelled.</summary>
    public Task Completion => _done.Task;

    /// <summary>True once a waker claimed this waiter (its result is or will be stored).</summary>
    public bool IsGranted => Volatile.Read(ref _state) == Claimed;

    /// <summary>Called by a waker under the resource's lock; true means "you serve this waiter now".</summary>
    public bool TryClaim() => Interlocked.CompareExchange(ref _state, Claimed, Waiting) == Waiting;

    /// <summary>Called by the waker after storing the result (may be under its lock).</summary>
    public void Complete() => _done.TrySetResult();

    /// <summary>Called by the connection on timeout or disconnect. False if a waker already claimed the waiter.</summary>
    public bool TryCancel()
    {
        if (Interlocked.CompareExchange(ref _state, Cancelled, Waiting) != Waiting) return false;
        OnCancelled();
        _done.TrySetResult();
        return true;
    }

    /// <summary>Removes the waiter from its queue (takes whatever lock guards the queue). Runs at most once.</summary>
    protected abstract void OnCancelled();

    /// <summary>
    /// Once the wait ended: another wait the reply must go through first (a lock grant that a majority of replicas
    /// must acknowledge), or null to reply now. The connection blocks on the follow-up instead of replying.
    /// </summary>
    public virtual BlockedCommand? FollowUp() => null;

    /// <summary>Writes the reply: the granted result when <see cref="IsGranted"/>, else the timeout reply (usually nil).</summary>
    public abstract void WriteReply(ref RespWriter writer);
}
