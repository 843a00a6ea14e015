namespace FastNode.Server.Blocking;

/// <summary>
/// One registration of a <see cref="ListWaiter"/> on one key (a client blocked on three keys has three nodes).
/// The links and <see cref="Queue"/> are read and written only under the lock of shard <see cref="ShardIndex"/>.
/// </summary>
internal sealed class ListWaiterNode
{
    public ListWaiterNode(ListWaiter waiter, byte[] key, ulong hash, int shardIndex)
    {
        Waiter = waiter;
        Key = key;
        Hash = hash;
        ShardIndex = shardIndex;
    }

    public ListWaiter Waiter { get; }
    /// <summary>The key waited on (a copy owned by the node; also the key BLPOP replies with).</summary>
    public byte[] Key { get; }
    public ulong Hash { get; }
    public int ShardIndex { get; }

    /// <summary>The queue this node is linked in, or null once unlinked.</summary>
    public ListWaiterQueue? Queue;
    public ListWaiterNode? Prev, Next;
}
