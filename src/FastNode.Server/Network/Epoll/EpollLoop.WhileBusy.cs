namespace FastNode.Server.Network.Epoll;

/// <summary>
/// Serving the loop's other clients from inside a command that will not end soon: a script past busy-reply-threshold
/// (Redis's processEventsWhileBlocked). Their commands get -BUSY from the dispatcher, except the few allowed then
/// (SCRIPT KILL, FUNCTION KILL...), which is how a runaway script on the only loop can still be killed. The client
/// running the long command is left alone: its events stay pending (epoll is level-triggered) and requests for it are
/// put back, to be handled once the command returned.
/// </summary>
internal sealed unsafe partial class EpollLoop
{
    [ThreadStatic] private static EpollLoop? t_loop;

    private EpollTransport? _current;   // the client whose events or wake this thread is handling (loop thread only)
    private bool _servingWhileBusy;      // ServeOthers is on the stack: never nested

    /// <summary>On an event loop thread, handles one round of the other clients' events; elsewhere does nothing.</summary>
    public static void ServeOthersWhileBusy()
    {
        var loop = t_loop;
        if (loop is null || loop._servingWhileBusy) return;
        loop._servingWhileBusy = true;
        var busy = loop._current;
        try
        {
            loop.ServeOthers(busy);
        }
        finally
        {
            loop._current = busy;
            loop._servingWhileBusy = false;
        }
    }

    private void ServeOthers(EpollTransport? busy)
    {
        var events = stackalloc EpollNative.Event[MaxEvents];
        int n = EpollNative.epoll_wait(_epfd, events, MaxEvents, 0);
        for (int i = 0; i < n; i++)
        {
            ulong id = events[i].Data;
            if (id == WakeId)
            {
                ConsumeWake();
                continue;
            }
            if (_transports.TryGetValue(id, out var transport) && !ReferenceEquals(transport, busy)) HandleEvents(transport, events[i].Events);
        }
        DrainRequests(except: busy);
        int wakes = _wakes.Count;
        for (int i = 0; i < wakes && _wakes.TryDequeue(out var woken); i++)
        {
            if (ReferenceEquals(woken, busy)) _wakes.Enqueue(woken);
            else HandleWake(woken);
        }
    }
}
