using System.Collections.Concurrent;
using FastNode.Server.Storage;

namespace FastNode.Server.PubSub;

/// <summary>
/// Channel name -> its subscribers, for the classic channels or for the shard channels. PUBLISH looks a channel up
/// without a lock and without allocating (a span lookup into a ConcurrentDictionary) and gets an immutable array of
/// subscribers, which it fans out to with no lock held. Subscribing and unsubscribing replace that array under
/// <see cref="_write"/> (copy on write: O(subscribers of the channel), paid by the rare writer, not by publishers).
/// </summary>
public sealed class ChannelTable
{
    private readonly ConcurrentDictionary<byte[], Subscriber[]> _channels = new(ByteKeyComparer.Instance);
    private readonly ConcurrentDictionary<byte[], Subscriber[]>.AlternateLookup<ReadOnlySpan<byte>> _lookup;
    private readonly Lock _write = new();
    private int _count;

    public ChannelTable() => _lookup = _channels.GetAlternateLookup<ReadOnlySpan<byte>>();

    /// <summary>Channels with at least one subscriber (INFO pubsub_channels).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The subscribers of <paramref name="channel"/> (a snapshot: never changed after it is published), or an empty array.</summary>
    public Subscriber[] SubscribersOf(ReadOnlySpan<byte> channel) => _lookup.TryGetValue(channel, out var subscribers) ? subscribers : [];

    /// <summary>The channels with subscribers (PUBSUB CHANNELS). Cold path: a snapshot of the names.</summary>
    public List<byte[]> Names()
    {
        var names = new List<byte[]>();
        foreach (var entry in _channels) names.Add(entry.Key);
        return names;
    }

    /// <summary>Adds a subscriber that was not subscribed to <paramref name="channel"/> (the caller checked).</summary>
    public void Add(byte[] channel, Subscriber subscriber)
    {
        lock (_write)
        {
            if (_channels.TryGetValue(channel, out var current))
            {
                var next = new Subscriber[current.Length + 1];
                current.CopyTo(next, 0);
                next[^1] = subscriber;
                _channels[channel] = next;
            }
            else
            {
                _channels[channel] = [subscriber];
                _count++;
            }
        }
    }

    /// <summary>Removes a subscriber of <paramref name="channel"/>; the channel goes when its last subscriber does.</summary>
    public void Remove(byte[] channel, Subscriber subscriber)
    {
        lock (_write)
        {
            if (!_channels.TryGetValue(channel, out var current)) return;
            int at = Array.IndexOf(current, subscriber);
            if (at < 0) return;
            if (current.Length == 1)
            {
                _channels.TryRemove(channel, out _);
                _count--;
                return;
            }
            var next = new Subscriber[current.Length - 1];
            Array.Copy(current, 0, next, 0, at);
            Array.Copy(current, at + 1, next, at, current.Length - at - 1);
            _channels[channel] = next;
        }
    }
}
