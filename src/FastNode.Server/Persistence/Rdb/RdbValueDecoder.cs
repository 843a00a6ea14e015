using FastNode.Protocol;
using FastNode.Server.Storage;
using FastNode.Server.Storage.Hashes;
using FastNode.Server.Storage.Lists;
using FastNode.Server.Storage.RateLimit;
using FastNode.Server.Storage.Sets;
using FastNode.Server.Storage.SortedSets;

namespace FastNode.Server.Persistence.Rdb;

/// <summary>
/// Reads a value of any type and encoding redis-server 7.0 writes or may find in an older file: string; list as
/// plain list, ziplist, quicklist (ziplist nodes) or quicklist2 (listpack and plain nodes); set as plain set, intset
/// or 7.2's listpack; zset as zset, zset2, ziplist or listpack; hash as hash, zipmap, ziplist or listpack; FastNode's
/// module types; streams (<see cref="RdbStream"/>). Other modules' values are refused with an error naming the key. Every count and length is
/// checked before anything is allocated for it (see <see cref="RdbReader"/>).
/// A collection that turns out empty returns null (Redis skips empty keys too).
/// </summary>
public static class RdbValueDecoder
{
    private const ulong PlainContainer = 1;
    private const ulong PackedContainer = 2;

    public static RdbValue? Read(RdbReader r, byte type, ReadOnlySpan<byte> key, in RdbClock clock)
    {
        switch (type)
        {
            case RdbType.String: return new RdbValue(ValueKind.String, r.ReadString());
            case RdbType.List: return ReadPlainList(r);
            case RdbType.ListZiplist: return ListOf(r, Blob(r, Ziplist.TryRead, "ziplist"));
            case RdbType.ListQuicklist: return ReadQuicklist(r, version2: false);
            case RdbType.ListQuicklist2: return ReadQuicklist(r, version2: true);
            case RdbType.Set: return ReadPlainSet(r);
            case RdbType.SetIntset: return SetOf(r, Blob(r, IntSetBlob.TryRead, "intset"));
            case RdbType.SetListpack: return SetOf(r, Blob(r, Listpack.TryRead, "listpack"));
            case RdbType.ZSet: return ReadPlainZSet(r, binary: false);
            case RdbType.ZSet2: return ReadPlainZSet(r, binary: true);
            case RdbType.ZSetZiplist: return ZSetOf(r, Blob(r, Ziplist.TryRead, "ziplist"));
            case RdbType.ZSetListpack: return ZSetOf(r, Blob(r, Listpack.TryRead, "listpack"));
            case RdbType.Hash: return ReadPlainHash(r);
            case RdbType.HashZipmap: return HashOf(r, Blob(r, Zipmap.TryRead, "zipmap"));
            case RdbType.HashZiplist: return HashOf(r, Blob(r, Ziplist.TryRead, "ziplist"));
            case RdbType.HashListpack: return HashOf(r, Blob(r, Listpack.TryRead, "listpack"));
            case RdbType.Module2: return ReadModule(r, key, clock);
        }
        if (RdbType.IsStream(type))
            return new RdbValue(ValueKind.Stream, RdbStream.Read(r, type, Printable(key)));
        if (type == RdbType.Module)
            r.Fail($"key '{Printable(key)}' holds a module value of the pre-4.0 format, which FastNode cannot load");
        r.Fail($"unknown value type {type} for key '{Printable(key)}'");
        return null;
    }

    /// <summary>A key name for an error message: printable ASCII kept, other bytes as \xNN, cut at 128 bytes.</summary>
    public static string Printable(ReadOnlySpan<byte> key)
    {
        var text = new System.Text.StringBuilder();
        foreach (byte c in key.Length > 128 ? key.Slice(0, 128) : key)
        {
            if (c >= 0x20 && c < 0x7F && c != '\\') text.Append((char)c);
            else text.Append("\\x").Append(c.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    private delegate bool BlobParser(ReadOnlySpan<byte> blob, List<byte[]> items);

    private static List<byte[]> Blob(RdbReader r, BlobParser parse, string what)
    {
        var blob = r.ReadString();
        var items = new List<byte[]>();
        if (!parse(blob, items)) r.Fail($"corrupt {what}");
        return items;
    }

    private static RdbValue? ReadPlainList(RdbReader r)
    {
        int count = r.ReadCount("list");
        var list = new ListValue();
        for (int i = 0; i < count; i++) list.Push(ListEnd.Right, r.ReadString());
        return count == 0 ? null : new RdbValue(ValueKind.List, list);
    }

    private static RdbValue? ListOf(RdbReader r, List<byte[]> items)
    {
        var list = new ListValue();
        foreach (var item in items) list.Push(ListEnd.Right, item);
        return items.Count == 0 ? null : new RdbValue(ValueKind.List, list);
    }

    private static RdbValue? ReadQuicklist(RdbReader r, bool version2)
    {
        int nodes = r.ReadCount("quicklist node");
        var list = new ListValue();
        var items = new List<byte[]>();
        for (int n = 0; n < nodes; n++)
        {
            ulong container = version2 ? r.ReadLength() : PackedContainer;
            if (container == PlainContainer)
            {
                list.Push(ListEnd.Right, r.ReadString());
                continue;
            }
            if (container != PackedContainer) r.Fail($"unknown quicklist node container {container}");
            var blob = r.ReadString();
            items.Clear();
            bool ok = version2 ? Listpack.TryRead(blob, items) : Ziplist.TryRead(blob, items);
            if (!ok) r.Fail(version2 ? "corrupt listpack in quicklist" : "corrupt ziplist in quicklist");
            if (items.Count == 0) r.Fail("empty quicklist node");
            foreach (var item in items) list.Push(ListEnd.Right, item);
        }
        return list.Count == 0 ? null : new RdbValue(ValueKind.List, list);
    }

    private static RdbValue? ReadPlainSet(RdbReader r)
    {
        int count = r.ReadCount("set");
        var set = new SetValue();
        for (int i = 0; i < count; i++)
        {
            if (!set.Add(r.ReadString())) r.Fail("duplicate set member");
        }
        return count == 0 ? null : new RdbValue(ValueKind.Set, set);
    }

    private static RdbValue? SetOf(RdbReader r, List<byte[]> items)
    {
        var set = new SetValue();
        foreach (var item in items)
        {
            if (!set.Add(item)) r.Fail("duplicate set member");
        }
        return items.Count == 0 ? null : new RdbValue(ValueKind.Set, set);
    }

    private static RdbValue? ReadPlainZSet(RdbReader r, bool binary)
    {
        int count = r.ReadCount("zset");
        var z = SortedSetValue.Create(count, int.MaxValue);
        for (int i = 0; i < count; i++)
        {
            var member = r.ReadString();
            double score = binary ? r.ReadBinaryDouble() : r.ReadTextDouble();
            AddScored(r, z, member, score);
        }
        return count == 0 ? null : new RdbValue(ValueKind.SortedSet, z);
    }

    private static RdbValue? ZSetOf(RdbReader r, List<byte[]> items)
    {
        if (items.Count % 2 != 0) r.Fail("zset listpack with an odd number of entries");
        int maxMember = 0;
        for (int i = 0; i < items.Count; i += 2) maxMember = Math.Max(maxMember, items[i].Length);
        var z = SortedSetValue.Create(items.Count / 2, maxMember);
        for (int i = 0; i < items.Count; i += 2)
        {
            if (!Numbers.TryParseDouble(items[i + 1], out double score)) r.Fail("invalid zset score");
            AddScored(r, z, items[i], score);
        }
        return items.Count == 0 ? null : new RdbValue(ValueKind.SortedSet, z);
    }

    private static void AddScored(RdbReader r, SortedSetValue z, byte[] member, double score)
    {
        if (double.IsNaN(score)) r.Fail("zset score is NaN");
        if (z.Add(member, score, ZAddFlags.None, out _) != ZAddOutcome.Added) r.Fail("duplicate zset member");
    }

    private static RdbValue? ReadPlainHash(RdbReader r)
    {
        int count = r.ReadCount("hash");
        var hash = new HashValue();
        for (int i = 0; i < count; i++)
        {
            var field = r.ReadString();
            var value = r.ReadString();
            if (!hash.Set(field, value)) r.Fail("duplicate hash field");
        }
        return count == 0 ? null : new RdbValue(ValueKind.Hash, hash);
    }

    private static RdbValue? HashOf(RdbReader r, List<byte[]> items)
    {
        if (items.Count % 2 != 0) r.Fail("hash listpack with an odd number of entries");
        var hash = new HashValue();
        for (int i = 0; i < items.Count; i += 2)
        {
            if (!hash.Set(items[i], items[i + 1])) r.Fail("duplicate hash field");
        }
        return items.Count == 0 ? null : new RdbValue(ValueKind.Hash, hash);
    }

    private static RdbValue? ReadModule(RdbReader r, ReadOnlySpan<byte> key, in RdbClock clock)
    {
        ulong id = r.ReadLength();
        if (id == FastNodeModuleType.LimiterId) return ReadLimiter(r, clock);
        if (id == FastNodeModuleType.LockId) return ReadLock(r);
        r.Fail($"key '{Printable(key)}' holds a value of module type '{FastNodeModuleType.NameOf(id)}' (version {id & 1023}), which FastNode cannot load");
        return null;
    }

    private static RdbValue? ReadLimiter(RdbReader r, in RdbClock clock)
    {
        ulong algorithm = UInt(r);
        ulong count = UInt(r);
        if (count > 1_000_000) r.Fail($"invalid limiter field count {count}");
        var fields = new List<long>();
        for (ulong i = 0; i < count; i++) fields.Add(SInt(r));
        ModuleEof(r);
        var state = algorithm <= byte.MaxValue
            ? RateLimiterState.Import((LimiterAlgorithm)algorithm, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(fields), -clock.ToUnixNs)
            : null;
        if (state is null) r.Fail("invalid rate limiter state");
        return new RdbValue(ValueKind.RateLimiter, state);
    }

    private static RdbValue? ReadLock(RdbReader r)
    {
        ulong semaphore = UInt(r);
        ulong permits = UInt(r);
        ulong holders = UInt(r);
        if (semaphore > 1 || permits < 1 || permits > Storage.Locks.LockState.MaxPermits || holders > permits)
            r.Fail("invalid lock state");
        var image = new LockImage { Semaphore = semaphore == 1, Permits = (int)permits };
        for (ulong j = 0; j < holders; j++)
        {
            Expect(r, RdbModuleOpcode.String);
            var owner = r.ReadString();
            long token = SInt(r);
            long deadline = SInt(r);
            image.Holders.Add(new LockLease(owner, token, deadline));
        }
        ModuleEof(r);
        return new RdbValue(ValueKind.Lock, image);
    }

    private static ulong UInt(RdbReader r)
    {
        Expect(r, RdbModuleOpcode.UInt);
        return r.ReadLength();
    }

    private static long SInt(RdbReader r)
    {
        Expect(r, RdbModuleOpcode.SInt);
        return (long)r.ReadLength();
    }

    private static void ModuleEof(RdbReader r) => Expect(r, RdbModuleOpcode.Eof);

    private static void Expect(RdbReader r, ulong opcode)
    {
        ulong found = r.ReadLength();
        if (found != opcode) r.Fail($"module value: expected opcode {opcode}, found {found}");
    }

    /// <summary>Walks a module value or module AUX payload without understanding it (opcodes up to EOF).</summary>
    public static void SkipModuleOpcodes(RdbReader r)
    {
        while (true)
        {
            ulong opcode = r.ReadLength();
            switch (opcode)
            {
                case RdbModuleOpcode.Eof: return;
                case RdbModuleOpcode.SInt:
                case RdbModuleOpcode.UInt: r.ReadLength(); break;
                case RdbModuleOpcode.Float: r.ReadUInt32LittleEndian(); break;
                case RdbModuleOpcode.Double: r.ReadInt64LittleEndian(); break;
                case RdbModuleOpcode.String: r.SkipString(); break;
                default: r.Fail($"unknown module opcode {opcode}"); break;
            }
        }
    }
}
