namespace FastNode.Server.Storage.Locks;

/// <summary>
/// What the lock and semaphore states of one server need from it: the fencing-token counter, the clock their lease
/// timers run on, and the handler of those timers. One per server, handed to each state when its key is created, so
/// Storage needs nothing else from the server.
/// </summary>
public sealed class LockServices
{
    public LockServices(FencingTokens tokens, TimeProvider time, ILeaseTimerHandler timers)
    {
        Tokens = tokens;
        Time = time;
        Timers = timers;
    }

    /// <summary>The server's token counter: every grant takes the next token.</summary>
    public FencingTokens Tokens { get; }

    /// <summary>Creates the lease timers and tells wall-clock time (a FakeTimeProvider in tests).</summary>
    public TimeProvider Time { get; }

    /// <summary>Runs a lease timer when it fires (see <see cref="ILeaseTimerHandler"/>).</summary>
    public ILeaseTimerHandler Timers { get; }

    /// <summary>The grant, wait, expiry and hand-off counters (INFO's Locks section).</summary>
    public LockStats Stats { get; } = new();

    /// <summary>Expiries and hand-offs, for keyspace notifications (null: nobody listens).</summary>
    public ILockEventSink? Events { get; init; }

    /// <summary>Wall-clock Unix ms, the clock of lease deadlines and key TTLs.</summary>
    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();
}
