using FastNode.Protocol;
using FastNode.Server.Persistence;
using FastNode.Server.Storage.Streams;

namespace FastNode.Server.Commands.Streams;

/// <summary>
/// What XREAD and XREADGROUP write for one stream ([key, entries], or the map pair in RESP3), shared by the command
/// and by a blocked reader served later. Group reads move the group's last ID and logical read counter, fill the
/// PELs, and record the effect: one XCLAIM ... FORCE JUSTID per delivered entry, then an XGROUP SETID ... ENTRIESREAD.
/// </summary>
internal static class StreamReads
{
    /// <summary>Entries after <paramref name="after"/> (XREAD).</summary>
    public static void WriteAfter(ref RespWriter w, ReadOnlySpan<byte> key, StreamValue s, StreamId after, long count)
    {
        WriteKey(ref w, key);
        if (!after.TryIncrement(out var start))
        {
            w.WriteArrayHeader(0);
            return;
        }
        StreamReplies.WriteRange(ref w, s, start, StreamId.Max, count, reverse: false);
    }

    /// <summary>
    /// New entries for a group (XREADGROUP ... &gt;): delivered to <paramref name="consumer"/>. The read ends with an
    /// XGROUP SETID ... ENTRIESREAD whenever it moved the group: Redis 7.0 sends it for NOACK reads only, which leaves a
    /// replica's entries-read behind the primary's (fixed in Redis 7.2, which FastNode follows here).
    /// </summary>
    public static void WriteGroupNew(ref RespWriter w, ReadOnlySpan<byte> key, StreamValue s, StreamGroup g, StreamConsumer consumer,
        long count, bool noAck, long nowMs, in StreamRecordSink sink)
    {
        WriteKey(ref w, key);
        g.LastId.TryIncrement(out var start);
        long n = 0;
        var counter = new StreamIterator(s, start, StreamId.Max, reverse: false);
        while ((count == 0 || n < count) && counter.MoveNext()) n++;
        w.WriteArrayHeader((int)n);
        bool moved = false;
        var it = new StreamIterator(s, start, StreamId.Max, reverse: false);
        for (long i = 0; i < n && it.MoveNext(); i++)
        {
            var id = it.Id;
            if (id > g.LastId)
            {
                if (g.EntriesRead != StreamGroup.InvalidEntriesRead && !s.RangeHasTombstones(id, StreamId.Max)) g.EntriesRead++;
                else if (s.EntriesAdded != 0) g.EntriesRead = s.EstimateEntriesRead(id);
                g.LastId = id;
                moved = true;
            }
            StreamReplies.WriteEntry(ref w, ref it);
            if (noAck) continue;
            PendingEntry pending;
            if (g.PendingIndex.TryGetValue(id, out var existing))
            {
                StreamGroup.Transfer(existing, consumer);
                existing.DeliveryTime = nowMs;
                existing.DeliveryCount = 1;
                pending = existing;
            }
            else pending = g.AddPending(id, consumer, nowMs, 1);
            if (sink.Active) EmitClaim(in sink, key, g, pending);
        }
        if (moved && sink.Active) EmitSetId(in sink, key, g);
    }

    /// <summary>The consumer's own pending entries from <paramref name="start"/> on (XREADGROUP with an ID).</summary>
    public static void WriteGroupHistory(ref RespWriter w, ReadOnlySpan<byte> key, StreamValue s, StreamConsumer consumer,
        StreamId start, long count, long nowMs)
    {
        WriteKey(ref w, key);
        var pending = PendingFrom(consumer.Pending, start);
        int n = pending is null ? 0 : count == 0 ? pending.Count : (int)Math.Min(count, pending.Count);
        w.WriteArrayHeader(n);
        if (n == 0) return;
        int written = 0;
        foreach (var entry in pending!)
        {
            if (written++ == n) break;
            var it = new StreamIterator(s, entry.Id, entry.Id, reverse: false);
            if (it.MoveNext())
            {
                StreamReplies.WriteEntry(ref w, ref it);
                entry.DeliveryTime = nowMs;
                entry.DeliveryCount++;
            }
            else
            {
                // Acknowledged-never, deleted since: the ID with a nil body, as Redis answers.
                w.WriteArrayHeader(2);
                StreamReplies.WriteId(ref w, entry.Id);
                w.WriteNullArray();
            }
        }
    }

    /// <summary>The entries of a PEL with IDs of at least <paramref name="start"/>, or null when there are none.</summary>
    public static SortedSet<PendingEntry>? PendingFrom(SortedSet<PendingEntry> pel, StreamId start)
    {
        if (pel.Count == 0 || pel.Max!.Id < start) return null;
        if (pel.Min!.Id >= start) return pel;
        return pel.GetViewBetween(Probe(start), pel.Max);
    }

    public static PendingEntry Probe(StreamId id) => new(id, null!, 0, 0);

    private static void WriteKey(ref RespWriter w, ReadOnlySpan<byte> key)
    {
        if (!w.Resp3) w.WriteArrayHeader(2);
        w.WriteBulkString(key);
    }

    /// <summary>XCLAIM key group consumer 0 id TIME ms RETRYCOUNT n FORCE JUSTID LASTID last-id: idempotent on replay.</summary>
    public static void EmitClaim(in StreamRecordSink sink, ReadOnlySpan<byte> key, StreamGroup g, PendingEntry pending)
    {
        Span<byte> id = stackalloc byte[StreamId.MaxTextLength];
        Span<byte> last = stackalloc byte[StreamId.MaxTextLength];
        var record = new ChangeRecord(14);
        record.Add("XCLAIM"u8);
        record.Add(key);
        record.Add(g.Name);
        record.Add(pending.Consumer.Name);
        record.Add("0"u8);
        record.Add(id.Slice(0, pending.Id.Format(id)));
        record.Add("TIME"u8);
        record.Add(pending.DeliveryTime);
        record.Add("RETRYCOUNT"u8);
        record.Add(pending.DeliveryCount);
        record.Add("FORCE"u8);
        record.Add("JUSTID"u8);
        record.Add("LASTID"u8);
        record.Add(last.Slice(0, g.LastId.Format(last)));
        sink.Emit(ref record);
    }

    /// <summary>XGROUP SETID key group last-id ENTRIESREAD n.</summary>
    public static void EmitSetId(in StreamRecordSink sink, ReadOnlySpan<byte> key, StreamGroup g)
    {
        Span<byte> last = stackalloc byte[StreamId.MaxTextLength];
        var record = new ChangeRecord(7);
        record.Add("XGROUP"u8);
        record.Add("SETID"u8);
        record.Add(key);
        record.Add(g.Name);
        record.Add(last.Slice(0, g.LastId.Format(last)));
        record.Add("ENTRIESREAD"u8);
        record.Add(g.EntriesRead);
        sink.Emit(ref record);
    }
}
