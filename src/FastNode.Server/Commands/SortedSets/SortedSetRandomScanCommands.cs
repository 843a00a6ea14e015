using System.Buffers;
using System.Buffers.Text;
using FastNode.Protocol;
using FastNode.Server.Storage;
using FastNode.Server.Storage.SortedSets;
using FastNode.Server.Text;

namespace FastNode.Server.Commands.SortedSets;

/// <summary>ZRANDMEMBER and ZSCAN: the sorted-set commands that sample or walk the members in no particular order.</summary>
public static class SortedSetRandomScanCommands
{
    /// <summary>
    /// ZRANDMEMBER key [count [WITHSCORES]]. Without a count: one member or nil. A positive count gives distinct
    /// members (the whole set when count &gt;= size), a negative one |count| members that may repeat.
    /// </summary>
    public static void ZRandMember(ref CommandContext ctx)
    {
        long count = 0;
        bool withScores = false;
        if (ctx.Args.Count >= 3)
        {
            if (!Numbers.TryParseInt64(ctx.Args[2], out count))
            {
                ctx.Writer.WriteError(RespErrors.NotInteger);
                return;
            }
            if (count == long.MinValue)
            {
                ctx.Writer.WriteError(RespErrors.CountOutOfRange);
                return;
            }
            if (ctx.Args.Count > 4 || (ctx.Args.Count == 4 && !Ascii.EqualsIgnoreCase(ctx.Args[3], "WITHSCORES"u8)))
            {
                ctx.Writer.WriteError(RespErrors.Syntax);
                return;
            }
            withScores = ctx.Args.Count == 4;
            if (withScores && (count < -long.MaxValue / 2 || count > long.MaxValue / 2))
            {
                ctx.Writer.WriteError(RespErrors.ValueOutOfRange);
                return;
            }
        }
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        var z = k.Get<SortedSetValue>(ValueKind.SortedSet, out bool wrongType);
        if (wrongType)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        if (ctx.Args.Count == 2)
        {
            if (z is null) ctx.Writer.WriteNullBulk();
            else ctx.Writer.WriteBulkString(z.MemberAt(z.AtRank(Random.Shared.Next(z.Count))));
            return;
        }
        if (z is null || count == 0)
        {
            ctx.Writer.WriteRaw(RespReplies.EmptyArray);
            return;
        }
        if (count < 0) WriteWithRepeats(ref ctx, z, -count, withScores);
        else if (count >= z.Count) WriteAll(ref ctx, z, withScores);
        else WriteDistinct(ref ctx, z, (int)count, withScores);
    }

    private static void WriteWithRepeats(ref CommandContext ctx, SortedSetValue z, long count, bool withScores)
    {
        if (!RandomRepeats.Allowed(ref ctx, count)) return;
        SortedSetReplies.WriteHeader(ref ctx.Writer, (int)count, withScores);
        if (!z.IsPacked)
        {
            for (long i = 0; i < count; i++)
            {
                var position = z.AtRank(Random.Shared.Next(z.Count));
                SortedSetReplies.WriteEntry(ref ctx.Writer, z.MemberAt(position), z.ScoreAt(position), withScores);
            }
            return;
        }
        // Packed: find every entry once instead of walking to a random rank each time.
        var positions = ArrayPool<SortedSetPosition>.Shared.Rent(z.Count);
        try
        {
            int n = 0;
            for (var p = z.AtRank(0); p.IsValid; p = z.Next(p)) positions[n++] = p;
            for (long i = 0; i < count; i++)
            {
                var position = positions[Random.Shared.Next(n)];
                SortedSetReplies.WriteEntry(ref ctx.Writer, z.MemberAt(position), z.ScoreAt(position), withScores);
            }
        }
        finally
        {
            ArrayPool<SortedSetPosition>.Shared.Return(positions);
        }
    }

    /// <summary>The whole set, highest first: Redis walks its set iterator from the tail here.</summary>
    private static void WriteAll(ref CommandContext ctx, SortedSetValue z, bool withScores)
    {
        SortedSetReplies.WriteHeader(ref ctx.Writer, z.Count, withScores);
        SortedSetReplies.WriteRun(ref ctx.Writer, z, z.AtRank(z.Count - 1), z.Count, reverse: true, withScores);
    }

    /// <summary>
    /// count distinct members, 0 &lt; count &lt; size: selection sampling (Knuth's algorithm S) in rank order when the
    /// sample is a large share of the set; random ranks with a seen-set when it is a small share of a large one.
    /// </summary>
    private static void WriteDistinct(ref CommandContext ctx, SortedSetValue z, int count, bool withScores)
    {
        SortedSetReplies.WriteHeader(ref ctx.Writer, count, withScores);
        int size = z.Count;
        if (z.IsPacked || count * 3L > size)
        {
            int needed = count, remaining = size;
            for (var p = z.AtRank(0); needed > 0; p = z.Next(p), remaining--)
            {
                if (Random.Shared.Next(remaining) >= needed) continue;
                SortedSetReplies.WriteEntry(ref ctx.Writer, z.MemberAt(p), z.ScoreAt(p), withScores);
                needed--;
            }
            return;
        }
        var picked = new HashSet<int>(count);
        while (picked.Count < count)
        {
            int rank = Random.Shared.Next(size);
            if (!picked.Add(rank)) continue;
            var p = z.AtRank(rank);
            SortedSetReplies.WriteEntry(ref ctx.Writer, z.MemberAt(p), z.ScoreAt(p), withScores);
        }
    }

    /// <summary>ZSCAN key cursor [MATCH pattern] [COUNT count]: member/score pairs (scores as bulk strings), matched on the member.</summary>
    public static void ZScan(ref CommandContext ctx)
    {
        if (!CollectionScan.TryParseCursor(ctx.Args[2], out ulong cursor))
        {
            ctx.Writer.WriteError(RespErrors.InvalidCursor);
            return;
        }
        var optionError = CollectionScan.ParseOptions(ctx.Args, 3, out var pattern, out bool matchAll, out int count);
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        {
            var z = CollectionScan.Open<SortedSetValue>(ref ctx, in k, ValueKind.SortedSet, optionError);
            if (z is null) return;
            var list = z.SkipList;
            if (list is null)
            {
                // A packed set is returned whole, with cursor 0, whatever the cursor was (as Redis does for listpacks).
                int matched = 0;
                for (var p = z.AtRank(0); p.IsValid; p = z.Next(p))
                {
                    if (matchAll || GlobMatcher.IsMatch(pattern, z.MemberAt(p))) matched++;
                }
                CollectionScan.WriteHeader(ref ctx.Writer, 0);
                ctx.Writer.WriteArrayHeader(matched * 2);
                for (var p = z.AtRank(0); p.IsValid; p = z.Next(p))
                {
                    if (matchAll || GlobMatcher.IsMatch(pattern, z.MemberAt(p))) WriteScanEntry(ref ctx.Writer, z.MemberAt(p), z.ScoreAt(p), packed: true);
                }
                return;
            }
            var collector = new NodeCollector(count);
            try
            {
                ulong next = list.Scan(cursor, count, ref collector);
                var nodes = collector.Nodes;
                int n = 0;
                foreach (var node in nodes)
                {
                    if (matchAll || GlobMatcher.IsMatch(pattern, node.Member)) nodes[n++] = node;
                }
                CollectionScan.WriteHeader(ref ctx.Writer, next);
                ctx.Writer.WriteArrayHeader(n * 2);
                foreach (var node in nodes.Slice(0, n)) WriteScanEntry(ref ctx.Writer, node.Member, node.Score, packed: false);
            }
            finally
            {
                collector.Dispose();
            }
        }
    }

    /// <summary>
    /// ZSCAN answers scores as Redis stores them: a listpack keeps an integral score (within ±2^62) as an integer,
    /// so 1e17 comes back "100000000000000000" and -0 as "0"; the skip list formats with %.17g ("1e+17", "-0").
    /// </summary>
    private static void WriteScanEntry(ref RespWriter writer, ReadOnlySpan<byte> member, double score, bool packed)
    {
        writer.WriteBulkString(member);
        Span<byte> text = stackalloc byte[40];
        int n;
        if (packed && score >= -4611686018427387903.0 && score <= 4611686018427387903.0 && score == Math.Floor(score))
            Utf8Formatter.TryFormat((long)score, text, out n);
        else
            n = RespWriter.FormatDouble(score, text);
        writer.WriteBulkString(text.Slice(0, n));
    }

    /// <summary>Collects the nodes one ZSCAN step visits, in a pooled array; Dispose returns it.</summary>
    private struct NodeCollector : ISkipNodeVisitor, IDisposable
    {
        private SkipNode[] _nodes;
        private int _count;

        public NodeCollector(int capacity)
        {
            _nodes = ArrayPool<SkipNode>.Shared.Rent(Math.Clamp(capacity, 16, 4096));
            _count = 0;
        }

        public readonly Span<SkipNode> Nodes => _nodes.AsSpan(0, _count);

        public void Visit(SkipNode node)
        {
            if (_count == _nodes.Length)
            {
                var bigger = ArrayPool<SkipNode>.Shared.Rent(_nodes.Length * 2);
                _nodes.AsSpan().CopyTo(bigger);
                ArrayPool<SkipNode>.Shared.Return(_nodes, clearArray: true);
                _nodes = bigger;
            }
            _nodes[_count++] = node;
        }

        public void Dispose()
        {
            if (_nodes is not null) ArrayPool<SkipNode>.Shared.Return(_nodes, clearArray: true);
            _nodes = null!;
        }
    }
}
