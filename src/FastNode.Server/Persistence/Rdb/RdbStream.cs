using FastNode.Server.Storage.Streams;

namespace FastNode.Server.Persistence.Rdb;

/// <summary>
/// Streams in RDB files and DUMP payloads, as Redis 7.0 writes them (RDB_TYPE_STREAM_LISTPACKS_2): the nodes (master
/// ID as a 16-byte big-endian string, then the listpack as it is in memory), the length, last / first / largest
/// deleted IDs and entries added, then each group (name, last ID, entries read, PEL with delivery times and counts,
/// consumers with their seen time and the IDs they own). Reads also Redis 5-6's type 15 (without the 7.0 fields,
/// which are then worked out as Redis does) and 7.2's type 21 (consumers with an active time, ignored).
/// </summary>
public static class RdbStream
{
    public static void Write(RdbBuffer b, StreamValue s)
    {
        b.WriteLength((ulong)s.NodeCount);
        Span<byte> key = stackalloc byte[16];
        for (int i = 0; i < s.NodeCount; i++)
        {
            var node = s.NodeAt(i);
            node.Master.WriteBigEndian(key);
            b.WriteString(key);
            b.WriteString(node.Listpack.AsSpan(0, node.UsedBytes));
        }
        b.WriteLength((ulong)s.Length);
        WriteId(b, s.LastId);
        WriteId(b, s.FirstId);
        WriteId(b, s.MaxDeletedId);
        b.WriteLength((ulong)s.EntriesAdded);
        b.WriteLength((ulong)s.GroupCount);
        for (int i = 0; i < s.GroupCount; i++)
        {
            var g = s.GroupAt(i);
            b.WriteString(g.Name);
            WriteId(b, g.LastId);
            b.WriteLength(unchecked((ulong)g.EntriesRead));
            b.WriteLength((ulong)g.Pending.Count);
            foreach (var e in g.Pending)
            {
                e.Id.WriteBigEndian(b.GetSpan(16));
                b.Advance(16);
                b.WriteInt64LittleEndian(e.DeliveryTime);
                b.WriteLength((ulong)e.DeliveryCount);
            }
            b.WriteLength((ulong)g.Consumers.Count);
            foreach (var c in g.Consumers)
            {
                b.WriteString(c.Name);
                b.WriteInt64LittleEndian(c.SeenTime);
                b.WriteLength((ulong)c.Pending.Count);
                foreach (var e in c.Pending)
                {
                    e.Id.WriteBigEndian(b.GetSpan(16));
                    b.Advance(16);
                }
            }
        }
    }

    private static void WriteId(RdbBuffer b, StreamId id)
    {
        b.WriteLength(id.Ms);
        b.WriteLength(id.Seq);
    }

    private static StreamId ReadId(RdbReader r) => new(r.ReadLength(), r.ReadLength());

    public static StreamValue Read(RdbReader r, byte type, string key)
    {
        var s = new StreamValue();
        int nodes = r.ReadCount("stream node");
        for (int i = 0; i < nodes; i++)
        {
            var master = r.ReadString();
            if (master.Length != 16) r.Fail($"stream node key of {master.Length} bytes in key '{key}'");
            var lp = r.ReadString();
            if (StreamListpack.Validate(lp) < 0) r.Fail($"invalid stream listpack in key '{key}'");
            var node = new StreamNode(StreamId.ReadBigEndian(master), lp);
            if (s.NodeCount > 0 && node.Master <= s.NodeAt(s.NodeCount - 1).Master) r.Fail($"stream nodes out of order in key '{key}'");
            if (node.Validate() < 0) r.Fail($"invalid stream node in key '{key}'");
            s.AddNode(node);
        }
        s.Length = (long)r.ReadLength();
        s.LastId = ReadId(r);
        if (type >= RdbType.StreamListpacks2)
        {
            s.FirstId = ReadId(r);
            s.MaxDeletedId = ReadId(r);
            s.EntriesAdded = (long)r.ReadLength();
        }
        else
        {
            s.FirstId = s.Length > 0 ? s.EdgeId(first: true, skipTombstones: true) : StreamId.Min;
            s.EntriesAdded = s.Length;
        }
        long live = 0;
        for (int i = 0; i < s.NodeCount; i++) live += s.NodeAt(i).Live;
        if (live != s.Length) r.Fail($"stream length {s.Length} does not match its entries in key '{key}'");
        if (s.NodeCount > 0 && s.EdgeId(first: false, skipTombstones: false) > s.LastId) r.Fail($"stream last ID below its entries in key '{key}'");

        int groups = r.ReadCount("stream group");
        for (int i = 0; i < groups; i++) ReadGroup(r, type, s, key);
        return s;
    }

    private static void ReadGroup(RdbReader r, byte type, StreamValue s, string key)
    {
        var name = r.ReadString();
        var lastId = ReadId(r);
        long entriesRead = type >= RdbType.StreamListpacks2 ? unchecked((long)r.ReadLength()) : s.EstimateEntriesRead(lastId);
        var g = s.CreateGroup(name, lastId, entriesRead);
        if (g is null) r.Fail($"duplicate stream group in key '{key}'");
        int pendingCount = r.ReadCount("stream PEL");
        var unowned = new Dictionary<StreamId, (long Time, long Count)>(pendingCount);
        Span<byte> raw = stackalloc byte[16];
        for (int j = 0; j < pendingCount; j++)
        {
            r.ReadExactly(raw);
            var id = StreamId.ReadBigEndian(raw);
            long time = r.ReadInt64LittleEndian();
            long count = (long)r.ReadLength();
            if (!unowned.TryAdd(id, (time, count))) r.Fail($"duplicate PEL entry in key '{key}'");
        }
        int consumers = r.ReadCount("stream consumer");
        for (int j = 0; j < consumers; j++)
        {
            var consumerName = r.ReadString();
            long seen = r.ReadInt64LittleEndian();
            if (type >= RdbType.StreamListpacks3) r.ReadInt64LittleEndian();
            var consumer = g!.GetOrAddConsumer(consumerName, seen, out bool created);
            if (!created) r.Fail($"duplicate stream consumer in key '{key}'");
            consumer.SeenTime = seen;
            int owned = r.ReadCount("consumer PEL");
            for (int k = 0; k < owned; k++)
            {
                r.ReadExactly(raw);
                var id = StreamId.ReadBigEndian(raw);
                if (!unowned.Remove(id, out var nack)) r.Fail($"consumer PEL entry missing from its group's PEL in key '{key}'");
                g.AddPending(id, consumer, nack.Time, nack.Count);
            }
        }
        if (unowned.Count > 0) r.Fail($"stream PEL entry without a consumer in key '{key}'");
    }
}
