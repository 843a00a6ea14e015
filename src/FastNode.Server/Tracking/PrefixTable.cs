namespace FastNode.Server.Tracking;

/// <summary>
/// BCAST prefixes and the clients under each (Redis's PrefixTable), kept sorted bytewise. One lock: BCAST clients and
/// their prefixes change rarely, and a write consults the table only while it has entries (<see cref="Count"/>).
/// Lock order: a key's shard lock (expiry) may be held when this lock is taken, and this lock may be held while a
/// client's push queue lock is taken; never the other way round.
/// </summary>
public sealed class PrefixTable
{
    private readonly List<PrefixGroup> _entries = [];
    private int _count;

    public Lock Lock { get; } = new();

    /// <summary>Distinct prefixes with at least one client (INFO tracking_total_prefixes).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Entries in prefix order; read and changed under <see cref="Lock"/>.</summary>
    internal List<PrefixGroup> Entries => _entries;

    internal sealed class PrefixGroup(byte[] prefix)
    {
        public byte[] Prefix { get; } = prefix;
        public List<ClientTracking> Clients { get; } = [];
    }

    /// <summary>Adds a client under a prefix (no-op if it is there already).</summary>
    public void Add(byte[] prefix, ClientTracking client)
    {
        lock (Lock)
        {
            int index = Find(prefix);
            PrefixGroup entry;
            if (index >= 0) entry = _entries[index];
            else
            {
                entry = new PrefixGroup(prefix);
                _entries.Insert(~index, entry);
                Volatile.Write(ref _count, _entries.Count);
            }
            if (!entry.Clients.Contains(client)) entry.Clients.Add(client);
        }
    }

    public void Remove(byte[] prefix, ClientTracking client)
    {
        lock (Lock)
        {
            int index = Find(prefix);
            if (index < 0) return;
            var entry = _entries[index];
            entry.Clients.Remove(client);
            if (entry.Clients.Count > 0) return;
            _entries.RemoveAt(index);
            Volatile.Write(ref _count, _entries.Count);
        }
    }

    /// <summary>Binary search by bytewise order: the index, or the complement of where it would go.</summary>
    private int Find(ReadOnlySpan<byte> prefix)
    {
        int lo = 0, hi = _entries.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int cmp = _entries[mid].Prefix.AsSpan().SequenceCompareTo(prefix);
            if (cmp == 0) return mid;
            if (cmp < 0) lo = mid + 1;
            else hi = mid - 1;
        }
        return ~lo;
    }
}
