using FastNode.Server.Memory;
using FastNode.Server.Network;
using FastNode.Server.Sessions;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastNode.Server.Tests;

/// <summary>
/// maxmemory-clients without sockets: the running sum of clients' buffers, the limit (bytes, percent, floor), who may
/// be evicted (largest first; never NO-EVICT, replicas or the primary's link) and a client's figure leaving the sum.
/// </summary>
public sealed class ClientEvictionAccountingTests
{
    private const long Kb = 1024;

    private sealed class Fixture
    {
        public readonly MemoryOptions Options = new();
        public readonly ClientRegistry Clients = new(new Transactions.WatchRegistry());
        public readonly ClientEviction Eviction;
        public readonly List<long> Killed = [];

        public Fixture(long maxMemoryClients)
        {
            Options.MaxMemoryClients = maxMemoryClients;
            Eviction = new ClientEviction(Options, Clients, NullLoggerFactory.Instance);
        }

        public ClientSession Client(long queryBytes, bool noEvict = false)
        {
            var session = new ClientSession("127.0.0.1:1", "127.0.0.1:2", 0) { QueryBufferBytes = queryBytes, NoEvict = noEvict };
            session.OnKill(reason =>
            {
                Assert.That(reason, Is.EqualTo(DisconnectReason.ClientEviction));
                lock (Killed) Killed.Add(session.Id);
            });
            Clients.Add(session);
            return session;
        }

        public long[] KilledSoFar()
        {
            // Evicted clients are closed from the thread pool: wait (bounded) for the kills to land.
            var deadline = DateTime.UtcNow.AddSeconds(10);
            long expected = Eviction.EvictedClients;
            while (DateTime.UtcNow < deadline)
            {
                lock (Killed)
                {
                    if (Killed.Count >= expected) return [.. Killed];
                }
                Thread.Sleep(5);
            }
            lock (Killed) return [.. Killed];
        }
    }

    [Test]
    public void LimitIsBytesOrAPercentOfMaxMemoryWithRedisFloor()
    {
        var f = new Fixture(0);
        Assert.That(f.Eviction.Limit(), Is.Zero);
        f.Options.MaxMemoryClients = 1024 * Kb;
        Assert.That(f.Eviction.Limit(), Is.EqualTo(1024 * Kb));
        f.Options.MaxMemoryClients = 10 * Kb;
        Assert.That(f.Eviction.Limit(), Is.EqualTo(ClientEviction.MinimumLimit));
        f.Options.MaxMemoryClients = -10;   // 10%
        Assert.That(f.Eviction.Limit(), Is.Zero, "a percentage of no maxmemory is no limit");
        f.Options.MaxMemory = 100 * 1024 * Kb;
        Assert.That(f.Eviction.Limit(), Is.EqualTo(10 * 1024 * Kb));
    }

    [Test]
    public void SumFollowsReportsAndLeavingClients()
    {
        var f = new Fixture(1024 * 1024 * Kb);
        var a = f.Client(100 * Kb);
        var b = f.Client(50 * Kb);
        f.Eviction.AfterBatch(a);
        f.Eviction.AfterBatch(b);
        Assert.That(f.Eviction.Total, Is.EqualTo(150 * Kb));
        a.QueryBufferBytes = 10 * Kb;
        f.Eviction.AfterBatch(a);
        Assert.That(f.Eviction.Total, Is.EqualTo(60 * Kb));
        f.Clients.Remove(b);
        f.Eviction.Forget(b);
        f.Eviction.Forget(b);
        Assert.That(f.Eviction.Total, Is.EqualTo(10 * Kb), "forgetting twice takes the figure out once");
        f.Eviction.AfterBatch(b);
        Assert.That(f.Eviction.Total, Is.EqualTo(10 * Kb), "a client that left is not counted again");

        // A replica's link and the primary's link do not count.
        a.IsMasterLink = true;
        f.Eviction.Cron();
        Assert.That(f.Eviction.Total, Is.Zero);

        // maxmemory-clients back to 0: the cron empties the sum.
        a.IsMasterLink = false;
        f.Eviction.Cron();
        Assert.That(f.Eviction.Total, Is.EqualTo(10 * Kb));
        f.Options.MaxMemoryClients = 0;
        f.Eviction.Cron();
        Assert.That(f.Eviction.Total, Is.Zero);
    }

    [Test]
    public void LargestEvictableClientsGoUntilTheSumIsUnderTheLimit()
    {
        var f = new Fixture(1024 * Kb);
        var exempt = f.Client(600 * Kb, noEvict: true);
        var small = f.Client(100 * Kb);
        var middle = f.Client(200 * Kb);
        var large = f.Client(300 * Kb);
        foreach (var c in new[] { exempt, small, middle }) f.Eviction.AfterBatch(c);
        Assert.That(f.Eviction.EvictedClients, Is.Zero, "900 KB is under 1 MB");

        f.Eviction.AfterBatch(large);   // 1.2 MB: the largest evictable (300 KB) goes, leaving 900 KB
        Assert.That(f.KilledSoFar(), Is.EqualTo(new[] { large.Id }));
        Assert.That(f.Eviction.Total, Is.EqualTo(900 * Kb));

        exempt.QueryBufferBytes = 1000 * Kb;   // the exempt client grows past the limit alone: all others go
        f.Eviction.AfterBatch(exempt);
        Assert.That(f.KilledSoFar(), Is.EquivalentTo(new[] { large.Id, middle.Id, small.Id }));
        Assert.That(f.Eviction.EvictedClients, Is.EqualTo(3));
        Assert.That(f.Eviction.Total, Is.EqualTo(1000 * Kb), "the exempt client still counts");
    }
}
