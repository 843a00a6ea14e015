using FastNode.Cluster.Routing;
using FastNode.Protocol;

namespace FastNode.Server.PubSub;

/// <summary>Cluster mode's side of pub/sub: messages other nodes published, and shard channels whose slot went away.</summary>
public sealed partial class PubSubRegistry
{
    /// <summary>Cluster mode: whether this node serves a slot (owns it, or its primary does). Null outside cluster mode.</summary>
    public Func<int, bool>? ShardSlotServed { get; set; }

    /// <summary>
    /// A PUBLISH or SPUBLISH that another node passed on over the bus (any thread): every local subscriber gets it
    /// through its queue, as a local PUBLISH delivers to everyone but the publisher's own connection. Returns the
    /// receivers.
    /// </summary>
    public int DeliverFromCluster(ReadOnlySpan<byte> channel, ReadOnlySpan<byte> payload, bool shard)
    {
        int receivers = 0;
        var limit = limits.PubSub;
        long nowMs = Environment.TickCount64;
        var subscribers = (shard ? ShardChannels : Channels).SubscribersOf(channel);
        if (subscribers.Length > 0)
        {
            receivers += Enqueue(subscribers, PubSubMessage.Create(shard ? "smessage"u8 : "message"u8, channel, payload), limit, nowMs);
        }
        if (shard) return receivers;
        foreach (var entry in Patterns.Entries)
        {
            if (!FastNode.Server.Text.GlobMatcher.IsMatch(entry.Pattern, channel)) continue;
            receivers += Enqueue(entry.Subscribers, PubSubMessage.CreatePattern(entry.Pattern, channel, payload), limit, nowMs);
        }
        return receivers;
    }

    private static int Enqueue(Subscriber[] subscribers, PubSubMessage message, in Config.OutputBufferLimit limit, long nowMs)
    {
        message.AddRefs(subscribers.Length);
        int unused = 1;
        foreach (var subscriber in subscribers)
        {
            if (!subscriber.Enqueue(message, limit, nowMs)) unused++;
        }
        message.Release(unused);
        return subscribers.Length;
    }

    /// <summary>
    /// The cluster thread saw this node stop serving some slots (<paramref name="served"/> is the new picture): the
    /// subscribers of shard channels in slots no longer served are asked to drop them. Off the cluster thread.
    /// </summary>
    public void PurgeShardChannels(bool[] served)
    {
        ThreadPool.UnsafeQueueUserWorkItem(_ =>
        {
            foreach (var channel in ShardChannels.Names())
            {
                if (served[KeySlot.Of(channel)]) continue;
                foreach (var subscriber in ShardChannels.SubscribersOf(channel)) subscriber.RequestShardPurge(this);
            }
        }, null);
    }

    /// <summary>
    /// The subscriber's own loop: drops its shard channels whose slot this node no longer serves, with one
    /// `[sunsubscribe, channel, count]` push each.
    /// </summary>
    internal void DropUnservedShardChannels(Subscriber subscriber, ref RespWriter writer)
    {
        if (ShardSlotServed is not { } served) return;
        foreach (var channel in subscriber.ChannelNames(shard: true))
        {
            if (served(KeySlot.Of(channel))) continue;
            Unsubscribe(subscriber, channel, shard: true);
            writer.WritePushHeader(3);
            writer.WriteBulkString("sunsubscribe"u8);
            writer.WriteBulkString(channel);
            writer.WriteInteger(subscriber.ShardChannelCount);
        }
    }
}
