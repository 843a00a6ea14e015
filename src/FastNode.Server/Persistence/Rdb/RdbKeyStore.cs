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
                var image = (LockImage)value.Value;
                i = LockState.Add(server, shard, hash, key, image.Semaphore, image.Permits, out var state);
                foreach (var lease in image.Holders)
                {
                    // A lapsed lease is not restored, but its token still counts: tokens never repeat.
                    if (lease.DeadlineMs > nowMs) state.RestoreHolder(lease.Owner, lease.Token, lease.DeadlineMs);
                    else FencingTokens.For(server).RaiseTo(lease.Token);
                }
                shard.At(i).LastAccess = AccessStamp(nowMs, idleSeconds);
                // Drops lapsed leases (deleting the key when none is left) and sets the TTL to the last deadline.
                state.Sync(shard, i, nowMs);
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

    private static uint AccessStamp(long nowMs, long idleSeconds) =>
        (uint)Math.Max(0, nowMs / 1000 - Math.Max(0, idleSeconds));
}
