using System.Globalization;
using System.Text;
using FastNode.Server.Sessions;

namespace FastNode.Server.Commands.Connection;

/// <summary>
/// One CLIENT LIST / CLIENT INFO line, with Redis 7.0's fields in Redis's order. FastNode does not keep per-client
/// query buffers the way Redis does (requests are parsed in place from the socket pipe), so those fields report 0;
/// omem (and tot-mem) is the output buffer as client-output-buffer-limit counts it (unsent replies plus queued
/// pub/sub messages), oll the queued messages; fd is -1 (the socket handle is not exposed). Cold path: builds strings.
/// </summary>
public static class ClientInfoFormatter
{
    public static void Append(StringBuilder sb, ClientSession client, long nowMs)
    {
        var inv = CultureInfo.InvariantCulture;
        var pubsub = client.PubSub;
        long omem = client.OutputBufferUsage();
        sb.Append("id=").Append(client.Id.ToString(inv))
          .Append(" addr=").Append(client.RemoteAddress)
          .Append(" laddr=").Append(client.LocalAddress)
          .Append(" fd=-1")
          .Append(" name=").Append(client.Name)
          .Append(" age=").Append(Math.Max(0, (nowMs - client.CreatedAtMs) / 1000).ToString(inv))
          .Append(" idle=").Append(Math.Max(0, (nowMs - client.LastInteractionMs) / 1000).ToString(inv))
          .Append(" flags=").Append(Flags(client))
          .Append(" db=").Append(client.DbIndex.ToString(inv))
          .Append(" sub=").Append((pubsub?.ChannelCount ?? 0).ToString(inv))
          .Append(" psub=").Append((pubsub?.PatternCount ?? 0).ToString(inv))
          .Append(" ssub=").Append((pubsub?.ShardChannelCount ?? 0).ToString(inv))
          .Append(" multi=").Append((client.Multi?.Count ?? -1).ToString(inv))
          .Append(" qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0")
          .Append(" oll=").Append((pubsub?.QueuedCount ?? 0).ToString(inv))
          .Append(" omem=").Append(omem.ToString(inv))
          .Append(" tot-mem=").Append(FastNode.Server.Memory.ClientMemory.Of(client).ToString(inv))
          .Append(" events=r")
          .Append(" cmd=").Append(client.LastCommand)
          .Append(" user=default redir=").Append((client.Tracking?.RedirectId ?? -1).ToString(inv))
          .Append(" resp=").Append(client.Protocol.ToString(inv))
          .Append('\n');
    }

    /// <summary>Redis's one-letter client flags, in its order; "N" when none applies.</summary>
    private static string Flags(ClientSession client)
    {
        var flags = new StringBuilder(4);
        if (client.Replica is not null) flags.Append('S');   // Redis: a replica's connection
        if (client.IsMasterLink) flags.Append('M');          // Redis: this server's link to its primary
        if (client.PubSub is { Active: true }) flags.Append('P');
        if (client.Multi is not null) flags.Append('x');
        if (client.PendingBlock is not null) flags.Append('b');
        if (client.Tracking is { } tracking)
        {
            flags.Append('t');
            if (tracking.BrokenRedirect) flags.Append('R');
            if (tracking.Bcast) flags.Append('B');
        }
        if (client.WatchInvalidated) flags.Append('d');
        if (client.CloseAfterReply) flags.Append('c');
        if (client.NoEvict) flags.Append('e');
        return flags.Length == 0 ? "N" : flags.ToString();
    }
}
