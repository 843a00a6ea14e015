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
    /// <summary>Creates an RDB encoder for one snapshot (set by the RDB codec).</summary>
    public static Func<ServerState, ISnapshotEncoder>? RdbEncoder { get; set; }

    /// <summary>Loads an RDB from a stream into the (flushed) server (set by the RDB codec).</summary>
    public static Action<Stream, ServerState>? RdbLoad { get; set; }

    public static ISnapshotEncoder CreateEncoder(ServerState server) =>
        RdbEncoder?.Invoke(server) ?? new CommandSnapshotEncoder(() => server.NowMs, AppendOnlyFile.FastNodeTypes);

    /// <summary>Loads a whole snapshot payload (RDB, or RESP commands) into the server.</summary>
    public static void Load(Stream payload, ServerState server)
    {
        int first = payload.ReadByte();
        if (first < 0) return;
        payload.Position--;
        if (first == 'R')
        {
            if (RdbLoad is null) throw new InvalidDataException("the primary sent an RDB, which this build cannot read");
            RdbLoad(payload, server);
            return;
        }
        var replayer = new FeedReplayer(server, "sync-loader");
        replayer.Session.IsMasterLink = true;   // it writes on a read-only replica
        var buffer = new System.Buffers.ReadOnlySequence<byte>(((MemoryStream)payload).GetBuffer().AsMemory(0, (int)payload.Length));
        replayer.Apply(ref buffer);
    }
}
