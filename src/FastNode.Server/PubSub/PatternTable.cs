namespace FastNode.Server.PubSub;

/// <summary>
/// Pattern -> its subscribers. PUBLISH matches the channel against every pattern (as Redis does, O(patterns)) with
/// the shared glob matcher, reading an immutable snapshot without a lock; PSUBSCRIBE and PUNSUBSCRIBE replace the
/// snapshot under <see cref="_write"/>. Patterns are few in practice (Redis keeps them in one list too).
/// </summary>
public sealed class PatternTable
{
    /// <summary>One pattern and its subscribers; never changed once in a snapshot.</summary>
    public sealed record PatternSubscribers(byte[] Pattern, Subscriber[] Subscribers);

    private readonly Lock _write = new();
    private volatile PatternSubscribers[] _entries = [];

    /// <summary>The patterns with subscribers, in the order they first got one (a snapshot).</summary>
    public PatternSubscribers[] Entries => _entries;

    /// <summary>Distinct patterns with subscribers (PUBSUB NUMPAT, INFO pubsub_patterns).</summary>
    public int Count => _entries.Length;

    public void Add(byte[] pattern, Subscriber subscriber)
    {
        lock (_write)
        {
            var entries = _entries;
            int at = IndexOf(entries, pattern);
            var next = (PatternSubscribers[])entries.Clone();
            if (at >= 0)
            {
                next[at] = entries[at] with { Subscribers = [.. entries[at].Subscribers, subscriber] };
            }
            else
            {
                next = [.. entries, new PatternSubscribers(pattern, [subscriber])];
            }
            _entries = next;
        }
    }

    public void Remove(byte[] pattern, Subscriber subscriber)
    {
        lock (_write)
        {
            var entries = _entries;
            int at = IndexOf(entries, pattern);
            if (at < 0) return;
            var remaining = Array.FindAll(entries[at].Subscribers, s => !ReferenceEquals(s, subscriber));
            if (remaining.Length == entries[at].Subscribers.Length) return;
            if (remaining.Length > 0)
            {
                var next = (PatternSubscribers[])entries.Clone();
                next[at] = entries[at] with { Subscribers = remaining };
                _entries = next;
            }
            else
            {
                _entries = Array.FindAll(entries, e => !ReferenceEquals(e, entries[at]));
            }
        }
    }

    private static int IndexOf(PatternSubscribers[] entries, byte[] pattern)
    {
        for (int i = 0; i < entries.Length; i++)
        {
            if (entries[i].Pattern.AsSpan().SequenceEqual(pattern)) return i;
        }
        return -1;
    }
}
