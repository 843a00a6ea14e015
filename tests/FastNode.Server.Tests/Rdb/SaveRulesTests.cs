using FastNode.Server.Persistence.Rdb;
using Microsoft.Extensions.Time.Testing;

namespace FastNode.Server.Tests.Rdb;

/// <summary>The server cron starts a background save when a `save` rule is met (on a fake clock).</summary>
public sealed class SaveRulesTests
{
    [Test]
    public async Task TheCronSavesOnceARuleIsMet()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 2, 3, 4, 5, 6, TimeSpan.Zero));
        var server = InMemoryClient.NewServer(time: time);
        await using var c = new InMemoryClient(server);
        Assert.That(await c.CallAsync("CONFIG", "SET", "save", "10 2"), Is.EqualTo("+OK\r\n"));
        await c.CallAsync("SET", "a", "1");
        await c.CallAsync("SET", "b", "2");
        using var stop = new CancellationTokenSource();
        var cron = new ServerCron(server).RunAsync(stop.Token);
        try
        {
            // Advance the fake clock a tick at a time until the save happened (bounded by the number of ticks, not time).
            for (int tick = 0; tick < 10_000 && server.Persistence.Saves == 0; tick++)
            {
                time.Advance(TimeSpan.FromMilliseconds(100));
                await Task.Yield();
                if (server.Persistence.SaveInProgress) RdbFile.WaitForBackground(server);
                Thread.Sleep(1);
            }
            RdbFile.WaitForBackground(server);
            Assert.That(server.Persistence.Saves, Is.EqualTo(1));
            Assert.That(File.Exists(server.Options.RdbPath));
            long savedAt = server.Persistence.LastSaveUnix;
            Assert.That(savedAt - server.StartedAtMs / 1000, Is.GreaterThan(10), "not before the rule's 10 seconds passed");
            Assert.That(Interlocked.Read(ref server.Persistence.Dirty), Is.Zero);
        }
        finally
        {
            stop.Cancel();
            await cron;
        }
    }
}
