namespace FastNode.Server.Storage.Streams;

/// <summary>
/// An entry delivered to a consumer of a group and not acknowledged yet (Redis's streamNACK): in the group's PEL and
/// in its owner's.
/// </summary>
public sealed class PendingEntry(StreamId id, StreamConsumer consumer, long deliveryTime, long deliveryCount)
{
    public StreamId Id { get; } = id;

    /// <summary>The consumer that owns it now.</summary>
    public StreamConsumer Consumer = consumer;

    /// <summary>Unix ms of the last delivery (XPENDING's idle time counts from it).</summary>
    public long DeliveryTime = deliveryTime;

    /// <summary>How many times it was delivered.</summary>
    public long DeliveryCount = deliveryCount;
}

/// <summary>Orders pending entries by ID (the PELs are sorted like Redis's radix trees).</summary>
public sealed class PendingById : IComparer<PendingEntry>
{
    public static readonly PendingById Instance = new();

    public int Compare(PendingEntry? x, PendingEntry? y) => x!.Id.CompareTo(y!.Id);
}
