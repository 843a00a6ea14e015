namespace FastNode.Server.Storage;

/// <summary>
/// Bytes the datasets of all databases take, summed from the shards' own counts. Shards publish their changes here in
/// steps of <see cref="Shard.PublishStep"/> bytes, so the figure is within shards x step of the truth and costs one
/// interlocked add per few KB changed instead of one per write. Read on every command while maxmemory is set.
/// </summary>
public sealed class MemoryCounter
{
    private long _bytes;

    public long Bytes => Volatile.Read(ref _bytes);

    internal void Add(long delta) => Interlocked.Add(ref _bytes, delta);
}
