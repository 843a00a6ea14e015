using System.Runtime.CompilerServices;

namespace FastNode.Server.Storage;

/// <summary>
/// One lock stripe of a database: a chained hash table of our own whose entries live in fixed-size chunks.
/// Why not Dictionary: we pass the hash computed once per command, keep TTL and kind inline in the slot,
/// keep entry indices stable across growth (the TTL index refers to them), and can run Redis's reverse-binary
/// SCAN cursor over the buckets, which still returns every key present for the whole scan across resizes.
/// Why chunks rather than one doubling array: a doubled array is on average a third empty (all shards fill at the
/// same pace, so after a load they sit at the same point of the cycle: measured 93 B of entry array per 48-56 B
/// entry at 630k keys), and copying it stalls the shard for milliseconds. Chunks are appended, never copied.
///
/// Every member must be called with <see cref="Lock"/> held. The lock is never held across an await
/// or a network write; copying a reply into the output buffer under it is allowed (it is a memcpy).
/// </summary>
public sealed class Shard
{
    private const int MinBuckets = 8;

    // 1024 entries x 48 B = 48 KB: under the large-object threshold, and at most that much unused per shard.
    private const int ChunkBits = 10;
    private const int ChunkSize = 1 << ChunkBits;
    private const int ChunkMask = ChunkSize - 1;

    public readonly Lock Lock = new();

    /// <summary>The database this shard belongs to (null for a shard made alone, in unit tests).</summary>
    public readonly Database? Owner;

    public Shard(Database? owner = null) => Owner = owner;

    /// <summary>Where this shard's string values of up to <see cref="StringSlabs.MaxChunk"/> bytes live.</summary>
    public readonly StringSlabs Strings = new();

    private int[] _buckets = new int[MinBuckets];   // entry index + 1; 0 = empty bucket (Entry.Next uses the same encoding)
    // Entry i is _chunks[i >> ChunkBits][i & ChunkMask]. The first chunk starts small and doubles up to ChunkSize
    // (a server with a few keys per shard stays small); after that whole chunks are added.
    private Entry[][] _chunks = [new Entry[MinBuckets]];
    private int _capacity = MinBuckets;
    private int _used;        // slots ever handed out (high-water mark)
    private int _freeHead = -1;
    private int _count;
    private int[] _volatile = new int[4];   // entry indices of keys with a TTL
    private int _volatileCount;
    private ulong _random = 0x9E3779B97F4A7C15;

    public int Count => _count;

    /// <summary>Entry slots ever handed out: every live entry has an index below this (free slots have a null key).</summary>
    public int SlotCount => _used;

    /// <summary>Lookups that found / did not find a live key (INFO keyspace_hits/misses). Updated under the lock.</summary>
    public long Hits, Misses;

    /// <summary>Keys deleted because their TTL passed, lazily or by the active cycle (INFO expired_keys).</summary>
    public long Expired;

    /// <summary>Keys in this shard that have a TTL.</summary>
    public int VolatileCount => _volatileCount;

    /// <summary>Keys deleted to stay under maxmemory (INFO evicted_keys).</summary>
    public long Evicted;

    /// <summary>
    /// Bytes this shard's keys and values take (entry slot, key array, string buffer or a collection's estimate):
    /// used_memory's dataset part. Exact for strings; collections are estimated when a command leaves them.
    /// </summary>
    public long UsedBytes => _usedBytes;

    /// <summary>For lock-free readers (INFO): the field behind <see cref="UsedBytes"/>.</summary>
    internal ref readonly long UsedBytesRef => ref _usedBytes;

    /// <summary>Changes of <see cref="UsedBytes"/> are passed on to the server-wide counter in steps of this many bytes.</summary>
    public const int PublishStep = 4096;

    /// <summary>Bytes an entry costs besides its key and value: the 48-byte slot and its share of the bucket array.</summary>
    public const int EntryBytes = 56;

    private long _usedBytes;
    private long _unpublished;
    private EvictionPool? _pool;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint BucketHash(ulong hash) => (uint)(hash >> 32);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref Entry At(int index) => ref _chunks[index >> ChunkBits][index & ChunkMask];

    /// <summary>
    /// Finds a live key and stamps its access time; an expired key is deleted on the spot (lazy expiry) and
    /// reported absent. Counts a hit or a miss.
    /// </summary>
    public int Find(ulong hash, ReadOnlySpan<byte> key, long nowMs)
    {
        int index = FindLive(hash, key, nowMs);
        if (index >= 0)
        {
            Touch(ref At(index), nowMs);
            Hits++;
        }
        else
        {
            Misses++;
            Owner?.KeyMissed(key);
        }
        return index;
    }

    /// <summary>Like <see cref="Find"/> but leaves the access time and the hit counters alone (TTL, OBJECT, TYPE...).</summary>
    public int FindLive(ulong hash, ReadOnlySpan<byte> key, long nowMs)
    {
        int index = FindIncludingExpired(hash, key);
        if (index >= 0)
        {
            ref var e = ref At(index);
            if (e.ExpireAt != 0 && e.ExpireAt <= nowMs)
            {
                // While a recorded stream is applied (loading, a replica) keys are not deleted here: the stream sees
                // them as they were when it was recorded, other clients see them gone (as a Redis 7 replica does).
                // The same while writes are paused: the key reads as missing and stays.
                if (Owner is { ExpiryHeld: true }) return Database.ThreadAppliesStream ? index : -1;
                RemoveExpired(index);
                return -1;
            }
        }
        return index;
    }

    /// <summary>
    /// Deletes a key whose TTL has passed and counts it (INFO expired_keys); the database's observer hears of it, so
    /// the change feed carries a DEL (replicas and the AOF never expire keys themselves).
    /// </summary>
    public void RemoveExpired(int index)
    {
        ref var entry = ref At(index);
        var key = entry.Key!;
        // A lock whose last lease ran out goes with its key: its leases count as expired (INFO lock_expirations).
        if (entry.Value is Locks.LockState state) state.CountLeasesExpiredWithKey();
        Remove(index);
        Expired++;
        Owner?.KeyExpired(key);
    }

    /// <summary>Finds a key whether or not its TTL has passed.</summary>
    public int FindIncludingExpired(ulong hash, ReadOnlySpan<byte> key)
    {
        var chunks = _chunks;
        uint high = BucketHash(hash);
        int i = _buckets[high & (uint)(_buckets.Length - 1)] - 1;
        while (i >= 0)
        {
            ref var e = ref chunks[i >> ChunkBits][i & ChunkMask];
            if (e.Hash == high && key.SequenceEqual(e.Key)) return i;
            i = e.Next - 1;
        }
        return -1;
    }

    /// <summary>
    /// For <see cref="LookupWarmer"/> only, and without the lock: the first entry of the bucket a hash falls in
    /// (-1 if none). Racy by design; the answer is a hint.
    /// </summary>
    internal int PeekBucket(ulong hash)
    {
        var buckets = _buckets;
        return buckets[BucketHash(hash) & (uint)(buckets.Length - 1)] - 1;
    }

    /// <summary>
    /// For <see cref="LookupWarmer"/> only, and without the lock: an entry's key and value, or nulls. Returns a field
    /// from the entry's far end: a 48-byte entry straddles two cache lines half of the time, and the lookup reads both.
    /// </summary>
    internal int PeekEntry(int index, out byte[]? key, out object? value, out int valueOffset)
    {
        key = null;
        value = null;
        valueOffset = 0;
        var chunks = _chunks;
        if (index < 0 || index >> ChunkBits >= chunks.Length) return 0;
        var chunk = chunks[index >> ChunkBits];
        if (chunk is null || (index & ChunkMask) >= chunk.Length) return 0;
        ref var e = ref chunk[index & ChunkMask];
        key = e.Key;
        value = e.Value;
        valueOffset = e.ValueOffset;
        return (int)e.Kind + e.Next;
    }

    /// <summary>Adds a key that is known to be absent. The slot comes back with no value and no TTL.</summary>
    public int Add(ulong hash, ReadOnlySpan<byte> key, ValueKind kind)
    {
        int index = Insert(hash, key.ToArray(), kind);
        Owner?.SlotKeys?.Added(At(index).Key!);
        Owner?.KeyAdded(key);
        return index;
    }

    /// <summary>Adds an entry whose key array the store already owns (RENAME, MOVE, SWAP): no copy.</summary>
    public int AddOwned(ulong hash, byte[] key, ValueKind kind)
    {
        int index = Insert(hash, key, kind);
        Owner?.SlotKeys?.Added(key);
        Owner?.KeyAdded(key);
        return index;
    }

    /// <summary>An access by a command: the LRU stamp, or under LFU the decayed and incremented counter.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Touch(ref Entry e, long nowMs)
    {
        if (Owner is { Lfu: true } db) e.LastAccess = AccessClock.LfuTouch(e.LastAccess, nowMs, db.LfuDecayTime, db.LfuLogFactor, NextRandom());
        else e.LastAccess = AccessClock.Seconds(nowMs);
    }

    /// <summary>The access word of a key just created (or given a new value of its own): now, or LFU's initial count.</summary>
    public void StampNew(ref Entry e, long nowMs) =>
        e.LastAccess = Owner is { Lfu: true } ? AccessClock.NewLfu(nowMs) : AccessClock.Seconds(nowMs);

    /// <summary>Adds <paramref name="delta"/> bytes to <see cref="UsedBytes"/>, passing it on in steps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Account(long delta)
    {
        _usedBytes += delta;
        _unpublished += delta;
        if ((ulong)(_unpublished + PublishStep) > 2 * PublishStep) PublishUsage();
    }

    /// <summary>Passes the bytes not yet counted server-wide on to the database's counter.</summary>
    internal void PublishUsage()
    {
        Owner?.Usage?.Add(_unpublished);
        _unpublished = 0;
    }

    /// <summary>Bytes of a byte[] of <paramref name="length"/> on 64-bit .NET: header, method table and length, padded to 8.</summary>
    public static long ArrayBytes(int length) => 24 + ((length + 7L) & ~7L);

    /// <summary>Re-estimates a collection's size after a command changed it (strings are counted exactly as they change).</summary>
    internal void AccountValue(int index)
    {
        ref var e = ref At(index);
        if (e.Kind == ValueKind.String) return;
        int estimate = ValueSize.Estimate(e.Value);
        if (estimate == e.ValueLength) return;
        Account(estimate - e.ValueLength);
        e.ValueLength = estimate;
    }

    private int Insert(ulong hash, byte[] key, ValueKind kind)
    {
        if (_count >= _buckets.Length) Rehash(_buckets.Length * 2);
        int index;
        if (_freeHead >= 0)
        {
            index = _freeHead;
            _freeHead = At(index).Next - 1;
        }
        else
        {
            if (_used == _capacity) Grow();
            index = _used++;
        }
        ref var e = ref At(index);
        e.Hash = BucketHash(hash);
        e.Key = key;
        e.Value = null;
        e.ValueOffset = 0;
        e.ValueLength = 0;
        e.ExpireAt = 0;
        e.VolatileSlot = -1;
        e.Kind = kind;
        ref int bucket = ref _buckets[e.Hash & (uint)(_buckets.Length - 1)];
        e.Next = bucket;
        bucket = index + 1;
        _count++;
        Account(EntryBytes + ArrayBytes(key.Length));
        return index;
    }

    public void Remove(int index)
    {
        ref var e = ref At(index);
        if (Owner?.SlotKeys is { } slotKeys) slotKeys.Removed(e.Key!);
        if (e.VolatileSlot >= 0) RemoveVolatile(ref e);
        StringValue.Release(this, ref e);
        Account(-(EntryBytes + ArrayBytes(e.Key!.Length)));
        ref int link = ref _buckets[e.Hash & (uint)(_buckets.Length - 1)];
        while (link - 1 != index) link = ref At(link - 1).Next;
        link = e.Next;
        e = default;
        e.Next = _freeHead + 1;
        e.VolatileSlot = -1;
        _freeHead = index;
        _count--;
    }

    /// <summary>Gives back the arrays of a shard that emptied (called from the expiry cycle, never mid-scan).</summary>
    public void ShrinkIfEmpty()
    {
        if (_count == 0 && _capacity > 64) Clear();
    }

    /// <summary>Sets (0 removes) the absolute expiry of an entry, keeping the TTL index in step.</summary>
    public void SetExpireAt(int index, long expireAtMs)
    {
        ref var e = ref At(index);
        e.ExpireAt = expireAtMs;
        if (expireAtMs != 0 && e.VolatileSlot < 0)
        {
            if (_volatileCount == _volatile.Length) Array.Resize(ref _volatile, _volatile.Length * 2);
            e.VolatileSlot = _volatileCount;
            _volatile[_volatileCount++] = index;
        }
        else if (expireAtMs == 0 && e.VolatileSlot >= 0)
        {
            RemoveVolatile(ref e);
        }
    }

    private void RemoveVolatile(ref Entry e)
    {
        int slot = e.VolatileSlot;
        int last = _volatile[--_volatileCount];
        _volatile[slot] = last;
        At(last).VolatileSlot = slot;
        e.VolatileSlot = -1;
    }

    /// <summary>
    /// One step of active expiry: tests up to <paramref name="samples"/> random keys that have a TTL and deletes
    /// the expired ones. Returns how many were deleted. Bounded work, so the lock is held only briefly.
    /// </summary>
    public int ExpireSample(long nowMs, int samples)
    {
        int expired = 0;
        for (int i = 0; i < samples && _volatileCount > 0; i++)
        {
            int slot = (int)(NextRandom() % (uint)_volatileCount);
            int index = _volatile[slot];
            if (At(index).ExpireAt <= nowMs)
            {
                RemoveExpired(index);
                expired++;
            }
        }
        return expired;
    }

    /// <summary>A random live entry (RANDOMKEY), or -1 when empty.</summary>
    public int RandomEntry()
    {
        if (_count == 0) return -1;
        while (true)
        {
            int index = (int)(NextRandom() % (uint)_used);
            if (At(index).Key is not null) return index;
        }
    }

    /// <summary>
    /// Visits the buckets for one SCAN step, starting at <paramref name="cursor"/> (0 starts over).
    /// Calls <paramref name="visit"/> for every entry in the visited buckets until at least <paramref name="count"/>
    /// entries were seen. Returns the next cursor, 0 when the shard is done. This is the reverse-binary increment
    /// from Redis's dictScan: it guarantees keys present for the whole scan are returned even if the table grows
    /// or shrinks between calls (some may be returned twice).
    /// </summary>
    public ulong Scan<TVisitor>(ulong cursor, int count, ref TVisitor visit) where TVisitor : struct, IEntryVisitor, allows ref struct
    {
        if (_count == 0) return 0;
        ulong mask = (ulong)_buckets.Length - 1;
        int seen = 0;
        // Like Redis, bound the empty buckets one call may walk, so a sparse table never stalls the shard.
        long emptyBudget = Math.Max(count, 1) * 10L;
        do
        {
            int i = _buckets[cursor & mask] - 1;
            if (i < 0) emptyBudget--;
            while (i >= 0)
            {
                int next = At(i).Next - 1;
                visit.Visit(this, i);
                seen++;
                i = next;
            }
            cursor |= ~mask;
            cursor = ReverseBits(cursor);
            cursor++;
            cursor = ReverseBits(cursor);
        } while (cursor != 0 && seen < count && emptyBudget > 0);
        return cursor;
    }

    /// <summary>Deletes everything (FLUSHDB); the arrays and slabs are dropped so the memory goes back to the GC.</summary>
    public void Clear()
    {
        if (Owner?.SlotKeys is { } slotKeys)
        {
            for (int i = 0; i < _used; i++)
            {
                if (At(i).Key is { } key) slotKeys.Removed(key);
            }
        }
        Account(-_usedBytes);
        PublishUsage();
        _pool?.Clear();
        Strings.Reset();
        _buckets = new int[MinBuckets];
        _chunks = [new Entry[MinBuckets]];
        _capacity = MinBuckets;
        _used = 0;
        _freeHead = -1;
        _count = 0;
        _volatile = new int[4];
        _volatileCount = 0;
    }

    private void Rehash(int bucketCount)
    {
        var buckets = new int[bucketCount];
        uint mask = (uint)bucketCount - 1;
        for (int i = 0; i < _used; i++)
        {
            ref var e = ref At(i);
            if (e.Key is null) continue;
            ref int bucket = ref buckets[e.Hash & mask];
            e.Next = bucket;
            bucket = i + 1;
        }
        _buckets = buckets;
    }

    /// <summary>Room for more entries: double the first chunk while it is small, then add a whole chunk.</summary>
    private void Grow()
    {
        if (_capacity < ChunkSize)
        {
            Array.Resize(ref _chunks[0], _capacity * 2);
            _capacity *= 2;
            return;
        }
        int chunk = _capacity >> ChunkBits;
        if (chunk == _chunks.Length) Array.Resize(ref _chunks, chunk * 2);
        _chunks[chunk] = new Entry[ChunkSize];
        _capacity += ChunkSize;
    }

    /// <summary>
    /// Evicts one key by <paramref name="policy"/> (not NoEviction): for the random policies a random key, otherwise the
    /// best of a pool refilled with <paramref name="samples"/> sampled keys (the idlest, least frequently used, or
    /// nearest to expiring). Volatile policies only consider keys with a TTL. The key goes through the delete path,
    /// counted in <see cref="Evicted"/>, and the database's observer hears of it (a DEL in the change feed, the
    /// evicted notification). Returns the bytes freed, or -1 when nothing here can be evicted. Allocates nothing.
    /// </summary>
    public long EvictOne(EvictionPolicy policy, int samples, long nowMs)
    {
        bool onlyVolatile = policy.OnlyVolatile();
        if (onlyVolatile ? _volatileCount == 0 : _count == 0) return -1;
        int index;
        if (policy.IsRandom())
        {
            index = onlyVolatile ? _volatile[(int)(NextRandom() % (uint)_volatileCount)] : RandomEntry();
        }
        else
        {
            var pool = _pool ??= new EvictionPool();
            int decay = Owner?.LfuDecayTime ?? 1;
            for (int i = 0; i < samples; i++)
            {
                int sampled = onlyVolatile ? _volatile[(int)(NextRandom() % (uint)_volatileCount)] : RandomEntry();
                ref var s = ref At(sampled);
                pool.Offer(EvictionScore(policy, in s, nowMs, decay), sampled, s.Key!);
            }
            while (true)
            {
                if (!pool.TryTakeBest(out index, out var key)) return -1;
                // A candidate from an earlier round may be gone (deleted, its slot reused) or have lost its TTL.
                ref var c = ref At(index);
                if (ReferenceEquals(c.Key, key) && (!onlyVolatile || c.VolatileSlot >= 0)) break;
            }
        }
        long before = _usedBytes;
        var evicted = At(index).Key!;
        Remove(index);
        Evicted++;
        PublishUsage();
        Owner?.KeyEvicted(evicted);
        return before - _usedBytes;
    }

    /// <summary>Higher evicts first: idle seconds (LRU), 255 minus the decayed counter (LFU), or time left to live (TTL).</summary>
    private static ulong EvictionScore(EvictionPolicy policy, in Entry e, long nowMs, int decayMinutes) => policy switch
    {
        EvictionPolicy.AllKeysLfu or EvictionPolicy.VolatileLfu => (ulong)(255 - AccessClock.DecayedCounter(e.LastAccess, nowMs, decayMinutes)),
        EvictionPolicy.VolatileTtl => ulong.MaxValue - (ulong)e.ExpireAt,
        _ => (ulong)AccessClock.IdleSeconds(e.LastAccess, nowMs),
    };

    private ulong NextRandom()
    {
        // xorshift64*: cheap, per shard, only used for sampling.
        _random ^= _random >> 12;
        _random ^= _random << 25;
        _random ^= _random >> 27;
        return _random * 2685821657736338717UL;
    }

    private static ulong ReverseBits(ulong v)
    {
        v = ((v >> 1) & 0x5555555555555555UL) | ((v & 0x5555555555555555UL) << 1);
        v = ((v >> 2) & 0x3333333333333333UL) | ((v & 0x3333333333333333UL) << 2);
        v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FUL) | ((v & 0x0F0F0F0F0F0F0F0FUL) << 4);
        return System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(v);
    }
}
