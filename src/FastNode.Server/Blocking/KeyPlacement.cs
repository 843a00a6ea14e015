using FastNode.Server.Storage;
using FastNode.Server.Storage.SortedSets;

namespace FastNode.Server.Blocking;

/// <summary>
/// For commands that put an existing value at a key without being of that value's family (RENAME, COPY, MOVE):
/// wakes clients blocked on the key if it now holds a list, sorted set or stream, as Redis's signalKeyAsReady does.
/// Call with no shard lock held. Costs two volatile reads while nobody is blocked.
/// </summary>
public static class KeyPlacement
{
    public static void Placed(ServerState server, int dbIndex, ReadOnlySpan<byte> key, long nowMs, bool inExec)
    {
        if (!ListWaiterRegistry.AnyWaiters && !SortedSetWaiters.AnyWaiting && !StreamWaiters.AnyWaiting) return;
        var db = server.Database(dbIndex);
        ListBlocking.KeyCreated(server, db, dbIndex, key, inExec);
        if (StreamWaiters.AnyWaiting) StreamWaiters.Wake(db, key, KeyHasher.Hash(key), nowMs);
        if (!SortedSetWaiters.AnyWaiting) return;
        // The waker looks the key up again under the same lock (Peek: it was just placed, this counts nothing).
        using var k = db.Open(key, nowMs, Lookup.Peek);
        SortedSetWaiters.Wake(db, k.Key, k.Hash, nowMs, inExec);
    }
}
