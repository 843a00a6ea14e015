using FastNode.Server.Persistence.Snapshots;
using FastNode.Server.Storage;

namespace FastNode.Server.Persistence;

/// <summary>
/// Change records for FastNode's own types (rate limiters, locks, semaphores): their commands read the clock and
/// their timers fire on their own, so replaying the calls would not rebuild the same state. What propagates instead
/// is the state itself after the change, with absolute times: <c>RESTORE key expire-at payload REPLACE ABSTTL</c>
/// (the payload is the key's DUMP form), or <c>DEL key</c> when the change left no key.
/// Call with the write gate held and no shard lock.
/// </summary>
public static class StateRecords
{
    /// <summary>Encodes FastNode-only values as DUMP payloads; set where the RDB codec is built in.</summary>
    public static IValueEncoder? Encoder { get; set; }

    /// <summary>Appends the state of <paramref name="key"/> in <paramref name="db"/>; returns the feed offset after it.</summary>
    public static long Emit(ServerState server, Database db, ReadOnlySpan<byte> key)
    {
        var feed = server.Feed;
        if (!feed.Active) return 0;
        ulong hash = KeyHasher.Hash(key);
        var shard = db.ShardFor(hash);
        byte[]? payload = null;
        long expireAt = 0;
        lock (shard.Lock)
        {
            int i = shard.FindIncludingExpired(hash, key);
            if (i >= 0)
            {
                ref var e = ref shard.At(i);
                if (e.ExpireAt == 0 || e.ExpireAt > server.NowMs)
                {
                    if (Encoder is null || !Encoder.TryEncode(e, out payload)) return feed.Offset;
                    expireAt = e.ExpireAt;
                }
            }
        }
        if (payload is null) return feed.AppendDelete(db.Index, key);
        var record = new ChangeRecord(6);
        record.Add("RESTORE"u8);
        record.Add(key);
        record.Add(expireAt);
        record.Add(payload);
        record.Add("REPLACE"u8);
        record.Add("ABSTTL"u8);
        return feed.Append(db.Index, ref record);
    }
}
