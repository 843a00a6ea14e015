using System.Buffers.Binary;
using FastNode.Server.Persistence.Rdb;

namespace FastNode.Server.Tests.Rdb;

/// <summary>Corrupt input gives one RdbFormatException with an offset, never another exception or a huge allocation.</summary>
public sealed class RdbCorruptInputTests
{
    private static async Task<byte[]> SmallFileAsync()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SET", "s", "hello world, hello world, hello world");
        await c.CallAsync("RPUSH", "l", "a", "1", "b");
        await c.CallAsync("HSET", "h", "f", "v");
        await c.CallAsync("SADD", "i", "1", "2");
        await c.CallAsync("ZADD", "z", "1.5", "m");
        await c.CallAsync("SET", "t", "v", "EX", "1000");
        await c.CallAsync("LOCK.ACQUIRE", "lk", "o", "60000");
        return RdbTestData.Save(c.Server);
    }

    [Test]
    public async Task EveryTruncationFailsWithAnOffset()
    {
        var file = await SmallFileAsync();
        for (int n = 0; n < file.Length; n++)
        {
            var ex = Assert.Throws<RdbFormatException>(() => RdbTestData.Load(file[..n], InMemoryClient.NewServer()), $"cut at {n}");
            Assert.That(ex!.Offset, Is.InRange(0, n), $"cut at {n}");
            Assert.That(ex.Message, Does.Contain("at byte offset"));
        }
    }

    [Test]
    public async Task AWrongChecksumIsRefusedAndZeroIsAccepted()
    {
        var file = await SmallFileAsync();
        var bad = (byte[])file.Clone();
        bad[^1] ^= 0x55;
        var ex = Assert.Throws<RdbFormatException>(() => RdbTestData.Load(bad, InMemoryClient.NewServer()));
        Assert.That(ex!.Message, Does.StartWith("Wrong RDB checksum"));
        Assert.That(ex.Offset, Is.EqualTo(file.Length));

        var zero = (byte[])file.Clone();
        zero.AsSpan(zero.Length - 8).Clear();
        Assert.That(RdbTestData.Load(zero, InMemoryClient.NewServer()).KeysLoaded, Is.EqualTo(7));
        Assert.That(RdbTestData.Load(bad, InMemoryClient.NewServer(), new RdbLoadOptions { VerifyChecksum = false }).KeysLoaded, Is.EqualTo(7));
    }

    [TestCase(new byte[] { 0x81, 0x40, 0, 0, 0, 0, 0, 0, 0 }, TestName = "StringLength2Pow62")]
    [TestCase(new byte[] { 0x80, 0x7F, 0xFF, 0xFF, 0xF0 }, TestName = "StringLength2GB")]
    [TestCase(new byte[] { 0xC3, 0x05, 0x80, 0x7F, 0, 0, 0 }, TestName = "LzfClaims2GB")]
    public void HugeStringLengthsFailWithoutAllocating(byte[] lengthBytes)
    {
        var file = Header().Concat(new byte[] { RdbType.String, 1, (byte)'k' }).Concat(lengthBytes).Concat(new byte[16]).ToArray();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<RdbFormatException>(() => RdbTestData.Load(file, InMemoryClient.NewServer()));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(64L << 20), "no allocation sized by the corrupt length");
        Assert.That(ex!.Message, Does.Contain("length"));
    }

    [Test]
    public void HugeCountsFailWithoutAllocating()
    {
        // A list claiming 2^32-1 elements, then nothing.
        var file = Header().Concat(new byte[] { RdbType.List, 1, (byte)'k', 0x80, 0xFF, 0xFF, 0xFF, 0xFF }).ToArray();
        var ex = Assert.Throws<RdbFormatException>(() => RdbTestData.Load(file, InMemoryClient.NewServer()));
        Assert.That(ex!.Message, Does.Contain("count"));
    }

    [Test]
    public void NonSeekableInputsAlsoFailCleanlyOnHugeLengths()
    {
        var file = Header().Concat(new byte[] { RdbType.String, 1, (byte)'k', 0x80, 0x7F, 0xFF, 0xFF, 0xF0, 1, 2, 3 }).ToArray();
        using var input = new NonSeekable(file);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<RdbFormatException>(() => RdbLoader.Load(input, InMemoryClient.NewServer()));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(64L << 20));
    }

    [Test]
    public void BadHeadersAndUnknownTypesAreNamed()
    {
        Assert.That(Assert.Throws<RdbFormatException>(() => RdbTestData.Load("REDIX0010"u8.ToArray(), InMemoryClient.NewServer()))!.Message,
            Does.StartWith("not an RDB file"));
        Assert.That(Assert.Throws<RdbFormatException>(() => RdbTestData.Load("REDIS0011"u8.ToArray(), InMemoryClient.NewServer()))!.Message,
            Does.StartWith("Can't handle RDB format version 11"));
        var stream = Header().Concat(new byte[] { RdbType.StreamListpacks2, 3, (byte)'s', (byte)'t', (byte)'r', 0 }).ToArray();
        // Streams load (Rdb/RdbStream.cs); one cut short after its key is named as such.
        Assert.That(Assert.Throws<RdbFormatException>(() => RdbTestData.Load(stream, InMemoryClient.NewServer()))!.Message,
            Does.StartWith("unexpected end of input"));
        var unknown = Header().Concat(new byte[] { 8, 1, (byte)'k' }).ToArray();
        Assert.That(Assert.Throws<RdbFormatException>(() => RdbTestData.Load(unknown, InMemoryClient.NewServer()))!.Message,
            Does.StartWith("unknown value type or opcode 8"));
        var tooManyDbs = Header().Concat(new byte[] { RdbOpcode.SelectDb, 16 }).ToArray();
        Assert.That(Assert.Throws<RdbFormatException>(() => RdbTestData.Load(tooManyDbs, InMemoryClient.NewServer()))!.Message,
            Does.Contain("more than 16 databases"));
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public async Task RandomCorruptionOnlyEverGivesRdbFormatException(int seed)
    {
        var file = await SmallFileAsync();
        var random = new Random(seed);
        int loaded = 0, refused = 0;
        for (int n = 0; n < 1500; n++)
        {
            var bad = (byte[])file.Clone();
            for (int k = random.Next(1, 4); k > 0; k--) bad[random.Next(9, bad.Length - 8)] = (byte)random.Next(256);
            try
            {
                RdbTestData.Load(bad, InMemoryClient.NewServer(), new RdbLoadOptions { VerifyChecksum = false });
                loaded++;
            }
            catch (RdbFormatException)
            {
                refused++;
            }
        }
        Assert.That(refused, Is.GreaterThan(0));
        Assert.That(loaded + refused, Is.EqualTo(1500));
    }

    private static byte[] Header() => "REDIS0010"u8.ToArray();

    private sealed class NonSeekable(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
    }
}
