using System.Runtime.CompilerServices;
using FastNode.Server.Storage;

namespace FastNode.Server.Blocking;

/// <summary>
/// Which clients are blocked on which list keys of one database: per shard, a dictionary from key to its FIFO of
/// waiters. Each shard's dictionary and every queue and node in it are guarded by that shard's lock, so a push sees
/// exactly the waiters registered before it took the lock (no lost wake-up). A key may have waiters while it does
/// not exist; a queue is dropped once its last waiter leaves.
/// </summary>
internal sealed class ListWaiterRegistry
{
    private static readonly ConditionalWeakTable<Database, ListWaiterRegistry> s_byDatabase = new();
    private static int s_linked;   // nodes linked in every registry of the process: a cheap "anyone waiting?" test

    private readonly Dictionary<byte[], ListWaiterQueue>?[] _byShard;

    private ListWaiterRegistry(int shardCount) => _byShard = new Dictionary<byte[], ListWaiterQueue>?[shardCount];

    /// <summary>False when no client of any server in the process is blocked on a list (read without a lock).</summary>
    public static bool AnyWaiters => Volatile.Read(ref s_linked) != 0;

    public static ListWaiterRegistry For(Database db) =>
        s_byDatabase.GetValue(db, static d => new ListWaiterRegistry(d.ShardCount));

    public static ListWaiterRegistry? Find(Database db) => s_byDatabase.TryGetValue(db, out var registry) ? registry : null;

    /// <summary>The waiters on <paramref name="key"/>, or null when none. Shard lock held.</summary>
    public ListWaiterQueue? QueueFor(int shardIndex, ReadOnlySpan<byte> key)
    {
        var queues = _byShard[shardIndex];
        if (queues is null || queues.Count == 0) return null;
        return queues.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out var queue) ? queue : null;
    }

    /// <summary>Appends a node to its key's queue. Shard lock held.</summary>
    public void Link(ListWaiterNode node)
    {
        var queues = _byShard[node.ShardIndex] ??= new Dictionary<byte[], ListWaiterQueue>(ByteKeyComparer.Instance);
        if (!queues.TryGetValue(node.Key, out var queue))
        {
            queue = new ListWaiterQueue(queues, node.Key);
            queues.Add(node.Key, queue);
        }
        node.Queue = queue;
        node.Prev = queue.Tail;
        node.Next = null;
        if (queue.Tail is null) queue.Head = node;
        else queue.Tail.Next = node;
        queue.Tail = node;
        Interlocked.Increment(ref s_linked);
    }

    /// <summary>Removes a node from its queue if it is still linked (idempotent). Shard lock held.</summary>
    public static void Unlink(ListWaiterNode node)
    {
        var queue = node.Queue;
        if (queue is null) return;
        if (node.Prev is null) queue.Head = node.Next;
        else node.Prev.Next = node.Next;
        if (node.Next is null) queue.Tail = node.Prev;
        else node.Next.Prev = node.Prev;
        node.Prev = node.Next = null;
        node.Queue = null;
        if (queue.Head is null) queue.Owner.Remove(queue.Key);
        Interlocked.Decrement(ref s_linked);
    }
}
