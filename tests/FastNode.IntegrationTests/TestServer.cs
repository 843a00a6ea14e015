using System.Net;
using FastNode.Server;
using FastNode.Server.Config;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace FastNode.IntegrationTests;

/// <summary>
/// A real FastNode listener on 127.0.0.1 and an ephemeral port, in this test process.
/// Use one per fixture ([OneTimeSetUp]) and FLUSHALL between tests, or one per test when the test changes settings.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly string _dir;

    private TestServer(ServerHost host, string dir)
    {
        Host = host;
        _dir = dir;
    }

    public ServerHost Host { get; }
    public int Port => Host.Port;
    public ServerState State => Host.State;
    public EndPoint EndPoint => new IPEndPoint(IPAddress.Loopback, Port);

    public static TestServer Start(Action<ServerOptions>? configure = null, TimeProvider? time = null)
    {
        // A private dir: SAVE, BGSAVE and SHUTDOWN write there, never into the test's working directory.
        string dir = Directory.CreateTempSubdirectory("fastnode-it-").FullName;
        var options = new ServerOptions { Port = 0, Bind = "127.0.0.1", Dir = dir };
        configure?.Invoke(options);
        var host = new ServerHost(options, time);
        host.Start();
        return new TestServer(host, dir);
    }

    /// <summary>A node in cluster mode (alone until it meets others) with its bus on a free loopback port.</summary>
    public static TestServer StartClusterNode(Action<ServerOptions>? configure = null)
    {
        int busPort = ServerProcesses.FreePort();
        return Start(o =>
        {
            o.ClusterEnabled = true;
            o.ClusterPort = busPort;
            configure?.Invoke(o);
        });
    }

    /// <summary>A StackExchange.Redis multiplexer with default options (plus admin commands).</summary>
    public ConnectionMultiplexer ConnectMultiplexer(string? password = null)
    {
        var config = new ConfigurationOptions { AllowAdmin = true, ConnectTimeout = 5000, SyncTimeout = 5000, AbortOnConnectFail = true };
        config.EndPoints.Add(EndPoint);
        if (password is not null) config.Password = password;
        return ConnectionMultiplexer.Connect(config);
    }

    public RawClient ConnectRaw() => RawClient.Connect(Port);

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        try
        {
            // The directory this fixture created, never whatever `dir` was set to since.
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
