using System.Buffers.Binary;
using System.Text;
using FastNode.Server.Persistence.Rdb;

namespace FastNode.Server.Tests.Rdb;

/// <summary>
/// Encodings Redis 7.0 no longer writes but may find in older files (ziplist, zipmap, quicklist v1, text-double zsets,
/// second expiries, plain lists/zsets) and 7.2's set listpack: files built byte by byte here, loaded and checked.
/// </summary>
public sealed class OlderEncodingTests
{
    private static byte[] S(string text) => Encoding.ASCII.GetBytes(text);

    /// <summary>An RDB string: 6-bit or 32-bit length, then the bytes.</summary>
    private static byte[] Str(byte[] value)
    {
        var b = new RdbBuffer { Compress = false };
        b.WriteLength((ulong)value.Length);
        b.Write(value);
        return b.Span.ToArray();
    }

    /// <summary>A ziplist of strings and integers (strings stay strings unless given as long).</summary>
    private static byte[] Ziplist(params object[] items)
    {
        var entries = new MemoryStream();
        int previous = 0;
        foreach (var item in items)
        {
            var entry = new MemoryStream();
            if (previous < 254) entry.WriteByte((byte)previous);
            else { entry.WriteByte(0xFE); entry.Write(BitConverter.GetBytes(previous)); }
            if (item is long v)
            {
                if (v >= 0 && v <= 12) entry.WriteByte((byte)(0xF1 + v));
                else if (v >= sbyte.MinValue && v <= sbyte.MaxValue) { entry.WriteByte(0xFE); entry.WriteByte((byte)(sbyte)v); }
                else if (v >= short.MinValue && v <= short.MaxValue) { entry.WriteByte(0xC0); entry.Write(BitConverter.GetBytes((short)v)); }
                else if (v >= -(1 << 23) && v < 1 << 23) { entry.WriteByte(0xF0); entry.Write(BitConverter.GetBytes((int)v).AsSpan(0, 3)); }
                else if (v >= int.MinValue && v <= int.MaxValue) { entry.WriteByte(0xD0); entry.Write(BitConverter.GetBytes((int)v)); }
                else { entry.WriteByte(0xE0); entry.Write(BitConverter.GetBytes(v)); }
            }
            else
            {
                var s = (byte[])item;
                if (s.Length < 64) entry.WriteByte((byte)s.Length);
                else if (s.Length < 16384) { entry.WriteByte((byte)(0x40 | (s.Length >> 8))); entry.WriteByte((byte)s.Length); }
                else { entry.WriteByte(0x80); var len = new byte[4]; BinaryPrimitives.WriteUInt32BigEndian(len, (uint)s.Length); entry.Write(len); }
                entry.Write(s);
            }
            previous = (int)entry.Length;
            entries.Write(entry.ToArray());
        }
        var blob = new byte[10 + entries.Length + 1];
        BinaryPrimitives.WriteUInt32LittleEndian(blob, (uint)blob.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(blob.AsSpan(8), (ushort)items.Length);
        entries.ToArray().CopyTo(blob, 10);
        blob[^1] = 0xFF;
        return blob;
    }

    private static byte[] File(int version, params byte[][] records)
    {
        var file = new MemoryStream();
        file.Write(Encoding.ASCII.GetBytes($"REDIS{version:D4}"));
        foreach (var r in records) file.Write(r);
        file.WriteByte(RdbOpcode.Eof);
        if (version >= 5) file.Write(BitConverter.GetBytes(Crc64.Compute(file.ToArray())));
        return file.ToArray();
    }

    private static byte[] Key(byte type, string key, params byte[][] value) =>
        new[] { new[] { type }, Str(S(key)) }.Concat(value).SelectMany(x => x).ToArray();

    private static async Task<string> Call(ServerState server, params string[] args)
    {
        await using var c = new InMemoryClient(server);
        return await c.CallAsync(args);
    }

    [Test]
    public async Task ZiplistZipmapQuicklistAndTextScoresLoad()
    {
        var bigString = new string('z', 300);
        var file = File(9,
            Key(RdbType.ListZiplist, "zl", Str(Ziplist(S("a"), 5L, -100L, 1000L, 100000L, 3000000000L, S(bigString)))),
            Key(RdbType.ListQuicklist, "ql", [2], Str(Ziplist(S("x"), 1L)), Str(Ziplist(S("y")))),
            Key(RdbType.HashZiplist, "hz", Str(Ziplist(S("f"), S("v"), S("n"), 7L))),
            Key(RdbType.ZSetZiplist, "zz", Str(Ziplist(S("a"), 1L, S("b"), S("2.5")))),
            Key(RdbType.HashZipmap, "zm", Str([2, 1, (byte)'f', 2, 3, (byte)'v', (byte)'1', 0, 0, 0, 1, (byte)'g', 0, 0, 0xFF])),
            Key(RdbType.ZSet, "zt", [2], Str(S("m")), [3, (byte)'1', (byte)'.', (byte)'5'], Str(S("n")), [254]),
            Key(RdbType.List, "pl", [2], Str(S("p")), Str(S("q"))),
            [RdbOpcode.ExpireTime, .. BitConverter.GetBytes((uint)(DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1000)), .. Key(RdbType.String, "exp", Str(S("v")))]);
        var server = InMemoryClient.NewServer();
        Assert.That(RdbTestData.Load(file, server).KeysLoaded, Is.EqualTo(8));
        Assert.That(await Call(server, "LRANGE", "zl", "0", "-1"), Is.EqualTo(Resp.CommandText("a", "5", "-100", "1000", "100000", "3000000000", bigString)));
        Assert.That(await Call(server, "LRANGE", "ql", "0", "-1"), Is.EqualTo(Resp.CommandText("x", "1", "y")));
        Assert.That(await Call(server, "HGET", "hz", "n"), Is.EqualTo("$1\r\n7\r\n"));
        Assert.That(await Call(server, "ZRANGE", "zz", "0", "-1", "WITHSCORES"), Is.EqualTo(Resp.CommandText("a", "1", "b", "2.5")));
        Assert.That(await Call(server, "HGETALL", "zm"), Is.EqualTo(Resp.CommandText("f", "v1", "g", "")));
        Assert.That(await Call(server, "ZRANGE", "zt", "0", "-1", "WITHSCORES"), Is.EqualTo(Resp.CommandText("m", "1.5", "n", "inf")));
        Assert.That(await Call(server, "LRANGE", "pl", "0", "-1"), Is.EqualTo(Resp.CommandText("p", "q")));
        Assert.That(int.Parse((await Call(server, "TTL", "exp"))[1..^2]), Is.InRange(990, 1000));
    }

    [Test]
    public async Task QuicklistPlainNodesAndSetListpacksLoad()
    {
        var listpack = Listpack.Build([S("a"), S("7"), S("b")]);
        var file = File(10,
            Key(RdbType.ListQuicklist2, "q2", [2, 1], Str(S("plain-node")), [2], Str(listpack)),
            Key(RdbType.SetListpack, "sl", Str(listpack)),
            [RdbOpcode.Idle, 50, .. Key(RdbType.String, "idle", Str(S("v")))],
            [RdbOpcode.Freq, 5, .. Key(RdbType.String, "freq", Str(S("v")))],
            [RdbOpcode.Function2, .. Str(S("#!lua name=lib\nredis.register_function('f', function() return 1 end)"))]);
        var server = InMemoryClient.NewServer();
        Assert.That(RdbTestData.Load(file, server).KeysLoaded, Is.EqualTo(4));
        Assert.That(await Call(server, "LRANGE", "q2", "0", "-1"), Is.EqualTo(Resp.CommandText("plain-node", "a", "7", "b")));
        Assert.That(await Call(server, "SMEMBERS", "sl"), Does.Contain("$1\r\n7\r\n"));
        Assert.That(int.Parse((await Call(server, "OBJECT", "IDLETIME", "idle"))[1..^2]), Is.InRange(49, 51));
    }

    [Test]
    public void CorruptBlobsAreNamed()
    {
        var badZiplist = Ziplist(S("a"), S("b"));
        badZiplist[^1] = 0x00;
        var file = File(9, Key(RdbType.ListZiplist, "zl", Str(badZiplist)));
        Assert.That(Assert.Throws<RdbFormatException>(() => RdbTestData.Load(file, InMemoryClient.NewServer()))!.Message, Does.StartWith("corrupt ziplist"));
        var badListpack = Listpack.Build([S("a")]);
        badListpack[^2] ^= 0x7F;   // the back length no longer matches
        file = File(10, Key(RdbType.HashListpack, "h", Str(badListpack)));
        Assert.That(Assert.Throws<RdbFormatException>(() => RdbTestData.Load(file, InMemoryClient.NewServer()))!.Message, Does.StartWith("corrupt listpack"));
        var dupSet = File(10, Key(RdbType.Set, "s", [2], Str(S("x")), Str(S("x"))));
        Assert.That(Assert.Throws<RdbFormatException>(() => RdbTestData.Load(dupSet, InMemoryClient.NewServer()))!.Message, Does.StartWith("duplicate set member"));
    }
}
