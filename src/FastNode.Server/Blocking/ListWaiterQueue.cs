namespace FastNode.Server.Blocking;

/// <summary>
/// The FIFO of clients blocked on one key, oldest first. Lives in its shard's dictionary of the
/// <see cref="ListWaiterRegistry"/> while it has nodes; guarded by that shard's lock.
/// </summary>
internal sealed class ListWaiterQueue
{
    public ListWaiterQueue(Dictionary<byte[], ListWaiterQueue> owner, byte[] key)
    {
        Owner = owner;
        Key = key;
    }

    /// <summary>The shard's dictionary that holds this queue (it is removed from there once empty).</summary>
    public Dictionary<byte[], ListWaiterQueue> Owner { get; }
    public byte[] Key { get; }
    public ListWaiterNode? Head, Tail;
}
