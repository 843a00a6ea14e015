using FastNode.Server.Storage;

namespace FastNode.Server.Blocking;

/// <summary>
/// The FIFO queues, one per key, of the clients of one database blocked on one kind of value (sorted sets, streams),
/// so they are served in the order they blocked, as in Redis.
///
/// Locking: a waiter is enqueued while the shard locks of all its keys are held (so no value can appear between the
/// caller's check and the enqueue); a waker serves a key while it has that key open (its shard locked). Both then take
/// this registry's own lock, which is always the innermost (cancellation takes only it), so there is no lock cycle.
/// Wakers check <see cref="AnyWaiting"/> first, so a server with nobody blocked pays one volatile read per write. The
/// count is per waiter type (a static of each closed generic type).
/// </summary>
public abstract class KeyedWaiterQueues<TWaiter> where TWaiter : KeyedWaiter
{
    private static int _waitingEverywhere;

    private protected readonly Lock Sync = new();
    private protected readonly Dictionary<byte[], List<TWaiter>> Queues = new(ByteKeyComparer.Instance);

    /// <summary>True when some client anywhere is blocked on this kind of value.</summary>
    public static bool AnyWaiting => Volatile.Read(ref _waitingEverywhere) > 0;

    /// <summary>Queues a waiter on each of its keys. Call with the shard locks of all its keys held.</summary>
    public void Enqueue(TWaiter waiter)
    {
        lock (Sync)
        {
            foreach (var key in waiter.Keys)
            {
                if (!Queues.TryGetValue(key, out var queue)) Queues[key] = queue = [];
                if (!queue.Contains(waiter)) queue.Add(waiter);
            }
            waiter.Queued = true;
            Interlocked.Increment(ref _waitingEverywhere);
        }
    }

    /// <summary>Takes a waiter out of all its queues (timeout, disconnect, or served).</summary>
    public void Remove(TWaiter waiter)
    {
        lock (Sync) RemoveLocked(waiter);
    }

    private protected void RemoveLocked(TWaiter waiter)
    {
        if (!waiter.Queued) return;
        waiter.Queued = false;
        Interlocked.Decrement(ref _waitingEverywhere);
        foreach (var key in waiter.Keys)
        {
            if (!Queues.TryGetValue(key, out var queue)) continue;
            queue.Remove(waiter);
            if (queue.Count == 0) Queues.Remove(key);
        }
    }

    private protected bool HasQueue(ReadOnlySpan<byte> key)
    {
        lock (Sync) return Queues.GetAlternateLookup<ReadOnlySpan<byte>>().ContainsKey(key);
    }
}
