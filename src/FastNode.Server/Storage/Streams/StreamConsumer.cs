namespace FastNode.Server.Storage.Streams;

/// <summary>A consumer of a group: its name, when it was last seen, and the entries delivered to it and not acknowledged.</summary>
public sealed class StreamConsumer(byte[] name, long seenTime)
{
    public byte[] Name { get; } = name;

    /// <summary>Unix ms of its last XREADGROUP / XCLAIM / XAUTOCLAIM (XINFO CONSUMERS' idle).</summary>
    public long SeenTime = seenTime;

    public SortedSet<PendingEntry> Pending { get; } = new(PendingById.Instance);
}
