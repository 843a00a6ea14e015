namespace FastNode.IntegrationTests.LockHistory;

/// <summary>
/// Three cluster primaries (redis-cli's slot split) and one replica for the primary that owns the workload's hash
/// tag, with a short node timeout so the cluster's own automatic failover runs within a short test. The test only
/// injects faults and watches: the cluster elects and promotes. <see cref="Primary"/> is the owner of the tag's slot
/// as last observed (clients also follow MOVED). Every process belongs to the test's <see cref="ServerProcesses"/>.
/// </summary>
public sealed class ClusterLockGroup(ServerProcesses processes, string dir, string lockReplication)
{
    public const int NodeTimeoutMs = 2000;

    /// <summary>The hash tag every workload key carries, so all of them live in one slot.</summary>
    public const string Tag = "{lk}";

    private readonly LocalCluster _cluster = new(processes, dir);
    private volatile int _primary;
    private int _replica;

    public int PrimaryIndex => _primary;
    public int ReplicaIndex => _replica;
    public (string Host, int Port) Primary => ("127.0.0.1", _cluster.Nodes[_primary].Port);
    public string Endpoint(int node) => $"127.0.0.1:{_cluster.Nodes[node].Port}";
    public ServerProcesses.Running Process(int node) => _cluster.Running[node];

    public void Start()
    {
        _cluster.Start("--save \"\"", NodeTimeoutMs);
        // A server without the mode's setting skips the test before the rest of the cluster is started.
        StandaloneGroup.ApplyLockReplication("127.0.0.1", _cluster.Nodes[0].Port, lockReplication);
        for (int i = 1; i < 3; i++) _cluster.Start("--save \"\"", NodeTimeoutMs);
        for (int i = 1; i < 3; i++) Assert.That(_cluster.Meet(0, i), Is.EqualTo("+OK\r\n"));
        string[][] ranges = [["0", "5460"], ["5461", "10922"], ["10923", "16383"]];
        for (int i = 0; i < 3; i++) Assert.That(_cluster.Call(i, "CLUSTER", "ADDSLOTSRANGE", ranges[i][0], ranges[i][1]), Is.EqualTo("+OK\r\n"));
        for (int i = 0; i < 3; i++) _cluster.WaitForOk(i, knownNodes: 3);
        _cluster.WaitForSettledEpochs(3);

        int slot = int.Parse(_cluster.Call(0, "CLUSTER", "KEYSLOT", Tag).Trim(':', '\r', '\n'));
        _primary = slot <= 5460 ? 0 : slot <= 10922 ? 1 : 2;
        _replica = _cluster.Start("--save \"\"", NodeTimeoutMs);
        Assert.That(_cluster.Meet(_replica, _primary), Is.EqualTo("+OK\r\n"));
        for (int i = 0; i < 4; i++) _cluster.WaitForOk(i, knownNodes: 4);
        string primaryId = _cluster.Id(_primary);
        Probe.WaitUntil(() => _cluster.Call(_replica, "CLUSTER", "REPLICATE", primaryId) == "+OK\r\n", "CLUSTER REPLICATE");
        WaitFollowing(_replica, _primary);
        for (int i = 0; i < 4; i++) StandaloneGroup.ApplyLockReplication("127.0.0.1", _cluster.Nodes[i].Port, lockReplication);
    }

    /// <summary>Waits until <paramref name="replica"/> replicates <paramref name="primary"/> with its link up and every node knows it as a replica.</summary>
    public void WaitFollowing(int replica, int primary, int seconds = 60)
    {
        string primaryId = _cluster.Id(primary), replicaId = _cluster.Id(replica);
        Probe.WaitUntil(() => Probe.Info(_cluster.Nodes[replica].Port) is var r && r["role"] == "slave"
            && r["master_port"] == _cluster.Nodes[primary].Port.ToString() && r["master_link_status"] == "up",
            $"node {replica} replicates node {primary}", seconds);
        // A vote for a failover needs every primary to know the replica's role (gossip, a few periods).
        for (int i = 0; i < 3 + 1; i++)
        {
            if (_cluster.Running[i].Process.HasExited) continue;
            int asker = i;
            Probe.WaitUntil(() => _cluster.Call(asker, "CLUSTER", "NODES").Split('\n').Any(l => l.StartsWith(replicaId) && l.Contains("slave " + primaryId)),
                $"node {asker} knows node {replica} replicates node {primary}", seconds);
        }
    }

    /// <summary>Waits for the cluster to promote the replica (its own CLUSTER NODES says master) and makes it the primary.</summary>
    public void WaitPromoted(int seconds = 60)
    {
        int replica = _replica;
        Probe.WaitUntil(() => _cluster.Call(replica, "CLUSTER", "NODES").Split('\n').Any(l => l.Contains("myself,master")),
            $"node {replica} promoted by the cluster", seconds);
        (_primary, _replica) = (replica, _primary);
    }

    public void Kill9(int node) => _cluster.Running[node].Kill9();

    /// <summary>Starts a killed node again from its nodes.conf, on its ports; it rejoins as a replica of its successor.</summary>
    public void Restart(int node)
    {
        var (port, bus) = _cluster.Nodes[node];
        string nodeDir = Path.Combine(dir, $"node{node}");
        _cluster.Running[node] = processes.FastNode(port,
            $"--dir {nodeDir} --cluster-enabled yes --cluster-port {bus} --cluster-node-timeout {NodeTimeoutMs} --save \"\"").Ready();
        StandaloneGroup.ApplyLockReplication("127.0.0.1", port, lockReplication);
    }

    public string Logs() => _cluster.Logs();
}

/// <summary>Seeded faults on a <see cref="ClusterLockGroup"/>; the cluster's automatic failover does the promotion.</summary>
public sealed class ClusterNemesis(ClusterLockGroup group, HistoryRecorder clock, IReadOnlyList<WorkloadClient> clients,
    WorkloadOptions options, int seed) : NemesisBase(clock, clients, options, seed)
{
    protected override string PrimaryEndpoint => group.Endpoint(group.PrimaryIndex);

    protected override void Inject(Fault fault)
    {
        long from = Clock.NowNs;
        int old = group.PrimaryIndex;
        switch (fault)
        {
            case Fault.KillPrimary:
                group.Kill9(old);
                Count("kill -9 primary");
                group.WaitPromoted();
                Promoted(group.Endpoint(group.PrimaryIndex));
                group.Restart(old);
                Count("restart");
                break;
            case Fault.PausePrimaryAndPromote:
                group.Process(old).Pause();
                Count("SIGSTOP primary");
                try
                {
                    group.WaitPromoted();
                    Promoted(group.Endpoint(group.PrimaryIndex));
                    Thread.Sleep(Random.Next(200, 800));
                }
                finally
                {
                    group.Process(old).Resume();
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault, "not a cluster fault");
        }
        group.WaitFollowing(old, group.PrimaryIndex);
        FailoverWindows.Add((from, Clock.NowNs));
    }
}
