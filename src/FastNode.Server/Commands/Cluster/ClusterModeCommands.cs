using System.Globalization;
using System.Net;
using System.Text;
using FastNode.Cluster.Config;
using FastNode.Cluster.Nodes;
using FastNode.Cluster.Routing;
using FastNode.Cluster.State;
using FastNode.Protocol;
using FastNode.Server.Cluster;
using FastNode.Server.Storage;

namespace FastNode.Server.Commands.Cluster;

/// <summary>
/// CLUSTER subcommands, READONLY, READWRITE and ASKING with cluster-enabled yes, in Redis 7.0's reply formats and error
/// texts. Without cluster mode each answers as a standalone Redis does (<see cref="Server.ClusterCommands.Disabled"/>).
/// Readers use the view the cluster thread published; commands that change configuration run on that thread
/// (<see cref="ClusterHost.Invoke{T}"/>) and wait for it.
/// </summary>
public static class ClusterModeCommands
{
    public static void Info(ref CommandContext ctx)
    {
        if (!Enabled(ref ctx, out var cluster)) return;
        var snapshot = cluster.View.Snapshot;
        int assigned = 0, pfail = 0, fail = 0;
        for (int slot = 0; slot < KeySlot.SlotCount; slot++)
        {
            var owner = snapshot.Slots.Owner(slot);
            if (owner.IsNone) continue;
            assigned++;
            var flags = snapshot.Find(owner)?.Flags ?? NodeFlags.None;
            if ((flags & NodeFlags.Fail) != 0) fail++;
            else if ((flags & NodeFlags.PFail) != 0) pfail++;
        }
        var myself = snapshot.Myself.Config;
        long myEpoch = myself.IsPrimary ? myself.ConfigEpoch : snapshot.Find(myself.PrimaryId)?.Config.ConfigEpoch ?? myself.ConfigEpoch;
        var text = new StringBuilder()
            .Append("cluster_state:").Append(snapshot.Health == ClusterHealth.Ok ? "ok" : "fail").Append("\r\n")
            .Append("cluster_slots_assigned:").Append(assigned).Append("\r\n")
            .Append("cluster_slots_ok:").Append(assigned - pfail - fail).Append("\r\n")
            .Append("cluster_slots_pfail:").Append(pfail).Append("\r\n")
            .Append("cluster_slots_fail:").Append(fail).Append("\r\n")
            .Append("cluster_known_nodes:").Append(snapshot.Nodes.Count).Append("\r\n")
            .Append("cluster_size:").Append(snapshot.Size).Append("\r\n")
            .Append("cluster_current_epoch:").Append(snapshot.CurrentEpoch).Append("\r\n")
            .Append("cluster_my_epoch:").Append(myEpoch).Append("\r\n");
        ClusterBusCommands.AppendMessageStats(text, cluster.Stats);
        text.Append("total_cluster_links_buffer_limit_exceeded:0\r\n");
        ctx.Writer.WriteVerbatim("txt"u8, Encoding.ASCII.GetBytes(text.ToString()));
    }

    public static void MyId(ref CommandContext ctx)
    {
        if (!Enabled(ref ctx, out var cluster)) return;
        ctx.Writer.WriteBulkString(cluster.View.MyId.ToString());
    }

    public static void Nodes(ref CommandContext ctx)
    {
        if (!Enabled(ref ctx, out var cluster)) return;
        ctx.Writer.WriteVerbatim("txt"u8, Encoding.UTF8.GetBytes(NodesText(cluster.View.Snapshot)));
    }

    /// <summary>CLUSTER NODES: nodes.conf's line format with the slots each node owns here, without 7.2's shard-id.</summary>
    public static string NodesText(ClusterSnapshot snapshot)
    {
        var text = new StringBuilder();
        foreach (var node in snapshot.Nodes)
        {
            var line = NodesConfMapping.WithMigrations(NodesConfMapping.ToLine(node), snapshot) with { Slots = node.OwnedSlots, ShardId = NodeId.None };
            text.Append(NodesConfFile.FormatLine(line)).Append('\n');
        }
        return text.ToString();
    }

    public static void Slots(ref CommandContext ctx)
    {
        if (!Enabled(ref ctx, out var cluster)) return;
        var snapshot = cluster.View.Snapshot;
        var ranges = new List<(int First, int Last, ClusterNodeView Owner)>();
        for (int slot = 0; slot < KeySlot.SlotCount;)
        {
            var owner = snapshot.Slots.Owner(slot);
            int last = slot;
            while (last + 1 < KeySlot.SlotCount && snapshot.Slots.Owner(last + 1) == owner) last++;
            if (!owner.IsNone && snapshot.Find(owner) is { } view) ranges.Add((slot, last, view));
            slot = last + 1;
        }
        ref var w = ref ctx.Writer;
        w.WriteArrayHeader(ranges.Count);
        foreach (var (first, last, owner) in ranges)
        {
            var replicas = ReplicasOf(snapshot, owner.Id, skipFailed: true);
            w.WriteArrayHeader(3 + replicas.Count);
            w.WriteInteger(first);
            w.WriteInteger(last);
            WriteSlotsNode(ref w, owner, cluster.PreferredEndpointType);
            foreach (var replica in replicas) WriteSlotsNode(ref w, replica, cluster.PreferredEndpointType);
        }
    }

    public static void Shards(ref CommandContext ctx)
    {
        if (!Enabled(ref ctx, out var cluster)) return;
        var snapshot = cluster.View.Snapshot;
        var offsets = cluster.Invoke(node => node.ReplicationOffsets());
        var primaries = snapshot.Nodes.Where(n => n.IsPrimary).ToList();
        ref var w = ref ctx.Writer;
        w.WriteArrayHeader(primaries.Count);
        foreach (var primary in primaries)
        {
            w.WriteMapHeader(2);
            w.WriteBulkString("slots"u8);
            var ranges = primary.OwnedSlots.Ranges();
            w.WriteArrayHeader(ranges.Count * 2);
            foreach (var (first, last) in ranges)
            {
                w.WriteInteger(first);
                w.WriteInteger(last);
            }
            w.WriteBulkString("nodes"u8);
            var replicas = ReplicasOf(snapshot, primary.Id, skipFailed: false);
            w.WriteArrayHeader(1 + replicas.Count);
            WriteShardNode(ref w, primary, offsets.GetValueOrDefault(primary.Id), cluster);
            foreach (var replica in replicas) WriteShardNode(ref w, replica, offsets.GetValueOrDefault(replica.Id), cluster);
        }
    }

    public static void KeySlotOf(ref CommandContext ctx)
    {
        if (!Enabled(ref ctx, out _)) return;
        ctx.Writer.WriteInteger(KeySlot.Of(ctx.Args[2]));
    }

    /// <summary>CLUSTER COUNTKEYSINSLOT: one read of database 0's per-slot key index.</summary>
    public static void CountKeysInSlot(ref CommandContext ctx)
    {
        if (!Enabled(ref ctx, out _)) return;
        if (!Numbers.TryParseInt64(ctx.Args[2], out long slot))
        {
            ctx.Writer.WriteError(RespErrors.NotInteger);
            return;
        }
        if (slot is < 0 or >= KeySlot.SlotCount)
        {
            ctx.Writer.WriteError("ERR Invalid slot");
            return;
        }
        ctx.Writer.WriteInteger(ctx.Server.Database(0).SlotKeys!.Count((int)slot));
    }

    /// <summary>CLUSTER GETKEYSINSLOT: from database 0's per-slot key index (keys past their TTL included until deleted, as in Redis).</summary>
    public static void GetKeysInSlot(ref CommandContext ctx)
    {
        if (!Enabled(ref ctx, out _)) return;
        if (!Numbers.TryParseInt64(ctx.Args[2], out long slot) || !Numbers.TryParseInt64(ctx.Args[3], out long count))
        {
            ctx.Writer.WriteError(RespErrors.NotInteger);
            return;
        }
        if (count < 0 || slot is < 0 or >= KeySlot.SlotCount)
        {
            ctx.Writer.WriteError("ERR Invalid slot or number of keys");
            return;
        }
        var keys = ctx.Server.Database(0).SlotKeys!.Keys((int)slot, (int)Math.Min(count, int.MaxValue));
        ctx.Writer.WriteArrayHeader(keys.Count);
        foreach (var key in keys) ctx.Writer.WriteBulkString(key);
    }

    public static void AddSlots(ref CommandContext ctx) => ChangeSlots(ref ctx, add: true, ranges: false);

    public static void AddSlotsRange(ref CommandContext ctx) => ChangeSlots(ref ctx, add: true, ranges: true);

    public static void DelSlots(ref CommandContext ctx) => ChangeSlots(ref ctx, add: false, ranges: false);

    public static void DelSlotsRange(ref CommandContext ctx) => ChangeSlots(ref ctx, add: false, ranges: true);

    /// <summary>
    /// ADDSLOTS / ADDSLOTSRANGE / DELSLOTS / DELSLOTSRANGE with Redis's checks in its order: every argument parsed, then
    /// every slot checked (busy or unassigned, named twice), then the change. DELSLOTS of a slot another node owns
    /// changes nothing here (only a node itself changes its claims in FastNode's gossip).
    /// </summary>
    private static void ChangeSlots(ref CommandContext ctx, bool add, bool ranges)
    {
        if (!Enabled(ref ctx, out var cluster)) return;
        var args = ctx.Args;
        if (ranges && args.Count % 2 == 1)
        {
            ctx.Writer.WriteError(ErrorText.WrongArity(ctx.Command.FullName));
            return;
        }
        var bounds = new List<(int First, int Last)>();
        for (int i = 2; i < args.Count; i += ranges ? 2 : 1)
        {
            if (!TryParseSlot(args[i], out int first) || !TryParseSlot(args[ranges ? i + 1 : i], out int last))
            {
                ctx.Writer.WriteError("ERR Invalid or out of range slot");
                return;
            }
            if (first > last)
            {
                ctx.Writer.WriteError($"ERR start slot number {first} is greater than end slot number {last}");
                return;
            }
            bounds.Add((first, last));
        }
        var map = cluster.View.Slots;
        var seen = new bool[KeySlot.SlotCount];
        foreach (var (first, last) in bounds)
        {
            for (int slot = first; slot <= last; slot++)
            {
                if (add && map.IsAssigned(slot))
                {
                    ctx.Writer.WriteError($"ERR Slot {slot} is already busy");
                    return;
                }
                if (!add && !map.IsAssigned(slot))
                {
                    ctx.Writer.WriteError($"ERR Slot {slot} is already unassigned");
                    return;
                }
                if (seen[slot])
                {
                    ctx.Writer.WriteError($"ERR Slot {slot} specified multiple times");
                    return;
                }
                seen[slot] = true;
            }
        }
        var slots = SlotSet.FromSlots(Enumerable.Range(0, KeySlot.SlotCount).Where(s => seen[s]));
        cluster.Invoke(node =>
        {
            if (add) node.AddSlots(slots);
            else node.RemoveSlots(slots);
            return true;
        });
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    /// <summary>CLUSTER MEET ip port [cluster-bus-port]: the bus port defaults to port + 10000, as in Redis.</summary>
    public static void Meet(ref CommandContext ctx)
    {
        if (!Enabled(ref ctx, out var cluster)) return;
        var args = ctx.Args;
        if (args.Count > 5)
        {
            // Redis 7.0 answers its generic subcommand error here, not the arity one.
            ctx.Writer.WriteError(ErrorText.SubcommandSyntax(args[0], args[1]));
            return;
        }
        string ip = ErrorText.Text(args[2]);
        string portText = ErrorText.Text(args[3]);
        if (!Numbers.TryParseInt64(args[3], out long port))
        {
            ctx.Writer.WriteError($"ERR Invalid TCP base port specified: {portText}");
            return;
        }
        long busPort = port + 10000;
        if (args.Count == 5 && !Numbers.TryParseInt64(args[4], out busPort))
        {
            ctx.Writer.WriteError($"ERR Invalid TCP bus port specified: {ErrorText.Text(args[4])}");
            return;
        }
        if (!IPAddress.TryParse(ip, out var address) || port is <= 0 or > 65535 || busPort is <= 0 or > 65535
            || (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && ip.Count(c => c == '.') != 3))
        {
            ctx.Writer.WriteError($"ERR Invalid node address specified: {ip}:{portText}");
            return;
        }
        var endpoint = new BusEndpoint(address.ToString(), (int)busPort);
        cluster.Invoke(node =>
        {
            node.Meet(endpoint);
            return true;
        });
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    /// <summary>
    /// CLUSTER REPLICATE node-id: the node takes the replica role in the cluster configuration, and replication follows
    /// it (<see cref="ReplicationFollower"/>: a full or partial sync from that primary, as REPLICAOF).
    /// </summary>
    public static void Replicate(ref CommandContext ctx)
    {
        if (!Enabled(ref ctx, out var cluster)) return;
        string text = ErrorText.Text(ctx.Args[2]);
        var snapshot = cluster.View.Snapshot;
        if (!NodeId.TryParse(text, out var id) || snapshot.Find(id) is not { } target)
        {
            ctx.Writer.WriteError($"ERR Unknown node {text}");
            return;
        }
        if (id == snapshot.MyId)
        {
            ctx.Writer.WriteError("ERR Can't replicate myself");
            return;
        }
        if (!target.IsPrimary)
        {
            ctx.Writer.WriteError("ERR I can only replicate a master, not a replica.");
            return;
        }
        var myself = snapshot.Myself;
        if (myself.IsPrimary && (!myself.Config.Slots.IsEmpty || DatabaseSize(ctx.Server) != 0))
        {
            ctx.Writer.WriteError("ERR To set a master the node must be empty and without assigned slots.");
            return;
        }
        if (!cluster.Invoke(node => node.TryReplicate(id)))
        {
            ctx.Writer.WriteError($"ERR Unknown node {text}");
            return;
        }
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    /// <summary>CLUSTER SET-CONFIG-EPOCH (redis-cli --cluster create gives each new primary its own epoch).</summary>
    public static void SetConfigEpoch(ref CommandContext ctx)
    {
        if (!Enabled(ref ctx, out var cluster)) return;
        if (!Numbers.TryParseInt64(ctx.Args[2], out long epoch))
        {
            ctx.Writer.WriteError(RespErrors.NotInteger);
            return;
        }
        var snapshot = cluster.View.Snapshot;
        if (epoch < 0) ctx.Writer.WriteError($"ERR Invalid config epoch specified: {epoch}");
        else if (snapshot.Nodes.Count > 1) ctx.Writer.WriteError("ERR The user can assign a config epoch only when the node does not know any other node.");
        else if (snapshot.Myself.Config.ConfigEpoch != 0) ctx.Writer.WriteError("ERR Node config epoch is already non-zero");
        else
        {
            cluster.Invoke(node =>
            {
                node.SetConfigEpoch(epoch);
                return true;
            });
            ctx.Writer.WriteRaw(RespReplies.Ok);
        }
    }

    public static void SaveConfig(ref CommandContext ctx)
    {
        if (!Enabled(ref ctx, out var cluster)) return;
        if (cluster.SaveNow() is { } error)
        {
            ctx.Writer.WriteError($"ERR error saving the cluster node config: {error}");
            return;
        }
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    public static void ReadOnly(ref CommandContext ctx)
    {
        if (!Enabled(ref ctx, out _)) return;
        ctx.Session.ClusterReadOnly = true;
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    public static void ReadWrite(ref CommandContext ctx)
    {
        if (!Enabled(ref ctx, out _)) return;
        ctx.Session.ClusterReadOnly = false;
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    public static void Asking(ref CommandContext ctx)
    {
        if (!Enabled(ref ctx, out _)) return;
        // Queued inside MULTI it runs at EXEC, and Redis clears the flag right after EXEC anyway.
        if (!ctx.Session.InExec) ctx.Session.Asking = true;
        ctx.Writer.WriteRaw(RespReplies.Ok);
    }

    /// <summary>A subcommand FastNode does not implement in cluster mode yet answers as an unknown one.</summary>
    public static void NotYet(ref CommandContext ctx)
    {
        if (!Enabled(ref ctx, out _)) return;
        ctx.Writer.WriteError(ErrorText.UnknownSubcommand(ctx.Args));
    }

    private static bool Enabled(ref CommandContext ctx, out ClusterHost cluster)
    {
        cluster = ctx.Server.Cluster!;
        if (cluster is not null) return true;
        ctx.Writer.WriteError(RespErrors.ClusterDisabled);
        return false;
    }

    private static bool TryParseSlot(ReadOnlySpan<byte> text, out int slot)
    {
        slot = 0;
        if (!Numbers.TryParseInt64(text, out long value) || value is < 0 or >= KeySlot.SlotCount) return false;
        slot = (int)value;
        return true;
    }

    private static long DatabaseSize(ServerState server)
    {
        long keys = 0;
        for (int i = 0; i < server.DatabaseCount; i++) keys += server.Database(i).Count();
        return keys;
    }

    private static List<ClusterNodeView> ReplicasOf(ClusterSnapshot snapshot, NodeId primary, bool skipFailed) =>
        snapshot.Nodes.Where(n => !n.IsPrimary && n.Config.PrimaryId == primary
            && (!skipFailed || (n.Flags & NodeFlags.Fail) == 0)).ToList();

    // CLUSTER SLOTS node: the preferred endpoint (null for unknown-endpoint), port, id, and a map of the endpoints that
    // are not the preferred one (the ip, the hostname when one is announced), as Redis 7.0's addNodeToNodeReply.
    private static void WriteSlotsNode(ref RespWriter w, ClusterNodeView node, string endpointType)
    {
        var address = node.Config.Address;
        w.WriteArrayHeader(4);
        if (endpointType == "unknown-endpoint") w.WriteNullBulk();
        else w.WriteBulkString(ClusterEndpoints.Preferred(address, endpointType));
        w.WriteInteger(address.Port);
        w.WriteBulkString(node.Id.ToString());
        bool ip = endpointType != "ip", hostname = endpointType != "hostname" && address.Hostname.Length > 0;
        w.WriteMapHeader((ip ? 1 : 0) + (hostname ? 1 : 0));
        if (ip)
        {
            w.WriteBulkString("ip"u8);
            w.WriteBulkString(address.Ip);
        }
        if (hostname)
        {
            w.WriteBulkString("hostname"u8);
            w.WriteBulkString(address.Hostname);
        }
    }

    // CLUSTER SHARDS node, with Redis 7.0's health: failed, loading (a replica at offset 0), online.
    // Under tls-cluster the announced port is the TLS port ("tls-port"); "port" is the plaintext one, known for this
    // node only (the bus does not carry other nodes' plaintext ports).
    private static void WriteShardNode(ref RespWriter w, ClusterNodeView node, long offset, FastNode.Server.Cluster.ClusterHost cluster)
    {
        string endpointType = cluster.PreferredEndpointType;
        var address = node.Config.Address;
        bool hostname = address.Hostname.Length > 0;
        bool tls = cluster.TlsCluster;
        int plainPort = !tls ? address.Port : node.Id == cluster.View.MyId ? cluster.PlainPort : 0;
        w.WriteMapHeader((hostname ? 8 : 7) + (tls ? 1 : 0) - (plainPort == 0 ? 1 : 0));
        w.WriteBulkString("id"u8);
        w.WriteBulkString(node.Id.ToString());
        if (plainPort != 0)
        {
            w.WriteBulkString("port"u8);
            w.WriteInteger(plainPort);
        }
        if (tls)
        {
            w.WriteBulkString("tls-port"u8);
            w.WriteInteger(address.Port);
        }
        w.WriteBulkString("ip"u8);
        w.WriteBulkString(address.Ip);
        w.WriteBulkString("endpoint"u8);
        w.WriteBulkString(ClusterEndpoints.Preferred(address, endpointType));
        if (hostname)
        {
            w.WriteBulkString("hostname"u8);
            w.WriteBulkString(address.Hostname);
        }
        w.WriteBulkString("role"u8);
        w.WriteBulkString(node.IsPrimary ? "master"u8 : "replica"u8);
        w.WriteBulkString("replication-offset"u8);
        w.WriteInteger(offset);
        w.WriteBulkString("health"u8);
        w.WriteBulkString((node.Flags & NodeFlags.Fail) != 0 ? "failed"u8 : !node.IsPrimary && offset == 0 ? "loading"u8 : "online"u8);
    }
}
