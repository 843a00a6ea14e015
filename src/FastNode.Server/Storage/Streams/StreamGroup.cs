namespace FastNode.Server.Storage.Streams;

/// <summary>
/// A consumer group (Redis's streamCG): the last ID delivered, the logical read counter, the pending entries list
/// (PEL) of the whole group, and its consumers sorted by name.
/// </summary>
public sealed class StreamGroup(byte[] name, StreamId lastId, long entriesRead)
{
    /// <summary>The entries-read value of a group whose counter cannot be known.</summary>
    public const long InvalidEntriesRead = -1;

    public byte[] Name { get; } = name;

    public StreamId LastId = lastId;

    /// <summary>Entries the group has read counting from the first entry ever added, or <see cref="InvalidEntriesRead"/>.</summary>
    public long EntriesRead = entriesRead;

    /// <summary>The PEL in ID order; <see cref="PendingIndex"/> finds an ID in it.</summary>
    public SortedSet<PendingEntry> Pending { get; } = new(PendingById.Instance);

    public Dictionary<StreamId, PendingEntry> PendingIndex { get; } = [];

    /// <summary>The consumers, sorted by name bytes (XINFO CONSUMERS lists them in this order, as Redis's rax).</summary>
    public List<StreamConsumer> Consumers { get; } = [];

    public StreamConsumer? FindConsumer(ReadOnlySpan<byte> name)
    {
        int i = IndexOf(name);
        return i >= 0 ? Consumers[i] : null;
    }

    /// <summary>The consumer named <paramref name="name"/>, created when missing (<paramref name="created"/>).</summary>
    public StreamConsumer GetOrAddConsumer(ReadOnlySpan<byte> name, long nowMs, out bool created)
    {
        int i = IndexOf(name);
        created = i < 0;
        if (!created) return Consumers[i];
        var consumer = new StreamConsumer(name.ToArray(), nowMs);
        Consumers.Insert(~i, consumer);
        return consumer;
    }

    /// <summary>Removes the consumer and its pending entries from the group; returns how many were pending.</summary>
    public long RemoveConsumer(StreamConsumer consumer)
    {
        long pending = consumer.Pending.Count;
        foreach (var entry in consumer.Pending)
        {
            Pending.Remove(entry);
            PendingIndex.Remove(entry.Id);
        }
        Consumers.RemoveAt(IndexOf(consumer.Name));
        return pending;
    }

    /// <summary>Adds a pending entry owned by <paramref name="consumer"/> (the ID must not be pending).</summary>
    public PendingEntry AddPending(StreamId id, StreamConsumer consumer, long deliveryTime, long deliveryCount)
    {
        var entry = new PendingEntry(id, consumer, deliveryTime, deliveryCount);
        Pending.Add(entry);
        PendingIndex.Add(id, entry);
        consumer.Pending.Add(entry);
        return entry;
    }

    /// <summary>Acknowledges <paramref name="id"/>: false when it was not pending.</summary>
    public bool Acknowledge(StreamId id)
    {
        if (!PendingIndex.Remove(id, out var entry)) return false;
        Pending.Remove(entry);
        entry.Consumer.Pending.Remove(entry);
        return true;
    }

    /// <summary>Gives a pending entry to another consumer.</summary>
    public static void Transfer(PendingEntry entry, StreamConsumer to)
    {
        if (ReferenceEquals(entry.Consumer, to)) return;
        entry.Consumer.Pending.Remove(entry);
        entry.Consumer = to;
        to.Pending.Add(entry);
    }

    private int IndexOf(ReadOnlySpan<byte> name)
    {
        int lo = 0, hi = Consumers.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int c = Consumers[mid].Name.AsSpan().SequenceCompareTo(name);
            if (c == 0) return mid;
            if (c < 0) lo = mid + 1;
            else hi = mid - 1;
        }
        return ~lo;
    }

    public StreamGroup Copy()
    {
        var copy = new StreamGroup(Name, LastId, EntriesRead);
        foreach (var consumer in Consumers)
        {
            var c = new StreamConsumer(consumer.Name, consumer.SeenTime);
            copy.Consumers.Add(c);
            foreach (var entry in consumer.Pending) copy.AddPending(entry.Id, c, entry.DeliveryTime, entry.DeliveryCount);
        }
        return copy;
    }
}
