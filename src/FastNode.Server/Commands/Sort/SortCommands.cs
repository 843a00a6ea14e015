using FastNode.Protocol;
using FastNode.Server.Blocking;
using FastNode.Server.Commands.SortedSets;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Hashes;
using FastNode.Server.Storage.Lists;
using FastNode.Server.Storage.Sets;
using FastNode.Server.Storage.SortedSets;

using Ev = FastNode.Server.PubSub.KeyspaceEventClass;
namespace FastNode.Server.Commands.Sort;

/// <summary>
/// SORT and SORT_RO over a list, set or sorted set, with Redis 7.0's semantics (sortCommandGeneric): BY patterns
/// ("*" replaced by the element, "key->field" for a hash field, a constant to keep the stored order), GET patterns
/// (and "#" for the element itself), LIMIT, ASC/DESC, ALPHA and STORE.
///
/// Locking: patterns may name any key, so a SORT with BY or GET holds every shard of the database while it runs, as
/// Redis's single thread would; otherwise only the source's (and destination's) shards. STORE replaces the
/// destination with a list (TTL dropped) or deletes it when the result is empty, raises sortstore (or del), touches
/// WATCH, serves clients blocked on the list once the locks are released, and propagates as called (not at all when
/// nothing changed). Known difference: elements of a large set, or of a sorted set sorted by something else than its
/// order, start in FastNode's iteration order, so ties that Redis leaves in its hash-table order may come out in
/// another order (ALPHA with BY on equal values).
/// </summary>
public static class SortCommands
{
    public static void Sort(ref CommandContext ctx) => Run(ref ctx, readOnly: false);

    public static void SortRo(ref CommandContext ctx) => Run(ref ctx, readOnly: true);

    private static void Run(ref CommandContext ctx, bool readOnly)
    {
        // The table lists the source key; WATCH hears only about a destination that changed.
        ctx.TouchedOwnKeys = true;
        var gets = new List<int>();
        if (!SortOptions.TryParse(ref ctx, readOnly, gets, out var o)) return;
        var args = ctx.Args;
        var db = ctx.Db;
        Span<ulong> bits = stackalloc ulong[MultiShardLock.WordsFor(db)];
        using var locks = new MultiShardLock(db, bits);
        if ((o.By != 0 && !o.DontSort) || o.GetCount > 0) locks.AddAll();
        else
        {
            locks.Add(KeyHasher.Hash(args[1]));
            if (o.StoreKey != 0) locks.Add(KeyHasher.Hash(args[o.StoreKey]));
        }
        locks.EnterAll();

        if (!TryLoad(ref ctx, ref o, out var items, out long start, out long end)) return;
        bool conversionError = false;
        if (!o.DontSort) conversionError = SortItems(ref ctx, o, items, start, end);

        long outputLength = (o.GetCount > 0 ? o.GetCount : 1) * (end - start + 1);
        if (conversionError)
        {
            ctx.SkipPropagation();
            ctx.Writer.WriteError("ERR One or more scores can't be converted into double"u8);
            return;
        }
        if (o.StoreKey == 0)
        {
            ctx.SkipPropagation();
            ctx.Writer.WriteArrayHeader((int)outputLength);
            for (long j = start; j <= end; j++)
            {
                if (o.GetCount == 0) ctx.Writer.WriteBulkString(items[j].Value);
                foreach (int get in gets)
                {
                    var value = LookupByPattern(ref ctx, args[get], items[j].Value);
                    if (value is null) ctx.Writer.WriteNullBulk();
                    else ctx.Writer.WriteBulkString(value);
                }
            }
            return;
        }

        var destination = args[o.StoreKey];
        bool changed;
        {
            using var k = ctx.Open(destination, Lookup.Write);
            if (outputLength > 0)
            {
                var list = new ListValue();
                for (long j = start; j <= end; j++)
                {
                    if (o.GetCount == 0) list.Push(ListEnd.Right, items[j].Value);
                    foreach (int get in gets) list.Push(ListEnd.Right, LookupByPattern(ref ctx, args[get], items[j].Value) ?? []);
                }
                k.Replace(ValueKind.List, list);
                ctx.Notify(Ev.List, "sortstore"u8, destination);
                changed = true;
            }
            else
            {
                changed = k.Delete();
                if (changed) ctx.Notify(Ev.Generic, "del"u8, destination);
            }
        }
        locks.ExitAll();
        if (changed)
        {
            if (ctx.Server.Watches.Active) ctx.Server.Watches.Touch(ctx.Session.DbIndex, destination);
            if (outputLength > 0) ListBlocking.KeyCreated(ctx.Server, db, ctx.Session.DbIndex, destination, ctx.Session.InExec);
        }
        else ctx.SkipPropagation();
        ctx.Writer.WriteInteger(outputLength);
    }

    /// <summary>
    /// Copies the elements to sort and resolves LIMIT into [start, end] over them (Redis's clamping: an offset past
    /// the end gives an empty range). With a constant BY on a list or sorted set only the range is loaded, in stored
    /// order (reversed for DESC). False once WRONGTYPE is written.
    /// </summary>
    private static bool TryLoad(ref CommandContext ctx, ref SortOptions o, out SortItem[] items, out long start, out long end)
    {
        items = [];
        start = end = 0;
        using var k = ctx.Open(ctx.Args[1], Lookup.Read);
        var kind = k.Exists ? k.Kind : ValueKind.None;
        if (kind is not (ValueKind.None or ValueKind.List or ValueKind.Set or ValueKind.SortedSet))
        {
            ctx.Writer.WriteError(RespErrors.WrongType);
            return false;
        }
        // Sorting a set without an order would reply in hash order, which a replica may not share: Redis sorts it.
        if (o.DontSort && kind == ValueKind.Set && o.StoreKey != 0)
        {
            o.DontSort = false;
            o.Alpha = true;
            o.By = 0;
        }
        long length = kind switch
        {
            ValueKind.List => k.Get<ListValue>(kind, out _)!.Count,
            ValueKind.Set => k.Get<SetValue>(kind, out _)!.Count,
            ValueKind.SortedSet => k.Get<SortedSetValue>(kind, out _)!.Count,
            _ => 0,
        };
        start = o.LimitStart < 0 ? 0 : o.LimitStart;
        end = o.LimitCount < 0 ? length - 1 : (start > long.MaxValue - o.LimitCount ? long.MaxValue : start + o.LimitCount - 1);
        if (start >= length)
        {
            start = length - 1;
            end = length - 2;
        }
        if (end >= length) end = length - 1;

        bool ranged = o.DontSort && kind is ValueKind.List or ValueKind.SortedSet;
        long count = ranged && (start != 0 || end != length - 1) ? end - start + 1 : length;
        items = new SortItem[count];
        if (kind == ValueKind.List)
        {
            var list = k.Get<ListValue>(kind, out _)!;
            if (ranged)
            {
                if (end >= start)
                {
                    var walk = o.Descending ? list.Walk((int)(length - start - 1), (int)count, backward: true) : list.Walk((int)start, (int)count);
                    for (int i = 0; i < count && walk.Next(out var value); i++) items[i].Value = value.ToArray();
                    end -= start;
                    start = 0;
                }
            }
            else
            {
                var walk = list.Walk(0, (int)length);
                for (int i = 0; walk.Next(out var value); i++) items[i].Value = value.ToArray();
            }
        }
        else if (kind == ValueKind.Set)
        {
            var set = k.Get<SetValue>(kind, out _)!;
            Span<byte> scratch = stackalloc byte[SetValue.ScratchLength];
            int i = 0;
            for (int p = set.First(); p >= 0; p = set.Next(p)) items[i++].Value = set.MemberAt(p, scratch).ToArray();
        }
        else if (kind == ValueKind.SortedSet)
        {
            var z = k.Get<SortedSetValue>(kind, out _)!;
            if (ranged)
            {
                var p = z.AtRank((int)(o.Descending ? length - 1 - start : start));
                for (int i = 0; i < count; i++)
                {
                    items[i].Value = z.MemberAt(p).ToArray();
                    p = o.Descending ? z.Previous(p) : z.Next(p);
                }
                end -= start;
                start = 0;
            }
            else
            {
                int i = 0;
                for (var p = z.AtRank(0); p.IsValid; p = z.Next(p)) items[i++].Value = z.MemberAt(p).ToArray();
            }
        }
        return true;
    }

    /// <summary>Weighs and sorts the items; returns whether a weight was not a number (the reply is then an error).</summary>
    private static bool SortItems(ref CommandContext ctx, in SortOptions o, SortItem[] items, long start, long end)
    {
        bool conversionError = false;
        var by = o.By != 0 ? ctx.Args[o.By] : default;
        for (int j = 0; j < items.Length; j++)
        {
            byte[]? weight = o.By != 0 ? LookupByPattern(ref ctx, by, items[j].Value) : items[j].Value;
            if (weight is null) continue;
            if (o.Alpha)
            {
                if (o.By != 0) items[j].By = weight;
            }
            else if (!ScoreParser.TryParseSortWeight(weight, out items[j].Score)) conversionError = true;
        }
        var comparer = new SortComparer(o.Descending, o.Alpha, o.By != 0, o.StoreKey != 0);
        if (o.By != 0 && (start != 0 || end != items.Length - 1)) RedisSorts.Partial(items.AsSpan(), comparer, start, end);
        else RedisSorts.Stable(items.AsSpan(), comparer);
        return conversionError;
    }

    /// <summary>
    /// The value a pattern names for an element (lookupKeyByPattern): "#" is the element; otherwise the first '*'
    /// is replaced by it, and "->field" after the '*' reads a hash field instead of a string. Null when the pattern has
    /// no '*', the key is missing or of another type, or the field is missing.
    /// </summary>
    private static byte[]? LookupByPattern(ref CommandContext ctx, ReadOnlySpan<byte> pattern, byte[] element)
    {
        if (pattern.Length == 1 && pattern[0] == (byte)'#') return element;
        int star = pattern.IndexOf((byte)'*');
        if (star < 0) return null;
        int arrow = pattern.Slice(star + 1).IndexOf("->"u8);
        ReadOnlySpan<byte> field = default;
        int postfixEnd = pattern.Length;
        if (arrow >= 0 && star + 1 + arrow + 2 < pattern.Length)
        {
            postfixEnd = star + 1 + arrow;
            field = pattern.Slice(postfixEnd + 2);
        }
        var key = new byte[star + element.Length + (postfixEnd - star - 1)];
        pattern.Slice(0, star).CopyTo(key);
        element.CopyTo(key.AsSpan(star));
        pattern.Slice(star + 1, postfixEnd - star - 1).CopyTo(key.AsSpan(star + element.Length));

        using var k = ctx.Open(key, Lookup.Read);
        if (!k.Exists) return null;
        if (field.IsEmpty) return k.IsString ? k.String.ToArray() : null;
        var hash = k.Get<HashValue>(ValueKind.Hash, out _);
        return hash is not null && hash.TryGet(field, out var value) ? value.ToArray() : null;
    }
}
