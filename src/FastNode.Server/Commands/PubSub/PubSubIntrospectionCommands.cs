using FastNode.Protocol;
using FastNode.Server.PubSub;
using FastNode.Server.Text;

namespace FastNode.Server.Commands.PubSub;

/// <summary>PUBSUB CHANNELS / NUMSUB / NUMPAT / SHARDCHANNELS / SHARDNUMSUB / HELP, with Redis 7.0's replies. Cold path.</summary>
public static class PubSubIntrospectionCommands
{
    /// <summary>PUBSUB CHANNELS [pattern]: active channels (with at least one subscriber), in no particular order.</summary>
    public static void Channels(ref CommandContext ctx) => WriteChannels(ref ctx, ctx.Server.PubSub.Channels);

    public static void ShardChannels(ref CommandContext ctx) => WriteChannels(ref ctx, ctx.Server.PubSub.ShardChannels);

    /// <summary>PUBSUB NUMSUB [channel ...]: each channel followed by its subscriber count (patterns not counted).</summary>
    public static void NumSub(ref CommandContext ctx) => WriteCounts(ref ctx, ctx.Server.PubSub.Channels);

    public static void ShardNumSub(ref CommandContext ctx) => WriteCounts(ref ctx, ctx.Server.PubSub.ShardChannels);

    /// <summary>PUBSUB NUMPAT: distinct patterns with subscribers.</summary>
    public static void NumPat(ref CommandContext ctx) => ctx.Writer.WriteInteger(ctx.Server.PubSub.Patterns.Count);

    public static void Help(ref CommandContext ctx)
    {
        ref var w = ref ctx.Writer;
        w.WriteArrayHeader(HelpLines.Length);
        foreach (var line in HelpLines) w.WriteSimpleString(System.Text.Encoding.ASCII.GetBytes(line));
    }

    private static void WriteChannels(ref CommandContext ctx, ChannelTable table)
    {
        var args = ctx.Args;
        if (args.Count > 3)
        {
            ctx.Writer.WriteError(ErrorText.SubcommandSyntax(args[0], args[1]));
            return;
        }
        var names = table.Names();
        if (args.Count == 3)
        {
            var pattern = args[2];
            int kept = 0;
            for (int i = 0; i < names.Count; i++)
            {
                if (GlobMatcher.IsMatch(pattern, names[i])) names[kept++] = names[i];
            }
            names.RemoveRange(kept, names.Count - kept);
        }
        ctx.Writer.WriteArrayHeader(names.Count);
        foreach (var name in names) ctx.Writer.WriteBulkString(name);
    }

    private static void WriteCounts(ref CommandContext ctx, ChannelTable table)
    {
        var args = ctx.Args;
        ctx.Writer.WriteArrayHeader((args.Count - 2) * 2);
        for (int i = 2; i < args.Count; i++)
        {
            ctx.Writer.WriteBulkString(args[i]);
            ctx.Writer.WriteInteger(table.SubscribersOf(args[i]).Length);
        }
    }

    // Redis 7.0's own help text (clients and people compare it), with its closing "HELP" lines.
    private static readonly string[] HelpLines =
    [
        "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: '*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
        "HELP",
        "    Prints this help.",
    ];
}
