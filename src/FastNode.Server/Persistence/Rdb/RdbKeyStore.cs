using FastNode.Server.Storage;
using FastNode.Server.Storage.Locks;

namespace FastNode.Server.Persistence.Rdb;

/// <summary>Puts a decoded value into a database (loading, RESTORE). Takes the key's shard lock itself.</summary>
public static class RdbKeyStore
{
    /// <summary>
    /// Stores <paramref name="value"/> at <paramref name="key"/> with absolute expiry <paramref name="expireAtMs"/>
    /// (0 = none). An existing key is replaced when <paramref name="replace"/>, otherwise left alone and false is
    /// returned. A lock whose leases have all lapsed is not created (there is nothing to hold).
    /// <paramref name="idleSeconds"/> sets OBJECT IDLETIME (-1 = just accessed).
    /// </summary>
    public static bool Store(ServerState server, Database db, ReadOnlySpan<byte> key, RdbValue value, long expireAtMs,
        bool replace, long nowMs, long idleSeconds = -1)
    {
        ulong hash = KeyHasher.Hash(key);
        var shard = db.ShardFor(hash);
        lock (shard.Lock)
        {
            int i = shard.FindIncludingExpired(hash, key);
            if (i >= 0)
            {
                if (!replace) return false;
                shard.Remove(i);
            }
            if (value.Kind == ValueKind.Lock)
            {
                StoreLock(server, db, hash, key, (LockImage)value.Value, nowMs, idleSeconds);
                return true;
            }
            i = shard.Add(hash, key, value.Kind);
            ref var e = ref shard.At(i);
            if (value.Kind == ValueKind.String) StringValue.Assign(shard, ref e, (byte[])value.Value);
            else e.Value = value.Value;
            e.LastAccess = AccessStamp(nowMs, idleSeconds);
            if (expireAtMs != 0) shard.SetExpireAt(i, expireAtMs);
            return true;
        }
    }

    /// <summary>With the key's shard locked and the key absent: a lock or semaphore with the saved leases.</summary>
    private static void StoreLock(ServerState server, Database db, ulong hash, ReadOnlySpan<byte> key, LockImage image,
        long nowMs, long idleSeconds)
    {
        var k = db.Open(hash, key, nowMs, Lookup.Raw);
        try
        {
            var state = LockState.Add(ref k, server.Locks, image.Semaphore, image.Permits);
            foreach (var lease in image.Holders)
            {
                // A lapsed lease is not restored, but its token still counts: tokens never repeat.
                if (lease.DeadlineMs > nowMs) state.RestoreHolder(lease.Owner, lease.Token, lease.DeadlineMs);
                else server.FencingTokens.RaiseTo(lease.Token);
            }
            k.Stored.LastAccess = AccessStamp(nowMs, idleSeconds);
            // Drops lapsed leases (deleting the key when none is left) and sets the TTL to the last deadline.
            state.Sync(ref k, nowMs);
        }
        finally
        {
            k.Dispose();
        }
    }

    private static uint AccessStamp(long nowMs, long idleSeconds) =>
        (uint)Math.Max(0, nowMs / 1000 - Math.Max(0, idleSeconds));
}
