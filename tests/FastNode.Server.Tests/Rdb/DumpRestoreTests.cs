using System.Text;
using FastNode.Server.Persistence.Rdb;

namespace FastNode.Server.Tests.Rdb;

/// <summary>DUMP and RESTORE: payload format, Redis's checks in Redis's order, exact error texts.</summary>
public sealed class DumpRestoreTests
{
    private static async Task<string> Restore(InMemoryClient c, string key, string ttl, byte[] payload, params string[] options)
    {
        var args = new List<byte[]> { "RESTORE"u8.ToArray(), Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(ttl), payload };
        args.AddRange(options.Select(Encoding.UTF8.GetBytes));
        return Encoding.UTF8.GetString(await c.CallBytesAsync(RdbTestData.BinaryCommand(args.ToArray())));
    }

    [Test]
    public async Task EveryKeyRestoresToAnEqualValue()
    {
        // One fake clock for both servers: limiter times go through Unix ns and must come back exact.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 5, 6, 7, 8, 9, TimeSpan.Zero));
        await using var c = new InMemoryClient(InMemoryClient.NewServer(time: time));
        await RdbTestData.FillEveryEncodingAsync(c);
        await RdbTestData.FillFastNodeTypesAsync(c);
        await using var target = new InMemoryClient(InMemoryClient.NewServer(time: time));
        var before = DatasetDescription.Of(c.Server).Where(p => p.Key.StartsWith("0 ", StringComparison.Ordinal)).ToList();
        foreach (var (name, _) in before)
        {
            var key = Encoding.Latin1.GetString(Convert.FromHexString(name[2..]));
            var payload = RespBulk.Bytes(await c.CallBytesAsync(RdbTestData.BinaryCommand("DUMP"u8.ToArray(), Convert.FromHexString(name[2..]))));
            var reply = await target.CallBytesAsync(RdbTestData.BinaryCommand("RESTORE"u8.ToArray(), Convert.FromHexString(name[2..]), "0"u8.ToArray(), payload, "REPLACE"u8.ToArray()));
            Assert.That(Encoding.UTF8.GetString(reply), Is.EqualTo("+OK\r\n"), key);
        }
        // TTLs are not in the payload (RESTORE took 0), so compare without them.
        static string NoTtl(string v) => string.Join(' ', v.Split(' ').Where((_, i) => i != 1));
        var after = DatasetDescription.Of(target.Server);
        Assert.That(after.Select(p => (p.Key, NoTtl(p.Value))), Is.EquivalentTo(before.Select(p => (p.Key, NoTtl(p.Value)))));
    }

    [Test]
    public async Task PayloadLayoutIsTypeValueVersionAndCrc()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SET", "k", "12");
        var payload = await RespBulk.DumpAsync(c, "k");
        // type 0, integer-encoded 12, version 10 little endian, CRC64 of the first 4 bytes.
        Assert.That(payload[..4], Is.EqualTo(new byte[] { 0, 0xC0, 12, 10 }).Or.EqualTo(new byte[] { 0, 0xC0, 12, 10 }));
        Assert.That(payload[4], Is.EqualTo(0));
        Assert.That(BitConverter.ToUInt64(payload, 5), Is.EqualTo(Crc64.Compute(payload.AsSpan(0, 5))));
        Assert.That(await c.CallAsync("DUMP", "nosuch"), Is.EqualTo("$-1\r\n"));
    }

    [Test]
    public async Task ErrorsComeInRedisOrderWithRedisTexts()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SET", "k", "v");
        var good = await RespBulk.DumpAsync(c, "k");
        Assert.That(await Restore(c, "k", "0", good), Is.EqualTo("-BUSYKEY Target key name already exists.\r\n"));
        Assert.That(await Restore(c, "k", "0", good, "FOO"), Is.EqualTo("-ERR syntax error\r\n"), "options are parsed first");
        Assert.That(await Restore(c, "n", "0", good, "IDLETIME"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await Restore(c, "n", "0", good, "IDLETIME", "-1"), Is.EqualTo("-ERR Invalid IDLETIME value, must be >= 0\r\n"));
        Assert.That(await Restore(c, "n", "0", good, "IDLETIME", "x"), Is.EqualTo("-ERR value is not an integer or out of range\r\n"));
        Assert.That(await Restore(c, "n", "0", good, "FREQ", "256"), Is.EqualTo("-ERR Invalid FREQ value, must be >= 0 and <= 255\r\n"));
        Assert.That(await Restore(c, "n", "0", good, "FREQ", "1", "IDLETIME", "1"), Is.EqualTo("-ERR syntax error\r\n"), "not both");
        Assert.That(await Restore(c, "n", "x", good), Is.EqualTo("-ERR value is not an integer or out of range\r\n"));
        Assert.That(await Restore(c, "n", "-1", good), Is.EqualTo("-ERR Invalid TTL value, must be >= 0\r\n"));
        var badCrc = (byte[])good.Clone();
        badCrc[^1] ^= 1;
        Assert.That(await Restore(c, "n", "0", badCrc), Is.EqualTo("-ERR DUMP payload version or checksum are wrong\r\n"));
        Assert.That(await Restore(c, "n", "0", "short"u8.ToArray()), Is.EqualTo("-ERR DUMP payload version or checksum are wrong\r\n"));
        var newer = (byte[])good.Clone();
        newer[^10] = 11;
        Reseal(newer);
        Assert.That(await Restore(c, "n", "0", newer), Is.EqualTo("-ERR DUMP payload version or checksum are wrong\r\n"));
        var garbage = new byte[] { 42, 1, 2, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
        Reseal(garbage);
        Assert.That(await Restore(c, "n", "0", garbage), Is.EqualTo("-ERR Bad data format\r\n"));
        Assert.That(await c.CallAsync("EXISTS", "n"), Is.EqualTo(":0\r\n"));
    }

    [Test]
    public async Task TtlAbsTtlReplaceAndIdleTime()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("RPUSH", "src", "a", "b");
        var payload = await RespBulk.DumpAsync(c, "src");
        Assert.That(await Restore(c, "a", "100000", payload), Is.EqualTo("+OK\r\n"));
        Assert.That(int.Parse((await c.CallAsync("PTTL", "a"))[1..^2]), Is.InRange(90000, 100000));
        long at = c.Server.NowMs + 500_000;
        Assert.That(await Restore(c, "b", at.ToString(), payload, "ABSTTL"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("PEXPIRETIME", "b"), Is.EqualTo($":{at}\r\n"));
        Assert.That(await Restore(c, "c", "1", payload, "ABSTTL"), Is.EqualTo("+OK\r\n"), "already expired: OK, no key");
        Assert.That(await c.CallAsync("EXISTS", "c"), Is.EqualTo(":0\r\n"));
        Assert.That(await Restore(c, "a", "1", payload, "ABSTTL", "REPLACE"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("EXISTS", "a"), Is.EqualTo(":0\r\n"), "REPLACE with an expired TTL deletes the old key");
        Assert.That(await Restore(c, "d", "0", payload, "IDLETIME", "1000"), Is.EqualTo("+OK\r\n"));
        Assert.That(int.Parse((await c.CallAsync("OBJECT", "IDLETIME", "d"))[1..^2]), Is.InRange(999, 1001));
        Assert.That(await c.CallAsync("LRANGE", "d", "0", "-1"), Is.EqualTo("*2\r\n$1\r\na\r\n$1\r\nb\r\n"));
        Assert.That(await Restore(c, "e", "0", payload, "FREQ", "5"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"), Is.EqualTo("+OK\r\n"));
        Assert.That(await Restore(c, "f", "0", payload, "FREQ", "42"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("OBJECT", "FREQ", "f"), Is.EqualTo(":42\r\n"));
    }

    [Test]
    public async Task ReplaceDeletesAnExpiredKeyWithoutCountingItAsExpired()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var c = new InMemoryClient(InMemoryClient.NewServer(time: time));
        await c.CallAsync("SET", "k", "v", "PX", "100");
        var payload = await RespBulk.DumpAsync(c, "k");
        time.Advance(TimeSpan.FromSeconds(1));
        // Like Redis's dbDelete: the old key is replaced whatever its TTL, not expired.
        Assert.That(await Restore(c, "k", "1", payload, "ABSTTL", "REPLACE"), Is.EqualTo("+OK\r\n"));
        Assert.That(await Restore(c, "k", "0", payload, "REPLACE"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo("$1\r\nv\r\n"));
        Assert.That(await c.CallAsync("INFO", "stats"), Does.Contain("\r\nexpired_keys:0\r\n"));
    }

    private static void Reseal(byte[] payload)
    {
        ulong crc = Crc64.Compute(payload.AsSpan(0, payload.Length - 8));
        BitConverter.TryWriteBytes(payload.AsSpan(payload.Length - 8), crc);
    }
}
