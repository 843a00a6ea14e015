using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FastNode.Server.Hosting;

/// <summary>Ties the already-started <see cref="ServerHost"/> to the generic host's lifetime (SIGTERM, Ctrl-C).</summary>
public sealed class FastNodeService(ServerHost server, ILogger<FastNodeService> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        log.LogInformation("Shutting down: no new connections, finishing replies in flight");
        await server.StopAsync().ConfigureAwait(false);
        log.LogInformation("FastNode is now ready to exit, bye bye...");
    }
}
