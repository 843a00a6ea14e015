using System.Globalization;

namespace FastNode.IntegrationTests;

/// <summary>
/// Freeing large values: UNLINK, FLUSHALL ASYNC and FLUSHDB ASYNC (and DEL/FLUSHALL under the lazyfree-lazy-user-*
/// settings) remove the keys before they reply, as in Redis, and the memory they held leaves used_memory at once;
/// nothing waits for a background thread (lazyfree_pending_objects stays 0). The settings match redis-server's.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class LazyFreeTests : ProcessTestBase
{
    protected override string DirPrefix => "fastnode-lazyfree-";

    private const string FillHash = "for i = 1, tonumber(ARGV[1]) do redis.call('HSET', KEYS[1], 'field:' .. i, i) end return 1";
    private const string FillKeys = "for i = 1, tonumber(ARGV[1]) do redis.call('SET', 'key:' .. i, i) end return 1";

    private static long Memory(int port, string field) =>
        long.Parse(Probe.Info(port, "memory")[field], CultureInfo.InvariantCulture);

    [Test]
    public void LargeValuesLeaveTheDatasetBeforeTheReply()
    {
        var server = FastNode("--save \"\"");
        using var client = RawClient.Connect(server.Port);
        foreach (var (setup, command) in new[]
                 {
                     (FillHash, new[] { "UNLINK", "h" }), (FillHash, new[] { "DEL", "h" }),
                     (FillKeys, new[] { "FLUSHALL", "ASYNC" }), (FillKeys, new[] { "FLUSHDB", "ASYNC" }), (FillKeys, new[] { "FLUSHALL" }),
                 })
        {
            string filled = setup == FillHash ? client.Call("EVAL", setup, "1", "h", "50000") : client.Call("EVAL", setup, "0", "50000");
            Assert.That(filled, Is.EqualTo(":1\r\n"));
            Assert.That(Memory(server.Port, "used_memory_dataset"), Is.GreaterThan(1_000_000L), string.Join(' ', command) + ": filled");
            string reply = client.Call(command);
            Assert.That(reply, Is.EqualTo(command[0] is "FLUSHALL" or "FLUSHDB" ? "+OK\r\n" : ":1\r\n"));
            Assert.That(client.Call("DBSIZE"), Is.EqualTo(":0\r\n"), string.Join(' ', command));
            Assert.That(Memory(server.Port, "used_memory_dataset"), Is.Zero, string.Join(' ', command) + ": nothing left counted");
            Assert.That(Memory(server.Port, "lazyfree_pending_objects"), Is.Zero);
            Assert.That(client.Call("CONFIG", "SET", "lazyfree-lazy-user-flush", "yes"), Is.EqualTo("+OK\r\n"));
        }
    }

    [Test]
    public void SettingsMatchRedis()
    {
        var fastNode = FastNode("--save \"\" --lazyfree-lazy-user-del yes --replica-lazy-flush yes");
        var redis = Redis("--save \"\" --lazyfree-lazy-user-del yes --replica-lazy-flush yes");
        string[] names = ["lazyfree-lazy-eviction", "lazyfree-lazy-expire", "lazyfree-lazy-server-del", "lazyfree-lazy-user-del", "lazyfree-lazy-user-flush", "replica-lazy-flush"];
        using var a = RawClient.Connect(fastNode.Port);
        using var b = RawClient.Connect(redis.Port);
        foreach (var name in names)
        {
            Assert.That(a.Call("CONFIG", "GET", name), Is.EqualTo(b.Call("CONFIG", "GET", name)), name);
            Assert.That(a.Call("CONFIG", "SET", name, "maybe"), Is.EqualTo(b.Call("CONFIG", "SET", name, "maybe")), name);
            Assert.That(a.Call("CONFIG", "SET", name, "yes"), Is.EqualTo(b.Call("CONFIG", "SET", name, "yes")), name);
            Assert.That(a.Call("CONFIG", "GET", name), Is.EqualTo(b.Call("CONFIG", "GET", name)), name);
        }
        Assert.That(Probe.Info(fastNode.Port, "memory"), Does.ContainKey("lazyfreed_objects"));
    }
}
