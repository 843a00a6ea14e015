using FastNode.Server.Expiry;
using Microsoft.Extensions.Logging;

namespace FastNode.Server;

/// <summary>
/// Periodic housekeeping, `hz` times a second (Redis serverCron): the active expiry cycle and the idle-client
/// timeout, and the output buffer peaks of INFO. Runs on one thread-pool task and never holds more than one shard lock at a time.
/// </summary>
public sealed class ServerCron(ServerState server)
{
    private readonly ActiveExpiryCycle _expiry = new(server);
    private readonly ILogger _log = server.Loggers.CreateLogger("FastNode.Cron");

    public async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            int hz = Math.Clamp(server.Options.Hz, 1, 500);
            var tick = TimeSpan.FromMilliseconds(1000.0 / hz);
            try
            {
                await Task.Delay(tick, server.Time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            try
            {
                // Redis gives the slow expiry cycle 25% of the CPU time of a tick.
                long expiryStarted = System.Diagnostics.Stopwatch.GetTimestamp();
                _expiry.Run(tick / 4);
                server.Monitoring.EventSince(Monitoring.LatencyEvents.ExpireCycle, expiryStarted, server.NowMs);
                CloseIdleClients();
                server.Clients.SampleOutputBuffers();
                server.Tracking.EnforceLimit();   // tracking-table-max-keys, also after CONFIG SET lowered it
                server.Aof.RewriteIfGrown();
                server.Replication.Cron();
                CheckSaveRules();
                server.Metrics.Sample(server);
                server.Memory.Sample();
                server.Memory.ClientEviction.Cron();
                EvictIfOver();
                Memory.MemoryReclaimer.Tick(server.Options.Memory.Reclaim);
            }
            catch (Exception ex)
            {
                _log.LogError(ex, "server cron failed");
            }
        }
    }

    /// <summary>
    /// Keeps evicting while over maxmemory between commands (Redis's eviction time proc): after CONFIG SET lowered the
    /// limit, or when a command's time budget ran out.
    /// </summary>
    private void EvictIfOver()
    {
        if (!server.Memory.OverLimit) return;
        bool ordered = server.Feed.Gate.Enter();
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            server.Memory.PerformEvictions();
            server.Monitoring.EventSince(Monitoring.LatencyEvents.EvictionCycle, started, server.NowMs);
        }
        finally
        {
            server.Feed.Gate.Exit(ordered);
        }
    }

    /// <summary>
    /// Redis's serverCron save check: a scheduled BGSAVE, or the first rule with enough changes and more than its
    /// seconds since the last save; after a failed background save, retry only every 5 seconds.
    /// </summary>
    private void CheckSaveRules()
    {
        var state = server.Persistence;
        if (state.SaveInProgress || state.Loading) return;
        if (state.BackgroundSaveScheduled)
        {
            Persistence.Rdb.RdbFile.StartBackground(server);
            return;
        }
        long now = server.NowMs / 1000;
        long dirty = Interlocked.Read(ref state.Dirty);
        foreach (var rule in server.Options.SaveRules)
        {
            if (dirty >= rule.Changes && now - state.LastSaveUnix > rule.Seconds
                && (state.LastBgsaveOk || now - state.LastBgsaveTryUnix > 5))
            {
                _log.LogInformation("{Changes} changes in {Seconds} seconds. Saving...", rule.Changes, rule.Seconds);
                Persistence.Rdb.RdbFile.StartBackground(server);
                return;
            }
        }
    }

    private void CloseIdleClients()
    {
        int timeout = server.Options.Timeout;
        if (timeout <= 0) return;
        long cutoff = server.NowMs - timeout * 1000L;
        foreach (var client in server.Clients.All)
        {
            // As Redis: blocked clients and subscribers (which may legitimately only listen) never time out.
            if (client.LastInteractionMs < cutoff && client.PendingBlock is null && client.PubSub is not { Active: true })
                client.Kill(Network.DisconnectReason.IdleTimeout);
        }
    }
}
