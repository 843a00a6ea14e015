using System.Runtime.CompilerServices;

namespace FastNode.Server.Storage;

/// <summary>
/// One numbered database (SELECT n): a fixed power-of-two set of shards. A key's xxHash picks its shard by the low
/// bits. Multi-key commands lock the shards they touch in ascending index order, so they can never deadlock.
/// </summary>
public sealed class Database
{
    private readonly Shard[] _shards;
    private readonly int _mask;

    public Database(int shardCount)
    {
        if (shardCount <= 0 || (shardCount & (shardCount - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(shardCount), "must be a power of two");
        _shards = new Shard[shardCount];
        for (int i = 0; i < shardCount; i++) _shards[i] = new Shard();
        _mask = shardCount - 1;
        ShardBits = System.Numerics.BitOperations.Log2((uint)shardCount);
    }

    public int ShardCount => _shards.Length;

    /// <summary>log2 of the shard count (SCAN cursors carry the shard index in their low bits).</summary>
    public int ShardBits { get; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ShardIndex(ulong hash) => (int)hash & _mask;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Shard ShardFor(ulong hash) => _shards[(int)hash & _mask];

    public Shard ShardAt(int index) => _shards[index];

    /// <summary>
    /// Roughly how many keys the database holds, without locks: the first shard's count times the shard count (keys
    /// spread evenly by hash). For heuristics only.
    /// </summary>
    public long ApproximateCount => (long)_shards[0].Count * _shards.Length;

    /// <summary>Number of keys (DBSIZE). Takes each shard lock in turn, so it is a sum of per-shard snapshots.</summary>
    public long Count()
    {
        long total = 0;
        foreach (var shard in _shards)
        {
            lock (shard.Lock) total += shard.Count;
        }
        return total;
    }

    public long VolatileCount()
    {
        long total = 0;
        foreach (var shard in _shards)
        {
            lock (shard.Lock) total += shard.VolatileCount;
        }
        return total;
    }

    public void Flush()
    {
        foreach (var shard in _shards)
        {
            lock (shard.Lock) shard.Clear();
        }
    }
}
