using FastNode.Server.Config;
using FastNode.Server.Network;
using Microsoft.Extensions.Time.Testing;

namespace FastNode.Server.Tests;

public sealed class IdleTimeoutTests
{
    [Test]
    public async Task IdleClientIsClosedByTheCronWithTheIdleTimeoutReason()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var server = InMemoryClient.NewServer(new ServerOptions { Port = 0, Timeout = 1 }, time);
        await using var client = new InMemoryClient(server);
        Assert.That(await client.CallAsync("PING"), Is.EqualTo("+PONG\r\n"));

        using var stop = new CancellationTokenSource();
        var cron = new ServerCron(server).RunAsync(stop.Token);
        time.Advance(TimeSpan.FromSeconds(3));
        await client.Closed.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(client.Connection.Reason, Is.EqualTo(DisconnectReason.IdleTimeout));
        stop.Cancel();
        await cron.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
