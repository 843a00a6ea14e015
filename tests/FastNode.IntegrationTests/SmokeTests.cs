namespace FastNode.IntegrationTests;

public sealed class SmokeTests
{
    [Test]
    public async Task StackExchangeRedisConnectsAndRoundTrips()
    {
        await using var server = TestServer.Start();
        using var mux = server.ConnectMultiplexer();
        var db = mux.GetDatabase();
        Assert.That(db.StringSet("k", "v"), Is.True);
        Assert.That((string?)db.StringGet("k"), Is.EqualTo("v"));
        Assert.That(db.StringIncrement("n"), Is.EqualTo(1));
    }

    [Test]
    public async Task RawClientSeesExactBytes()
    {
        await using var server = TestServer.Start();
        using var client = server.ConnectRaw();
        Assert.That(client.Call("SET", "a", "1"), Is.EqualTo("+OK\r\n"));
        Assert.That(client.Call("INCR", "a"), Is.EqualTo(":2\r\n"));
    }
}
