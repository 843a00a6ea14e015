namespace FastNode.Server.Storage;

/// <summary>
/// Holds the locks of several shards of one database for a multi-key command (MSET, RENAME, DEL k1 k2...).
/// Shards are entered in ascending index order and left in reverse, so two multi-key commands can never deadlock;
/// single-key commands take one lock and cannot be part of a cycle. Locks are re-entrant, so code running under a
/// MultiShardLock may still use the single-shard helpers.
/// Usage: <c>Span&lt;ulong&gt; bits = stackalloc ulong[MultiShardLock.WordsFor(db)]; using var locks = new MultiShardLock(db, bits);
/// locks.Add(hash)...; locks.EnterAll();</c> then <see cref="Database.Open(ulong, ReadOnlySpan{byte}, long, Lookup)"/>
/// each key (the handles re-enter the held locks).
/// </summary>
public ref struct MultiShardLock
{
    private readonly Database _db;
    private readonly Span<ulong> _bits;
    private bool _held;

    public MultiShardLock(Database db, Span<ulong> bits)
    {
        _db = db;
        _bits = bits;
        _bits.Clear();
    }

    /// <summary>Words of bitmap needed for <paramref name="db"/>'s shards (stackalloc that many ulongs).</summary>
    public static int WordsFor(Database db) => (db.ShardCount + 63) / 64;

    /// <summary>Marks the shard of a key hash (call before <see cref="EnterAll"/>).</summary>
    public void Add(ulong keyHash)
    {
        int shard = _db.ShardIndex(keyHash);
        _bits[shard >> 6] |= 1UL << (shard & 63);
    }

    /// <summary>Marks every shard of the database (EXEC holds them all while the transaction runs).</summary>
    public void AddAll()
    {
        for (int shard = 0; shard < _db.ShardCount; shard++) _bits[shard >> 6] |= 1UL << (shard & 63);
    }

    public void EnterAll()
    {
        for (int w = 0; w < _bits.Length; w++)
        {
            ulong word = _bits[w];
            while (word != 0)
            {
                int bit = System.Numerics.BitOperations.TrailingZeroCount(word);
                _db.ShardAt(w * 64 + bit).Lock.Enter();
                word &= word - 1;
            }
        }
        _held = true;
    }

    /// <summary>Leaves the held shards (a no-op when none are held), so a <c>using</c> declaration releases them.</summary>
    public void Dispose() => ExitAll();

    public void ExitAll()
    {
        if (!_held) return;
        _held = false;
        for (int w = _bits.Length - 1; w >= 0; w--)
        {
            ulong word = _bits[w];
            while (word != 0)
            {
                int bit = 63 - System.Numerics.BitOperations.LeadingZeroCount(word);
                _db.ShardAt(w * 64 + bit).Lock.Exit();
                word &= ~(1UL << bit);
            }
        }
    }
}
