using FastNode.Server.Persistence.Rdb;
using FastNode.Server.Storage;

namespace FastNode.Server.Persistence;

/// <summary>
/// Change records for FastNode's own types (rate limiters, locks, semaphores): their commands read the clock and
/// their timers fire on their own, so replaying the calls would not rebuild the same state. What propagates instead
/// is the state itself after the change, with absolute times: <c>RESTORE key expire-at payload REPLACE ABSTTL</c>
/// (the payload is the key's DUMP form, a module type of FastNode's), or <c>DEL key</c> when the change left no key.
/// Call with the write gate held and no shard lock.
/// </summary>
public static class StateRecords
{
    [ThreadStatic] private static RdbBuffer? t_payload;

    /// <summary>Appends the state of <paramref name="key"/> in <paramref name="db"/>; returns the feed offset after it.</summary>
    public static long Emit(ServerState server, Database db, ReadOnlySpan<byte> key)
    {
        var feed = server.Feed;
        if (!feed.Active) return 0;
        long now = server.NowMs;
        // Raw: an expired key is recorded as deleted here, without the DEL that lazy expiry would also propagate.
        using var k = db.Open(key, now, Lookup.IncludeExpired);
        if (!k.Exists || k.ExpireAt is not 0 and var at && at <= now) return feed.AppendDelete(db.Index, key);
        var payload = t_payload ??= new RdbBuffer(256);
        payload.Clear();
        RdbValueEncoder.WriteObject(payload, k.Stored, RdbClock.Of(server));
        DumpPayload.Seal(payload);
        var record = new ChangeRecord(6);
        record.Add("RESTORE"u8);
        record.Add(key);
        record.Add(k.ExpireAt);
        record.Add(payload.Span);
        record.Add("REPLACE"u8);
        record.Add("ABSTTL"u8);
        return feed.Append(db.Index, ref record);
    }
}
