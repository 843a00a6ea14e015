using System.Text;
using FastNode.Server.Persistence.Rdb;
using Microsoft.Extensions.Time.Testing;

namespace FastNode.Server.Tests.Rdb;

/// <summary>Save then load, on one fake clock: every type and encoding boundary comes back exactly.</summary>
public sealed class RdbRoundTripTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [TestCase(true, true)]
    [TestCase(false, true)]
    [TestCase(true, false)]
    public async Task EveryEncodingSurvivesSaveAndLoad(bool compression, bool checksum)
    {
        var time = new FakeTimeProvider(Start);
        await using var c = new InMemoryClient(InMemoryClient.NewServer(time: time));
        await RdbTestData.FillEveryEncodingAsync(c);
        var file = RdbTestData.Save(c.Server, new RdbSaveOptions { Compression = compression, Checksum = checksum });
        Assert.That(file.AsSpan(file.Length - 8).ToArray().Any(b => b != 0), Is.EqualTo(checksum), "a CRC, or 8 zero bytes");

        var loaded = InMemoryClient.NewServer(time: time);
        var result = RdbTestData.Load(file, loaded);
        var expected = DatasetDescription.Of(c.Server);
        Assert.That(expected, Has.Count.GreaterThan(25));
        Assert.That(DatasetDescription.Of(loaded), Is.EqualTo(expected));
        Assert.That(result.KeysLoaded, Is.EqualTo(expected.Count));
        Assert.That(result.Version, Is.EqualTo(10));
        Assert.That(result.Aux["redis-ver"], Is.EqualTo("7.0.15"));
    }

    [Test]
    public async Task EncodingsFollowRedisDefaults()
    {
        await using var c = new InMemoryClient();
        await RdbTestData.FillEveryEncodingAsync(c);
        async Task<byte> TypeOf(string key) => (byte)(await DumpBytes(c, key))[0];
        Assert.That(await TypeOf("short"), Is.EqualTo(RdbType.String));
        Assert.That(await TypeOf("list-small"), Is.EqualTo(RdbType.ListQuicklist2));
        Assert.That(await TypeOf("intset-512"), Is.EqualTo(RdbType.SetIntset));
        Assert.That(await TypeOf("intset-513"), Is.EqualTo(RdbType.Set));
        Assert.That(await TypeOf("set-small"), Is.EqualTo(RdbType.Set), "Redis 7.0 has no set listpack");
        Assert.That(await TypeOf("hash-64"), Is.EqualTo(RdbType.HashListpack));
        Assert.That(await TypeOf("hash-65"), Is.EqualTo(RdbType.Hash));
        Assert.That(await TypeOf("hash-129"), Is.EqualTo(RdbType.Hash));
        Assert.That(await TypeOf("zset-small"), Is.EqualTo(RdbType.ZSetListpack));
        Assert.That(await TypeOf("zset-65"), Is.EqualTo(RdbType.ZSet2));
        Assert.That(await TypeOf("zset-129"), Is.EqualTo(RdbType.ZSet2));
        Assert.That((await DumpBytes(c, "int8"))[1], Is.EqualTo(0xC0), "integer-encoded string");
        Assert.That((await DumpBytes(c, "compressible"))[1], Is.EqualTo(0xC3), "LZF above 20 bytes");
        Assert.That((await DumpBytes(c, "twenty"))[1], Is.EqualTo(20), "raw at 20 bytes");
        Assert.That((await DumpBytes(c, "notcanonical"))[1], Is.EqualTo(3), "\"007\" stays a string");
    }

    [Test]
    public async Task FastNodeTypesSurviveAndFencingTokensNeverRepeat()
    {
        var time = new FakeTimeProvider(Start);
        await using var c = new InMemoryClient(InMemoryClient.NewServer(time: time));
        await RdbTestData.FillFastNodeTypesAsync(c);
        for (int i = 0; i < 5; i++) await c.CallAsync("LOCK.ACQUIRE", "spent" + i, "o", "1");
        long lastToken = long.Parse((await c.CallAsync("LOCK.ACQUIRE", "last", "o", "60000")).Trim(':', '\r', '\n'));
        var file = RdbTestData.Save(c.Server);

        time.Advance(TimeSpan.FromMilliseconds(5));   // the 1 ms locks lapse; the file keeps absolute times
        var loaded = InMemoryClient.NewServer(time: time);
        RdbTestData.Load(file, loaded);
        var expected = DatasetDescription.Of(c.Server).Where(p => !p.Key.Contains(Convert.ToHexString("spent"u8))).ToDictionary();
        Assert.That(DatasetDescription.Of(loaded), Is.EquivalentTo(expected));

        await using var after = new InMemoryClient(loaded);
        long next = long.Parse((await after.CallAsync("LOCK.ACQUIRE", "fresh", "o", "60000")).Trim(':', '\r', '\n'));
        Assert.That(next, Is.GreaterThan(lastToken));
        Assert.That(await after.CallAsync("LOCK.ACQUIRE", "lock", "someone-else", "1000"), Is.EqualTo("$-1\r\n"), "still held after the load");
        Assert.That(await after.CallAsync("TYPE", "bucket"), Is.EqualTo("+ratelimiter\r\n"));
    }

    [Test]
    public async Task ExpiredKeysAreSkippedOnLoadAndCounted()
    {
        var time = new FakeTimeProvider(Start);
        await using var c = new InMemoryClient(InMemoryClient.NewServer(time: time));
        await c.CallAsync("SET", "a", "1", "PX", "1000");
        await c.CallAsync("SET", "b", "1");
        var file = RdbTestData.Save(c.Server);
        time.Advance(TimeSpan.FromSeconds(2));
        var loaded = InMemoryClient.NewServer(time: time);
        var result = RdbTestData.Load(file, loaded);
        Assert.That((result.KeysLoaded, result.KeysExpired), Is.EqualTo((1L, 1L)));
        var kept = InMemoryClient.NewServer(time: time);
        Assert.That(RdbTestData.Load(file, kept, new RdbLoadOptions { SkipExpired = false }).KeysLoaded, Is.EqualTo(2));
    }

    [Test]
    public async Task LoadingStopsRightAfterTheChecksum()
    {
        await using var c = new InMemoryClient();
        await RdbTestData.FillEveryEncodingAsync(c);
        var file = RdbTestData.Save(c.Server);
        var trailer = "*1\r\n$4\r\nPING\r\n"u8.ToArray();
        var withTail = file.Concat(trailer).ToArray();

        using var seekable = new MemoryStream(withTail);
        RdbLoader.Load(seekable, InMemoryClient.NewServer());
        Assert.That(seekable.Position, Is.EqualTo(file.Length));

        using var forwardOnly = new ForwardOnlyStream(new MemoryStream(withTail));
        RdbLoader.Load(forwardOnly, InMemoryClient.NewServer());
        var rest = new MemoryStream();
        forwardOnly.CopyTo(rest);
        Assert.That(rest.ToArray(), Is.EqualTo(trailer));

        // With read-ahead (a stream that ends with the RDB data) the result is the same.
        var readAhead = InMemoryClient.NewServer();
        using var exact = new ForwardOnlyStream(new MemoryStream(file));
        Assert.That(RdbLoader.Load(exact, readAhead, new RdbLoadOptions { ReadAhead = true }).KeysLoaded, Is.GreaterThan(25));
        Assert.That(DatasetDescription.Of(readAhead).Keys, Is.EqualTo(DatasetDescription.Of(c.Server).Keys));
    }

    [Test]
    public void Crc64MatchesRedisCheckValue()
    {
        Assert.That(Crc64.Compute("123456789"u8), Is.EqualTo(0xe9c6d914c4b8d9caUL));
        var data = new byte[1000];
        new Random(1).NextBytes(data);
        Assert.That(Crc64.Update(Crc64.Compute(data.AsSpan(0, 333)), data.AsSpan(333)), Is.EqualTo(Crc64.Compute(data)), "incremental = whole");
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(2)]
    public void LzfRoundTrips(int seed)
    {
        var random = new Random(seed);
        for (int n = 0; n < 300; n++)
        {
            int length = random.Next(4, 20_000);
            var input = new byte[length];
            int alphabet = random.Next(1, 256);
            for (int i = 0; i < length; i++) input[i] = (byte)random.Next(alphabet);
            var compressed = new byte[length + 64];
            int size = Lzf.Compress(input, compressed);
            if (size == 0) continue;
            var output = new byte[length];
            Assert.That(Lzf.TryDecompress(compressed.AsSpan(0, size), output), Is.True);
            Assert.That(output, Is.EqualTo(input));
        }
        var text = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("abcdefgh", 1000)));
        var packed = new byte[text.Length];
        int packedSize = Lzf.Compress(text, packed);
        Assert.That(packedSize, Is.InRange(1, text.Length / 20));
        Assert.That(Lzf.TryDecompress(packed.AsSpan(0, packedSize), new byte[text.Length - 1]), Is.False, "wrong length");
        Assert.That(Lzf.TryDecompress([0x20, 0x00], new byte[3]), Is.False, "reference before the start");
    }

    private static Task<byte[]> DumpBytes(InMemoryClient c, string key) => RespBulk.DumpAsync(c, key);

    /// <summary>A stream that cannot seek (a socket or pipe): the loader must not read past the checksum.</summary>
    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
