using System.Numerics;
using FastNode.Cluster.Routing;

namespace FastNode.Cluster.Nodes;

/// <summary>
/// An immutable set of hash slots (a 16384-bit bitmap, 2 KB). Changes return a new set, so a node's announced
/// config can be shared between the member table, queued broadcasts and snapshots without copies.
/// </summary>
public sealed class SlotSet : IEquatable<SlotSet>
{
    private const int WordCount = KeySlot.SlotCount / 64;

    private readonly ulong[] _words;

    public static SlotSet Empty { get; } = new(new ulong[WordCount], 0);

    public static SlotSet All { get; } = Range(0, KeySlot.SlotCount - 1);

    /// <summary>Number of slots in the set.</summary>
    public int Count { get; }

    private SlotSet(ulong[] words, int count)
    {
        _words = words;
        Count = count;
    }

    public bool IsEmpty => Count == 0;

    public static SlotSet Range(int first, int last)
    {
        var words = new ulong[WordCount];
        for (int s = first; s <= last; s++) words[s >> 6] |= 1UL << (s & 63);
        return new SlotSet(words, last - first + 1);
    }

    public static SlotSet FromSlots(IEnumerable<int> slots)
    {
        var words = new ulong[WordCount];
        foreach (int s in slots) words[s >> 6] |= 1UL << (s & 63);
        return FromWords(words);
    }

    /// <summary>Takes ownership of a 256-word bitmap.</summary>
    internal static SlotSet FromWords(ulong[] words)
    {
        int count = 0;
        foreach (ulong w in words) count += BitOperations.PopCount(w);
        return count == 0 ? Empty : new SlotSet(words, count);
    }

    internal ReadOnlySpan<ulong> Words => _words;

    public bool Contains(int slot) => (uint)slot < KeySlot.SlotCount && (_words[slot >> 6] & (1UL << (slot & 63))) != 0;

    public SlotSet With(int slot) => Contains(slot) ? this : Change(slot, true);

    public SlotSet Without(int slot) => Contains(slot) ? Change(slot, false) : this;

    private SlotSet Change(int slot, bool on)
    {
        var words = (ulong[])_words.Clone();
        if (on) words[slot >> 6] |= 1UL << (slot & 63);
        else words[slot >> 6] &= ~(1UL << (slot & 63));
        return new SlotSet(words, Count + (on ? 1 : -1));
    }

    public SlotSet Union(SlotSet other)
    {
        var words = new ulong[WordCount];
        for (int i = 0; i < WordCount; i++) words[i] = _words[i] | other._words[i];
        return FromWords(words);
    }

    public SlotSet Except(SlotSet other)
    {
        var words = new ulong[WordCount];
        for (int i = 0; i < WordCount; i++) words[i] = _words[i] & ~other._words[i];
        return FromWords(words);
    }

    public bool Overlaps(SlotSet other)
    {
        for (int i = 0; i < WordCount; i++)
        {
            if ((_words[i] & other._words[i]) != 0) return true;
        }
        return false;
    }

    /// <summary>Slots in ascending order.</summary>
    public IEnumerable<int> Slots()
    {
        for (int i = 0; i < WordCount; i++)
        {
            ulong w = _words[i];
            while (w != 0)
            {
                int bit = BitOperations.TrailingZeroCount(w);
                yield return (i << 6) + bit;
                w &= w - 1;
            }
        }
    }

    /// <summary>Maximal runs of consecutive slots, as CLUSTER NODES and nodes.conf print them.</summary>
    public List<(int First, int Last)> Ranges()
    {
        var ranges = new List<(int, int)>();
        int start = -1, previous = -2;
        foreach (int s in Slots())
        {
            if (s != previous + 1)
            {
                if (start >= 0) ranges.Add((start, previous));
                start = s;
            }
            previous = s;
        }
        if (start >= 0) ranges.Add((start, previous));
        return ranges;
    }

    public bool Equals(SlotSet? other)
    {
        if (other is null) return false;
        if (ReferenceEquals(this, other)) return true;
        return Count == other.Count && _words.AsSpan().SequenceEqual(other._words);
    }

    public override bool Equals(object? obj) => Equals(obj as SlotSet);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (ulong w in _words) hash.Add(w);
        return hash.ToHashCode();
    }

    public override string ToString() =>
        string.Join(' ', Ranges().Select(r => r.First == r.Last ? $"{r.First}" : $"{r.First}-{r.Last}"));
}
