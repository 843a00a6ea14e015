using System.Runtime.InteropServices;
using FastNode.Server.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FastNode.Server.Hosting;

/// <summary>
/// SIGTERM and SIGINT as Redis 7.0 handles them, in place of the generic host's console lifetime (which stops on any
/// signal, unconditionally): the shutdown-on-sigterm / shutdown-on-sigint flags decide whether the dataset is saved
/// first, and a failed save keeps the server running unless "force". A second SIGINT while the first is being
/// handled exits at once, as in Redis.
/// </summary>
public sealed class SignalLifetime(IHostApplicationLifetime lifetime, ServerHost server, ILoggerFactory loggers) : IHostLifetime, IDisposable
{
    private readonly ILogger _log = loggers.CreateLogger("FastNode");
    private PosixSignalRegistration? _term, _int;
    private int _handling;

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        _term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        _int = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        bool sigint = context.Signal == PosixSignal.SIGINT;
        if (Interlocked.Exchange(ref _handling, 1) == 1)
        {
            if (sigint)
            {
                _log.LogWarning("You insist... exiting now.");
                Environment.Exit(1);
            }
            return;
        }
        _log.LogWarning("Received {Signal} scheduling shutdown...", sigint ? "SIGINT" : "SIGTERM");
        var options = server.State.Options;
        var flags = ShutdownSave.ParseSetting(sigint ? options.ShutdownOnSigint : options.ShutdownOnSigterm);
        _ = Task.Run(() =>
        {
            if (server.State.Persistence.ShutdownSaveDone || ShutdownSave.Run(server.State, flags))
            {
                lifetime.StopApplication();
                return;
            }
            _log.LogWarning("Errors trying to shut down the server. Check the logs for more information.");
            Volatile.Write(ref _handling, 0);
        });
    }

    public void Dispose()
    {
        _term?.Dispose();
        _int?.Dispose();
    }
}
