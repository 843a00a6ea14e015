namespace FastNode.Server.Commands.Server.Docs;

/// <summary>Docs of the pubsub group.</summary>
public static class PubSubDocs
{
    public static readonly CommandDoc[] All =
    [
        new("PSUBSCRIBE", "2.0.0", "O(N) where N is the number of patterns the client is already subscribed to.",
            "Subscribes to the channels matching patterns.", "pattern=p ..."),
        new("PUBLISH", "2.0.0", "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns",
            "Sends a message to a channel.", "channel message"),
        new("PUBSUB", "2.8.0", "Depends on subcommand.", "Container for the pub/sub introspection commands.", ""),
        new("PUBSUB CHANNELS", "2.8.0", "O(N) where N is the number of active channels", "Lists the channels that have subscribers.", "[pattern=p]"),
        new("PUBSUB HELP", "6.2.0", "O(1)", "Lists the PUBSUB subcommands.", ""),
        new("PUBSUB NUMPAT", "2.8.0", "O(1)", "Counts the pattern subscriptions.", ""),
        new("PUBSUB NUMSUB", "2.8.0", "O(N) for the NUMSUB subcommand, where N is the number of requested channels", "Counts the subscribers of channels.",
            "[channel ...]"),
        new("PUBSUB SHARDCHANNELS", "7.0.0", "O(N) where N is the number of active shard channels", "Lists the shard channels that have subscribers.",
            "[pattern=p]"),
        new("PUBSUB SHARDNUMSUB", "7.0.0", "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels",
            "Counts the subscribers of shard channels.", "[shardchannel ...]"),
        new("PUNSUBSCRIBE", "2.0.0", "O(N+M)", "Unsubscribes from patterns (all when none is given).", "[pattern=p ...]"),
        new("SPUBLISH", "7.0.0", "O(N) where N is the number of clients subscribed to the receiving shard channel.", "Sends a message to a shard channel.",
            "shardchannel message") { KeyFlags = "not_key" },
        new("SSUBSCRIBE", "7.0.0", "O(N) where N is the number of shard channels to subscribe to.", "Subscribes to shard channels.", "shardchannel ...") { KeyFlags = "not_key" },
        new("SUBSCRIBE", "2.0.0", "O(N) where N is the number of channels to subscribe to.", "Subscribes to channels.", "channel ..."),
        new("SUNSUBSCRIBE", "7.0.0", "O(N) where N is the number of clients already subscribed to a shard channel.",
            "Unsubscribes from shard channels (all when none is given).", "[shardchannel ...]") { KeyFlags = "not_key" },
        new("UNSUBSCRIBE", "2.0.0", "O(N) where N is the number of clients already subscribed to a channel.",
            "Unsubscribes from channels (all when none is given).", "[channel ...]"),
    ];
}
