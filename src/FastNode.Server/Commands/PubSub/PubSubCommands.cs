using FastNode.Protocol;
using FastNode.Server.PubSub;

namespace FastNode.Server.Commands.PubSub;

/// <summary>
/// SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, SSUBSCRIBE, SUNSUBSCRIBE, PUBLISH and SPUBLISH, as Redis 7.0
/// answers them. Each (un)subscription is confirmed by its own reply of three elements (kind, name, count): an array
/// in RESP2, a push (&gt;) in RESP3. The count is the connection's channels plus patterns, or its shard channels for
/// the S- forms. A connection in RESP2 with any subscription is in subscribed mode (see the Dispatcher).
/// </summary>
public static class PubSubCommands
{
    public static void Subscribe(ref CommandContext ctx)
    {
        var subscriber = PubSubRegistry.SubscriberOf(ctx.Session);
        for (int i = 1; i < ctx.Args.Count; i++)
        {
            var channel = ctx.Args[i];
            ctx.Server.PubSub.Subscribe(subscriber, channel, shard: false);
            Confirm(ref ctx.Writer, "subscribe"u8, channel, subscriber.Subscriptions);
        }
    }

    /// <summary>SSUBSCRIBE: refused inside EXEC, as Redis refuses it to a client that may not block.</summary>
    public static void SSubscribe(ref CommandContext ctx)
    {
        if (ctx.Session.InExec)
        {
            ctx.Writer.WriteError("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
            return;
        }
        var subscriber = PubSubRegistry.SubscriberOf(ctx.Session);
        for (int i = 1; i < ctx.Args.Count; i++)
        {
            var channel = ctx.Args[i];
            ctx.Server.PubSub.Subscribe(subscriber, channel, shard: true);
            Confirm(ref ctx.Writer, "ssubscribe"u8, channel, subscriber.ShardChannelCount);
        }
    }

    public static void PSubscribe(ref CommandContext ctx)
    {
        var subscriber = PubSubRegistry.SubscriberOf(ctx.Session);
        for (int i = 1; i < ctx.Args.Count; i++)
        {
            var pattern = ctx.Args[i];
            ctx.Server.PubSub.PSubscribe(subscriber, pattern);
            Confirm(ref ctx.Writer, "psubscribe"u8, pattern, subscriber.Subscriptions);
        }
    }

    /// <summary>UNSUBSCRIBE [channel ...]: without arguments, every channel; with none to drop, one reply with a null name.</summary>
    public static void Unsubscribe(ref CommandContext ctx) => UnsubscribeChannels(ref ctx, shard: false);

    public static void SUnsubscribe(ref CommandContext ctx) => UnsubscribeChannels(ref ctx, shard: true);

    private static void UnsubscribeChannels(ref CommandContext ctx, bool shard)
    {
        var kind = shard ? "sunsubscribe"u8 : "unsubscribe"u8;
        var registry = ctx.Server.PubSub;
        var subscriber = ctx.Session.PubSub;
        if (ctx.Args.Count > 1)
        {
            for (int i = 1; i < ctx.Args.Count; i++)
            {
                var channel = ctx.Args[i];
                if (subscriber is not null) registry.Unsubscribe(subscriber, channel, shard);
                Confirm(ref ctx.Writer, kind, channel, Count(subscriber, shard));
            }
            return;
        }
        byte[][] all = subscriber is null ? [] : subscriber.ChannelNames(shard);
        foreach (var channel in all)
        {
            registry.Unsubscribe(subscriber!, channel, shard);
            Confirm(ref ctx.Writer, kind, channel, Count(subscriber, shard));
        }
        if (all.Length == 0) ConfirmNone(ref ctx.Writer, kind, Count(subscriber, shard));
    }

    /// <summary>PUNSUBSCRIBE [pattern ...]: without arguments, every pattern, in the order they were subscribed.</summary>
    public static void PUnsubscribe(ref CommandContext ctx)
    {
        var registry = ctx.Server.PubSub;
        var subscriber = ctx.Session.PubSub;
        if (ctx.Args.Count > 1)
        {
            for (int i = 1; i < ctx.Args.Count; i++)
            {
                var pattern = ctx.Args[i];
                if (subscriber is not null) registry.PUnsubscribe(subscriber, pattern);
                Confirm(ref ctx.Writer, "punsubscribe"u8, pattern, subscriber?.Subscriptions ?? 0);
            }
            return;
        }
        byte[][] all = subscriber is null ? [] : subscriber.PatternNames();
        foreach (var pattern in all)
        {
            registry.PUnsubscribe(subscriber!, pattern);
            Confirm(ref ctx.Writer, "punsubscribe"u8, pattern, subscriber!.Subscriptions);
        }
        if (all.Length == 0) ConfirmNone(ref ctx.Writer, "punsubscribe"u8, subscriber?.Subscriptions ?? 0);
    }

    /// <summary>
    /// PUBLISH channel message: the number of receivers (channel and pattern subscriptions) on this node. In cluster
    /// mode the message goes to every other node over the bus instead of down the replication stream, as in Redis.
    /// </summary>
    public static void Publish(ref CommandContext ctx)
    {
        var channel = ctx.Args[1];
        var message = ctx.Args[2];
        int receivers = ctx.Server.PubSub.Publish(channel, message, shard: false, ctx.Session, ref ctx.Writer);
        if (ctx.Server.Cluster is { } cluster) cluster.PublishToCluster(channel, message, shard: false);
        else PropagateToReplicas(ref ctx);
        ctx.Writer.WriteInteger(receivers);
    }

    /// <summary>SPUBLISH shardchannel message: reaches SSUBSCRIBE subscribers only (in cluster mode, on every node of this shard).</summary>
    public static void SPublish(ref CommandContext ctx)
    {
        var channel = ctx.Args[1];
        var message = ctx.Args[2];
        int receivers = ctx.Server.PubSub.Publish(channel, message, shard: true, ctx.Session, ref ctx.Writer);
        if (ctx.Server.Cluster is { } cluster) cluster.PublishToCluster(channel, message, shard: true);
        else PropagateToReplicas(ref ctx);
        ctx.Writer.WriteInteger(receivers);
    }

    /// <summary>
    /// As Redis's publishCommand outside cluster mode (forceCommandPropagation PROPAGATE_REPL): a primary passes
    /// PUBLISH on to its replicas, whose subscribers then get the message too; never to the AOF. A replica passes
    /// its primary's PUBLISH on as part of the stream it relays, not its own clients' ones.
    /// </summary>
    private static void PropagateToReplicas(ref CommandContext ctx)
    {
        if (ctx.Server.Feed.Active && !ctx.Server.Feed.Relaying) PublishPropagation.Relay(ref ctx);
    }

    /// <summary>[kind, name, count] as an array (RESP2) or a push (RESP3).</summary>
    private static void Confirm(ref RespWriter writer, ReadOnlySpan<byte> kind, ReadOnlySpan<byte> name, int count)
    {
        writer.WritePushHeader(3);
        writer.WriteBulkString(kind);
        writer.WriteBulkString(name);
        writer.WriteInteger(count);
    }

    /// <summary>[kind, null, count]: an unsubscribe-all with nothing to drop.</summary>
    private static void ConfirmNone(ref RespWriter writer, ReadOnlySpan<byte> kind, int count)
    {
        writer.WritePushHeader(3);
        writer.WriteBulkString(kind);
        writer.WriteNullBulk();
        writer.WriteInteger(count);
    }

    private static int Count(Subscriber? subscriber, bool shard) =>
        subscriber is null ? 0 : shard ? subscriber.ShardChannelCount : subscriber.Subscriptions;
}
