using Microsoft.Extensions.Time.Testing;

namespace FastNode.Server.Tests;

/// <summary>
/// For tests of several in-memory clients on one server with a fake clock (blocking commands, locks, pauses): the
/// server, clients that are disposed in TearDown, and waiting until the server has parked a client's command.
/// </summary>
public abstract class MultiClientTestBase
{
    private readonly List<InMemoryClient> _clients = [];

    protected FakeTimeProvider Time { get; private set; } = null!;

    protected ServerState Server { get; private set; } = null!;

    [SetUp]
    public void CreateServer()
    {
        Time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        Server = InMemoryClient.NewServer(time: Time);
    }

    [TearDown]
    public async Task DisposeClients()
    {
        foreach (var c in _clients) await c.DisposeAsync();
        _clients.Clear();
    }

    protected InMemoryClient Client()
    {
        var c = new InMemoryClient(Server);
        _clients.Add(c);
        return c;
    }

    protected void AdvanceMs(long ms) => Time.Advance(TimeSpan.FromMilliseconds(ms));

    /// <summary>Sends a command and returns once the server has parked the client (blocked or held by a pause).</summary>
    protected static async Task SendAndWaitParkedAsync(InMemoryClient client, params string[] command)
    {
        await client.SendAsync(Resp.Command(command));
        await WaitParkedAsync(client);
    }

    /// <summary>Waits (at most 5 s) until the client's command is parked.</summary>
    protected static async Task WaitParkedAsync(InMemoryClient client)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (client.Session.PendingBlock is null) await Task.Delay(1, timeout.Token);
    }
}
