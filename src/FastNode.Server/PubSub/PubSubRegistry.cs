using FastNode.Protocol;
using FastNode.Server.Config;
using FastNode.Server.Sessions;
using FastNode.Server.Text;

namespace FastNode.Server.PubSub;

/// <summary>
/// The server's pub/sub state: classic channels, patterns and shard channels (Redis 7.0 keeps shard channels apart:
/// SPUBLISH reaches SSUBSCRIBE only, PUBLISH never does), and the fan-out of a message to their subscribers.
/// One per server. Changes come from each subscriber's own loop; PUBLISH comes from any loop and takes no lock of
/// ours beyond each target queue's own.
/// </summary>
public sealed partial class PubSubRegistry(OutputBufferLimits limits)
{
    public ChannelTable Channels { get; } = new();
    public ChannelTable ShardChannels { get; } = new();
    public PatternTable Patterns { get; } = new();

    /// <summary>The session's subscriber, created on first use (owner thread).</summary>
    public static Subscriber SubscriberOf(ClientSession session) => session.PushQueue();

    /// <summary>SUBSCRIBE / SSUBSCRIBE of one channel (owner thread). False when it was already subscribed.</summary>
    public bool Subscribe(Subscriber subscriber, ReadOnlySpan<byte> channel, bool shard)
    {
        if (subscriber.HasChannel(channel, shard)) return false;
        var name = channel.ToArray();
        subscriber.AddChannel(name, shard);
        (shard ? ShardChannels : Channels).Add(name, subscriber);
        return true;
    }

    /// <summary>UNSUBSCRIBE / SUNSUBSCRIBE of one channel (owner thread). False when it was not subscribed.</summary>
    public bool Unsubscribe(Subscriber subscriber, ReadOnlySpan<byte> channel, bool shard)
    {
        var name = subscriber.RemoveChannel(channel, shard);
        if (name is null) return false;
        (shard ? ShardChannels : Channels).Remove(name, subscriber);
        return true;
    }

    public bool PSubscribe(Subscriber subscriber, ReadOnlySpan<byte> pattern)
    {
        var name = pattern.ToArray();
        if (!subscriber.AddPattern(name)) return false;
        Patterns.Add(name, subscriber);
        return true;
    }

    public bool PUnsubscribe(Subscriber subscriber, ReadOnlySpan<byte> pattern)
    {
        var name = subscriber.RemovePattern(pattern);
        if (name is null) return false;
        Patterns.Remove(name, subscriber);
        return true;
    }

    /// <summary>
    /// The connection ends (owner thread, or after its loop ended): every subscription goes and queued messages are
    /// released. Redis's freeClient does the same, without replies.
    /// </summary>
    public void Disconnect(ClientSession session)
    {
        if (session.PubSub is not { } subscriber) return;
        UnsubscribeAll(subscriber);
        subscriber.Close();
    }

    /// <summary>RESET and disconnect: drops every subscription of the three kinds, without replies.</summary>
    public void UnsubscribeAll(Subscriber subscriber)
    {
        foreach (var channel in subscriber.ChannelNames(shard: false)) Unsubscribe(subscriber, channel, shard: false);
        foreach (var channel in subscriber.ChannelNames(shard: true)) Unsubscribe(subscriber, channel, shard: true);
        foreach (var pattern in subscriber.PatternNames()) PUnsubscribe(subscriber, pattern);
    }

    /// <summary>
    /// PUBLISH (<paramref name="shard"/> false) or SPUBLISH: delivers to the channel's subscribers, then (PUBLISH only)
    /// to those of every matching pattern. Each distinct frame is encoded once and shared. The publisher's own
    /// connection, if subscribed, gets its copy written straight into <paramref name="own"/> ahead of the reply, as
    /// Redis orders it; everyone else's goes through their queue. Returns the receivers counted as Redis does (one per
    /// channel subscription plus one per matching pattern subscription).
    /// </summary>
    public int Publish(scoped ReadOnlySpan<byte> channel, scoped ReadOnlySpan<byte> payload, bool shard, ClientSession? publisher, ref RespWriter own)
    {
        int receivers = 0;
        var subscribers = (shard ? ShardChannels : Channels).SubscribersOf(channel);
        var limit = limits.PubSub;
        long nowMs = Environment.TickCount64;
        if (subscribers.Length > 0)
        {
            var message = PubSubMessage.Create(shard ? "smessage"u8 : "message"u8, channel, payload);
            FanOut(subscribers, message, publisher, ref own, limit, nowMs);
            receivers += subscribers.Length;
        }
        if (shard) return receivers;
        foreach (var entry in Patterns.Entries)
        {
            if (!GlobMatcher.IsMatch(entry.Pattern, channel)) continue;
            var message = PubSubMessage.CreatePattern(entry.Pattern, channel, payload);
            FanOut(entry.Subscribers, message, publisher, ref own, limit, nowMs);
            receivers += entry.Subscribers.Length;
        }
        return receivers;
    }

    /// <summary>
    /// Hands <paramref name="message"/> (holding the caller's one reference) to every subscriber, then drops the
    /// caller's reference: a reference per subscriber is added up front in one step, and the ones not taken (the
    /// publisher's own copy, a subscriber closing) are given back in one step.
    /// </summary>
    private static void FanOut(Subscriber[] subscribers, PubSubMessage message, ClientSession? publisher, ref RespWriter own,
        in OutputBufferLimit limit, long nowMs)
    {
        message.AddRefs(subscribers.Length);
        int unused = 1;
        foreach (var subscriber in subscribers)
        {
            if (publisher is not null && ReferenceEquals(subscriber.Session, publisher) && publisher.ReplyMode == ReplyMode.On)
            {
                // The publisher's own subscription: written straight into its reply, after anything already queued.
                subscriber.DrainTo(ref own);
                message.WriteTo(ref own);
                unused++;
            }
            else if (!subscriber.Enqueue(message, limit, nowMs))
            {
                unused++;
            }
        }
        message.Release(unused);
    }
}
