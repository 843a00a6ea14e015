using FastNode.Server.Storage;
using FastNode.Server.Storage.Locks;

namespace FastNode.Server.Persistence.Rdb;

/// <summary>
/// Between a database's keys and RDB values: puts a decoded value at a key (loading, RESTORE) and encodes an open
/// key's value (DUMP, MIGRATE), so command handlers never reach the stored entry.
/// </summary>
public static class RdbKeyStore
{
    /// <summary>
    /// Stores <paramref name="value"/> at <paramref name="key"/> with absolute expiry <paramref name="expireAtMs"/>
    /// (0 = none). An existing key, even one past its TTL, is replaced when <paramref name="replace"/>, otherwise left
    /// alone and false is returned. A lock whose leases have all lapsed is not created (there is nothing to hold).
    /// <paramref name="idleSeconds"/> sets OBJECT IDLETIME (-1 = just accessed), <paramref name="frequency"/> OBJECT FREQ
    /// under an LFU policy (-1 = a new key's).
    /// </summary>
    public static bool Store(ServerState server, Database db, ReadOnlySpan<byte> key, RdbValue value, long expireAtMs,
        bool replace, long nowMs, long idleSeconds = -1, int frequency = -1)
    {
        ulong hash = KeyHasher.Hash(key);
        if (value.Kind == ValueKind.Lock) return StoreLock(server, db, hash, key, (LockImage)value.Value, replace, nowMs, idleSeconds);
        using var k = db.Open(hash, key, nowMs, Lookup.IncludeExpired);
        if (k.Exists)
        {
            if (!replace) return false;
            k.Delete();
        }
        if (value.Kind == ValueKind.String) k.SetString((byte[])value.Value);
        else k.Add(value.Kind, value.Value);
        k.SetIdleSeconds(idleSeconds);
        if (frequency >= 0) k.SetFrequency(frequency);
        if (expireAtMs != 0) k.SetExpireAt(expireAtMs);
        return true;
    }

    /// <summary>A lock goes through <see cref="LockState"/>, which sets its TTL from the leases.</summary>
    private static bool StoreLock(ServerState server, Database db, ulong hash, ReadOnlySpan<byte> key, LockImage image,
        bool replace, long nowMs, long idleSeconds)
    {
        var k = db.Open(hash, key, nowMs, Lookup.IncludeExpired);
        try
        {
            if (k.Exists)
            {
                if (!replace) return false;
                k.Delete();
            }
            var state = LockState.Add(ref k, server.Locks, image.Semaphore, image.Permits);
            foreach (var lease in image.Holders)
            {
                // A lapsed lease is not restored, but its token still counts: tokens never repeat.
                if (lease.DeadlineMs > nowMs) state.RestoreHolder(lease.Owner, lease.Token, lease.DeadlineMs);
                else server.FencingTokens.RaiseTo(lease.Token);
            }
            k.SetIdleSeconds(idleSeconds);
            // Drops lapsed leases (deleting the key when none is left) and sets the TTL to the last deadline.
            state.Sync(ref k, nowMs);
            return true;
        }
        finally
        {
            k.Dispose();
        }
    }

    /// <summary>Writes the open key's RDB type byte and value (DUMP). The key must exist and be of a kind the encoder writes.</summary>
    public static void WriteObject(RdbBuffer buffer, in KeyHandle k, in RdbClock clock) =>
        RdbValueEncoder.WriteObject(buffer, k.Stored, clock);

    /// <summary>A complete DUMP payload of the open key's value (MIGRATE).</summary>
    public static byte[] Payload(in KeyHandle k, in RdbClock clock) => DumpPayload.Create(k.Stored, clock);
}
