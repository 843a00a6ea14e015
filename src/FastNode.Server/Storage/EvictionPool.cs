namespace FastNode.Server.Storage;

/// <summary>
/// A shard's best eviction candidates so far (Redis's EVPOOL_SIZE of 16), sorted by score, best last. Sampling a few
/// keys per eviction and keeping the best across samples approximates true LRU/LFU/TTL order closely for little work.
/// Allocated once per shard, on the first eviction; only touched with the shard's lock held.
/// </summary>
internal sealed class EvictionPool
{
    public const int Size = 16;

    // Parallel arrays: the score (higher evicts first), the entry index and its key array (which tells a stale
    // candidate: the key was deleted and its slot reused, the array differs).
    private readonly ulong[] _scores = new ulong[Size];
    private readonly int[] _indices = new int[Size];
    private readonly byte[]?[] _keys = new byte[]?[Size];
    private int _count;

    public int Count => _count;

    /// <summary>Offers a sampled entry; a candidate already in the pool is only rescored.</summary>
    public void Offer(ulong score, int index, byte[] key)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_indices[i] == index && ReferenceEquals(_keys[i], key))
            {
                RemoveAt(i);
                break;
            }
        }
        if (_count == Size)
        {
            if (score <= _scores[0]) return;
            RemoveAt(0);   // the worst goes
        }
        int at = _count;
        while (at > 0 && _scores[at - 1] > score) at--;
        for (int i = _count; i > at; i--)
        {
            _scores[i] = _scores[i - 1];
            _indices[i] = _indices[i - 1];
            _keys[i] = _keys[i - 1];
        }
        _scores[at] = score;
        _indices[at] = index;
        _keys[at] = key;
        _count++;
    }

    /// <summary>Takes the best candidate out: its entry index and the key array it had when sampled.</summary>
    public bool TryTakeBest(out int index, out byte[] key)
    {
        if (_count == 0)
        {
            index = -1;
            key = null!;
            return false;
        }
        _count--;
        index = _indices[_count];
        key = _keys[_count]!;
        _keys[_count] = null;
        return true;
    }

    public void Clear()
    {
        Array.Clear(_keys);
        _count = 0;
    }

    private void RemoveAt(int at)
    {
        for (int i = at; i < _count - 1; i++)
        {
            _scores[i] = _scores[i + 1];
            _indices[i] = _indices[i + 1];
            _keys[i] = _keys[i + 1];
        }
        _count--;
        _keys[_count] = null;
    }
}
