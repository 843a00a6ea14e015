using FastNode.Cluster.Nodes;
using FastNode.Cluster.Wire;

namespace FastNode.Cluster.Membership;

/// <summary>
/// Gossip waiting to be piggy-backed (memberlist's TransmitLimitedQueue). Each item goes out a bounded number of
/// times, the least-sent first, a bounded number per message; a newer item about a member replaces any queued one
/// about the same member, so the queue never holds more than one item per member.
/// </summary>
public sealed class BroadcastQueue
{
    private sealed class Entry(GossipItem item, long order)
    {
        public GossipItem Item { get; } = item;
        public long Order { get; } = order;
        public int Transmits { get; set; }
    }

    private readonly Dictionary<NodeId, Entry> _bySubject = [];
    private long _order;

    public int Count => _bySubject.Count;

    public void Enqueue(GossipItem item) => _bySubject[item.Subject] = new Entry(item, ++_order);

    /// <summary>True if an item about the subject is still waiting.</summary>
    public bool Holds(NodeId subject) => _bySubject.ContainsKey(subject);

    /// <summary>
    /// Picks items for one message: fewest transmissions first, then newest. Items reaching
    /// <paramref name="transmitLimit"/> are dropped.
    /// </summary>
    public List<GossipItem> Take(int maxItems, int maxBytes, int transmitLimit, GossipItem? first = null)
    {
        var taken = new List<GossipItem>();
        int bytes = 0;
        if (first is not null)
        {
            taken.Add(first);
            bytes += first.Encoded.Length;
        }
        if (_bySubject.Count == 0 || taken.Count >= maxItems) return taken;

        var candidates = new List<Entry>(_bySubject.Values);
        candidates.Sort(static (a, b) => a.Transmits != b.Transmits
            ? a.Transmits.CompareTo(b.Transmits)
            : b.Order.CompareTo(a.Order));
        foreach (var entry in candidates)
        {
            if (taken.Count >= maxItems) break;
            if (first is not null && entry.Item.Subject == first.Subject) continue;
            int size = entry.Item.Encoded.Length;
            if (bytes + size > maxBytes) continue;
            taken.Add(entry.Item);
            bytes += size;
            if (++entry.Transmits >= transmitLimit) _bySubject.Remove(entry.Item.Subject);
        }
        return taken;
    }

    /// <summary>memberlist's retransmit limit: multiplier × ceil(log10(n + 1)).</summary>
    public static int TransmitLimit(int multiplier, int memberCount) =>
        multiplier * (int)Math.Ceiling(Math.Log10(memberCount + 1));
}
