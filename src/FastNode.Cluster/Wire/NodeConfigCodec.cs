using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.Wire;

/// <summary>
/// A node config on the wire: ip, port, bus port, hostname, role, primary id, shard id, configEpoch, flags, slots.
/// </summary>
public static class NodeConfigCodec
{
    private const byte NoFailoverFlag = 1;

    public static void Write(WireWriter writer, NodeConfig config)
    {
        writer.Text(config.Address.Ip);
        writer.U16((ushort)config.Address.Port);
        writer.U16((ushort)config.Address.BusPort);
        writer.Text(config.Address.Hostname);
        writer.U8((byte)config.Role);
        writer.Id(config.PrimaryId);
        writer.Id(config.ShardId);
        writer.I64(config.ConfigEpoch);
        writer.U8(config.NoFailover ? NoFailoverFlag : (byte)0);
        SlotSetCodec.Write(writer, config.Slots);
    }

    public static bool TryRead(ref WireReader reader, FrameLimits limits, out NodeConfig? config)
    {
        config = null;
        if (!reader.TryText(out string ip) || !reader.TryU16(out ushort port) || !reader.TryU16(out ushort busPort)
            || !reader.TryText(out string hostname) || !reader.TryU8(out byte role) || role > (byte)NodeRole.Replica
            || !reader.TryId(out var primaryId) || !reader.TryId(out var shardId)
            || !reader.TryCount64(out long configEpoch) || !reader.TryU8(out byte flags)
            || !SlotSetCodec.TryRead(ref reader, limits, out var slots))
        {
            return false;
        }
        config = new NodeConfig
        {
            Address = new NodeAddress(ip, port, busPort, hostname),
            Role = (NodeRole)role,
            PrimaryId = primaryId,
            ShardId = shardId,
            ConfigEpoch = configEpoch,
            NoFailover = (flags & NoFailoverFlag) != 0,
            Slots = slots,
        };
        return true;
    }
}
