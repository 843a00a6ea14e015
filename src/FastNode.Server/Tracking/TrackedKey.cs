namespace FastNode.Server.Tracking;

/// <summary>
/// The ids of the clients that may cache one key (Redis keeps a radix tree of ids per key). Most keys are read by a
/// few clients: a short array searched in order, and a set once many clients share one hot key. Guarded by the lock
/// of the <see cref="TrackingTable"/> stripe that holds it, except <see cref="Live"/>, which each client's cache of
/// recently tracked keys reads without it (<see cref="ClientTracking.Recent"/>).
/// </summary>
public sealed class TrackedKey(byte[] key, ulong hash)
{
    private const int ArrayLimit = 16;

    /// <summary>The key (also the table's dictionary key).</summary>
    public byte[] Key { get; } = key;

    /// <summary>The key's hash (KeyHasher), which picks its stripe and its slot in a client's cache.</summary>
    public ulong Hash { get; } = hash;

    /// <summary>In the table; false once invalidated (its ids are then gone with it).</summary>
    public volatile bool Live = true;
    private long[] _ids = new long[2];
    private HashSet<long>? _many;

    public int Count { get; private set; }

    /// <summary>Adds a client id; false when it was already there.</summary>
    internal bool Add(long id)
    {
        if (_many is not null)
        {
            if (!_many.Add(id)) return false;
            Count++;
            return true;
        }
        for (int i = 0; i < Count; i++)
        {
            if (_ids[i] == id) return false;
        }
        if (Count == ArrayLimit)
        {
            _many = new HashSet<long>(_ids);
            _many.Add(id);
            Count++;
            return true;
        }
        if (Count == _ids.Length) Array.Resize(ref _ids, _ids.Length * 2);
        _ids[Count++] = id;
        return true;
    }

    /// <summary>Copies the ids into <paramref name="into"/> (cleared first).</summary>
    internal void CopyTo(List<long> into)
    {
        into.Clear();
        if (_many is not null) into.AddRange(_many);
        else for (int i = 0; i < Count; i++) into.Add(_ids[i]);
    }
}
