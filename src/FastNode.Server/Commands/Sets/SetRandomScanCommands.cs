using FastNode.Protocol;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Sets;
using FastNode.Server.Text;

using Ev = FastNode.Server.PubSub.KeyspaceEventClass;
namespace FastNode.Server.Commands.Sets;

/// <summary>SPOP, SRANDMEMBER and SSCAN: the set commands that sample or walk the members.</summary>
public static class SetRandomScanCommands
{
    /// <summary>
    /// SPOP key [count]. Without a count: one member or nil. With one (it must be &gt;= 0): a set reply ("~" in RESP3)
    /// of min(count, size) distinct members, all removed; the key goes when it empties.
    /// </summary>
    public static void SPop(ref CommandContext ctx)
    {
        if (ctx.Args.Count > 3)
        {
            ctx.Writer.WriteError(RespErrors.Syntax);
            return;
        }
        long count = 1;
        bool withCount = ctx.Args.Count == 3;
        if (withCount && (!Numbers.TryParseInt64(ctx.Args[2], out count) || count < 0))
        {
            ctx.Writer.WriteError(RespErrors.CountNotPositive);
            return;
        }
        var key = ctx.Args[1];
        using var k = ctx.Open(key, Lookup.Write);
        var set = k.Get<SetValue>(ValueKind.Set, out bool wrongType);
        if (wrongType)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        if (set is null || count == 0)
        {
            ctx.SkipPropagation();
            if (withCount) ctx.Writer.WriteSetHeader(0);
            else ctx.Writer.WriteNullBulk();
            return;
        }
        if (withCount && count >= set.Count)
        {
            SetCommands.WriteMembers(ref ctx.Writer, set);
            k.Delete();
            ctx.Notify(Ev.Set, "spop"u8, key);
            ctx.Notify(Ev.Generic, "del"u8, key);
            // The members taken were chosen at random: the effect (the whole set gone) is what propagates.
            if (ctx.Propagating) Strings.StringCommands.PropagateDelete(ref ctx, key);
            return;
        }
        // SPOP propagates as SREM of the members it drew, so a replay removes the same ones.
        int popped = withCount ? (int)count : 1;
        var record = new FastNode.Server.Persistence.ChangeRecord(ctx.Propagating ? popped + 2 : 0);
        if (ctx.Propagating)
        {
            record.Add("SREM"u8);
            record.Add(key);
        }
        Span<byte> scratch = stackalloc byte[SetValue.ScratchLength];
        if (withCount) ctx.Writer.WriteSetHeader(popped);
        for (int i = 0; i < popped; i++)
        {
            int position = set.RandomPosition();
            var member = set.MemberAt(position, scratch);
            ctx.Writer.WriteBulkString(member);
            if (ctx.Propagating) record.Add(member);
            set.RemoveAt(position);
        }
        if (ctx.Propagating) ctx.Emit(ref record);
        ctx.Notify(Ev.Set, "spop"u8, key);
        if (k.DeleteIfEmpty(set)) ctx.Notify(Ev.Generic, "del"u8, key);
    }

    /// <summary>
    /// SRANDMEMBER key [count]. A positive count gives distinct members (the whole set when count &gt;= size), a
    /// negative one |count| members that may repeat. The reply is a plain array even in RESP3, as in Redis 7.0.
    /// </summary>
    public static void SRandMember(ref CommandContext ctx)
    {
        if (ctx.Args.Count > 3)
        {
            ctx.Writer.WriteError(RespErrors.Syntax);
            return;
        }
        long count = 0;
        bool withCount = ctx.Args.Count == 3;
        if (withCount)
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
        }
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        var set = k.Get<SetValue>(ValueKind.Set, out bool wrongType);
        if (wrongType)
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return;
        }
        if (!withCount)
        {
            Span<byte> scratch = stackalloc byte[SetValue.ScratchLength];
            if (set is null) ctx.Writer.WriteNullBulk();
            else ctx.Writer.WriteBulkString(set.MemberAt(set.RandomPosition(), scratch));
            return;
        }
        if (set is null || count == 0)
        {
            ctx.Writer.WriteRaw(RespReplies.EmptyArray);
            return;
        }
        if (count < 0) WriteWithRepeats(ref ctx, set, -count);
        else if (count >= set.Count) WriteAll(ref ctx, set);
        else WriteDistinct(ref ctx, set, (int)count);
    }

    private static void WriteWithRepeats(ref CommandContext ctx, SetValue set, long count)
    {
        if (!RandomRepeats.Allowed(ref ctx, count)) return;
        ctx.Writer.WriteArrayHeader((int)count);
        Span<byte> scratch = stackalloc byte[SetValue.ScratchLength];
        Span<int> positions = stackalloc int[SetValue.MaxIntSetEntries];
        int small = set.SmallPositions(positions);
        for (long i = 0; i < count; i++)
        {
            int position = small > 0 ? positions[Random.Shared.Next(small)] : set.RandomPosition();
            ctx.Writer.WriteBulkString(set.MemberAt(position, scratch));
        }
    }

    private static void WriteAll(ref CommandContext ctx, SetValue set)
    {
        ctx.Writer.WriteArrayHeader(set.Count);
        Span<byte> scratch = stackalloc byte[SetValue.ScratchLength];
        for (int pos = set.First(); pos >= 0; pos = set.Next(pos)) ctx.Writer.WriteBulkString(set.MemberAt(pos, scratch));
    }

    /// <summary>count distinct members, 0 &lt; count &lt; size: selection sampling, or random picks with a seen-set for a small share of a large set.</summary>
    private static void WriteDistinct(ref CommandContext ctx, SetValue set, int count)
    {
        ctx.Writer.WriteArrayHeader(count);
        Span<byte> scratch = stackalloc byte[SetValue.ScratchLength];
        int size = set.Count;
        if (set.Table is null || count * 3L > size)
        {
            int needed = count, remaining = size;
            for (int pos = set.First(); needed > 0; pos = set.Next(pos), remaining--)
            {
                if (Random.Shared.Next(remaining) >= needed) continue;
                ctx.Writer.WriteBulkString(set.MemberAt(pos, scratch));
                needed--;
            }
            return;
        }
        var picked = new HashSet<int>(count);
        while (picked.Count < count)
        {
            int slot = set.RandomPosition();
            if (picked.Add(slot)) ctx.Writer.WriteBulkString(set.MemberAt(slot, scratch));
        }
    }

    /// <summary>SSCAN key cursor [MATCH pattern] [COUNT count].</summary>
    public static void SScan(ref CommandContext ctx)
    {
        if (!CollectionScan.TryParseCursor(ctx.Args[2], out ulong cursor))
        {
            ctx.Writer.WriteError(RespErrors.InvalidCursor);
            return;
        }
        var optionError = CollectionScan.ParseOptions(ctx.Args, 3, out var pattern, out bool matchAll, out int count);
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        {
            var set = CollectionScan.Open<SetValue>(ref ctx, in k, ValueKind.Set, optionError);
            if (set is null) return;
            Span<byte> scratch = stackalloc byte[SetValue.ScratchLength];
            var table = set.Table;
            if (table is null)
            {
                // Intset and packed sets are returned whole, with cursor 0, whatever the cursor was (as in Redis).
                Span<int> positions = stackalloc int[SetValue.MaxIntSetEntries];
                int n = 0;
                for (int pos = set.First(); pos >= 0; pos = set.Next(pos))
                {
                    if (matchAll || GlobMatcher.IsMatch(pattern, set.MemberAt(pos, scratch))) positions[n++] = pos;
                }
                WriteScanReply(ref ctx, set, 0, positions.Slice(0, n), scratch);
                return;
            }
            var collector = new SlotCollector(count);
            try
            {
                ulong next = table.Scan(cursor, count, ref collector);
                var slots = collector.Slots;
                int n = 0;
                foreach (int slot in slots)
                {
                    if (matchAll || GlobMatcher.IsMatch(pattern, table.KeyAt(slot))) slots[n++] = slot;
                }
                WriteScanReply(ref ctx, set, next, slots.Slice(0, n), scratch);
            }
            finally
            {
                collector.Dispose();
            }
        }
    }

    private static void WriteScanReply(ref CommandContext ctx, SetValue set, ulong next, scoped ReadOnlySpan<int> positions, scoped Span<byte> scratch)
    {
        CollectionScan.WriteHeader(ref ctx.Writer, next);
        ctx.Writer.WriteArrayHeader(positions.Length);
        foreach (int pos in positions) ctx.Writer.WriteBulkString(set.MemberAt(pos, scratch));
    }
}
