using FastNode.Server.Storage;

namespace FastNode.Server.Tracking;

/// <summary>
/// Which clients may cache which keys (Redis's TrackingTable): key name to the readers' slots, across all databases (as
/// in Redis, a write to "k" in any database invalidates "k"). Lock-striped by the key's hash; inside a stripe an
/// open-addressing array that readers search without the lock (entries are published whole, a removed one becomes a
/// tombstone, a resize publishes a new array). So the common case, a client re-reading a key it already tracks, costs
/// a hash, a probe and a bit test: no lock, no allocation (it used to take a stripe lock and a dictionary lookup, which
/// doubled a pipelined GET's CPU). Slots of clients that went away stay until the key is invalidated (Redis keeps their
/// ids the same way): the invalidation skips them.
/// </summary>
public sealed class TrackingTable(TrackingSlots slots)
{
    private const int StripeCount = 64;
    private static readonly TrackedKey Tombstone = new([], 0) { Live = false };

    [ThreadStatic] private static List<int>? t_slots;

    private readonly Stripe[] _stripes = NewStripes();
    private long _keys;
    private long _items;

    /// <summary>Keys in the table (INFO tracking_total_keys).</summary>
    public long Keys => Volatile.Read(ref _keys);

    /// <summary>Readers summed over every key (INFO tracking_total_items).</summary>
    public long Items => Volatile.Read(ref _items);

    private sealed class Stripe
    {
        public readonly Lock Lock = new();
        /// <summary>Linear probing from the hash's high bits; null ends a probe, <see cref="Tombstone"/> does not.</summary>
        public TrackedKey?[] Entries = new TrackedKey?[16];
        public int Count;
        public int Used;   // Count plus tombstones
    }

    private static Stripe[] NewStripes()
    {
        var stripes = new Stripe[StripeCount];
        for (int i = 0; i < stripes.Length; i++) stripes[i] = new Stripe();
        return stripes;
    }

    private Stripe StripeOf(ulong hash) => _stripes[(int)(hash & (StripeCount - 1))];

    /// <summary>Remembers that the client of <paramref name="slot"/> may cache <paramref name="key"/>.</summary>
    public void Remember(ReadOnlySpan<byte> key, int slot)
    {
        ulong hash = KeyHasher.Hash(key);
        var stripe = StripeOf(hash);
        // Lock-free: an entry found live with this slot's bit set stays so until an invalidation takes it, which then
        // tells this client (the same guarantee the locked path gives).
        if (Find(Volatile.Read(ref stripe.Entries), key, hash) is { Live: true } seen && seen.HasSlot(slot)) return;
        lock (stripe.Lock)
        {
            var tracked = Find(stripe.Entries, key, hash);
            if (tracked is null)
            {
                tracked = new TrackedKey(key.ToArray(), hash);
                Insert(stripe, tracked);
                Interlocked.Increment(ref _keys);
            }
            if (!tracked.AddSlot(slot)) return;
            slots.AddRef(slot);
            Interlocked.Increment(ref _items);
        }
    }

    /// <summary>Whether the client of <paramref name="slot"/> is remembered for <paramref name="key"/> (tests, no lock).</summary>
    public bool IsTracked(ReadOnlySpan<byte> key, int slot)
    {
        ulong hash = KeyHasher.Hash(key);
        return Find(Volatile.Read(ref StripeOf(hash).Entries), key, hash) is { Live: true } tracked && tracked.HasSlot(slot);
    }

    /// <summary>
    /// Removes the key and copies the ids of the clients that tracked it into <paramref name="ids"/> (cleared first);
    /// false when nobody did.
    /// </summary>
    public bool TryTake(ReadOnlySpan<byte> key, List<long> ids)
    {
        if (Volatile.Read(ref _keys) == 0) return false;
        ulong hash = KeyHasher.Hash(key);
        var stripe = StripeOf(hash);
        var taken = t_slots ??= [];
        lock (stripe.Lock)
        {
            if (!Remove(stripe, key, hash, taken)) return false;
        }
        Release(taken, ids);
        return true;
    }

    /// <summary>Maps the taken slots to their clients and gives the slots' references back (outside the stripe lock).</summary>
    private void Release(List<int> taken, List<long> ids)
    {
        ids.Clear();
        foreach (int slot in taken)
        {
            long id = slots.ClientOf(slot);
            if (id != 0) ids.Add(id);
            slots.RemoveRef(slot);
        }
        taken.Clear();
    }

    /// <summary>
    /// Some key of the table, searching the stripes from <paramref name="start"/> (tracking-table-max-keys picks its
    /// victims this way: any key will do, as with Redis's random walk).
    /// </summary>
    public byte[]? AnyKey(int start)
    {
        for (int i = 0; i < StripeCount; i++)
        {
            var stripe = _stripes[(start + i) & (StripeCount - 1)];
            lock (stripe.Lock)
            {
                foreach (var entry in stripe.Entries)
                {
                    if (entry is not null && !ReferenceEquals(entry, Tombstone)) return entry.Key;
                }
            }
        }
        return null;
    }

    /// <summary>FLUSHALL/FLUSHDB: forgets every key (the clients were sent a null invalidation).</summary>
    public void Clear()
    {
        var taken = t_slots ??= [];
        var all = new List<int>();
        foreach (var stripe in _stripes)
        {
            lock (stripe.Lock)
            {
                foreach (var entry in stripe.Entries)
                {
                    if (entry is null || ReferenceEquals(entry, Tombstone)) continue;
                    entry.Live = false;
                    entry.CopySlotsTo(taken);
                    all.AddRange(taken);
                }
                Interlocked.Add(ref _keys, -stripe.Count);
                Volatile.Write(ref stripe.Entries, new TrackedKey?[16]);
                stripe.Count = 0;
                stripe.Used = 0;
            }
        }
        Interlocked.Add(ref _items, -all.Count);
        foreach (int slot in all) slots.RemoveRef(slot);
        taken.Clear();
    }

    private static TrackedKey? Find(TrackedKey?[] entries, ReadOnlySpan<byte> key, ulong hash)
    {
        int mask = entries.Length - 1;
        int i = (int)(hash >> 40) & mask;
        for (int probes = 0; probes < entries.Length; probes++, i = (i + 1) & mask)
        {
            var entry = Volatile.Read(ref entries[i]);
            if (entry is null) return null;
            if (entry.Hash == hash && !ReferenceEquals(entry, Tombstone) && key.SequenceEqual(entry.Key)) return entry;
        }
        return null;
    }

    /// <summary>Adds a key known to be absent (stripe lock held); grows or cleans the array first past 3/4 used.</summary>
    private static void Insert(Stripe stripe, TrackedKey tracked)
    {
        if ((stripe.Used + 1) * 4 > stripe.Entries.Length * 3) Rehash(stripe);
        var entries = stripe.Entries;
        int mask = entries.Length - 1;
        int i = (int)(tracked.Hash >> 40) & mask;
        while (entries[i] is { } taken && !ReferenceEquals(taken, Tombstone)) i = (i + 1) & mask;
        if (entries[i] is null) stripe.Used++;
        Volatile.Write(ref entries[i], tracked);
        stripe.Count++;
    }

    /// <summary>Removes a key (stripe lock held), leaving a tombstone so lock-free probes past it still work.</summary>
    private bool Remove(Stripe stripe, ReadOnlySpan<byte> key, ulong hash, List<int> taken)
    {
        var entries = stripe.Entries;
        int mask = entries.Length - 1;
        int i = (int)(hash >> 40) & mask;
        for (int probes = 0; probes < entries.Length; probes++, i = (i + 1) & mask)
        {
            var entry = entries[i];
            if (entry is null) return false;
            if (entry.Hash != hash || ReferenceEquals(entry, Tombstone) || !key.SequenceEqual(entry.Key)) continue;
            entry.Live = false;
            Volatile.Write(ref entries[i], Tombstone);
            stripe.Count--;
            entry.CopySlotsTo(taken);
            Interlocked.Decrement(ref _keys);
            Interlocked.Add(ref _items, -entry.Count);
            return true;
        }
        return false;
    }

    /// <summary>A new array (twice the live keys, at least 16, four times when growing) without tombstones, published whole.</summary>
    private static void Rehash(Stripe stripe)
    {
        int size = 16;
        while (size < stripe.Count * 4) size *= 2;
        var entries = new TrackedKey?[size];
        int mask = size - 1;
        foreach (var entry in stripe.Entries)
        {
            if (entry is null || ReferenceEquals(entry, Tombstone)) continue;
            int i = (int)(entry.Hash >> 40) & mask;
            while (entries[i] is not null) i = (i + 1) & mask;
            entries[i] = entry;
        }
        Volatile.Write(ref stripe.Entries, entries);
        stripe.Used = stripe.Count;
    }
}
