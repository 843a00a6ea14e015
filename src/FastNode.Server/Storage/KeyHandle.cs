using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace FastNode.Server.Storage;

/// <summary>
/// One key of one database, with its shard locked from <see cref="Database.Open(ReadOnlySpan{byte}, long, Lookup)"/>
/// to <see cref="Dispose"/> (<c>using var k = db.Open(key, now, Lookup.Read);</c>). This is the store API the command
/// families call: it takes the lock, does the lookup the command asked for (lazy expiry, hit/miss counts, access time),
/// and is the only place outside Storage that changes what a key holds, so the invariants of <see cref="Entry"/> and
/// <see cref="StringValue"/> live here.
///
/// Rules for callers:
/// 1. Dispose exactly once, on the thread that opened it; never copy a handle (pass it by ref).
/// 2. Never hold one across an await or a network write. Copying a reply into the output buffer is allowed (a memcpy),
///    and required for values that may be rewritten in place once the lock is gone (small strings, collections).
/// 3. Opening a second key of the same shard is fine (the lock is re-entrant); keys of several shards must first be
///    held together through <see cref="MultiShardLock"/> (ascending shard order), which handles opened inside reuse.
/// </summary>
public ref struct KeyHandle
{
    private readonly Shard _shard;
    private readonly ReadOnlySpan<byte> _key;
    private readonly ulong _hash;
    private readonly long _nowMs;
    private Lock.Scope _lock;
    private int _index;     // the entry, or -1 while the key is absent
    private bool _valueTouched;   // a non-string value was handed out or stored: its size is re-estimated at Dispose

    // Inlined into each command (with the lookup a constant) like the lock statement it replaces: try/finally with a
    // flag rather than catch/rethrow, because the JIT does not inline a method with a catch (a call per command).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal KeyHandle(Shard shard, ulong hash, ReadOnlySpan<byte> key, long nowMs, Lookup lookup)
    {
        _shard = shard;
        _hash = hash;
        _key = key;
        _nowMs = nowMs;
        _lock = shard.Lock.EnterScope();
        bool lookedUp = false;
        try
        {
            _index = Find(shard, hash, key, nowMs, lookup);
            lookedUp = true;
        }
        finally
        {
            // Only when the lookup threw (lazy expiry calls the keyspace observer): the caller gets no handle to dispose.
            if (!lookedUp) _lock.Dispose();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Find(Shard shard, ulong hash, ReadOnlySpan<byte> key, long nowMs, Lookup lookup)
    {
        if (lookup == Lookup.Read) return shard.Find(hash, key, nowMs);
        if (lookup == Lookup.IncludeExpired) return shard.FindIncludingExpired(hash, key);
        int index = shard.FindLive(hash, key, nowMs);
        switch (lookup)
        {
            case Lookup.Write:
                if (index >= 0) shard.Touch(ref shard.At(index), nowMs);
                break;
            case Lookup.NoTouch:
                if (index >= 0) shard.Hits++;
                else
                {
                    shard.Misses++;
                    shard.Owner?.KeyMissed(key);
                }
                break;
        }
        return index;
    }

    /// <summary>Releases the shard lock, after re-estimating the size of a collection the command may have changed.</summary>
    public void Dispose()
    {
        if (_valueTouched && _index >= 0) _shard.AccountValue(_index);
        _lock.Dispose();
    }

    public readonly ReadOnlySpan<byte> Key => _key;

    /// <summary>The key's xxHash (already computed: pass it on instead of hashing again).</summary>
    public readonly ulong Hash => _hash;

    public readonly bool Exists => _index >= 0;

    /// <summary>What the key holds. Only while <see cref="Exists"/>.</summary>
    public readonly ValueKind Kind => Entry.Kind;

    /// <summary>The absolute expiry in Unix ms, 0 for none (and for a missing key).</summary>
    public readonly long ExpireAt => _index >= 0 ? Entry.ExpireAt : 0;

    /// <summary>Unix seconds of the last stamped access (OBJECT IDLETIME), 0 if never stamped. Only while <see cref="Exists"/>.</summary>
    public readonly uint LastAccess => Entry.LastAccess;

    /// <summary>The key's LFU counter after decay (OBJECT FREQ). Only while <see cref="Exists"/> and under an LFU policy.</summary>
    public readonly int LfuCounter => AccessClock.DecayedCounter(Entry.LastAccess, _nowMs, _shard.Owner?.LfuDecayTime ?? 1);

    /// <summary>Stamps a key that just got a value: a new key starts its LFU count; any key's LRU stamp is now.</summary>
    private readonly void Stamp(ref Entry e, bool isNew)
    {
        if (isNew) _shard.StampNew(ref e, _nowMs);
        else if (_shard.Owner is not { Lfu: true }) e.LastAccess = AccessClock.Seconds(_nowMs);
    }

    private readonly ref Entry Entry
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref _shard.At(_index);
    }

    // ---- for Storage's own value types and Persistence's encoders; handlers use the members below ----

    /// <summary>The shard whose lock this handle holds (a value such as LockState remembers which lock guards it).</summary>
    internal readonly Shard Shard => _shard;

    /// <summary>
    /// The stored entry itself. Only while <see cref="Exists"/>. For Storage's value types (LockState keeps a link
    /// to its entry's key array) and for the value encoders (DUMP, change records), never for handlers.
    /// </summary>
    internal readonly ref Entry Stored => ref Entry;

    // ---- typed values (hash, list, set, sorted set, rate limiter, lock...) ----

    /// <summary>
    /// The value when the key holds <paramref name="kind"/>; null when it is missing, or when it holds another type
    /// (then <paramref name="wrongType"/>).
    /// </summary>
    public T? Get<T>(ValueKind kind, out bool wrongType) where T : class
    {
        wrongType = false;
        if (_index < 0) return null;
        ref var e = ref Entry;
        if (e.Kind == kind)
        {
            _valueTouched = true;
            return Unsafe.As<T>(e.Value!);
        }
        wrongType = true;
        return null;
    }

    /// <summary>
    /// The value when the key holds <paramref name="kind"/>, a new empty one stored when the key is missing (Redis's
    /// lookup-write-or-create), or null when the key holds another type.
    /// </summary>
    public T? GetOrAdd<T>(ValueKind kind) where T : class, new()
    {
        var value = Get<T>(kind, out bool wrongType);
        if (value is not null || wrongType) return value;
        return Add(kind, new T());
    }

    /// <summary>The value of any type (for code that switches on <see cref="Kind"/>: TYPE, DUMP, OBJECT ENCODING).</summary>
    public readonly object? Value => _index >= 0 ? Entry.Value : null;

    /// <summary>Stores <paramref name="value"/> at the key, which must be absent, with no TTL. Returns the value.</summary>
    public T Add<T>(ValueKind kind, T value) where T : class
    {
        _index = _shard.Add(_hash, _key, kind);
        ref var e = ref Entry;
        e.Value = value;
        _shard.StampNew(ref e, _nowMs);
        _valueTouched = true;
        return value;
    }

    /// <summary>
    /// Replaces whatever the key holds, of any type, with <paramref name="value"/> and drops the TTL (the store
    /// commands: SINTERSTORE, ZUNIONSTORE, SORT ... STORE, RESTORE ... REPLACE). Creates the key when missing.
    /// </summary>
    public void Replace(ValueKind kind, object value)
    {
        if (_index < 0)
        {
            Add(kind, value);
            return;
        }
        _shard.SetExpireAt(_index, 0);
        ref var e = ref Entry;
        StringValue.Release(_shard, ref e);
        e.Kind = kind;
        e.Value = value;
        Stamp(ref e, isNew: false);
        _valueTouched = true;
    }

    /// <summary>Deletes the key if it exists. Returns whether it did.</summary>
    public bool Delete()
    {
        if (_index < 0) return false;
        _shard.Remove(_index);
        _index = -1;
        return true;
    }

    /// <summary>Deletes the key when its collection has no elements left (Redis never keeps an empty one).</summary>
    public bool DeleteIfEmpty(ICollectionValue collection) => collection.Count == 0 && Delete();

    /// <summary>Sets the absolute expiry (Unix ms); 0 removes the TTL. Only while <see cref="Exists"/>.</summary>
    public readonly void SetExpireAt(long expireAtMs) => _shard.SetExpireAt(_index, expireAtMs);

    /// <summary>
    /// Marks the key as last accessed <paramref name="idleSeconds"/> ago (RESTORE ... IDLETIME, loading); 0 or less is
    /// now. Only while <see cref="Exists"/>.
    /// </summary>
    public readonly void SetIdleSeconds(long idleSeconds)
    {
        if (_shard.Owner is { Lfu: true }) return;
        Entry.LastAccess = (uint)Math.Max(0, _nowMs / 1000 - Math.Max(0, idleSeconds));
    }

    /// <summary>Sets the LFU counter (RESTORE ... FREQ, loading); ignored unless the policy is LFU. Only while <see cref="Exists"/>.</summary>
    public readonly void SetFrequency(int frequency)
    {
        if (_shard.Owner is not { Lfu: true }) return;
        Entry.LastAccess = (AccessClock.Minutes(_nowMs) << 8) | (uint)Math.Clamp(frequency, 0, 255);
    }

    // ---- moving and copying between two keys (both shards held: MultiShardLock or ShardPairLock) ----

    /// <summary>
    /// Gives this key the value, kind and TTL of <paramref name="source"/> and deletes the source (RENAME, MOVE);
    /// whatever this key held is deleted first. The two may be in different shards or databases. A string keeps its
    /// buffer within one shard and is copied across (a slab chunk belongs to its shard). When both keys have the same
    /// bytes (MOVE) the source's key array is reused. The source must exist and be another key.
    /// </summary>
    public void MoveFrom(ref KeyHandle source)
    {
        Debug.Assert(source._index >= 0 && !(ReferenceEquals(source._shard, _shard) && source._index == _index));
        var fromShard = source._shard;
        ref var from = ref source.Entry;
        var kind = from.Kind;
        long expireAt = from.ExpireAt;
        var sourceKey = from.Key!;
        if (_index >= 0) _shard.Remove(_index);
        // Key arrays are never written after they are stored, so two entries may share one.
        _index = _key.SequenceEqual(sourceKey) ? _shard.AddOwned(_hash, sourceKey, kind) : _shard.Add(_hash, _key, kind);
        // Entries are reached again by index: adding may have reallocated a shard's first chunk.
        ref var to = ref Entry;
        // RENAME and MOVE keep the key's access history, as Redis moves the same object.
        to.LastAccess = source.Entry.LastAccess;
        StringValue.Transfer(fromShard, ref source.Entry, _shard, ref to);
        _shard.SetExpireAt(_index, expireAt);
        fromShard.Remove(source._index);
        source._index = -1;
    }

    /// <summary>
    /// Gives this key a deep copy of <paramref name="source"/>'s value, with its kind and TTL (COPY); whatever this
    /// key held is deleted first. The two may be in different shards or databases. The source must exist and be
    /// another key.
    /// </summary>
    public void CopyFrom(in KeyHandle source)
    {
        Debug.Assert(source._index >= 0 && !(ReferenceEquals(source._shard, _shard) && source._index == _index));
        ref var from = ref source.Entry;
        // A string is copied into this shard's own chunk below; other values are deep-copied here.
        object? copy = from.IsString ? null : ValueCopy.Of(from);
        var kind = from.Kind;
        long expireAt = from.ExpireAt;
        if (_index >= 0) _shard.Remove(_index);
        _index = _shard.Add(_hash, _key, kind);
        ref var to = ref Entry;
        if (copy is null) StringValue.Assign(_shard, ref to, source.Entry.StringSpan);
        else
        {
            to.Value = copy;
            _valueTouched = true;
        }
        _shard.StampNew(ref to, _nowMs);
        _shard.SetExpireAt(_index, expireAt);
    }

    // ---- strings ----

    public readonly bool IsString => _index >= 0 && Entry.IsString;

    /// <summary>
    /// The string's bytes. Only while the key holds a string, and only until the handle is disposed: small values are
    /// rewritten in place by later writes.
    /// </summary>
    public readonly ReadOnlySpan<byte> String => Entry.StringSpan;

    /// <summary>The string's length. Only while the key holds a string.</summary>
    public readonly int StringLength => Entry.ValueLength;

    /// <summary>
    /// Bytes the string's buffer takes (MEMORY USAGE): its slab chunk, or its own array (which may be longer than the
    /// value) with the runtime's array header. Only while the key holds a string.
    /// </summary>
    public readonly long StringFootprint
    {
        get
        {
            ref var e = ref Entry;
            return e.InSlab ? StringValue.Capacity(e) : ArrayHeaderBytes + ((e.StringBytes.Length + 7L) & ~7L);
        }
    }

    /// <summary>
    /// Bytes used_memory counts for this key (MEMORY USAGE): its entry, its key array, and its string's buffer or its
    /// collection's estimate (<see cref="ValueSize"/>). Only while <see cref="Exists"/>.
    /// </summary>
    public readonly long MemoryUsage => Shard.EntryBytes + Shard.ArrayBytes(Entry.Key!.Length) + ValueEstimate;

    /// <summary>The value's part of <see cref="MemoryUsage"/>.</summary>
    public readonly long ValueEstimate => Entry.IsString ? StringValue.Bytes(Entry) : ValueSize.Estimate(Entry.Value);

    /// <summary>Object header plus length field of an array on 64-bit .NET.</summary>
    private const int ArrayHeaderBytes = 24;

    /// <summary>
    /// For a large string that is never modified in place: its array and length, which stay valid after the lock is
    /// released (copy it to the network outside the lock). Null for a value that must be copied under the lock.
    /// </summary>
    public readonly byte[]? ImmutableString(out int length)
    {
        ref var e = ref Entry;
        length = e.ValueLength;
        return StringValue.IsImmutable(e) ? e.StringBytes : null;
    }

    /// <summary>
    /// Makes the key a string holding <paramref name="value"/>, creating it when missing and reusing its buffer when
    /// that fits. The TTL is left alone (a new key has none): call <see cref="SetExpireAt"/> for SET's own expiry.
    /// </summary>
    public void SetString(scoped ReadOnlySpan<byte> value)
    {
        bool isNew = _index < 0;
        if (isNew) _index = _shard.Add(_hash, _key, ValueKind.String);
        ref var e = ref Entry;
        StringValue.Assign(_shard, ref e, value);
        Stamp(ref e, isNew);
    }

    /// <summary>Like <see cref="SetString"/> with the decimal text of <paramref name="value"/>, keeping room to grow (INCR).</summary>
    public void SetInteger(long value)
    {
        bool isNew = _index < 0;
        if (isNew) _index = _shard.Add(_hash, _key, ValueKind.String);
        ref var e = ref Entry;
        StringValue.AssignInteger(_shard, ref e, value);
        Stamp(ref e, isNew);
    }

    /// <summary>
    /// Shortens the string to <paramref name="length"/> bytes, keeping its buffer (an edit made in place through
    /// <see cref="ExtendString"/> that needed less room than it reserved: a sparse HyperLogLog). Only for a string.
    /// </summary>
    public void TruncateString(int length)
    {
        ref var e = ref Entry;
        Debug.Assert(length >= 0 && length <= e.ValueLength, "TruncateString never lengthens a value");
        e.ValueLength = length;
    }

    /// <summary>
    /// Gives the string a length of <paramref name="length"/> bytes (at least its current length), keeping its bytes
    /// and zero-filling the new tail, and returns the whole value to write into (APPEND, SETRANGE). A missing key
    /// becomes a zero-filled string of exactly that length. Only for a missing key or a string.
    /// </summary>
    public Span<byte> ExtendString(int length)
    {
        int old;
        Span<byte> buffer;
        bool isNew = _index < 0;
        if (isNew)
        {
            // Room for exactly this length (a SETRANGE target rarely grows again), written in place even when large:
            // nobody can have read the new value yet.
            _index = _shard.Add(_hash, _key, ValueKind.String);
            StringValue.Assign(_shard, ref Entry, ReadOnlySpan<byte>.Empty, length);
            old = 0;
            buffer = Entry.StringCapacity;
        }
        else
        {
            old = Entry.ValueLength;
            Debug.Assert(length >= old, "ExtendString never shortens a value");
            buffer = StringValue.Reserve(_shard, ref Entry, length);
        }
        buffer.Slice(old, length - old).Clear();
        ref var e = ref Entry;
        e.ValueLength = length;
        Stamp(ref e, isNew);
        return buffer.Slice(0, length);
    }
}
