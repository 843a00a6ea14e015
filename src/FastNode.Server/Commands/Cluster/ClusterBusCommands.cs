using System.Text;
using FastNode.Cluster.State;
using FastNode.Cluster.Wire;
using FastNode.Protocol;
using FastNode.Server.Cluster;

namespace FastNode.Server.Commands.Cluster;

/// <summary>
/// What CLUSTER LINKS and CLUSTER INFO show of the bus, in Redis 7.0's shape. FastNode's bus has its own message types
/// (SWIM's ping, ack, ping-req, ...), so the per-type counters carry FastNode's names where Redis has no match and
/// Redis's where it has one (an ack is a pong, a failover vote request is auth-req).
/// </summary>
public static class ClusterBusCommands
{
    /// <summary>
    /// CLUSTER LINKS: per known node, the link this node opened to it ("to") and the one it opened here ("from"), each a
    /// map of direction, node, create-time, events, send-buffer-allocated and send-buffer-used, as Redis 7.0.
    /// A link shows once it is connected (outbound) or has carried an accepted frame (inbound).
    /// </summary>
    public static void Links(ref CommandContext ctx)
    {
        var cluster = ctx.Server.Cluster;
        if (cluster is null)
        {
            ctx.Writer.WriteError(RespErrors.ClusterDisabled);
            return;
        }
        var snapshot = cluster.View.Snapshot;
        var links = cluster.Links();
        var rows = new List<(BusLinkInfo Link, string Node)>();
        foreach (var node in snapshot.Nodes)
        {
            if (node.Id == snapshot.MyId) continue;
            string id = node.Id.ToString();
            var bus = node.Config.Address.Bus;
            BusLinkInfo? to = null, from = null;
            foreach (var link in links)
            {
                if (link.Outbound && link.Endpoint == bus) to = link;
                // A peer that reconnected may briefly have two inbound links: the newer one is the live one.
                else if (!link.Outbound && link.PeerId == id && (from is null || link.CreatedUnixMs > from.CreatedUnixMs)) from = link;
            }
            if (to is not null) rows.Add((to, id));
            if (from is not null) rows.Add((from, id));
        }
        ref var w = ref ctx.Writer;
        w.WriteArrayHeader(rows.Count);
        foreach (var (link, node) in rows)
        {
            w.WriteMapHeader(6);
            w.WriteBulkString("direction"u8);
            w.WriteBulkString(link.Outbound ? "to"u8 : "from"u8);
            w.WriteBulkString("node"u8);
            w.WriteBulkString(node);
            w.WriteBulkString("create-time"u8);
            w.WriteInteger(link.CreatedUnixMs);
            // Redis: "r" while the link is read, "w" added while it has output waiting.
            w.WriteBulkString("events"u8);
            w.WriteBulkString(link.PendingBytes > 0 ? "rw"u8 : "r"u8);
            // Frames are queued as they are (no shared send buffer): what is allocated is what waits.
            w.WriteBulkString("send-buffer-allocated"u8);
            w.WriteInteger(link.PendingBytes);
            w.WriteBulkString("send-buffer-used"u8);
            w.WriteInteger(link.PendingBytes);
        }
    }

    /// <summary>
    /// CLUSTER INFO's message counters as Redis prints them: cluster_stats_messages_&lt;type&gt;_sent for each type sent
    /// at least once, cluster_stats_messages_sent, then the same for received.
    /// </summary>
    public static void AppendMessageStats(StringBuilder text, ClusterStats stats)
    {
        for (int type = 0; type < 256; type++)
        {
            long count = stats.SentOf((MessageType)type);
            if (count > 0) text.Append("cluster_stats_messages_").Append(TypeName((MessageType)type)).Append("_sent:").Append(count).Append("\r\n");
        }
        text.Append("cluster_stats_messages_sent:").Append(stats.FramesSent).Append("\r\n");
        for (int type = 0; type < 256; type++)
        {
            long count = stats.ReceivedOf((MessageType)type);
            if (count > 0) text.Append("cluster_stats_messages_").Append(TypeName((MessageType)type)).Append("_received:").Append(count).Append("\r\n");
        }
        text.Append("cluster_stats_messages_received:").Append(stats.FramesReceived).Append("\r\n");
    }

    /// <summary>A message type's name in the counters: Redis's where the meaning matches, else FastNode's in kebab case.</summary>
    public static string TypeName(MessageType type) => type switch
    {
        MessageType.Ping => "ping",
        MessageType.Ack => "pong",
        MessageType.PingRequest => "ping-req",
        MessageType.FailoverAuthRequest => "auth-req",
        MessageType.FailoverAuthAck => "auth-ack",
        MessageType.Publish => "publish",
        MessageType.ManualFailoverStart => "mfstart",
        _ => KebabCase(type),
    };

    private static string KebabCase(MessageType type)
    {
        string? name = Enum.GetName(type);
        if (name is null) return "type" + ((int)type).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        foreach (char c in name)
        {
            if (char.IsUpper(c) && text.Length > 0) text.Append('-');
            text.Append(char.ToLowerInvariant(c));
        }
        return text.ToString();
    }
}
