using System.Buffers;
using FastNode.Server.Persistence.Snapshots;
using FastNode.Server.Storage;

namespace FastNode.Server.Persistence.Replication;

/// <summary>
/// An encoder created on first use, after the snapshot's point: what it writes in its header (the stream's database)
/// is only known at the point, while <see cref="SnapshotCapture.Start"/> takes the encoder before it.
/// </summary>
internal sealed class DeferredEncoder(Func<ISnapshotEncoder> create) : ISnapshotEncoder
{
    // Writers encoding a shard ahead of the capture thread may be first: one instance for all.
    private readonly Lazy<ISnapshotEncoder> _inner = new(create, LazyThreadSafetyMode.ExecutionAndPublication);

    private ISnapshotEncoder Inner => _inner.Value;

    public void AtPoint() => Inner.AtPoint();

    public void WriteHeader(IBufferWriter<byte> output) => Inner.WriteHeader(output);

    public void BeginDatabase(IBufferWriter<byte> output, int db, long keys, long keysWithExpiry) => Inner.BeginDatabase(output, db, keys, keysWithExpiry);

    public void WriteEntry(IBufferWriter<byte> output, in Entry entry) => Inner.WriteEntry(output, entry);

    public void Observe(ReadOnlySpan<byte> written) => Inner.Observe(written);

    public void WriteFooter(IBufferWriter<byte> output) => Inner.WriteFooter(output);
}
