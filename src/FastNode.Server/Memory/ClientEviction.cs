using FastNode.Server.Sessions;
using Microsoft.Extensions.Logging;

namespace FastNode.Server.Memory;

/// <summary>
/// maxmemory-clients as in Redis 7.0: when the buffers of all normal and pub/sub clients together reach the limit,
/// the clients that take the most are closed, largest first, until the sum is under it. A client with CLIENT NO-EVICT
/// on still counts toward the sum but is never closed; replicas and the primary's link neither count nor go.
///
/// The sum is kept as it changes, not recomputed: every client's last reported figure
/// (<see cref="ClientSession.ReportedMemory"/>) is in <see cref="_total"/>, its loop reports after each batch
/// (<see cref="AfterBatch"/>), the cron reports for every client (output drains while a client is idle), and a client
/// that leaves takes its figure out (<see cref="Forget"/>). Each report swaps the client's figure and adds the
/// difference, so the sum stays exact whichever thread reports.
/// </summary>
public sealed class ClientEviction
{
    /// <summary>Redis's floor: a smaller limit (a percentage of a small maxmemory) would leave no client able to talk.</summary>
    public const long MinimumLimit = 128 * 1024;

    /// <summary>A client's figure once it was evicted: it no longer counts, and later reports leave it alone.</summary>
    private const long Gone = long.MinValue;

    private readonly MemoryOptions _options;
    private readonly ClientRegistry _clients;
    private readonly ILogger _log;
    private readonly Lock _evicting = new();
    private long _total;
    private long _evicted;
    private volatile bool _nothingEvictable;   // the last pass found only exempt clients: wait for the cron

    public ClientEviction(MemoryOptions options, ClientRegistry clients, ILoggerFactory loggers)
    {
        _options = options;
        _clients = clients;
        _log = loggers.CreateLogger("FastNode.ClientEviction");
    }

    /// <summary>Clients closed by maxmemory-clients (INFO stats evicted_clients).</summary>
    public long EvictedClients => Interlocked.Read(ref _evicted);

    /// <summary>The counted clients' buffers as last reported.</summary>
    public long Total => Interlocked.Read(ref _total);

    /// <summary>
    /// The limit in bytes, 0 when client eviction is off: maxmemory-clients as bytes, or as a percentage of maxmemory
    /// (off while maxmemory is 0), never under <see cref="MinimumLimit"/>.
    /// </summary>
    public long Limit()
    {
        long setting = _options.MaxMemoryClients;
        long limit;
        if (setting > 0) limit = setting;
        else if (setting < 0 && _options.MaxMemory > 0) limit = (long)(_options.MaxMemory * (-setting / 100.0));
        else return 0;
        return Math.Max(limit, MinimumLimit);
    }

    /// <summary>
    /// The client's loop, after each batch: reports its buffers and evicts if the sum reached the limit. One option
    /// read when client eviction is off; allocates nothing. Compiled optimized at once rather than tiered: it runs after
    /// every batch, and a tier-up mid-run is what the allocation tests of hot commands see as an allocating batch.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void AfterBatch(ClientSession client)
    {
        if (_options.MaxMemoryClients == 0) return;
        Report(client);
        if (!_nothingEvictable && OverLimit()) Evict();
    }

    /// <summary>Cron: reports every client (output buffers drain, pub/sub queues fill without a batch) and evicts.</summary>
    public void Cron()
    {
        if (_options.MaxMemoryClients == 0)
        {
            if (Total != 0) ForgetAll();
            return;
        }
        foreach (var client in _clients.All) Report(client);
        _nothingEvictable = false;
        if (OverLimit()) Evict();
    }

    /// <summary>Whether a limit applies (a percentage of no maxmemory is none) and the sum reached it.</summary>
    private bool OverLimit()
    {
        long limit = Limit();
        return limit > 0 && Total >= limit;
    }

    /// <summary>A client left: its figure leaves the sum (ClientRegistry.Remove).</summary>
    public void Forget(ClientSession client)
    {
        long old = Interlocked.Exchange(ref client.ReportedMemory, Gone);
        if (old != Gone) Interlocked.Add(ref _total, -old);
    }

    /// <summary>Swaps the client's figure for its buffers now and adds the difference to the sum.</summary>
    private void Report(ClientSession client)
    {
        long now = ClientMemory.Counted(client) ? ClientMemory.Of(client) : 0;
        while (true)
        {
            long old = Volatile.Read(ref client.ReportedMemory);
            if (old == Gone || old == now) return;
            if (Interlocked.CompareExchange(ref client.ReportedMemory, now, old) == old)
            {
                Interlocked.Add(ref _total, now - old);
                return;
            }
        }
    }

    /// <summary>Closes the largest evictable clients until the sum is under the limit (or none is left to close).</summary>
    private void Evict()
    {
        lock (_evicting)
        {
            long limit = Limit();
            while (limit > 0 && Total >= limit)
            {
                ClientSession? largest = null;
                long largestBytes = 0;
                foreach (var client in _clients.All)
                {
                    if (client.NoEvict || !ClientMemory.Counted(client)) continue;
                    long bytes = Volatile.Read(ref client.ReportedMemory);
                    if (bytes > largestBytes)
                    {
                        largest = client;
                        largestBytes = bytes;
                    }
                }
                if (largest is null)
                {
                    _nothingEvictable = true;
                    return;
                }
                Forget(largest);
                Interlocked.Increment(ref _evicted);
                _log.LogInformation("Evicting client: id={Id} addr={Addr} name={Name} tot-mem={Bytes}",
                    largest.Id, largest.RemoteAddress, largest.Name, largestBytes);
                // Not inline: the caller may be that client's own loop, in the middle of its batch.
                largest.KillSoon(Network.DisconnectReason.ClientEviction);
            }
        }
    }

    /// <summary>maxmemory-clients went back to 0: nothing is counted any more (reports start again from 0 if it is set).</summary>
    private void ForgetAll()
    {
        foreach (var client in _clients.All)
        {
            long old = Volatile.Read(ref client.ReportedMemory);
            if (old != Gone && Interlocked.CompareExchange(ref client.ReportedMemory, 0, old) == old) Interlocked.Add(ref _total, -old);
        }
    }
}
