using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace FastNode.IntegrationTests.Chat;

/// <summary>
/// ASP.NET Core SignalR scaled out through FastNode with SignalR's own Redis backplane
/// (Microsoft.AspNetCore.SignalR.StackExchangeRedis): two hub hosts (Kestrel on loopback, ephemeral ports), each with
/// its own clients, share one FastNode; a message to a group, to a user and to all must reach the matching clients on
/// both hosts, and no other. Run with StackExchange.Redis speaking RESP2 and RESP3. The hosts and the client
/// connections are disposed and the server killed by pid (ProcessTestBase) even when an assertion fails.
/// </summary>
[NonParallelizable]
public sealed class SignalRBackplaneTests : ProcessTestBase
{
    protected override string DirPrefix => "fastnode-signalr-";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [TestCase(RedisProtocol.Resp2)]
    [TestCase(RedisProtocol.Resp3)]
    public async Task GroupUserAndAllMessagesReachClientsOnBothHosts(RedisProtocol protocol)
    {
        var server = FastNode("--save \"\"");
        await using var hostA = await StartHub(server.Port, protocol);
        await using var hostB = await StartHub(server.Port, protocol);
        // alice is connected to both hosts; bob only to A, carol only to B.
        await using var aliceA = await Connect(hostA, "alice");
        await using var bobA = await Connect(hostA, "bob");
        await using var carolB = await Connect(hostB, "carol");
        await using var aliceB = await Connect(hostB, "alice");
        ChatClient[] everyone = [aliceA, bobA, carolB, aliceB];

        // The backplane's group membership crosses hosts: bob (A) and carol (B) join "lobby".
        await bobA.Hub.InvokeAsync(nameof(ChatHub.Join), "lobby");
        await carolB.Hub.InvokeAsync(nameof(ChatHub.Join), "lobby");

        await aliceA.Hub.InvokeAsync(nameof(ChatHub.ToGroup), "lobby", "hello lobby");
        await carolB.Hub.InvokeAsync(nameof(ChatHub.ToUser), "alice", "psst alice");
        await bobA.Hub.InvokeAsync(nameof(ChatHub.ToAll), "hello everyone");

        var expected = new Dictionary<ChatClient, string[]>
        {
            [aliceA] = ["user:carol:psst alice", "all:bob:hello everyone"],
            [bobA] = ["group lobby:alice:hello lobby", "all:bob:hello everyone"],
            [carolB] = ["group lobby:alice:hello lobby", "all:bob:hello everyone"],
            [aliceB] = ["user:carol:psst alice", "all:bob:hello everyone"],
        };
        foreach (var client in everyone) await client.WaitForCount(expected[client].Length);
        // A message sent to the wrong client would show up as an extra one: SignalR handles each backplane channel on
        // its own queue, so there is no order to wait on across channels; half a second more lets a stray one arrive.
        await Task.Delay(500);
        foreach (var client in everyone)
            Assert.That(client.Received, Is.EquivalentTo(expected[client]), $"{client.Name} on host {client.Host}");

        // FastNode saw the backplane: one subscriber connection per host on SignalR's channels.
        string channels = Probe.Call(server.Port, "PUBSUB", "CHANNELS", "signalr-test*");
        Assert.That(channels, Does.Contain("ChatHub:all"), "the hosts subscribed to the hub's all channel");
    }

    public sealed class ChatHub : Hub
    {
        public Task Join(string group) => Groups.AddToGroupAsync(Context.ConnectionId, group);

        public Task ToGroup(string group, string text) => Clients.Group(group).SendAsync("message", $"group {group}:{Context.UserIdentifier}:{text}");

        public Task ToUser(string user, string text) => Clients.User(user).SendAsync("message", $"user:{Context.UserIdentifier}:{text}");

        public Task ToAll(string text) => Clients.All.SendAsync("message", $"all:{Context.UserIdentifier}:{text}");
    }

    /// <summary>The user is whoever the query string says (?user=...): enough for a test, no authentication.</summary>
    private sealed class QueryStringUserIdProvider : IUserIdProvider
    {
        public string? GetUserId(HubConnectionContext connection) => connection.GetHttpContext()?.Request.Query["user"];
    }

    private sealed class HubHost(WebApplication app, string url, string name) : IAsyncDisposable
    {
        public string Url => url;
        public string Name => name;

        public async ValueTask DisposeAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await app.StopAsync(timeout.Token); }
            finally { await app.DisposeAsync(); }
        }
    }

    private static int _hosts;

    private static async Task<HubHost> StartHub(int redisPort, RedisProtocol protocol)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSingleton<IUserIdProvider, QueryStringUserIdProvider>();
        builder.Services.AddSignalR().AddStackExchangeRedis(o =>
        {
            o.Configuration.EndPoints.Add(IPAddress.Loopback, redisPort);
            o.Configuration.Protocol = protocol;
            o.Configuration.AbortOnConnectFail = true;
            o.Configuration.ConnectTimeout = 10000;
            o.Configuration.ChannelPrefix = RedisChannel.Literal("signalr-test");
        });
        var app = builder.Build();
        app.MapHub<ChatHub>("/chat");
        await app.StartAsync();
        string url = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new HubHost(app, url, Interlocked.Increment(ref _hosts) % 2 == 1 ? "A" : "B");
    }

    private sealed class ChatClient(HubConnection hub, string name, string host) : IAsyncDisposable
    {
        private readonly ConcurrentQueue<string> _received = new();

        public HubConnection Hub => hub;
        public string Name => name;
        public string Host => host;
        public string[] Received => _received.ToArray();

        public void Add(string message) => _received.Enqueue(message);

        public async Task WaitForCount(int count)
        {
            var deadline = DateTime.UtcNow + Patience;
            while (_received.Count < count)
            {
                if (DateTime.UtcNow > deadline)
                    Assert.Fail($"{name} on host {host} got {_received.Count} of {count} messages: {string.Join(" | ", _received)}");
                await Task.Delay(20);
            }
        }

        public ValueTask DisposeAsync() => hub.DisposeAsync();
    }

    private static async Task<ChatClient> Connect(HubHost host, string user)
    {
        var hub = new HubConnectionBuilder().WithUrl($"{host.Url}/chat?user={user}").Build();
        var client = new ChatClient(hub, user, host.Name);
        hub.On<string>("message", client.Add);
        using var timeout = new CancellationTokenSource(Patience);
        await hub.StartAsync(timeout.Token);
        return client;
    }
}
