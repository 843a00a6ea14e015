using System.Buffers;
using FastNode.Server.Storage;

namespace FastNode.Server.Persistence.Snapshots;

/// <summary>
/// Turns a dataset into a file format (an RDB, or the RESP commands of an AOF base file) one piece at a time, in
/// order: header, then per database its start and its entries, then the end. <see cref="WriteEntry"/> runs with the
/// entry's shard lock held: copy, never block.
/// </summary>
public interface ISnapshotEncoder
{
    /// <summary>
    /// Runs at the snapshot's point, with writers paused, after the capture's own point callback: read there what is
    /// not in the shards (the function libraries). Must not wait for a lock a running script may hold.
    /// </summary>
    void AtPoint()
    {
    }

    void WriteHeader(IBufferWriter<byte> output);

    void BeginDatabase(IBufferWriter<byte> output, int db, long keys, long keysWithExpiry);

    void WriteEntry(IBufferWriter<byte> output, in Entry entry);

    /// <summary>Sees every byte of the snapshot, in file order, as it goes out (a format with a checksum sums them).</summary>
    void Observe(ReadOnlySpan<byte> written);

    /// <summary>The end of the snapshot (after it, nothing more is observed).</summary>
    void WriteFooter(IBufferWriter<byte> output);
}
