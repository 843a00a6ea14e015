namespace FastNode.Server.Network.Epoll;

/// <summary>
/// How long an idle event loop busy-polls before it sleeps, adapted to how soon work comes back (the policy of
/// Linux's haltpoll): a sleep that ended within the busy-poll limit means a longer poll would have caught the work,
/// so the window grows; a longer sleep means polling only burnt CPU, so it shrinks, down to 0. Under load the loop
/// keeps polling; a client that sends every few hundred microseconds does not pay for a poll before each request.
/// </summary>
internal struct SpinWindow
{
    /// <summary>Ticks to poll before the next sleep.</summary>
    public long Ticks { get; private set; }

    /// <summary>Clamps the window to a changed limit.</summary>
    public void Limit(long maxTicks)
    {
        if (Ticks > maxTicks) Ticks = maxTicks;
    }

    /// <summary>The loop polled for <see cref="Ticks"/>, found nothing and slept <paramref name="sleptTicks"/>.</summary>
    public void AfterSleep(long sleptTicks, long maxTicks)
    {
        if (sleptTicks <= maxTicks)
        {
            Ticks = Ticks == 0 ? maxTicks / 4 : Math.Min(maxTicks, Ticks * 2);
        }
        else
        {
            Ticks /= 2;
            if (Ticks < maxTicks / 8) Ticks = 0;
        }
    }
}
