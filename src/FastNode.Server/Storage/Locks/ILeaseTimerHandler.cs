namespace FastNode.Server.Storage.Locks;

/// <summary>
/// Implemented by the server: a lease that ends while clients wait changes the key like a command would, so the
/// server runs the timer as a writer (its change ordered with the commands' and propagated) and calls
/// <see cref="LockState.ExpireDueLeases"/>. Called on a timer thread with no lock held.
/// </summary>
public interface ILeaseTimerHandler
{
    void OnLeaseTimer(LockState state);
}
