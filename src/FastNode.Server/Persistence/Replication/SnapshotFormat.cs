using FastNode.Server.Persistence.Snapshots;

namespace FastNode.Server.Persistence.Replication;

/// <summary>
/// The snapshot a full resync carries: an RDB v10, as Redis sends, so redis-server replicas and redis-cli --rdb read
/// it. A FastNode replica also reads a snapshot written as RESP commands (an AOF base file), which FastNode primaries
/// sent before the RDB codec; it tells the two apart by the first byte.
/// </summary>
public static class SnapshotFormat
{
    /// <summary>
    /// An RDB encoder for one snapshot, given the stream's database and position at its point (repl-stream-db,
    /// repl-id, repl-offset AUX fields).
    /// </summary>
    public static ISnapshotEncoder CreateEncoder(ServerState server, int streamDb, string replId, long offset)
    {
        var saved = Rdb.RdbSaveOptions.From(server);
        return new Rdb.RdbSnapshot(server, new Rdb.RdbSaveOptions
        {
            Compression = saved.Compression,
            Checksum = saved.Checksum,
            ExtraAux =
            [
                new("repl-stream-db", Math.Max(0, streamDb).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new("repl-id", replId),
                new("repl-offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ],
        });
    }

    /// <summary>
    /// Loads a whole snapshot payload (RDB, or RESP commands) into the server. Returns the database the primary's
    /// stream has selected at the snapshot's point (a relaying replica's stream may not start with a SELECT).
    /// </summary>
    public static int Load(Stream payload, ServerState server)
    {
        int first = payload.ReadByte();
        if (first < 0) return 0;
        payload.Position--;
        if (first == 'R')
        {
            // A replica keeps keys whose TTL passed: its primary's stream deletes them (Redis 7 replicas do the same).
            var result = Rdb.RdbLoader.Load(payload, server, new Rdb.RdbLoadOptions { SkipExpired = false, ReplaceExisting = true });
            return result.Aux.TryGetValue("repl-stream-db", out var db) && int.TryParse(db, System.Globalization.CultureInfo.InvariantCulture, out int index)
                && index >= 0 && index < server.DatabaseCount ? index : 0;
        }
        var replayer = new FeedReplayer(server, "sync-loader");
        replayer.Session.IsMasterLink = true;   // it writes on a read-only replica
        var buffer = new System.Buffers.ReadOnlySequence<byte>(((MemoryStream)payload).GetBuffer().AsMemory(0, (int)payload.Length));
        replayer.Apply(ref buffer);
        return replayer.Session.DbIndex;
    }
}
