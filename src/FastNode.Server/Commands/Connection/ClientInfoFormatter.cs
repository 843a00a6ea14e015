using System.Globalization;
using System.Text;
using FastNode.Protocol;
using FastNode.Server.Sessions;

namespace FastNode.Server.Commands.Connection;

/// <summary>
/// One CLIENT LIST / CLIENT INFO line, with Redis 7.0's fields in Redis's order (checked against redis-server by
/// ClientListDifferentialTests). Where FastNode's buffers differ from Redis's, each field reports its closest true
/// counterpart:
/// - fd: the socket's descriptor (-1 for connections without a socket).
/// - qbuf: bytes received but not parsed yet (waiting in the input pipe or in the reader's carry-over buffer); the
///   client's own batch counts while it runs, as Redis counts the request being served. qbuf-free: the free room in
///   the carry-over buffer (0 when a client has none: requests are parsed in place from the pipe).
/// - argv-mem: the arguments of the command running now, which only the client asking can be in the middle of.
///   multi-mem: commands queued since MULTI (argument bytes plus 8 per argument, as Redis counts).
/// - obl and rbs: reply bytes in the output pipe not yet sent (FastNode has no fixed reply buffer besides it); rbp: the
///   largest output buffer since the cron's last sample. oll: queued pub/sub messages; omem: the output buffer as
///   client-output-buffer-limit counts it (unsent replies plus queued messages).
/// - tot-mem: <see cref="FastNode.Server.Memory.ClientMemory.Of"/>, the figure client eviction uses (the running command's arguments are slices of the query buffer,
///   so argv-mem is already in it).
/// Cold path: builds strings.
/// </summary>
public static class ClientInfoFormatter
{
    /// <summary>The line of <paramref name="client"/> as seen from the command in <paramref name="ctx"/>.</summary>
    public static void Append(StringBuilder sb, ClientSession client, scoped ref CommandContext ctx) =>
        Append(sb, client, ctx.Server, ctx.NowMs, ReferenceEquals(client, ctx.Session) ? ArgumentBytes(ctx.Args) : 0);

    /// <summary>The line with a known argv-mem (ACL LOG's client-info is written outside a command's context).</summary>
    public static void Append(StringBuilder sb, ClientSession client, ServerState server, long nowMs, long argvMem)
    {
        var inv = CultureInfo.InvariantCulture;
        var pubsub = client.PubSub;
        long omem = client.OutputBufferUsage();
        long piped = client.PipedOutput;
        sb.Append("id=").Append(client.Id.ToString(inv))
          .Append(" addr=").Append(client.RemoteAddress)
          .Append(" laddr=").Append(client.LocalAddress)
          .Append(" fd=").Append(client.Fd.ToString(inv))
          .Append(" name=").Append(client.Name)
          .Append(" age=").Append(Math.Max(0, (nowMs - client.CreatedAtMs) / 1000).ToString(inv))
          .Append(" idle=").Append(Math.Max(0, (nowMs - client.LastInteractionMs) / 1000).ToString(inv))
          .Append(" flags=").Append(Flags(client, server))
          .Append(" db=").Append(client.DbIndex.ToString(inv))
          .Append(" sub=").Append((pubsub?.ChannelCount ?? 0).ToString(inv))
          .Append(" psub=").Append((pubsub?.PatternCount ?? 0).ToString(inv))
          .Append(" ssub=").Append((pubsub?.ShardChannelCount ?? 0).ToString(inv))
          .Append(" multi=").Append((client.Multi?.Count ?? -1).ToString(inv))
          .Append(" qbuf=").Append(client.UnparsedInput.ToString(inv))
          .Append(" qbuf-free=").Append(client.QueryBufferFree.ToString(inv))
          .Append(" argv-mem=").Append(argvMem.ToString(inv))
          .Append(" multi-mem=").Append(client.QueuedCommandBytes().ToString(inv))
          .Append(" rbs=").Append(piped.ToString(inv))
          .Append(" rbp=").Append(Volatile.Read(ref client.PeakOutput).ToString(inv))
          .Append(" obl=").Append(piped.ToString(inv))
          .Append(" oll=").Append((pubsub?.QueuedCount ?? 0).ToString(inv))
          .Append(" omem=").Append(omem.ToString(inv))
          .Append(" tot-mem=").Append(FastNode.Server.Memory.ClientMemory.Of(client).ToString(inv))
          .Append(" events=").Append(piped > 0 ? "rw" : "r")
          .Append(" cmd=").Append(client.LastCommand)
          .Append(" user=").Append(UserName(client))
          .Append(" redir=").Append((client.Tracking?.RedirectId ?? -1).ToString(inv))
          .Append(" resp=").Append(client.Protocol.ToString(inv))
          .Append('\n');
    }

    /// <summary>
    /// The name of the ACL user the client is authenticated as (CLIENT LIST user=); a session that never
    /// authenticated is the default user's.
    /// </summary>
    private static string UserName(ClientSession client) => client.User?.Name ?? "default";

    /// <summary>Redis's argv-mem: the bytes of the arguments (the command name included).</summary>
    private static long ArgumentBytes(CommandArgs args)
    {
        long total = 0;
        for (int i = 0; i < args.Count; i++) total += args[i].Length;
        return total;
    }

    /// <summary>Redis's one-letter client flags, in its order; "N" when none applies.</summary>
    private static string Flags(ClientSession client, ServerState server)
    {
        var flags = new StringBuilder(4);
        if (client.Replica is not null) flags.Append('S');   // Redis: a replica's connection
        else if (server.Monitoring.Monitors.Contains(client)) flags.Append('O');   // Redis: a MONITOR client
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
        if (client.ClusterReadOnly) flags.Append('r');       // Redis: READONLY in cluster mode
        if (client.NoEvict) flags.Append('e');
        return flags.Length == 0 ? "N" : flags.ToString();
    }
}
