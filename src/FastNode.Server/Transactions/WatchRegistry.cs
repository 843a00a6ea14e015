using FastNode.Server.Sessions;
using FastNode.Server.Storage;

namespace FastNode.Server.Transactions;

/// <summary>
/// Which clients WATCH which keys, per database index. The dispatcher calls <see cref="Touch"/> after every write
/// command for each of its keys (from the command table's key positions), FLUSHDB/FLUSHALL/SWAPDB call
/// <see cref="TouchDatabase"/>; a touched watcher's next EXEC answers nil. While nobody watches anything the cost
/// is one volatile read per write command. One lock for the registry: only taken while watches exist.
/// </summary>
public sealed class WatchRegistry
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, Dictionary<byte[], List<ClientSession>>> _byDb = new();
    private int _watchedKeys;

    /// <summary>True while at least one key is watched (read without the lock on every write command).</summary>
    public bool Active => Volatile.Read(ref _watchedKeys) > 0;

    /// <param name="existsNow">Whether the key exists at WATCH time (EXEC fails if it then expires).</param>
    public void Watch(ClientSession session, int db, ReadOnlySpan<byte> key, bool existsNow)
    {
        lock (_lock)
        {
            if (!_byDb.TryGetValue(db, out var keys)) _byDb[db] = keys = new Dictionary<byte[], List<ClientSession>>(ByteKeyComparer.Instance);
            var lookup = keys.GetAlternateLookup<ReadOnlySpan<byte>>();
            if (!lookup.TryGetValue(key, out var watchers))
            {
                watchers = [];
                keys[key.ToArray()] = watchers;
            }
            if (watchers.Contains(session)) return;
            watchers.Add(session);
            session.WatchedKeys.Add(new WatchedKey(db, key.ToArray(), existsNow));
            _watchedKeys++;
        }
    }

    /// <summary>Forgets every key a client watches (EXEC, DISCARD, UNWATCH, disconnect).</summary>
    public void UnwatchAll(ClientSession session)
    {
        if (session.WatchedKeys.Count == 0) return;
        lock (_lock)
        {
            foreach (var watched in session.WatchedKeys)
            {
                if (!_byDb.TryGetValue(watched.Db, out var keys) || !keys.TryGetValue(watched.Key, out var watchers)) continue;
                if (watchers.Remove(session)) _watchedKeys--;
                if (watchers.Count == 0) keys.Remove(watched.Key);
            }
            session.WatchedKeys.Clear();
        }
    }

    public void Touch(int db, ReadOnlySpan<byte> key)
    {
        lock (_lock)
        {
            if (!_byDb.TryGetValue(db, out var keys)) return;
            if (!keys.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out var watchers)) return;
            foreach (var session in watchers) session.WatchInvalidated = true;
        }
    }

    public void TouchDatabase(int db)
    {
        if (!Active) return;
        lock (_lock)
        {
            if (!_byDb.TryGetValue(db, out var keys)) return;
            foreach (var watchers in keys.Values)
                foreach (var session in watchers) session.WatchInvalidated = true;
        }
    }
}

/// <summary>A key one client watches, with whether it existed then (so an expiry before EXEC counts as a change).</summary>
public sealed record WatchedKey(int Db, byte[] Key, bool ExistedWhenWatched);
