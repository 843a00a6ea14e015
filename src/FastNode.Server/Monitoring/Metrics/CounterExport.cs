using Prometheus;

namespace FastNode.Server.Monitoring.Metrics;

/// <summary>
/// Feeds a Prometheus counter from a server counter read at scrape time. Server counters go back to 0 at
/// CONFIG RESETSTAT, Prometheus counters must not: each scrape adds what the source grew by since the last one, or
/// all of it when the source was reset. Scrapes are serialized by the registry, so no lock is needed here.
/// </summary>
public sealed class CounterExport(ICounter counter)
{
    private long _last;

    public void Update(long current)
    {
        long delta = current >= _last ? current - _last : current;
        _last = current;
        if (delta > 0) counter.Inc(delta);
    }
}
