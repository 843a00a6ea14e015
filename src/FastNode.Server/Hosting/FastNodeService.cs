using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FastNode.Server.Hosting;

/// <summary>
/// Ties the bound <see cref="ServerHost"/> to the generic host's lifetime (SIGTERM, Ctrl-C): it starts accepting here,
/// after the host has taken over the signals, so a client can never see a server that SIGTERM would kill outright.
/// </summary>
public sealed class FastNodeService(ServerHost server, ILoggerFactory loggers) : IHostedService
{
    private readonly ILogger _log = loggers.CreateLogger("FastNode");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        server.Start();
        var options = server.State.Options;
        _log.LogInformation("FastNode {Version} (redis_version {RedisVersion}) pid {Pid}, {Shards} shards per database, {Threads} {Engine} threads",
            ServerInfo.Version, ServerInfo.RedisVersion, Environment.ProcessId, options.EffectiveShards(),
            options.UsesEpoll ? options.IoThreads : Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT"),
            options.UsesEpoll ? "epoll" : "socket");
        foreach (var endPoint in server.Listener.EndPoints) _log.LogInformation("Ready to accept connections on {EndPoint}", endPoint);
        foreach (var endPoint in server.Listener.TlsEndPoints) _log.LogInformation("Ready to accept TLS connections on {EndPoint}", endPoint);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _log.LogInformation("Shutting down: no new connections, finishing replies in flight");
        await server.StopAsync().ConfigureAwait(false);
        _log.LogInformation("FastNode is now ready to exit, bye bye...");
    }
}
