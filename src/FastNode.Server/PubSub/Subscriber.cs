using FastNode.Protocol;
using FastNode.Server.Config;
using FastNode.Server.Sessions;
using FastNode.Server.Storage;

namespace FastNode.Server.PubSub;

/// <summary>
/// The pub/sub side of one connection, created at its first subscription:
/// 1. what it is subscribed to. Only the connection's own loop changes this (its SUBSCRIBE-family commands, RESET,
///    the close); other threads read the counts (CLIENT LIST, the subscribed-mode check).
/// 2. its outbound queue: messages other connections published, filled by any thread (<see cref="Enqueue"/>) and
///    drained by the connection's own loop into its own output (<see cref="DrainTo"/>), which is the only writer of
///    that output (STYLE.md section 2). A queue entry is a reference to the shared <see cref="PubSubMessage"/>: nothing
///    is allocated per subscriber per message (the ring grows by doubling and is reused).
/// 3. the pubsub class of client-output-buffer-limit, checked at every enqueue against what waits in the queue plus
///    what waits in the output pipe: past it the queue is emptied, refuses further messages, and the connection is
///    closed, so a subscriber that stops reading holds at most about the hard limit.
/// </summary>
public sealed class Subscriber
{
    private const int InitialCapacity = 16;

    // Subscriptions (owner thread only). Patterns keep their order, as Redis 7.0's list does: PUNSUBSCRIBE without
    // arguments answers them in the order they were made.
    private readonly HashSet<byte[]> _channels = new(ByteKeyComparer.Instance);
    private readonly HashSet<byte[]> _shardChannels = new(ByteKeyComparer.Instance);
    private readonly List<byte[]> _patterns = [];
    private int _channelCount;
    private int _patternCount;
    private int _shardCount;

    // The queue: a ring of message references, guarded by _lock. _spare is the ring the owner drained last time and
    // swaps in at the next drain (owner thread only), so a drain holds the lock only for the swap.
    private readonly Lock _lock = new();
    private PubSubMessage?[] _items = new PubSubMessage?[InitialCapacity];
    private PubSubMessage?[] _spare = new PubSubMessage?[InitialCapacity];
    private int _head;
    private int _count;
    /// <summary>Sum of the queued messages' lengths (what the client-output-buffer-limit counts for the queue).</summary>
    private long _queuedBytes;
    /// <summary>The owner's loop was asked to come round and has not drained since: later messages need no new wake-up.</summary>
    private bool _wakePending;
    /// <summary>Set when the connection closes or passes its limit: messages are refused from then on.</summary>
    private bool _closed;
    /// <summary>Cluster mode: set when a slot of one of our shard channels stopped being served here.</summary>
    private volatile PubSubRegistry? _purgeBy;

    public Subscriber(ClientSession session) => Session = session;

    public ClientSession Session { get; }

    /// <summary>SUBSCRIBE channels (CLIENT LIST sub=).</summary>
    public int ChannelCount => Volatile.Read(ref _channelCount);

    /// <summary>PSUBSCRIBE patterns (CLIENT LIST psub=).</summary>
    public int PatternCount => Volatile.Read(ref _patternCount);

    /// <summary>SSUBSCRIBE shard channels (CLIENT LIST ssub=).</summary>
    public int ShardChannelCount => Volatile.Read(ref _shardCount);

    /// <summary>The count SUBSCRIBE/UNSUBSCRIBE/PSUBSCRIBE/PUNSUBSCRIBE replies carry: channels plus patterns.</summary>
    public int Subscriptions => ChannelCount + PatternCount;

    /// <summary>True while subscribed to anything (Redis's CLIENT_PUBSUB: the pubsub client class, and RESP2's subscribed mode).</summary>
    public bool Active => ChannelCount + PatternCount + ShardChannelCount > 0;

    /// <summary>Messages waiting for the owner's loop (CLIENT LIST oll=).</summary>
    public int QueuedCount => Volatile.Read(ref _count);

    /// <summary>Something for the owner's loop to write: queued messages, or shard channels to drop (cluster mode).</summary>
    public bool HasPending => Volatile.Read(ref _count) > 0 || _purgeBy is not null;

    /// <summary>Bytes waiting in the queue.</summary>
    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    /// <summary>A copy of the channel (or shard channel) names (owner thread).</summary>
    public byte[][] ChannelNames(bool shard)
    {
        var set = shard ? _shardChannels : _channels;
        var names = new byte[set.Count][];
        set.CopyTo(names);
        return names;
    }

    /// <summary>A copy of the patterns, in subscription order (owner thread).</summary>
    public byte[][] PatternNames() => _patterns.ToArray();

    internal bool AddChannel(byte[] channel, bool shard)
    {
        var set = shard ? _shardChannels : _channels;
        if (!set.Add(channel)) return false;
        UpdateCounts();
        return true;
    }

    internal bool HasChannel(ReadOnlySpan<byte> channel, bool shard) =>
        (shard ? _shardChannels : _channels).GetAlternateLookup<ReadOnlySpan<byte>>().Contains(channel);

    /// <summary>Removes a channel; returns the stored key (the registry's entry is found by it) or null.</summary>
    internal byte[]? RemoveChannel(ReadOnlySpan<byte> channel, bool shard)
    {
        var lookup = (shard ? _shardChannels : _channels).GetAlternateLookup<ReadOnlySpan<byte>>();
        if (!lookup.TryGetValue(channel, out var stored)) return null;
        lookup.Remove(channel);
        UpdateCounts();
        return stored;
    }

    internal bool AddPattern(byte[] pattern)
    {
        foreach (var p in _patterns)
        {
            if (p.AsSpan().SequenceEqual(pattern)) return false;
        }
        _patterns.Add(pattern);
        UpdateCounts();
        return true;
    }

    internal byte[]? RemovePattern(ReadOnlySpan<byte> pattern)
    {
        for (int i = 0; i < _patterns.Count; i++)
        {
            if (!_patterns[i].AsSpan().SequenceEqual(pattern)) continue;
            var stored = _patterns[i];
            _patterns.RemoveAt(i);
            UpdateCounts();
            return stored;
        }
        return null;
    }

    private void UpdateCounts()
    {
        Volatile.Write(ref _channelCount, _channels.Count);
        Volatile.Write(ref _patternCount, _patterns.Count);
        Volatile.Write(ref _shardCount, _shardChannels.Count);
    }

    /// <summary>
    /// Queues a message published by another connection (any thread), taking over one reference the caller added
    /// for it. Returns false when this subscriber no longer takes messages (closed, or closing for its output buffer
    /// limit): the reference is then still the caller's. Wakes the owner's loop if it is not already due to come
    /// round; closes the connection (off this thread) when the queue and the output pipe together pass <paramref name="limit"/>.
    /// </summary>
    public bool Enqueue(PubSubMessage message, in OutputBufferLimit limit, long nowMs)
    {
        bool wake = false, overLimit = false;
        long used;
        lock (_lock)
        {
            if (_closed) return false;
            if (_count == _items.Length) Grow();
            _items[(_head + _count) & (_items.Length - 1)] = message;
            _count++;
            _queuedBytes += message.Length;
            used = _queuedBytes + Session.PipedOutput;
            if (limit.Exceeded(used, nowMs, ref Session.OutputSoftLimitSinceMs))
            {
                overLimit = true;
                _closed = true;
                ReleaseQueued();
            }
            else if (!_wakePending)
            {
                _wakePending = wake = true;
            }
        }
        Session.ObserveOutput(used);
        if (wake) Session.WakeLoop();
        else if (overLimit) Session.KillSoon(Network.DisconnectReason.OutputBufferLimit);
        return true;
    }

    /// <summary>
    /// Owner thread: writes every queued message into the connection's own output, in the connection's protocol, and
    /// releases them. Messages queued meanwhile wait for the next drain (and wake the loop again).
    /// </summary>
    public void DrainTo(ref RespWriter writer)
    {
        if (Volatile.Read(ref _count) != 0) DrainQueued(ref writer);
        if (_purgeBy is { } registry)
        {
            // After the messages queued before the slot was lost, as Redis's output buffer would order them.
            _purgeBy = null;
            registry.DropUnservedShardChannels(this, ref writer);
        }
    }

    /// <summary>
    /// Cluster mode, any thread: this node stopped serving a slot one of our shard channels hashes to. The owner's
    /// loop drops such channels at its next drain, with an `sunsubscribe` push for each (Redis's removeChannelsInSlot).
    /// </summary>
    public void RequestShardPurge(PubSubRegistry registry)
    {
        _purgeBy = registry;
        Session.WakeLoop();
    }

    private void DrainQueued(ref RespWriter writer)
    {
        PubSubMessage?[] items;
        int head, count;
        lock (_lock)
        {
            if (_closed) return;
            items = _items;
            head = _head;
            count = _count;
            _items = _spare;
            _head = 0;
            _count = 0;
            _queuedBytes = 0;
            _wakePending = false;
        }
        int mask = items.Length - 1;
        for (int i = 0; i < count; i++)
        {
            ref var slot = ref items[(head + i) & mask];
            slot!.WriteTo(ref writer);
            slot.Release();
            slot = null;
        }
        _spare = items;
    }

    /// <summary>Owner thread, when the connection ends: refuses further messages and releases the queued ones.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
            ReleaseQueued();
        }
    }

    /// <summary>Under the lock: drops every queued message.</summary>
    private void ReleaseQueued()
    {
        int mask = _items.Length - 1;
        for (int i = 0; i < _count; i++)
        {
            ref var slot = ref _items[(_head + i) & mask];
            slot!.Release();
            slot = null;
        }
        _head = 0;
        _count = 0;
        _queuedBytes = 0;
    }

    /// <summary>Under the lock, with the ring full: doubles it (rarely: rings are reused, never shrunk).</summary>
    private void Grow()
    {
        var bigger = new PubSubMessage?[_items.Length * 2];
        int mask = _items.Length - 1;
        for (int i = 0; i < _count; i++) bigger[i] = _items[(_head + i) & mask];
        _items = bigger;
        _head = 0;
    }
}
