using System.Net;
using StackExchange.Redis;

namespace FastNode.IntegrationTests.Scripting;

/// <summary>
/// The server a library test fixture drives: a FastNode process, or redis-server 7.0 for the same tests as a reference
/// ([TestFixture("redis")], ignored when it is not installed). A process rather than an in-process server, so the
/// libraries' timers (lock extension) do not share a thread pool with the server.
/// </summary>
public sealed class LibraryTarget : IAsyncDisposable
{
    private readonly ServerProcesses _processes = new();
    private string? _dir;

    public int Port { get; private set; }
    public EndPoint EndPoint => new IPEndPoint(IPAddress.Loopback, Port);

    public static LibraryTarget Start(string kind)
    {
        var target = new LibraryTarget();
        if (kind == "redis" && !ServerProcesses.RedisInstalled) Assert.Ignore("redis-server is not installed");
        target._dir = Directory.CreateTempSubdirectory("fastnode-lua-lib-").FullName;
        int port = ServerProcesses.FreePort();
        target.Port = (kind == "redis"
            ? target._processes.Redis(port, $"--dir {target._dir}")
            : target._processes.FastNode(port, $"--dir {target._dir} --save \"\"")).Ready().Port;
        return target;
    }

    public ConnectionMultiplexer Connect()
    {
        var config = new ConfigurationOptions { AllowAdmin = true, ConnectTimeout = 5000, SyncTimeout = 5000, AbortOnConnectFail = true };
        config.EndPoints.Add(EndPoint);
        return ConnectionMultiplexer.Connect(config);
    }

    public RawClient ConnectRaw() => RawClient.Connect(Port);

    public ValueTask DisposeAsync()
    {
        _processes.Dispose();
        if (_dir is not null) Directory.Delete(_dir, recursive: true);
        return ValueTask.CompletedTask;
    }
}
