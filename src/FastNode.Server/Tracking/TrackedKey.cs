namespace FastNode.Server.Tracking;

/// <summary>
/// One key of the <see cref="TrackingTable"/> and the clients that may cache it (Redis keeps a radix tree of client
/// ids per key): one bit per reader's <see cref="TrackingSlots"/> slot, the first 64 inline. Bits are set under the
/// lock of the table's stripe that holds the key; a reader checks its own bit without it (<see cref="HasSlot"/>), so
/// re-reading a key the client already tracks takes no lock and allocates nothing.
/// </summary>
public sealed class TrackedKey(byte[] key, ulong hash)
{
    /// <summary>The key.</summary>
    public byte[] Key { get; } = key;

    /// <summary>The key's hash (KeyHasher): its stripe and its place in the stripe's slots.</summary>
    public ulong Hash { get; } = hash;

    /// <summary>In the table; false once invalidated (its bits are then gone with it).</summary>
    public volatile bool Live = true;

    private ulong _bits0;
    private ulong[]? _more;   // slots 64 and up: word (slot >> 6) - 1, replaced whole when it grows

    /// <summary>Readers (bits set).</summary>
    public int Count { get; private set; }

    /// <summary>Whether the client of <paramref name="slot"/> is remembered for this key (any thread, no lock).</summary>
    public bool HasSlot(int slot)
    {
        if (slot < 64) return (Volatile.Read(ref _bits0) & (1UL << slot)) != 0;
        var more = Volatile.Read(ref _more);
        int word = (slot >> 6) - 1;
        return more is not null && word < more.Length && (Volatile.Read(ref more[word]) & (1UL << (slot & 63))) != 0;
    }

    /// <summary>Sets the slot's bit (stripe lock held); false when it was set already.</summary>
    internal bool AddSlot(int slot)
    {
        if (HasSlot(slot)) return false;
        if (slot < 64) Volatile.Write(ref _bits0, _bits0 | (1UL << slot));
        else
        {
            int word = (slot >> 6) - 1;
            var more = _more;
            if (more is null || word >= more.Length)
            {
                var bigger = new ulong[Math.Max(word + 1, (more?.Length ?? 0) * 2)];
                more?.CopyTo(bigger, 0);
                Volatile.Write(ref _more, bigger);
                more = bigger;
            }
            Volatile.Write(ref more[word], more[word] | (1UL << (slot & 63)));
        }
        Count++;
        return true;
    }

    /// <summary>Copies the slots whose bit is set into <paramref name="into"/> (cleared first; stripe lock held).</summary>
    internal void CopySlotsTo(List<int> into)
    {
        into.Clear();
        AddBits(into, _bits0, 0);
        if (_more is { } more)
        {
            for (int w = 0; w < more.Length; w++) AddBits(into, more[w], (w + 1) << 6);
        }
    }

    private static void AddBits(List<int> into, ulong bits, int first)
    {
        while (bits != 0)
        {
            into.Add(first + System.Numerics.BitOperations.TrailingZeroCount(bits));
            bits &= bits - 1;
        }
    }
}
