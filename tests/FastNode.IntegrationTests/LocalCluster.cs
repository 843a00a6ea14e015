namespace FastNode.IntegrationTests;

/// <summary>
/// FastNode processes in cluster mode on free loopback ports, for the multi-node tests: start nodes, join them with
/// CLUSTER MEET, hand out slots, wait for cluster_state:ok. The processes belong to the test's
/// <see cref="ServerProcesses"/>, which kills them by pid in TearDown.
/// </summary>
internal sealed class LocalCluster(ServerProcesses processes, string dir)
{
    public List<(int Port, int Bus)> Nodes { get; } = [];

    public List<ServerProcesses.Running> Running { get; } = [];

    /// <summary>Starts one more node (not joined yet) and returns its index.</summary>
    public int Start(string extra = "", int nodeTimeoutMs = 5000)
    {
        int port = ServerProcesses.FreePort(), bus = ServerProcesses.FreePort();
        string nodeDir = Path.Combine(dir, $"node{Nodes.Count}");
        Directory.CreateDirectory(nodeDir);
        Running.Add(processes.FastNode(port,
            $"--dir {nodeDir} --cluster-enabled yes --cluster-port {bus} --cluster-node-timeout {nodeTimeoutMs} {extra}").Ready());
        Nodes.Add((port, bus));
        return Nodes.Count - 1;
    }

    /// <summary>CLUSTER MEET from node <paramref name="from"/> to node <paramref name="to"/>; returns the raw reply.</summary>
    public string Meet(int from, int to)
    {
        using var client = RawClient.Connect(Nodes[from].Port);
        return client.Call("CLUSTER", "MEET", "127.0.0.1", Nodes[to].Port.ToString(), Nodes[to].Bus.ToString());
    }

    /// <summary>
    /// Three primaries with redis-cli's split of the slots (0-5460, 5461-10922, 10923-16383), waited for until every
    /// node reports cluster_state:ok with all three known and the configuration epochs have settled.
    /// </summary>
    public void FormPrimaries(string extra = "")
    {
        for (int i = 0; i < 3; i++) Start(extra);
        for (int i = 1; i < 3; i++) Assert.That(Meet(0, i), Is.EqualTo("+OK\r\n"));
        string[][] ranges = [["0", "5460"], ["5461", "10922"], ["10923", "16383"]];
        for (int i = 0; i < 3; i++) Assert.That(Call(i, "CLUSTER", "ADDSLOTSRANGE", ranges[i][0], ranges[i][1]), Is.EqualTo("+OK\r\n"));
        for (int i = 0; i < 3; i++) WaitForOk(i, knownNodes: 3);
        WaitForSettledEpochs(3);
    }

    /// <summary>
    /// Waits until the first <paramref name="count"/> nodes agree on every node's config epoch, those epochs are
    /// distinct and every node has the same current epoch. Primaries that claimed slots with ADDSLOTS all start at
    /// epoch 0 and resolve the collision by bumping over a few gossip rounds after cluster_state:ok, so a test that
    /// snapshots the configuration must wait for this.
    /// </summary>
    public void WaitForSettledEpochs(int count, int seconds = 40)
    {
        string last = "";
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            var views = Enumerable.Range(0, count).Select(EpochView).ToList();
            last = string.Join(" | ", views);
            var epochs = views[0].Split(' ').Skip(1).Select(e => e.Split('=')[1]).ToList();
            if (views.Distinct().Count() == 1 && epochs.Distinct().Count() == epochs.Count) return;
            Thread.Sleep(100);
        }
        Assert.Fail($"config epochs did not settle: {last}");
    }

    /// <summary>"current=N id=epoch id=epoch ..." as one node sees it, ids sorted.</summary>
    private string EpochView(int node)
    {
        string current = Call(node, "CLUSTER", "INFO").Split("\r\n").Single(l => l.StartsWith("cluster_current_epoch:"))[22..];
        var perNode = Call(node, "CLUSTER", "NODES").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .Where(fields => fields.Length > 6)
            .Select(fields => $"{fields[0]}={fields[6]}")
            .Order(StringComparer.Ordinal);
        return $"current={current} " + string.Join(' ', perNode);
    }

    public void WaitForOk(int node, int knownNodes, int seconds = 40)
    {
        string info = "";
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            info = Call(node, "CLUSTER", "INFO");
            if (info.Contains("cluster_state:ok") && info.Contains($"cluster_known_nodes:{knownNodes}\r\n")) return;
            Thread.Sleep(100);
        }
        Assert.Fail($"node {Nodes[node].Port} did not reach cluster_state:ok with {knownNodes} nodes:\n{info}");
    }

    public string Call(int node, params string[] args)
    {
        using var client = RawClient.Connect(Nodes[node].Port);
        return client.Call(args);
    }

    /// <summary>The node's id (CLUSTER MYID).</summary>
    public string Id(int node) => Call(node, "CLUSTER", "MYID").Split("\r\n")[1];

    /// <summary>Every node's log, for a failed test's output.</summary>
    public string Logs() => string.Join("\n", Running.Select(r => $"--- node {r.Port} (exited: {r.Process.HasExited})\n{r.Log}"));
}
