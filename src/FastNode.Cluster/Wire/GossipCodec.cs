using FastNode.Cluster.Nodes;

namespace FastNode.Cluster.Wire;

/// <summary>
/// Gossip items on the wire: kind (u8), body length (u16), body. The length lets a reader skip a kind added by a
/// later minor revision. A list is a u16 count followed by items.
/// </summary>
public static class GossipCodec
{
    public static byte[] Encode(GossipItem item)
    {
        var w = new WireWriter(64);
        w.U8((byte)item.Kind);
        w.U16(0);
        w.Id(item.Subject);
        w.I64(item.Incarnation);
        switch (item)
        {
            case AliveItem alive: NodeConfigCodec.Write(w, alive.Config); break;
            case SuspectItem suspect: w.Id(suspect.Accuser); break;
            case DeadItem dead: w.Id(dead.Declarer); break;
            case LeftItem: break;
            default: throw new InvalidOperationException($"no encoding for {item.GetType().Name}");
        }
        byte[] bytes = w.ToArray();
        int body = bytes.Length - 3;
        if (body > ushort.MaxValue) throw new InvalidOperationException("gossip item over 64 KB");
        bytes[1] = (byte)body;
        bytes[2] = (byte)(body >> 8);
        return bytes;
    }

    public static void WriteList(WireWriter writer, IReadOnlyList<GossipItem> items)
    {
        writer.U16((ushort)items.Count);
        foreach (var item in items) writer.Bytes(item.Encoded);
    }

    public static bool TryReadList(ref WireReader reader, FrameLimits limits, out List<GossipItem> items,
        out FrameRejection rejection)
    {
        items = [];
        rejection = FrameRejection.MalformedPayload;
        if (!reader.TryU16(out ushort count)) return false;
        if (count > limits.MaxGossipItems)
        {
            rejection = FrameRejection.LimitExceeded;
            return false;
        }
        for (int i = 0; i < count; i++)
        {
            if (!reader.TryU8(out byte kind) || !reader.TryU16(out ushort length) || !reader.TryBytes(length, out var body))
            {
                return false;
            }
            var bodyReader = new WireReader(body);
            if (!TryReadBody((GossipKind)kind, ref bodyReader, limits, out var item, out bool known)) return false;
            if (!known) continue;
            if (!bodyReader.AtEnd) return false;
            items.Add(item!);
        }
        rejection = FrameRejection.None;
        return true;
    }

    private static bool TryReadBody(GossipKind kind, ref WireReader reader, FrameLimits limits, out GossipItem? item,
        out bool known)
    {
        item = null;
        known = kind is GossipKind.Alive or GossipKind.Suspect or GossipKind.Dead or GossipKind.Left;
        if (!known) return true;
        if (!reader.TryId(out var subject) || !reader.TryCount64(out long incarnation)) return false;
        NodeId other;
        switch (kind)
        {
            case GossipKind.Alive:
                if (!NodeConfigCodec.TryRead(ref reader, limits, out var config)) return false;
                item = new AliveItem(subject, incarnation, config!);
                return true;
            case GossipKind.Suspect:
                if (!reader.TryId(out other)) return false;
                item = new SuspectItem(subject, incarnation, other);
                return true;
            case GossipKind.Dead:
                if (!reader.TryId(out other)) return false;
                item = new DeadItem(subject, incarnation, other);
                return true;
            default:
                item = new LeftItem(subject, incarnation);
                return true;
        }
    }
}
