using FastNode.Server.Persistence.Aof;
using FastNode.Server.Persistence.Snapshots;

namespace FastNode.Server.Persistence.Replication;

/// <summary>
/// The format of the snapshot a full resync carries. Redis sends an RDB; until the RDB codec is plugged in
/// (<see cref="RdbEncoder"/>, <see cref="RdbLoad"/>) a FastNode primary sends the RESP commands that rebuild the
/// dataset (an AOF base file), which only a FastNode replica reads. A replica tells the two apart by the first byte.
/// </summary>
public static class SnapshotFormat
{
    /// <summary>
    /// Loads an RDB from a stream into the (flushed) server and returns its repl-stream-db (0 when absent); set by
    /// the RDB codec.
    /// </summary>
    public static Func<Stream, ServerState, int>? RdbLoad { get; set; }

    /// <summary>Creates an RDB encoder for one snapshot, given the stream's database at its point (-1 = none to record).</summary>
    public static Func<ServerState, int, ISnapshotEncoder>? RdbEncoderWithStreamDb { get; set; }

    public static ISnapshotEncoder CreateEncoder(ServerState server, int streamDb) =>
        RdbEncoderWithStreamDb?.Invoke(server, streamDb) ?? new CommandSnapshotEncoder(() => server.NowMs, AppendOnlyFile.FastNodeTypes);

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
            if (RdbLoad is null) throw new InvalidDataException("the primary sent an RDB, which this build cannot read");
            return RdbLoad(payload, server);
        }
        var replayer = new FeedReplayer(server, "sync-loader");
        replayer.Session.IsMasterLink = true;   // it writes on a read-only replica
        var buffer = new System.Buffers.ReadOnlySequence<byte>(((MemoryStream)payload).GetBuffer().AsMemory(0, (int)payload.Length));
        replayer.Apply(ref buffer);
        return replayer.Session.DbIndex;
    }

    /// <summary>
    /// Ends a RESP snapshot with the SELECT of the stream's database at its point (<paramref name="streamDb"/>, -1 when
    /// the stream starts with its own SELECT, as a primary's does).
    /// </summary>
    public static void WriteStreamDb(MemoryStream payload, int streamDb)
    {
        if (streamDb < 0 || (payload.Length > 0 && payload.GetBuffer()[0] == 'R')) return;
        Span<byte> select = stackalloc byte[40];
        payload.Write(select[..ChangeFeed.FormatSelect(streamDb, select)]);
    }
}
