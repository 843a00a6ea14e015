using FastNode.Server.Persistence;
using FastNode.Server.Storage.Locks;
using Microsoft.Extensions.Logging;

namespace FastNode.Server.Commands.Locks;

/// <summary>
/// Runs the lease timers of one server's locks and semaphores. A lease that ends while clients wait changes the key
/// like a command would: as a writer (under the change feed's write gate, ordered with the commands), and with the
/// key's new state propagated.
/// </summary>
internal sealed class LockLeaseTimers : ILeaseTimerHandler
{
    private readonly ServerState _server;

    public LockLeaseTimers(ServerState server) => _server = server;

    public void OnLeaseTimer(LockState state)
    {
        var feed = _server.Feed;
        bool ordered = feed.Gate.Enter();
        try
        {
            if (state.ExpireDueLeases(out var db, out var key) && feed.Active) StateRecords.Emit(_server, db!, key);
        }
        catch (Exception ex)
        {
            _server.Loggers.CreateLogger("FastNode.Locks").LogError(ex, "lock expiry timer failed");
        }
        finally
        {
            feed.Gate.Exit(ordered);
        }
    }
}
