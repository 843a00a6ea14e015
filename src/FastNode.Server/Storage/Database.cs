using System.Runtime.CompilerServices;

namespace FastNode.Server.Storage;

/// <summary>
/// One numbered database (SELECT n): a fixed power-of-two set of shards. A key's xxHash picks its shard by the low
/// bits. Multi-key commands lock the shards they touch in ascending index order, so they can never deadlock.
/// </summary>
public sealed class Database
{
    [ThreadStatic] private static bool t_writing;
    [ThreadStatic] private static bool t_appliesStream;

    private readonly Shard[] _shards;
    private readonly int _mask;
    private volatile IShardCapture[]? _captures;   // snapshots running now (a BGSAVE and an AOF rewrite may overlap)

    public Database(int shardCount, int index = 0)
    {
        if (shardCount <= 0 || (shardCount & (shardCount - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(shardCount), "must be a power of two");
        Index = index;
        _shards = new Shard[shardCount];
        for (int i = 0; i < shardCount; i++) _shards[i] = new Shard(this);
        _mask = shardCount - 1;
        ShardBits = System.Numerics.BitOperations.Log2((uint)shardCount);
    }

    public int ShardCount => _shards.Length;

    /// <summary>log2 of the shard count (SCAN cursors carry the shard index in their low bits).</summary>
    public int ShardBits { get; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ShardIndex(ulong hash) => (int)hash & _mask;

    /// <summary>The number SELECT uses for this database now (SWAPDB exchanges the numbers of two databases).</summary>
    public int Index { get; internal set; }

    /// <summary>
    /// Set while a dataset is loaded (AOF, RDB) and on a replica: keys past their TTL are kept, because the stream being
    /// applied was recorded when they were alive and carries its own DEL for each expiry.
    /// </summary>
    public volatile bool ExpiryPaused;

    /// <summary>
    /// Set while clients' writes are paused (CLIENT PAUSE WRITE, a FAILOVER): as with <see cref="ExpiryPaused"/>, keys
    /// past their TTL read as missing but are not deleted, so nothing changes the dataset or the replication stream.
    /// </summary>
    public volatile bool WritesPaused;

    /// <summary>Whether expiry deletes nothing now (a stream is applied, or writes are paused).</summary>
    public bool ExpiryHeld => ExpiryPaused || WritesPaused;

    /// <summary>Cluster mode, database 0 only: its keys by hash slot (CLUSTER COUNTKEYSINSLOT / GETKEYSINSLOT).</summary>
    public SlotKeyIndex? SlotKeys { get; set; }

    /// <summary>
    /// Whether keys' access words hold LFU counters (an LFU maxmemory-policy) rather than LRU stamps, and the counters'
    /// lfu-decay-time (minutes per decrement) and lfu-log-factor. Set by the server when the settings change.
    /// </summary>
    public bool Lfu;
    public int LfuDecayTime = 1;
    public int LfuLogFactor = 10;

    /// <summary>Where the shards publish the bytes their keys take (shared by all databases of a server); null in unit tests.</summary>
    public MemoryCounter? Usage { get; init; }

    /// <summary>Hears of keys deleted by expiry (the change feed turns them into DELs). Set by the server.</summary>
    public IKeyspaceObserver? Observer { get; set; }

    /// <summary>True on a thread while it applies a recorded stream (AOF loading, a replica's link): it sees expired keys.</summary>
    public static bool ThreadAppliesStream
    {
        get => t_appliesStream;
        set => t_appliesStream = value;
    }

    /// <summary>
    /// True on a thread while it runs a command or task that changes data (set by the server's write gate). Only
    /// writers make a running snapshot capture a shard before they touch it; readers never wait for a capture.
    /// </summary>
    public static bool ThreadIsWriting
    {
        get => t_writing;
        set => t_writing = value;
    }

    /// <summary>
    /// The shard of a key. While a point-in-time snapshot runs, a writer first has the shard captured as it was when
    /// the snapshot started (a no-op once the shard is captured).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Shard ShardFor(ulong hash)
    {
        int index = (int)hash & _mask;
        var captures = _captures;
        if (captures is not null && t_writing) BeforeWrite(captures, index);
        return _shards[index];
    }

    /// <summary>Opens a key for one command: its shard locked and the key looked up (see <see cref="KeyHandle"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public KeyHandle Open(ReadOnlySpan<byte> key, long nowMs, Lookup lookup) =>
        Open(KeyHasher.Hash(key), key, nowMs, lookup);

    /// <summary>Like <see cref="Open(ReadOnlySpan{byte}, long, Lookup)"/> with the key's hash already computed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public KeyHandle Open(ulong hash, ReadOnlySpan<byte> key, long nowMs, Lookup lookup) =>
        new(ShardFor(hash), hash, key, nowMs, lookup);

    /// <summary>
    /// Like <see cref="Open(ulong, ReadOnlySpan{byte}, long, Lookup)"/> but never waits for the shard lock: false when
    /// another thread holds it (then <paramref name="handle"/> is an empty handle, and disposing it does nothing).
    /// For code that already holds shard locks in no set order (serving blocked clients from inside a command).
    /// </summary>
    public bool TryOpen(ulong hash, ReadOnlySpan<byte> key, long nowMs, Lookup lookup, out KeyHandle handle)
    {
        var shard = ShardFor(hash);
        if (!shard.Lock.TryEnter())
        {
            handle = default;
            return false;
        }
        try
        {
            handle = new KeyHandle(shard, hash, key, nowMs, lookup);   // re-enters the lock just taken
        }
        finally
        {
            shard.Lock.Exit();
        }
        return true;
    }

    /// <summary>
    /// Holds shard <paramref name="shardIndex"/>'s lock without opening a key (<c>using (db.LockShard(i)) ...</c>), for
    /// state kept beside the keyspace and guarded by the same lock: the registries of clients blocked on keys.
    /// </summary>
    public Lock.Scope LockShard(int shardIndex) => _shards[shardIndex].Lock.EnterScope();

    /// <summary>True when this thread holds shard <paramref name="shardIndex"/>'s lock (a handle, a multi-shard lock, <see cref="LockShard"/>).</summary>
    public bool HoldsShard(int shardIndex) => _shards[shardIndex].Lock.IsHeldByCurrentThread;

    private void BeforeWrite(IShardCapture[] captures, int index)
    {
        foreach (var capture in captures) capture.BeforeWrite(this, index);
    }

    /// <summary>Starts a point-in-time capture of this database's shards (several may run at once).</summary>
    public void AddCapture(IShardCapture capture)
    {
        lock (_shards) _captures = [.. _captures ?? [], capture];
    }

    /// <summary>Ends a capture: writers stop capturing for it.</summary>
    public void RemoveCapture(IShardCapture capture)
    {
        lock (_shards)
        {
            var left = Array.FindAll(_captures ?? [], c => !ReferenceEquals(c, capture));
            _captures = left.Length == 0 ? null : left;
        }
    }

    /// <summary>Has every running capture take every shard now (a write that touches all of them: FLUSHDB, SWAPDB).</summary>
    public void CaptureAllBeforeWrite()
    {
        var captures = _captures;
        if (captures is null) return;
        for (int i = 0; i < _shards.Length; i++) BeforeWrite(captures, i);
    }

    internal void KeyExpired(byte[] key) => Observer?.KeyExpired(this, key);

    internal void KeyEvicted(byte[] key) => Observer?.KeyEvicted(this, key);

    private int _evictCursor;   // next shard to evict from; racy between evicting threads, which only costs fairness

    /// <summary>
    /// Evicts one key (see <see cref="Shard.EvictOne"/>) from the next shard in turn that has one the policy may take,
    /// with its lock held, a running snapshot having captured the shard first. Shards are tried in a ring, so keys go
    /// evenly from all of them. Returns the bytes freed, or -1 when no shard has anything to evict; <paramref name="wrapped"/>
    /// says the ring came round to its first shard (the caller moves on to another database then).
    /// </summary>
    public long EvictNext(EvictionPolicy policy, int samples, long nowMs, out bool wrapped)
    {
        bool onlyVolatile = policy.OnlyVolatile();
        wrapped = false;
        for (int tried = 0; tried < _shards.Length; tried++)
        {
            int index = _evictCursor;
            _evictCursor = (index + 1) & _mask;
            if (_evictCursor == 0) wrapped = true;
            var shard = _shards[index];
            // Unlocked look first: most shards of an unused database are empty.
            if ((onlyVolatile ? shard.VolatileCount : shard.Count) == 0) continue;
            var captures = _captures;
            if (captures is not null) BeforeWrite(captures, index);
            long freed;
            lock (shard.Lock) freed = shard.EvictOne(policy, samples, nowMs);
            if (freed >= 0) return freed;
        }
        return -1;
    }

    /// <summary>Bytes the keys of this database take (its shards' exact counts, read without locks).</summary>
    public long UsedBytes()
    {
        long total = 0;
        foreach (var shard in _shards) total += Volatile.Read(ref Unsafe.AsRef(in shard.UsedBytesRef));
        return total;
    }

    /// <summary>Keys evicted from this database so far (INFO evicted_keys), read without locks.</summary>
    public long EvictedCount()
    {
        long total = 0;
        foreach (var shard in _shards) total += Volatile.Read(ref shard.Evicted);
        return total;
    }

    internal void KeyAdded(ReadOnlySpan<byte> key) => Observer?.KeyAdded(this, key);

    internal void KeyMissed(ReadOnlySpan<byte> key) => Observer?.KeyMissed(this, key);

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

    /// <summary>
    /// One SCAN step over the whole database: visits at least <paramref name="count"/> entries (fewer at the end),
    /// one shard lock at a time, deleting expired ones, and hands the live keys to <paramref name="visitor"/>. Returns
    /// the next cursor, 0 when the walk is done.
    /// Cursor layout: <c>(shardCursor &lt;&lt; ShardBits) | shardIndex</c>. The low bits say which shard we are in,
    /// the rest is that shard's reverse-binary bucket cursor (<see cref="Shard.Scan{TVisitor}"/>), which stays valid
    /// while the shard's table grows or shrinks. Shards are visited in index order, so every key present for the
    /// whole scan is returned at least once.
    /// </summary>
    public ulong Scan<TVisitor>(ulong cursor, int count, long nowMs, ref TVisitor visitor)
        where TVisitor : IKeyVisitor, allows ref struct
    {
        int shardIndex = (int)(cursor & (ulong)_mask);
        ulong shardCursor = cursor >> ShardBits;
        var live = new LiveKeyVisitor<TVisitor>(visitor, nowMs);
        try
        {
            while (true)
            {
                var shard = _shards[shardIndex];
                int seenBefore = live.Seen;
                lock (shard.Lock)
                {
                    shardCursor = shard.Scan(shardCursor, count, ref live);
                }
                count -= live.Seen - seenBefore;
                if (shardCursor == 0 && ++shardIndex == _shards.Length) return 0;
                if (count <= 0) return (shardCursor << ShardBits) | (uint)shardIndex;
            }
        }
        finally
        {
            visitor = live.Inner;
        }
    }

    /// <summary>Hands every live key to <paramref name="visitor"/> (KEYS), one shard lock at a time, deleting expired ones.</summary>
    public void ScanAll<TVisitor>(long nowMs, ref TVisitor visitor) where TVisitor : IKeyVisitor, allows ref struct
    {
        var live = new LiveKeyVisitor<TVisitor>(visitor, nowMs);
        try
        {
            foreach (var shard in _shards)
            {
                lock (shard.Lock)
                {
                    shard.Scan(0, int.MaxValue, ref live);
                }
            }
        }
        finally
        {
            visitor = live.Inner;
        }
    }

    /// <summary>
    /// A random live key (RANDOMKEY), null when the database is empty. A shard is picked with probability proportional
    /// to its size, then a random entry in it; an expired pick is deleted and we draw again (each retry removes a key,
    /// so the loop ends). Key arrays are never written after they are stored, so the result is safe outside the lock.
    /// </summary>
    public byte[]? RandomKey(long nowMs)
    {
        while (true)
        {
            long total = Count();
            if (total == 0) return null;
            long pick = Random.Shared.NextInt64(total);
            foreach (var shard in _shards)
            {
                lock (shard.Lock)
                {
                    if (pick >= shard.Count)
                    {
                        pick -= shard.Count;
                        continue;
                    }
                    int i = shard.RandomEntry();
                    if (i < 0) break;   // emptied since we counted: draw again
                    ref var e = ref shard.At(i);
                    if (e.ExpireAt != 0 && e.ExpireAt <= nowMs)
                    {
                        shard.RemoveExpired(i);
                        break;
                    }
                    return e.Key!;
                }
            }
        }
    }

    /// <summary>Zeroes the keyspace hit, miss and expired counters (CONFIG RESETSTAT).</summary>
    public void ResetStats()
    {
        foreach (var shard in _shards)
        {
            lock (shard.Lock)
            {
                shard.Hits = 0;
                shard.Misses = 0;
                shard.Expired = 0;
                shard.Evicted = 0;
            }
        }
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

    /// <summary>
    /// One step of active expiry in one shard (its lock held for one sample only): tests up to <paramref name="samples"/>
    /// keys that have a TTL and deletes the expired ones. Returns how many it deleted, or -1 when the shard has no key
    /// with a TTL left (its arrays are given back if it emptied).
    /// </summary>
    public int ExpireSample(int shardIndex, long nowMs, int samples)
    {
        var shard = _shards[shardIndex];
        lock (shard.Lock)
        {
            if (shard.VolatileCount == 0)
            {
                shard.ShrinkIfEmpty();
                return -1;
            }
            return shard.ExpireSample(nowMs, samples);
        }
    }

    /// <summary>Keys expired and keyspace hits and misses so far, summed over the shards (INFO stats); read without locks.</summary>
    public (long Expired, long Hits, long Misses) KeyspaceCounters()
    {
        long expired = 0, hits = 0, misses = 0;
        foreach (var shard in _shards)
        {
            expired += Volatile.Read(ref shard.Expired);
            hits += Volatile.Read(ref shard.Hits);
            misses += Volatile.Read(ref shard.Misses);
        }
        return (expired, hits, misses);
    }

    public void Flush()
    {
        CaptureAllBeforeWrite();
        foreach (var shard in _shards)
        {
            lock (shard.Lock) shard.Clear();
        }
    }
}
