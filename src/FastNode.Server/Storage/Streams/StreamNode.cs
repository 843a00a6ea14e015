using FastNode.Protocol;

namespace FastNode.Server.Storage.Streams;

/// <summary>
/// A run of consecutive stream entries in one listpack, laid out exactly as a node of Redis's stream radix tree (so
/// RDB files carry the bytes as they are). The listpack opens with a master entry and then holds the entries:
/// <code>
/// master: live-count | deleted-count | field-count | field_1 .. field_N | 0
/// entry:  flags | ms-delta | seq-delta | [field-count | field_1 value_1 ..] or [value_1 .. value_N] | element-count
/// </code>
/// IDs are deltas from <see cref="Master"/>; an entry whose fields are the master's (flag SameFields) stores only
/// its values; a deleted entry keeps its place with flag Deleted until the whole node goes. The trailing element
/// count lets Redis walk a node backwards; FastNode walks forwards and keeps the positions.
/// </summary>
public sealed class StreamNode
{
    public const int FlagDeleted = 1;
    public const int FlagSameFields = 2;

    public StreamNode(StreamId master, byte[] listpack)
    {
        Master = master;
        Listpack = listpack;
    }

    /// <summary>The master entry's ID: the radix-tree key of the node in Redis, and the base of every delta.</summary>
    public StreamId Master { get; }

    /// <summary>The listpack, possibly followed by spare room (its header's total is the used length).</summary>
    public byte[] Listpack;

    public int UsedBytes => StreamListpack.TotalBytes(Listpack);

    /// <summary>Entries not marked deleted.</summary>
    public long Live => StreamListpack.ReadInteger(Listpack, StreamListpack.FirstElement, out _);

    /// <summary>Entries marked deleted (still taking room).</summary>
    public long Deleted
    {
        get
        {
            StreamListpack.ReadInteger(Listpack, StreamListpack.FirstElement, out int next);
            return StreamListpack.ReadInteger(Listpack, next, out _);
        }
    }

    /// <summary>A node whose master entry has <paramref name="pairs"/>' fields (f v f v ...) and no entries yet.</summary>
    public static StreamNode Create(StreamId master, scoped in CommandArgs pairs, int capacity)
    {
        var lp = StreamListpack.New(capacity);
        StreamListpack.AppendInteger(ref lp, 0);
        StreamListpack.AppendInteger(ref lp, 0);
        StreamListpack.AppendInteger(ref lp, pairs.Count / 2);
        for (int i = 0; i < pairs.Count; i += 2) StreamListpack.Append(ref lp, pairs[i]);
        StreamListpack.AppendInteger(ref lp, 0);
        return new StreamNode(master, lp);
    }

    /// <summary>The master fields: their count, and the position of the first one and of the first entry.</summary>
    public int MasterFields(out int fieldsPos, out int firstEntryPos)
    {
        int p = StreamListpack.Skip(Listpack, StreamListpack.FirstElement);
        p = StreamListpack.Skip(Listpack, p);
        int count = (int)StreamListpack.ReadInteger(Listpack, p, out fieldsPos);
        p = fieldsPos;
        for (int i = 0; i < count; i++) p = StreamListpack.Skip(Listpack, p);
        firstEntryPos = StreamListpack.Skip(Listpack, p);
        return count;
    }

    /// <summary>Appends an entry (the caller checked it fits and that its ID is the largest).</summary>
    public void Append(StreamId id, scoped in CommandArgs pairs)
    {
        int fieldCount = pairs.Count / 2;
        int masterCount = MasterFields(out int fieldsPos, out _);
        bool same = masterCount == fieldCount;
        int p = fieldsPos;
        for (int i = 0; same && i < masterCount; i++) same = StreamListpack.TextEquals(Listpack, p, pairs[i * 2], out p);
        StreamListpack.ReplaceInteger(ref Listpack, StreamListpack.FirstElement, Live + 1);
        StreamListpack.AppendInteger(ref Listpack, same ? FlagSameFields : 0);
        StreamListpack.AppendInteger(ref Listpack, unchecked((long)(id.Ms - Master.Ms)));
        StreamListpack.AppendInteger(ref Listpack, unchecked((long)(id.Seq - Master.Seq)));
        if (!same) StreamListpack.AppendInteger(ref Listpack, fieldCount);
        for (int i = 0; i < fieldCount; i++)
        {
            if (!same) StreamListpack.Append(ref Listpack, pairs[i * 2]);
            StreamListpack.Append(ref Listpack, pairs[i * 2 + 1]);
        }
        StreamListpack.AppendInteger(ref Listpack, same ? fieldCount + 3 : fieldCount * 2 + 4);
    }

    /// <summary>
    /// Reads the entry whose flags are at <paramref name="pos"/>. Returns the position of its first field (or first
    /// value, with SameFields); <paramref name="fieldCount"/> counts field/value pairs.
    /// </summary>
    public int ReadEntry(int pos, int masterFieldCount, out int flags, out StreamId id, out int fieldCount)
    {
        var lp = Listpack;
        flags = (int)StreamListpack.ReadInteger(lp, pos, out int p);
        ulong ms = unchecked(Master.Ms + (ulong)StreamListpack.ReadInteger(lp, p, out p));
        ulong seq = unchecked(Master.Seq + (ulong)StreamListpack.ReadInteger(lp, p, out p));
        id = new StreamId(ms, seq);
        if ((flags & FlagSameFields) != 0) fieldCount = masterFieldCount;
        else fieldCount = (int)StreamListpack.ReadInteger(lp, p, out p);
        return p;
    }

    /// <summary>The position after the entry whose body (from <see cref="ReadEntry"/>) starts at <paramref name="body"/>.</summary>
    public int SkipBody(int body, int flags, int fieldCount)
    {
        int elements = (flags & FlagSameFields) != 0 ? fieldCount : fieldCount * 2;
        int p = body;
        for (int i = 0; i < elements; i++) p = StreamListpack.Skip(Listpack, p);
        return StreamListpack.Skip(Listpack, p);   // the element count
    }

    public bool IsEnd(int pos) => Listpack[pos] == StreamListpack.End;

    /// <summary>Marks the entry at <paramref name="pos"/> deleted (flags are one byte, so nothing moves).</summary>
    public void MarkDeleted(int pos) => Listpack[pos] |= FlagDeleted;

    /// <summary>Moves <paramref name="count"/> entries from live to deleted in the master entry's counters.</summary>
    public void CountDeleted(long count)
    {
        long live = Live, deleted = Deleted;
        int next = StreamListpack.ReplaceInteger(ref Listpack, StreamListpack.FirstElement, live - count);
        StreamListpack.ReplaceInteger(ref Listpack, next, deleted + count);
    }

    /// <summary>The ID of the node's last entry, deleted or not (MINID trimming compares it).</summary>
    public StreamId LastEntryId()
    {
        int masterCount = MasterFields(out _, out int pos);
        var last = Master;
        while (!IsEnd(pos))
        {
            int body = ReadEntry(pos, masterCount, out int flags, out var id, out int fieldCount);
            last = id;
            pos = SkipBody(body, flags, fieldCount);
        }
        return last;
    }

    /// <summary>
    /// Checks a node loaded from outside (its listpack already passed <see cref="StreamListpack.Validate"/>): the master
    /// entry and every entry are complete, the counters match the entries, and the IDs ascend from the master ID.
    /// Returns the live entry count, or -1.
    /// </summary>
    public long Validate()
    {
        var lp = Listpack;
        int p = StreamListpack.FirstElement;
        if (!TryInt(lp, ref p, out long live) || !TryInt(lp, ref p, out long deleted) || !TryInt(lp, ref p, out long fields)) return -1;
        if (live < 0 || deleted < 0 || fields < 0 || fields > int.MaxValue) return -1;
        for (long i = 0; i < fields; i++)
        {
            if (lp[p] == StreamListpack.End) return -1;
            p = StreamListpack.Skip(lp, p);
        }
        if (!TryInt(lp, ref p, out long terminator) || terminator != 0) return -1;
        long seenLive = 0, seenDeleted = 0;
        var previous = Master;
        bool first = true;
        while (lp[p] != StreamListpack.End)
        {
            if (!TryInt(lp, ref p, out long flags) || !TryInt(lp, ref p, out long msDelta) || !TryInt(lp, ref p, out long seqDelta)) return -1;
            var id = new StreamId(unchecked(Master.Ms + (ulong)msDelta), unchecked(Master.Seq + (ulong)seqDelta));
            if (first ? id < previous : id <= previous) return -1;
            first = false;
            previous = id;
            long count = fields;
            if ((flags & FlagSameFields) == 0)
            {
                if (!TryInt(lp, ref p, out count) || count < 0 || count > int.MaxValue / 2) return -1;
                count *= 2;
            }
            for (long i = 0; i < count; i++)
            {
                if (lp[p] == StreamListpack.End) return -1;
                p = StreamListpack.Skip(lp, p);
            }
            if (!TryInt(lp, ref p, out long elements)) return -1;
            long expected = (flags & FlagSameFields) != 0 ? fields + 3 : count + 4;
            if (elements != expected) return -1;
            if ((flags & FlagDeleted) != 0) seenDeleted++;
            else seenLive++;
        }
        return seenLive == live && seenDeleted == deleted && live > 0 ? live : -1;
    }

    private static bool TryInt(byte[] lp, ref int p, out long value)
    {
        value = 0;
        if (lp[p] == StreamListpack.End) return false;
        p = StreamListpack.Read(lp, p, out bool isString, out value, out int start, out int length);
        return !isString || Numbers.TryParseInt64(lp.AsSpan(start, length), out value);
    }

    public StreamNode Copy() => new(Master, Listpack.AsSpan(0, UsedBytes).ToArray());
}
