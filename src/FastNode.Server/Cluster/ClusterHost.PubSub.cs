using System.Collections.Concurrent;
using System.Threading.Channels;
using FastNode.Cluster.Nodes;
using FastNode.Cluster.Routing;
using FastNode.Cluster.Wire;
using FastNode.Server.PubSub;
using Microsoft.Extensions.Logging;

namespace FastNode.Server.Cluster;

/// <summary>
/// Pub/sub across the cluster, as Redis 7.0 does it: PUBLISH goes to every node over the bus and SPUBLISH to the nodes
/// of this node's shard; each receiving node delivers to its own subscribers. Two rules keep pub/sub traffic from
/// hurting the bus:
/// 1. it waits in a second queue that the cluster thread serves only when membership frames and CLUSTER commands are
///    done (a flood of PUBLISH cannot delay a probe's Ack), and
/// 2. the cluster thread only decodes a received message: the fan-out to subscribers runs on a task of its own.
/// When this node stops serving a slot (it lost it, or its primary did), its subscribers of shard channels in that
/// slot are unsubscribed with an `sunsubscribe` push, as Redis's removeChannelsInSlot does.
/// </summary>
public sealed partial class ClusterHost
{
    private const int PubSubQueueCapacity = 65536;

    private readonly BlockingCollection<Action> _bulk = new(new ConcurrentQueue<Action>(), PubSubQueueCapacity);
    private readonly Channel<PublishMessage> _deliveries = Channel.CreateBounded<PublishMessage>(
        new BoundedChannelOptions(PubSubQueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private BlockingCollection<Action>[] _queues = [];
    private PubSubRegistry? _pubSub;
    private Config.ServerOptions? _serverOptions;
    private FastNode.Cluster.State.ClusterSnapshot? _servedFrom;
    private bool[] _served = new bool[KeySlot.SlotCount];
    private long _dropped;
    private long _lastDropLogMs;

    /// <summary>cluster-preferred-endpoint-type (CONFIG SET applies at once): ip, hostname or unknown-endpoint.</summary>
    public string PreferredEndpointType => _serverOptions?.ClusterPreferredEndpointType ?? "ip";

    /// <summary>PUBLISH / SPUBLISH messages dropped because a queue was full (a node far behind on pub/sub traffic).</summary>
    public long PubSubDropped => Interlocked.Read(ref _dropped);

    /// <summary>
    /// Passes a PUBLISH (or, with <paramref name="shard"/>, an SPUBLISH) on to the other nodes (any thread; never
    /// blocks). A channel and message over the bus's frame limit stay local.
    /// </summary>
    public void PublishToCluster(ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message, bool shard)
    {
        if (_stopping || !PublishMessage.Fits(channel.Length, message.Length, FastNode.Cluster.Wire.FrameLimits.Default))
        {
            return;
        }
        var publish = new PublishMessage(shard, channel.ToArray(), message.ToArray());
        Action send = shard ? () => _node.SendToShard(publish) : () => _node.SendToAll(publish);
        if (!_bulk.TryAdd(send)) Dropped();
    }

    // Constructor: the cluster thread's two queues, where received messages go, and the settings read per command.
    private void AttachServer(ServerState server)
    {
        _queues = [_work, _bulk];
        _serverOptions = server.Options;
        _pubSub = server.PubSub;
        _pubSub.ShardSlotServed = ServesSlot;
        _node.PublishReceived = message =>
        {
            if (!_deliveries.Writer.TryWrite(message)) Dropped();
        };
        _ = DeliverAsync();
    }

    // Transport threads: a Publish frame waits behind everything else.
    private void PostFrame(byte[] frame, Action receive)
    {
        if (_stopping) return;
        if (frame.Length > 9 && frame[9] == (byte)MessageType.Publish)
        {
            if (!_bulk.TryAdd(receive)) Dropped();
        }
        else
        {
            _work.TryAdd(receive);
        }
    }

    private async Task DeliverAsync()
    {
        var reader = _deliveries.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var message)) _pubSub!.DeliverFromCluster(message.Channel, message.Message, message.Shard);
            }
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "Cluster pub/sub delivery stopped");
        }
    }

    /// <summary>Whether this node serves the slot: it owns it, or its primary does (shard channels live there).</summary>
    private bool ServesSlot(int slot)
    {
        var view = _view;
        var owner = view.Slots.Owner(slot);
        return !owner.IsNone && (owner == view.MyId || owner == view.MyPrimary);
    }

    // Cluster thread, after each new view: did this node stop serving a slot it served?
    private void NoticeLostShardSlots()
    {
        var view = _view;
        if (ReferenceEquals(view.Snapshot, _servedFrom)) return;
        _servedFrom = view.Snapshot;
        bool lost = false;
        var served = new bool[KeySlot.SlotCount];
        for (int slot = 0; slot < served.Length; slot++)
        {
            var owner = view.Slots.Owner(slot);
            served[slot] = !owner.IsNone && (owner == view.MyId || owner == view.MyPrimary);
            lost |= _served[slot] && !served[slot];
        }
        _served = served;
        if (lost && _pubSub is { ShardChannels.Count: > 0 } registry) registry.PurgeShardChannels(served);
    }

    private void Dropped()
    {
        Interlocked.Increment(ref _dropped);
        long now = Environment.TickCount64;
        if (now - Interlocked.Read(ref _lastDropLogMs) < 1000) return;
        Interlocked.Exchange(ref _lastDropLogMs, now);
        _log.LogWarning("Cluster bus: pub/sub queue full, dropped a message ({Dropped} so far)", PubSubDropped);
    }
}
