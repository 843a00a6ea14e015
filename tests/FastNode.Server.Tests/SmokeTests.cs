namespace FastNode.Server.Tests;

public sealed class SmokeTests
{
    [Test]
    public async Task PingSetGetPipelinedInOneWrite()
    {
        await using var client = new InMemoryClient();
        await client.SendAsync(Resp.CommandText("PING") + Resp.CommandText("SET", "k", "v") + Resp.CommandText("GET", "k"));
        Assert.That(await client.ReadReplyAsync(), Is.EqualTo("+PONG\r\n"));
        Assert.That(await client.ReadReplyAsync(), Is.EqualTo("+OK\r\n"));
        Assert.That(await client.ReadReplyAsync(), Is.EqualTo("$1\r\nv\r\n"));
    }
}
