using FastNode.Protocol;
using FastNode.Server.Storage.Streams;

namespace FastNode.Server.Commands.Streams;

/// <summary>How stream entries and IDs are written: an ID is a bulk string "ms-seq", an entry [id, [field, value, ...]].</summary>
internal static class StreamReplies
{
    public static void WriteId(ref RespWriter writer, StreamId id)
    {
        Span<byte> text = stackalloc byte[StreamId.MaxTextLength];
        writer.WriteBulkString(text.Slice(0, id.Format(text)));
    }

    /// <summary>The iterator's current entry as [id, [field, value, ...]].</summary>
    public static void WriteEntry(ref RespWriter writer, scoped ref StreamIterator it)
    {
        writer.WriteArrayHeader(2);
        WriteId(ref writer, it.Id);
        WriteFields(ref writer, ref it);
    }

    public static void WriteFields(ref RespWriter writer, scoped ref StreamIterator it)
    {
        writer.WriteArrayHeader(it.FieldCount * 2);
        var lp = it.Node.Listpack;
        Span<byte> scratch = stackalloc byte[20];
        int p = it.Body, field = it.MasterFieldsPos;
        bool same = it.SameFields;
        for (int i = 0; i < it.FieldCount; i++)
        {
            if (same) writer.WriteBulkString(StreamListpack.Text(lp, field, scratch, out field));
            else writer.WriteBulkString(StreamListpack.Text(lp, p, scratch, out p));
            writer.WriteBulkString(StreamListpack.Text(lp, p, scratch, out p));
        }
    }

    /// <summary>The entries with IDs in [start, end] (COUNT 0 = all); returns how many were written.</summary>
    public static long WriteRange(ref RespWriter writer, StreamValue stream, StreamId start, StreamId end, long count, bool reverse)
    {
        // Counted first so the array header goes out before the entries (the writer cannot patch it later).
        long n = 0;
        var counter = new StreamIterator(stream, start, end, reverse);
        while ((count == 0 || n < count) && counter.MoveNext()) n++;
        writer.WriteArrayHeader((int)n);
        var it = new StreamIterator(stream, start, end, reverse);
        for (long i = 0; i < n && it.MoveNext(); i++) WriteEntry(ref writer, ref it);
        return n;
    }
}
