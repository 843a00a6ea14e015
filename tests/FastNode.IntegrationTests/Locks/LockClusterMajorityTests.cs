namespace FastNode.IntegrationTests.Locks;

/// <summary>
/// lock-replication majority on a multi-node cluster, in this process (docs/locks.md "Majority-acknowledged changes"):
/// a primary serving every slot and two replicas attached with CLUSTER REPLICATE. The listed copies come from the
/// cluster view (failed replicas included), a grant or an admitted limiter call is answered only once a replica holds
/// it, a grant still goes through with one replica gone, and with none connected it is refused.
/// </summary>
[NonParallelizable]
public sealed class LockClusterMajorityTests
{
    private TestServer _primary = null!;
    private TestServer? _b, _c;
    private RawClient _client = null!;

    [SetUp]
    public void FormClusterWithTwoReplicas()
    {
        _primary = TestServer.StartClusterNode(o => o.ClusterNodeTimeout = 5000);
        _b = TestServer.StartClusterNode(o => o.ClusterNodeTimeout = 5000);
        _c = TestServer.StartClusterNode(o => o.ClusterNodeTimeout = 5000);
        _client = _primary.ConnectRaw();
        string primaryId = _primary.State.Cluster!.View.MyId.ToString();
        Assert.That(_client.Call("CLUSTER", "ADDSLOTSRANGE", "0", "16383"), Is.EqualTo("+OK\r\n"));
        foreach (var replica in new[] { _b, _c })
        {
            Assert.That(_client.Call("CLUSTER", "MEET", "127.0.0.1", replica.Port.ToString(), replica.State.Options.ClusterPort.ToString()), Is.EqualTo("+OK\r\n"));
        }
        foreach (var replica in new[] { _b, _c })
        {
            Probe.WaitUntil(() => Probe.Call(replica.Port, "CLUSTER", "INFO").Contains("cluster_known_nodes:3\r\n"), $"{replica.Port} knows the cluster");
            Assert.That(Probe.Call(replica.Port, "CLUSTER", "REPLICATE", primaryId), Is.EqualTo("+OK\r\n"));
        }
        foreach (var replica in new[] { _b, _c })
        {
            Probe.WaitUntil(() => Probe.Info(replica.Port).GetValueOrDefault("master_link_status") == "up", $"{replica.Port} replicates the primary", 60);
        }
        Probe.WaitUntil(() => Probe.Info(_primary.Port, "locks")["lock_listed_replicas"] == "2", "the primary's view lists both replicas", 60);
        Probe.WaitUntil(() => _client.Call("CLUSTER", "INFO").Contains("cluster_state:ok"), "cluster_state:ok");
    }

    [TearDown]
    public async Task StopNodes()
    {
        _client.Dispose();
        await _primary.DisposeAsync();
        if (_b is not null) await _b.DisposeAsync();
        if (_c is not null) await _c.DisposeAsync();
    }

    private static long Token(string reply)
    {
        Assert.That(reply, Does.Match(@"^:\d+\r\n$"), "expected a fencing token");
        return long.Parse(reply[1..^2]);
    }

    /// <summary>A READONLY read on a replica (without it, a cluster replica redirects to the primary).</summary>
    private static string ReadOnReplica(TestServer replica, params string[] command)
    {
        using var client = replica.ConnectRaw();
        Assert.That(client.Call("READONLY"), Is.EqualTo("+OK\r\n"));
        return client.Call(command);
    }

    private bool OnAReplica(params string[] command) =>
        new[] { _b, _c }.Any(r => r is not null && ReadOnReplica(r, command) is var reply && reply != "*-1\r\n" && reply != ":0\r\n");

    [Test]
    public void GrantsAndAdmissionsAreAnsweredOnceAReplicaOfTheSlotHoldsThem()
    {
        var locks = Probe.Info(_primary.Port, "locks");
        Assert.That(locks["lock_replication"], Is.EqualTo("majority"));
        Assert.That(locks["lock_acks_needed"], Is.EqualTo("1"), "a majority of 3 copies is the primary and one replica");

        Token(_client.Call("LOCK.ACQUIRE", "{job}:lock", "c1", "60000"));
        // Checked at once, without polling: the reply came only after a replica acknowledged.
        Assert.That(OnAReplica("LOCK.INFO", "{job}:lock"), Is.True, "a replica holds the grant when the client gets its token");
        Assert.That(_client.Call("RL.GCRA", "{job}:rl", "0", "1", "60000"), Does.StartWith("*5\r\n:1\r\n"));
        Assert.That(OnAReplica("EXISTS", "{job}:rl"), Is.True, "a replica holds the limiter's state when the call is admitted");
        Assert.That(long.Parse(Probe.Info(_primary.Port, "locks")["lock_majority_waits"]), Is.GreaterThanOrEqualTo(2));
        Assert.That(_client.Call("LOCK.RELEASE", "{job}:lock", "c1"), Is.EqualTo(":1\r\n"));
    }

    [Test]
    public async Task AGoneReplicaStaysListedAndWithNoneConnectedAGrantIsRefused()
    {
        await _c!.DisposeAsync();
        _c = null;
        // One replica left of two listed: still a majority of the three copies with the primary.
        Token(_client.Call("LOCK.ACQUIRE", "a", "c1", "60000"));
        Assert.That(ReadOnReplica(_b!, "LOCK.INFO", "a"), Does.Contain("\r\nc1\r\n"), "the remaining replica acknowledged it");
        Assert.That(Probe.Info(_primary.Port, "locks")["lock_listed_replicas"], Is.EqualTo("2"), "a replica that is gone still counts");

        await _b!.DisposeAsync();
        _b = null;
        Probe.WaitUntil(() => Probe.Info(_primary.Port)["connected_slaves"] == "0", "the primary noticed both replicas are gone");
        Assert.That(_client.Call("LOCK.ACQUIRE", "b", "c1", "60000"), Does.StartWith("-NOREPLICAS Not enough replicas connected"));
        Assert.That(_client.Call("CL.THROTTLE", "rl", "0", "1", "60"), Does.StartWith("-NOREPLICAS Not enough replicas connected"));
        Assert.That(_client.Call("LOCK.INFO", "b"), Is.EqualTo("*-1\r\n"), "not granted");
    }
}
