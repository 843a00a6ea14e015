using FastNode.Server.Sessions;
using FastNode.Server.Storage;

namespace FastNode.Server.Persistence;

/// <summary>
/// Orders the writers of a multi-threaded server so that their change records reach the feed in the order their
/// effects happened. While the feed is off (no AOF, no replica, no snapshot) writers run side by side as before, each
/// only bumping a counter of its own stripe; while it is on, every writer runs under one lock (the event loops still
/// read in parallel). Turning it on waits for the writers already past the check, so that from then on no write can
/// be missing from both a snapshot and the feed.
///
/// Lock order: the gate before any shard lock. Re-entrant (EXEC runs its commands inside its own gate scope).
/// </summary>
public sealed class WriteGate
{
    [ThreadStatic] private static int t_unordered;   // this thread's unordered entries not yet left

    private readonly Lock _order = new();
    private readonly InFlightStripes _inFlight = new();
    private volatile bool _ordered;
    private bool _keepOrdered;

    /// <summary>True while writers are serialised (something consumes the change feed or a snapshot runs).</summary>
    public bool Ordered => _ordered;

    /// <summary>Enters a write; returns whether it holds the order lock (pass it to <see cref="Exit"/>).</summary>
    public bool Enter()
    {
        Database.ThreadIsWriting = true;
        if (_ordered)
        {
            _order.Enter();
            return true;
        }
        _inFlight.Add();   // a full fence: the read of _ordered below cannot move before it
        if (!_ordered)
        {
            t_unordered++;
            return false;
        }
        _inFlight.Remove();
        _order.Enter();
        return true;
    }

    public void Exit(bool ordered)
    {
        if (ordered) _order.Exit();
        else
        {
            t_unordered--;
            _inFlight.Remove();
        }
        Database.ThreadIsWriting = _order.IsHeldByCurrentThread;
    }

    /// <summary>
    /// Runs <paramref name="action"/> with every writer stopped: nothing is mid-write and nothing starts until it
    /// returns (readers go on). A point in time for a snapshot, or for a feed consumer to join the stream.
    /// </summary>
    public void Pause(Action action)
    {
        lock (_order)
        {
            _ordered = true;
            WaitForUnorderedWriters();
            try
            {
                action();
            }
            finally
            {
                _ordered = _keepOrdered;
            }
        }
    }

    /// <summary>Whether writers stay ordered outside <see cref="Pause"/> (the feed has a consumer).</summary>
    public bool KeepOrdered
    {
        set
        {
            lock (_order) _ordered = _keepOrdered = value;
        }
    }

    /// <summary>
    /// Waits until every writer that entered before ordering was turned on has left, except the calling thread itself
    /// (a command that pauses the writers while its own batch is inside the gate would otherwise wait for itself).
    /// </summary>
    private void WaitForUnorderedWriters() => _inFlight.WaitForOthers(t_unordered);
}
