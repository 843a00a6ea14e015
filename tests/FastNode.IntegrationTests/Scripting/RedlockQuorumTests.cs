using Medallion.Threading.Redis;
using RedLockNet.SERedis;
using RedLockNet.SERedis.Configuration;
using StackExchange.Redis;

namespace FastNode.IntegrationTests.Scripting;

/// <summary>
/// Redlock across independent FastNode instances (issue 15 section 3), with RedLock.net and DistributedLock.Redis
/// unchanged: over 3 and over 5 processes, two application instances (independent connections) contend for one lock.
/// It is granted to exactly one of them with every instance up, with a minority stopped (SIGSTOP: the instances
/// accept connections and answer nothing) and with a minority killed; with a majority down it is refused. Every
/// process is killed by pid in TearDown.
/// </summary>
[NonParallelizable]
[TestFixture(3)]
[TestFixture(5)]
public sealed class RedlockQuorumTests(int instances) : ProcessTestBase
{
    private readonly List<ServerProcesses.Running> _servers = [];
    private readonly List<ConnectionMultiplexer> _connections = [];

    protected override string DirPrefix => "fastnode-redlock-";

    private int Minority => (instances - 1) / 2;

    [SetUp]
    public void StartInstances()
    {
        _servers.Clear();
        _connections.Clear();
        for (int i = 0; i < instances; i++)
        {
            string dir = Path.Combine(Dir, $"i{i}");
            Directory.CreateDirectory(dir);
            _servers.Add(Processes.FastNode(ServerProcesses.FreePort(), $"--dir {dir} --save \"\"").Ready());
        }
    }

    [TearDown]
    public void CloseConnections()
    {
        foreach (var server in _servers) server.Resume();
        foreach (var connection in _connections) connection.Dispose();
    }

    /// <summary>One application instance's connections: one multiplexer per FastNode, with short timeouts so a stopped node costs a second, not five.</summary>
    private List<ConnectionMultiplexer> Application()
    {
        var connections = _servers.Select(server =>
        {
            var config = new ConfigurationOptions { AbortOnConnectFail = false, ConnectTimeout = 2000, SyncTimeout = 1000, AsyncTimeout = 1000 };
            config.EndPoints.Add("127.0.0.1", server.Port);
            return ConnectionMultiplexer.Connect(config);
        }).ToList();
        _connections.AddRange(connections);
        return connections;
    }

    private static RedLockFactory RedLock(List<ConnectionMultiplexer> connections) =>
        RedLockFactory.Create(connections.Select(c => new RedLockMultiplexer(c)).ToList());

    private static RedisDistributedLock DistributedLock(string name, List<ConnectionMultiplexer> connections) =>
        new(name, connections.Select(c => c.GetDatabase()), o => o.Expiry(TimeSpan.FromSeconds(10)).BusyWaitSleepTime(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(50)));

    private int InstancesHolding(string key) => _servers.Count(s => !s.Process.HasExited && Probe.Call(s.Port, "EXISTS", key) == ":1\r\n");

    [Test]
    public async Task RedLockNetNeedsAMajorityOfInstances()
    {
        using var one = RedLock(Application());
        using var two = RedLock(Application());
        var expiry = TimeSpan.FromSeconds(10);

        // Every instance up: the lock is written on all of them, and the other application is refused.
        await using (var held = await one.CreateLockAsync("all-up", expiry))
        {
            Assert.That(held.IsAcquired, Is.True);
            Assert.That(InstancesHolding("redlock:all-up"), Is.EqualTo(instances));
            await using var refused = await two.CreateLockAsync("all-up", expiry);
            Assert.That(refused.IsAcquired, Is.False);
        }
        Assert.That(InstancesHolding("redlock:all-up"), Is.Zero, "released on every instance");

        // A minority stopped: still a majority to grant it, and still exclusive.
        var stopped = _servers.Take(Minority).ToList();
        try
        {
            stopped.ForEach(s => s.Pause());
            await using var held = await one.CreateLockAsync("minority-stopped", expiry);
            Assert.That(held.IsAcquired, Is.True, $"{Minority} of {instances} stopped");
            await using var refused = await two.CreateLockAsync("minority-stopped", expiry);
            Assert.That(refused.IsAcquired, Is.False);
        }
        finally
        {
            stopped.ForEach(s => s.Resume());
        }

        // A minority killed: the same.
        foreach (var server in _servers.Take(Minority)) server.Kill9();
        await using (var held = await one.CreateLockAsync("minority-killed", expiry))
        {
            Assert.That(held.IsAcquired, Is.True, $"{Minority} of {instances} killed");
            Assert.That(InstancesHolding("redlock:minority-killed"), Is.EqualTo(instances - Minority));
            await using var refused = await two.CreateLockAsync("minority-killed", expiry);
            Assert.That(refused.IsAcquired, Is.False);
        }

        // One more down is a majority down: nobody gets the lock.
        _servers[Minority].Kill9();
        await using var none = await one.CreateLockAsync("majority-down", expiry);
        Assert.That(none.IsAcquired, Is.False, $"{Minority + 1} of {instances} down");
        Assert.That(InstancesHolding("redlock:majority-down"), Is.Zero, "a failed attempt removes what it wrote");
    }

    [Test]
    public async Task DistributedLockNeedsAMajorityOfInstances()
    {
        var one = Application();
        var two = Application();

        await using (var held = await DistributedLock("all-up", one).TryAcquireAsync())
        {
            Assert.That(held, Is.Not.Null);
            Assert.That(InstancesHolding("all-up"), Is.EqualTo(instances));
            Assert.That(await DistributedLock("all-up", two).TryAcquireAsync(), Is.Null);
        }
        Assert.That(InstancesHolding("all-up"), Is.Zero, "released on every instance");

        var stopped = _servers.Take(Minority).ToList();
        try
        {
            stopped.ForEach(s => s.Pause());
            await using var held = await DistributedLock("minority-stopped", one).TryAcquireAsync(TimeSpan.FromSeconds(5));
            Assert.That(held, Is.Not.Null, $"{Minority} of {instances} stopped");
            Assert.That(await DistributedLock("minority-stopped", two).TryAcquireAsync(), Is.Null);
        }
        finally
        {
            stopped.ForEach(s => s.Resume());
        }

        foreach (var server in _servers.Take(Minority)) server.Kill9();
        await using (var held = await DistributedLock("minority-killed", one).TryAcquireAsync(TimeSpan.FromSeconds(5)))
        {
            Assert.That(held, Is.Not.Null, $"{Minority} of {instances} killed");
            Assert.That(InstancesHolding("minority-killed"), Is.EqualTo(instances - Minority));
            Assert.That(await DistributedLock("minority-killed", two).TryAcquireAsync(), Is.Null);
        }

        // A majority down: DistributedLock hands out no handle. It reports the failed instances with an
        // AggregateException (null would mean "held by someone else"), after undoing what it wrote on the others.
        _servers[Minority].Kill9();
        Assert.ThrowsAsync<AggregateException>(async () => await DistributedLock("majority-down", one).TryAcquireAsync(TimeSpan.FromSeconds(2)),
            $"{Minority + 1} of {instances} down");
        Assert.That(InstancesHolding("majority-down"), Is.Zero);
    }
}
