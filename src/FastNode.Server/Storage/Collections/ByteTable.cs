using System.Runtime.CompilerServices;

namespace FastNode.Server.Storage.Collections;

/// <summary>
/// The large encoding of hashes and sets: a chained hash table of binary-safe byte-string keys, each optionally
/// paired with a byte-string value. Why not Dictionary/HashSet: HSCAN/SSCAN need Redis's reverse-binary bucket
/// cursor, which returns every element present for the whole scan even when the table grows or shrinks between
/// calls, and SPOP/SRANDMEMBER need O(1) random slots. Parallel arrays keep it at 20 bytes per set member
/// (28 with values) plus the member arrays themselves.
///
/// What must stay true:
/// 1. Slot arrays have the same length as the bucket array (load factor at most 1); Resize compacts live slots.
/// 2. A slot index is valid until the next Add/Remove (a Remove may shrink and compact the table).
/// 3. Keys and values are owned by the table: nobody else holds them, so values may be rewritten in place.
/// 4. Not thread-safe: the owning key's shard lock is held for every call.
/// </summary>
public sealed class ByteTable
{
    private const int MinBuckets = 4;

    private int[] _buckets;        // slot index + 1 of the chain head; 0 = empty bucket
    private byte[]?[] _keys;       // null marks a free slot
    private byte[]?[]? _values;    // one value per slot, or null for a set
    private uint[] _hashes;        // hash of each live key (saves rehashing on resize)
    private int[] _next;           // next slot in the chain + 1 (0 = end); for a free slot, the next free slot + 1
    private int _count;            // live entries
    private int _used;             // slots ever handed out since the last resize (high-water mark)
    private int _freeHead = -1;    // first free slot below _used, or -1

    public ByteTable(bool hasValues, int capacity = MinBuckets)
    {
        int size = BucketsFor(capacity);
        _buckets = new int[size];
        _keys = new byte[]?[size];
        _values = hasValues ? new byte[]?[size] : null;
        _hashes = new uint[size];
        _next = new int[size];
    }

    public int Count => _count;

    /// <summary>Upper bound (exclusive) of slot indices; iterate with <see cref="IsLive"/>.</summary>
    public int SlotLimit => _used;

    public bool HasValues => _values is not null;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint HashOf(ReadOnlySpan<byte> key) => (uint)KeyHasher.Hash(key);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsLive(int slot) => _keys[slot] is not null;

    public byte[] KeyAt(int slot) => _keys[slot]!;

    public ref byte[]? ValueAt(int slot) => ref _values![slot];

    /// <summary>The first live slot at or after <paramref name="slot"/>, or -1.</summary>
    public int NextLive(int slot)
    {
        var keys = _keys;
        for (; slot < _used; slot++)
        {
            if (keys[slot] is not null) return slot;
        }
        return -1;
    }

    public int Find(ReadOnlySpan<byte> key) => Find(key, HashOf(key));

    public int Find(ReadOnlySpan<byte> key, uint hash)
    {
        var keys = _keys;
        var hashes = _hashes;
        var next = _next;
        int i = _buckets[hash & (uint)(_buckets.Length - 1)] - 1;
        while ((uint)i < (uint)keys.Length)
        {
            if (hashes[i] == hash && key.SequenceEqual(keys[i])) return i;
            i = next[i] - 1;
        }
        return -1;
    }

    /// <summary>Adds a key known to be absent; the table takes ownership of both arrays. Returns its slot.</summary>
    public int Add(byte[] key, byte[]? value, uint hash)
    {
        int slot;
        if (_freeHead >= 0)
        {
            slot = _freeHead;
            _freeHead = _next[slot] - 1;
        }
        else
        {
            if (_used == _keys.Length) Resize(_buckets.Length * 2);
            slot = _used++;
        }
        _keys[slot] = key;
        if (_values is not null) _values[slot] = value;
        _hashes[slot] = hash;
        ref int bucket = ref _buckets[hash & (uint)(_buckets.Length - 1)];
        _next[slot] = bucket;
        bucket = slot + 1;
        _count++;
        return slot;
    }

    /// <summary>Removes a live slot. May shrink the table, which moves the remaining slots.</summary>
    public void RemoveAt(int slot)
    {
        ref int link = ref _buckets[_hashes[slot] & (uint)(_buckets.Length - 1)];
        while (link - 1 != slot) link = ref _next[link - 1];
        link = _next[slot];
        _keys[slot] = null;
        if (_values is not null) _values[slot] = null;
        _next[slot] = _freeHead + 1;
        _freeHead = slot;
        _count--;
        // Like Redis, give memory back once the table is less than 1/8 full (keeps random slot picks O(1) too).
        if (_buckets.Length > MinBuckets && _count * 8 < _buckets.Length) Resize(BucketsFor(_count * 2));
    }

    public bool Remove(ReadOnlySpan<byte> key)
    {
        int slot = Find(key);
        if (slot < 0) return false;
        RemoveAt(slot);
        return true;
    }

    /// <summary>A uniformly random live slot; the table must not be empty.</summary>
    public int RandomSlot()
    {
        // At least 1/8 of the slots below _used are live (see RemoveAt), so this takes a few tries at most on average.
        while (true)
        {
            int slot = Random.Shared.Next(_used);
            if (_keys[slot] is not null) return slot;
        }
    }

    /// <summary>
    /// One HSCAN/SSCAN step from <paramref name="cursor"/> (0 starts): visits whole buckets until at least
    /// <paramref name="count"/> slots were seen, and returns the next cursor (0 when done). Redis's dictScan
    /// reverse-binary increment: a key present for the whole scan is returned at least once across resizes.
    /// </summary>
    public ulong Scan<TVisitor>(ulong cursor, int count, ref TVisitor visitor) where TVisitor : struct, ISlotVisitor, allows ref struct
    {
        if (_count == 0) return 0;
        ulong mask = (ulong)_buckets.Length - 1;
        int seen = 0;
        do
        {
            int i = _buckets[cursor & mask] - 1;
            while (i >= 0)
            {
                visitor.Visit(i);
                seen++;
                i = _next[i] - 1;
            }
            cursor |= ~mask;
            cursor = ReverseBits(cursor);
            cursor++;
            cursor = ReverseBits(cursor);
        } while (cursor != 0 && seen < count);
        return cursor;
    }

    /// <summary>A deep copy: new key and value arrays, same layout.</summary>
    public ByteTable Clone()
    {
        var copy = new ByteTable(_values is not null, _count);
        for (int i = 0; i < _used; i++)
        {
            var key = _keys[i];
            if (key is null) continue;
            copy.Add((byte[])key.Clone(), _values is null ? null : (byte[])_values[i]!.Clone(), _hashes[i]);
        }
        return copy;
    }

    private void Resize(int bucketCount)
    {
        var buckets = new int[bucketCount];
        var keys = new byte[]?[bucketCount];
        var values = _values is null ? null : new byte[]?[bucketCount];
        var hashes = new uint[bucketCount];
        var next = new int[bucketCount];
        uint mask = (uint)bucketCount - 1;
        int n = 0;
        for (int i = 0; i < _used; i++)
        {
            if (_keys[i] is null) continue;
            keys[n] = _keys[i];
            if (values is not null) values[n] = _values![i];
            uint hash = _hashes[i];
            hashes[n] = hash;
            ref int bucket = ref buckets[hash & mask];
            next[n] = bucket;
            bucket = n + 1;
            n++;
        }
        _buckets = buckets;
        _keys = keys;
        _values = values;
        _hashes = hashes;
        _next = next;
        _used = n;
        _freeHead = -1;
    }

    private static int BucketsFor(int capacity) =>
        capacity <= MinBuckets ? MinBuckets : (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity);

    private static ulong ReverseBits(ulong v)
    {
        v = ((v >> 1) & 0x5555555555555555UL) | ((v & 0x5555555555555555UL) << 1);
        v = ((v >> 2) & 0x3333333333333333UL) | ((v & 0x3333333333333333UL) << 2);
        v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FUL) | ((v & 0x0F0F0F0F0F0F0F0FUL) << 4);
        return System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(v);
    }
}

/// <summary>Receives the slots of one <see cref="ByteTable.Scan{TVisitor}"/> step (under the shard lock; must not change the table).</summary>
public interface ISlotVisitor
{
    void Visit(int slot);
}
