using System.Buffers.Text;
using FastNode.Protocol;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Hashes;
using FastNode.Server.Storage.Lists;
using FastNode.Server.Storage.Locks;
using FastNode.Server.Storage.RateLimit;
using FastNode.Server.Storage.Sets;
using FastNode.Server.Storage.SortedSets;

namespace FastNode.Server.Persistence.Rdb;

/// <summary>
/// Writes stored values in the encodings Redis 7.0 writes: strings; lists as quicklist2 of listpack nodes (cut at
/// 8 KB, list-max-listpack-size -2); sets as intset when every member is an integer and there are at most 512, else
/// a plain set; hashes and zsets as a listpack when they have at most 128 entries of at most 64 bytes (a zset's scores
/// are not counted), else hash / zset2; streams as listpack nodes (<see cref="RdbStream"/>); FastNode's own types as module values (<see cref="FastNodeModuleType"/>).
/// Call with the key's shard lock held; the output is a private buffer.
/// </summary>
public static class RdbValueEncoder
{
    private const int QuicklistNodeBytes = 8192;
    private const ulong PackedContainer = 2;

    /// <summary>The RDB type byte the entry's value is written with.</summary>
    public static byte TypeOf(in Entry e) => e.Kind switch
    {
        ValueKind.String => RdbType.String,
        ValueKind.List => RdbType.ListQuicklist2,
        ValueKind.Set => ((SetValue)e.Value!).IsIntSet && ((SetValue)e.Value!).Count <= SetValue.MaxIntSetEntries ? RdbType.SetIntset : RdbType.Set,
        ValueKind.Hash => HashFitsListpack((HashValue)e.Value!) ? RdbType.HashListpack : RdbType.Hash,
        ValueKind.SortedSet => ZSetFitsListpack((SortedSetValue)e.Value!) ? RdbType.ZSetListpack : RdbType.ZSet2,
        ValueKind.Stream => RdbType.StreamListpacks2,
        ValueKind.RateLimiter or ValueKind.Lock => RdbType.Module2,
        _ => throw new InvalidOperationException($"values of kind {e.Kind} cannot be saved"),
    };

    /// <summary>True for the kinds FastNode can write.</summary>
    public static bool CanWrite(ValueKind kind) => kind is ValueKind.String or ValueKind.List or ValueKind.Set
        or ValueKind.Hash or ValueKind.SortedSet or ValueKind.Stream or ValueKind.RateLimiter or ValueKind.Lock;

    /// <summary>Writes the value (without its type byte, see <see cref="TypeOf"/>).</summary>
    public static void WriteValue(RdbBuffer b, byte type, in Entry e, in RdbClock clock)
    {
        switch (type)
        {
            case RdbType.String: b.WriteString(e.StringSpan); break;
            case RdbType.ListQuicklist2: WriteList(b, (ListValue)e.Value!); break;
            case RdbType.SetIntset: WriteIntSet(b, (SetValue)e.Value!); break;
            case RdbType.Set: WriteSet(b, (SetValue)e.Value!); break;
            case RdbType.HashListpack: WriteHashListpack(b, (HashValue)e.Value!); break;
            case RdbType.Hash: WriteHash(b, (HashValue)e.Value!); break;
            case RdbType.ZSetListpack: WriteZSetListpack(b, (SortedSetValue)e.Value!); break;
            case RdbType.ZSet2: WriteZSet2(b, (SortedSetValue)e.Value!); break;
            case RdbType.StreamListpacks2: RdbStream.Write(b, (Storage.Streams.StreamValue)e.Value!); break;
            case RdbType.Module2:
                if (e.Value is RateLimiterState limiter) WriteLimiter(b, limiter, clock);
                else WriteLock(b, (LockState)e.Value!);
                break;
            default: throw new InvalidOperationException($"no encoder for RDB type {type}");
        }
    }

    /// <summary>Type byte then value.</summary>
    public static void WriteObject(RdbBuffer b, in Entry e, in RdbClock clock)
    {
        byte type = TypeOf(e);
        b.WriteByte(type);
        WriteValue(b, type, e, clock);
    }

    private static void WriteList(RdbBuffer b, ListValue list)
    {
        var nodes = new List<byte[]>();
        var items = new List<byte[]>();
        int size = Listpack.Overhead;
        var walker = list.Walk(0, list.Count);
        while (walker.Next(out var item))
        {
            int entry = Listpack.EntrySize(item);
            if (items.Count > 0 && size + entry > QuicklistNodeBytes)
            {
                nodes.Add(Listpack.Build(items));
                items.Clear();
                size = Listpack.Overhead;
            }
            items.Add(item.ToArray());
            size += entry;
        }
        if (items.Count > 0) nodes.Add(Listpack.Build(items));
        b.WriteLength((ulong)nodes.Count);
        foreach (var node in nodes)
        {
            b.WriteLength(PackedContainer);
            b.WriteString(node);
        }
    }

    private static void WriteIntSet(RdbBuffer b, SetValue set)
    {
        var values = new long[set.Count];
        Span<byte> scratch = stackalloc byte[SetValue.ScratchLength];
        int n = 0;
        for (int p = set.First(); p >= 0; p = set.Next(p))
        {
            Numbers.TryParseInt64(set.MemberAt(p, scratch), out values[n++]);
        }
        Array.Sort(values);
        b.WriteString(IntSetBlob.Build(values));
    }

    private static void WriteSet(RdbBuffer b, SetValue set)
    {
        b.WriteLength((ulong)set.Count);
        Span<byte> scratch = stackalloc byte[SetValue.ScratchLength];
        for (int p = set.First(); p >= 0; p = set.Next(p)) b.WriteString(set.MemberAt(p, scratch));
    }

    private static bool HashFitsListpack(HashValue hash)
    {
        if (hash.Count > HashValue.MaxPackedEntries) return false;
        for (int p = hash.First(); p >= 0; p = hash.Next(p))
        {
            if (hash.FieldAt(p).Length > HashValue.MaxPackedLength || hash.ValueAt(p).Length > HashValue.MaxPackedLength) return false;
        }
        return true;
    }

    private static void WriteHashListpack(RdbBuffer b, HashValue hash)
    {
        var items = new List<byte[]>(hash.Count * 2);
        for (int p = hash.First(); p >= 0; p = hash.Next(p))
        {
            items.Add(hash.FieldAt(p).ToArray());
            items.Add(hash.ValueAt(p).ToArray());
        }
        b.WriteString(Listpack.Build(items));
    }

    private static void WriteHash(RdbBuffer b, HashValue hash)
    {
        b.WriteLength((ulong)hash.Count);
        for (int p = hash.First(); p >= 0; p = hash.Next(p))
        {
            b.WriteString(hash.FieldAt(p));
            b.WriteString(hash.ValueAt(p));
        }
    }

    private static bool ZSetFitsListpack(SortedSetValue z)
    {
        if (z.Count > SortedSetValue.MaxPackedEntries) return false;
        for (var p = z.AtRank(0); p.IsValid; p = z.Next(p))
        {
            if (z.MemberAt(p).Length > SortedSetValue.MaxPackedLength) return false;
        }
        return true;
    }

    private static void WriteZSetListpack(RdbBuffer b, SortedSetValue z)
    {
        var items = new List<byte[]>(z.Count * 2);
        Span<byte> text = stackalloc byte[32];
        for (var p = z.AtRank(0); p.IsValid; p = z.Next(p))
        {
            items.Add(z.MemberAt(p).ToArray());
            items.Add(text.Slice(0, FormatScore(z.ScoreAt(p), text)).ToArray());
        }
        b.WriteString(Listpack.Build(items));
    }

    /// <summary>Redis 7.0's d2string: integers in (-2^52, 2^52) as integers, "inf"/"-inf", otherwise %.17g.</summary>
    public static int FormatScore(double score, Span<byte> text)
    {
        if (score > -4503599627370495.0 && score < 4503599627370496.0 && score == Math.Truncate(score))
        {
            Utf8Formatter.TryFormat((long)score, text, out int n);
            return n;
        }
        return RespWriter.FormatDouble(score, text);
    }

    private static void WriteZSet2(RdbBuffer b, SortedSetValue z)
    {
        // Redis writes from the highest score down, so its loader inserts each at the head of the skip list.
        b.WriteLength((ulong)z.Count);
        for (var p = z.AtRank(z.Count - 1); p.IsValid; p = z.Previous(p))
        {
            b.WriteString(z.MemberAt(p));
            b.WriteBinaryDouble(z.ScoreAt(p));
        }
    }

    private static void WriteLimiter(RdbBuffer b, RateLimiterState limiter, in RdbClock clock)
    {
        var fields = new List<long>();
        limiter.Export(fields, clock.ToUnixNs);
        b.WriteLength(FastNodeModuleType.LimiterId);
        UInt(b, (ulong)limiter.Algorithm);
        UInt(b, (ulong)fields.Count);
        foreach (long f in fields) SInt(b, f);
        b.WriteLength(RdbModuleOpcode.Eof);
    }

    private static void WriteLock(RdbBuffer b, LockState state)
    {
        b.WriteLength(FastNodeModuleType.LockId);
        UInt(b, state.IsSemaphore ? 1UL : 0UL);
        UInt(b, (ulong)state.Permits);
        UInt(b, (ulong)state.HolderCount);
        for (int j = 0; j < state.HolderCount; j++)
        {
            ref readonly var h = ref state.Holder(j);
            b.WriteLength(RdbModuleOpcode.String);
            b.WriteString(h.OwnerSpan);
            SInt(b, h.Token);
            SInt(b, h.Deadline);
        }
        b.WriteLength(RdbModuleOpcode.Eof);
    }

    private static void UInt(RdbBuffer b, ulong value)
    {
        b.WriteLength(RdbModuleOpcode.UInt);
        b.WriteLength(value);
    }

    private static void SInt(RdbBuffer b, long value)
    {
        b.WriteLength(RdbModuleOpcode.SInt);
        b.WriteLength((ulong)value);
    }
}
