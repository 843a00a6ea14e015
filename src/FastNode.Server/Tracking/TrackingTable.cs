using FastNode.Server.Storage;

namespace FastNode.Server.Tracking;

/// <summary>
/// Which clients may cache which keys (Redis's TrackingTable): key name to client ids, across all databases (as in
/// Redis, a write to "k" in any database invalidates "k"). Lock-striped by the key's hash so readers on different
/// event loops rarely meet. Remembering a key the client already tracks takes one stripe lock and one lookup, and
/// allocates nothing. Ids of clients that went away stay until the key is invalidated (Redis does the same): the
/// invalidation skips them.
/// </summary>
public sealed class TrackingTable
{
    private const int StripeCount = 64;
    private readonly Stripe[] _stripes = new Stripe[StripeCount];
    private long _keys;
    private long _items;

    public TrackingTable()
    {
        for (int i = 0; i < _stripes.Length; i++) _stripes[i] = new Stripe();
    }

    /// <summary>Keys in the table (INFO tracking_total_keys).</summary>
    public long Keys => Interlocked.Read(ref _keys);

    /// <summary>Client ids summed over every key (INFO tracking_total_items).</summary>
    public long Items => Interlocked.Read(ref _items);

    private sealed class Stripe
    {
        public readonly Lock Lock = new();
        public readonly Dictionary<byte[], TrackedKey> Keys = new(ByteKeyComparer.Instance);
    }

    /// <summary>
    /// Remembers that <paramref name="client"/> may cache <paramref name="key"/>. A key the client's recent-keys cache
    /// shows as still tracked for it is not looked up at all.
    /// </summary>
    public void Add(ReadOnlySpan<byte> key, long id, ClientTracking client)
    {
        ulong hash = KeyHasher.Hash(key);
        var recent = client.Recent;
        // Two-way: the key may sit in either slot of its pair, so two hot keys that share a slot do not evict each other.
        int first = (int)(hash & (ulong)(recent.Length - 1)) & ~1;
        ref var a = ref recent[first];
        ref var b = ref recent[first + 1];
        if ((a is { Live: true } ka && ka.Hash == hash && key.SequenceEqual(ka.Key))
            || (b is { Live: true } kb && kb.Hash == hash && key.SequenceEqual(kb.Key)))
        {
            return;
        }
        var added = Add(key, hash, id);
        if (a is not { Live: true }) a = added;
        else if (b is not { Live: true }) b = added;
        else
        {
            // Both live: the older goes (b moves up), and the cache may grow.
            a = b;
            b = added;
            client.OnConflict();
        }
    }

    /// <summary>Remembers that client <paramref name="id"/> may cache <paramref name="key"/>; returns the key's entry.</summary>
    public TrackedKey Add(ReadOnlySpan<byte> key, long id) => Add(key, KeyHasher.Hash(key), id);

    private TrackedKey Add(ReadOnlySpan<byte> key, ulong hash, long id)
    {
        var stripe = _stripes[(int)(hash & (StripeCount - 1))];
        lock (stripe.Lock)
        {
            var lookup = stripe.Keys.GetAlternateLookup<ReadOnlySpan<byte>>();
            if (!lookup.TryGetValue(key, out var tracked))
            {
                var stored = key.ToArray();
                tracked = new TrackedKey(stored, hash);
                stripe.Keys[stored] = tracked;
                Interlocked.Increment(ref _keys);
            }
            if (tracked.Add(id)) Interlocked.Increment(ref _items);
            return tracked;
        }
    }

    /// <summary>Removes the key and copies the ids that tracked it into <paramref name="ids"/>; false when nobody did.</summary>
    public bool TryTake(ReadOnlySpan<byte> key, List<long> ids)
    {
        if (Interlocked.Read(ref _keys) == 0) return false;
        var stripe = _stripes[(int)(KeyHasher.Hash(key) & (StripeCount - 1))];
        lock (stripe.Lock)
        {
            var lookup = stripe.Keys.GetAlternateLookup<ReadOnlySpan<byte>>();
            if (!lookup.Remove(key, out _, out var tracked)) return false;
            tracked.Live = false;
            tracked.CopyTo(ids);
            Interlocked.Decrement(ref _keys);
            Interlocked.Add(ref _items, -tracked.Count);
            return true;
        }
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
                foreach (var key in stripe.Keys.Keys) return key;
            }
        }
        return null;
    }

    /// <summary>FLUSHALL/FLUSHDB: forgets every key (the clients were sent a null invalidation).</summary>
    public void Clear()
    {
        foreach (var stripe in _stripes)
        {
            lock (stripe.Lock)
            {
                long items = 0;
                foreach (var tracked in stripe.Keys.Values)
                {
                    items += tracked.Count;
                    tracked.Live = false;
                }
                Interlocked.Add(ref _keys, -stripe.Keys.Count);
                Interlocked.Add(ref _items, -items);
                stripe.Keys.Clear();
            }
        }
    }
}
