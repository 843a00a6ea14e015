using FastNode.Protocol;
using FastNode.Server.Storage.SortedSets;

namespace FastNode.Server.Commands.SortedSets;

/// <summary>
/// Reply shapes shared by the sorted-set commands. With scores, Redis 7.0 answers a flat [member, score, ...] array
/// in RESP2 and an array of [member, score] pairs in RESP3; scores are doubles (%.17g, see RespWriter.WriteDouble).
/// </summary>
internal static class SortedSetReplies
{
    public static void WriteHeader(ref RespWriter writer, int count, bool withScores) =>
        writer.WriteArrayHeader(withScores && !writer.Resp3 ? count * 2 : count);

    public static void WriteEntry(ref RespWriter writer, ReadOnlySpan<byte> member, double score, bool withScores)
    {
        if (withScores && writer.Resp3) writer.WriteArrayHeader(2);
        writer.WriteBulkString(member);
        if (withScores) writer.WriteDouble(score);
    }

    /// <summary>
    /// Writes <paramref name="count"/> members walking from <paramref name="position"/> (forward, or backward when
    /// <paramref name="reverse"/>); the header must already be written.
    /// </summary>
    public static void WriteRun(ref RespWriter writer, SortedSetValue value, SortedSetPosition position, int count, bool reverse, bool withScores)
    {
        for (int i = 0; i < count; i++)
        {
            WriteEntry(ref writer, value.MemberAt(position), value.ScoreAt(position), withScores);
            position = reverse ? value.Previous(position) : value.Next(position);
        }
    }

    /// <summary>How popped [member, score] pairs are laid out.</summary>
    public enum PopShape : byte
    {
        /// <summary>ZPOPMIN without a count: one flat [member, score] in both protocols.</summary>
        Flat,
        /// <summary>ZPOPMIN with a count: flat in RESP2, pairs in RESP3 (like WITHSCORES).</summary>
        WithScores,
        /// <summary>ZMPOP: pairs in both protocols.</summary>
        Nested,
    }

    /// <summary>
    /// Pops up to <paramref name="count"/> members from the low (or high, <paramref name="max"/>) end and writes them,
    /// array header included. Returns how many were popped.
    /// </summary>
    public static int Pop(ref RespWriter writer, SortedSetValue value, long count, bool max, PopShape shape)
    {
        int n = (int)Math.Min(count, value.Count);
        bool pairs = shape == PopShape.Nested || (shape == PopShape.WithScores && writer.Resp3);
        writer.WriteArrayHeader(pairs ? n : n * 2);
        if (n == 0) return 0;
        var position = value.AtRank(max ? value.Count - 1 : 0);
        for (int i = 0; i < n; i++)
        {
            if (pairs) writer.WriteArrayHeader(2);
            writer.WriteBulkString(value.MemberAt(position));
            writer.WriteDouble(value.ScoreAt(position));
            position = max ? value.Previous(position) : value.Next(position);
        }
        if (max) value.RemoveRankRange(value.Count - n, value.Count - 1);
        else value.RemoveRankRange(0, n - 1);
        return n;
    }
}
