using FastNode.Cluster.Routing;

namespace FastNode.Server.Storage;

/// <summary>
/// Cluster mode's keys by hash slot, kept by database 0's shards as keys come and go, so COUNTKEYSINSLOT is one array
/// read and GETKEYSINSLOT lists a slot without scanning the keyspace (a reshard calls it for every slot it moves).
/// Holds the store's own key arrays (by reference: each stored key has exactly one array), so a key costs one set
/// entry here. Shards call in with their own lock held; a slot's set is guarded by one of 64 stripe locks, since keys
/// of one slot live in every shard. Expired keys stay listed until expiry deletes them, as in Redis.
/// </summary>
public sealed class SlotKeyIndex
{
    private const int StripeCount = 64;

    private readonly HashSet<byte[]>?[] _keys = new HashSet<byte[]>?[KeySlot.SlotCount];
    private readonly int[] _counts = new int[KeySlot.SlotCount];
    private readonly Lock[] _stripes = new Lock[StripeCount];

    public SlotKeyIndex()
    {
        for (int i = 0; i < _stripes.Length; i++) _stripes[i] = new Lock();
    }

    /// <summary>A key was added to the store (the array is the store's own).</summary>
    public void Added(byte[] key)
    {
        int slot = KeySlot.Of(key);
        lock (_stripes[slot & (StripeCount - 1)])
        {
            var set = _keys[slot] ??= new HashSet<byte[]>(ReferenceEqualityComparer.Instance);
            if (set.Add(key)) _counts[slot]++;
        }
    }

    /// <summary>A key left the store (the same array that was added).</summary>
    public void Removed(byte[] key)
    {
        int slot = KeySlot.Of(key);
        lock (_stripes[slot & (StripeCount - 1)])
        {
            if (_keys[slot]?.Remove(key) == true) _counts[slot]--;
        }
    }

    /// <summary>CLUSTER COUNTKEYSINSLOT.</summary>
    public int Count(int slot) => Volatile.Read(ref _counts[slot]);

    /// <summary>CLUSTER GETKEYSINSLOT: up to <paramref name="limit"/> keys of the slot (copies of the references, taken under the stripe lock).</summary>
    public List<byte[]> Keys(int slot, int limit)
    {
        var keys = new List<byte[]>();
        lock (_stripes[slot & (StripeCount - 1)])
        {
            var set = _keys[slot];
            if (set is null) return keys;
            foreach (var key in set)
            {
                if (keys.Count >= limit) break;
                keys.Add(key);
            }
        }
        return keys;
    }
}
