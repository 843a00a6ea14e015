using System.Diagnostics;

namespace FastNode.IntegrationTests.LockHistory;

/// <summary>
/// A standalone FastNode primary with replicas, on loopback or each in a <see cref="NetworkLab"/> namespace, and the
/// failover manager the test plays: it kills, pauses, cuts off and restarts nodes, and promotes the most advanced
/// replica with REPLICAOF NO ONE (as Sentinel would; promoting a lagging one could lose what only the others had).
/// Clients find the primary through <see cref="Primary"/>. Every process belongs to the test's
/// <see cref="ServerProcesses"/>, which kills them by pid in TearDown.
/// </summary>
public sealed class StandaloneGroup(ServerProcesses processes, string dir, string lockReplication, NetworkLab? lab)
{
    public sealed class Node(int index, string host, int port, string dir)
    {
        public int Index { get; } = index;
        public string Host { get; } = host;
        public int Port { get; } = port;
        public string Dir { get; } = dir;
        public ServerProcesses.Running Process { get; set; } = null!;
        public bool Alive { get; set; }
    }

    private volatile Node _primary = null!;

    public List<Node> Nodes { get; } = [];

    /// <summary>The node clients should write to now.</summary>
    public Node Primary => _primary;

    /// <summary>Starts <paramref name="count"/> nodes, the first the primary, and waits until every replica is linked.</summary>
    public void Start(int count)
    {
        for (int i = 0; i < count; i++)
        {
            string host = lab?.Hosts[i].Address ?? "127.0.0.1";
            string nodeDir = Path.Combine(dir, $"node{i}");
            Directory.CreateDirectory(nodeDir);
            var node = new Node(i, host, ServerProcesses.FreePort(), nodeDir);
            Nodes.Add(node);
            Launch(node, i == 0 ? null : Nodes[0]);
        }
        _primary = Nodes[0];
        WaitHealthy();
    }

    private void Launch(Node node, Node? primary)
    {
        string arguments = $"--dir {node.Dir} --save \"\"" + (primary is null ? "" : $" --replicaof {primary.Host} {primary.Port}");
        node.Process = lab is null ? processes.FastNode(node.Port, arguments) : processes.FastNodeIn(lab.Hosts[node.Index], node.Port, arguments);
        WaitReady(node);
        SetLockReplication(node);
        node.Alive = true;
    }

    private void SetLockReplication(Node node) => ApplyLockReplication(node.Host, node.Port, lockReplication);

    /// <summary>
    /// The mode under test, set at run time so one harness serves both servers: one without the setting (only today's
    /// asynchronous behaviour; majority is then skipped) and one with it, whose default with replicas is majority.
    /// </summary>
    public static void ApplyLockReplication(string host, int port, string mode)
    {
        using var client = RawClient.Connect(host, port);
        string current = client.Call("CONFIG", "GET", "lock-replication");
        if (current == "*0\r\n")
        {
            if (mode != "async") Assert.Ignore("this server has no lock-replication setting yet");
            return;
        }
        Assert.That(client.Call("CONFIG", "SET", "lock-replication", mode), Is.EqualTo("+OK\r\n"));
        Assert.That(client.Call("CONFIG", "SET", "lock-replication-timeout", "1000"), Is.EqualTo("+OK\r\n"));
    }

    /// <summary>Like <see cref="ServerProcesses.Running.Ready"/>, with the node's own address.</summary>
    private static void WaitReady(Node node)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30) && !node.Process.Process.HasExited)
        {
            try
            {
                if (Call(node, "PING") == "+PONG\r\n") return;
            }
            catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or TimeoutException)
            {
            }
            Thread.Sleep(50);
        }
        Assert.Fail($"node {node.Endpoint()} did not start (exited: {node.Process.Process.HasExited}):\n{node.Process.Log}");
    }

    public static string Call(Node node, params string[] args)
    {
        using var client = RawClient.Connect(node.Host, node.Port);
        client.Send(Resp.Command(args));
        return client.ReadReply(5000);
    }

    public static Dictionary<string, string> Info(Node node)
    {
        var fields = new Dictionary<string, string>();
        foreach (var line in Call(node, "INFO", "replication").Split("\r\n"))
        {
            int colon = line.IndexOf(':');
            if (colon > 0 && !line.StartsWith('#') && !line.StartsWith('$')) fields[line[..colon]] = line[(colon + 1)..];
        }
        return fields;
    }

    /// <summary>Waits until the primary answers as a primary and every live replica follows it with its link up.</summary>
    public void WaitHealthy(int seconds = 60)
    {
        var primary = _primary;
        Probe.WaitUntil(() => Info(primary)["role"] == "master", $"{primary.Endpoint()} is a primary", seconds);
        foreach (var node in Nodes.Where(n => n != primary && n.Alive))
        {
            Probe.WaitUntil(() => Info(node) is var r && r["role"] == "slave" && r["master_port"] == primary.Port.ToString() && r["master_link_status"] == "up",
                $"{node.Endpoint()} replicates {primary.Endpoint()}", seconds);
        }
    }

    /// <summary>
    /// Promotes the live replica (other than <paramref name="excluded"/>) with the highest replication offset, points
    /// every other live replica at it, and makes it the primary clients are sent to.
    /// </summary>
    public Node PromoteBestReplica(Node excluded)
    {
        var candidates = Nodes.Where(n => n != excluded && n != _primary && n.Alive).ToList();
        var best = candidates.OrderByDescending(n => long.Parse(Info(n).GetValueOrDefault("slave_repl_offset", "0"))).First();
        Assert.That(Call(best, "REPLICAOF", "NO", "ONE"), Is.EqualTo("+OK\r\n"));
        _primary = best;
        foreach (var other in candidates.Where(n => n != best)) Follow(other, best);
        return best;
    }

    /// <summary>REPLICAOF the given primary (the demoted old primary's divergent writes are dropped by its full sync).</summary>
    public static void Follow(Node node, Node primary) =>
        Assert.That(Call(node, "REPLICAOF", primary.Host, primary.Port.ToString()), Does.StartWith("+OK"));

    public void Kill9(Node node)
    {
        node.Process.Kill9();
        node.Alive = false;
    }

    /// <summary>Starts a killed node again on its port, as a replica of the current primary.</summary>
    public void Restart(Node node)
    {
        Launch(node, _primary);
    }

    public string Logs() => string.Join("\n", Nodes.Select(n => $"--- node {n.Endpoint()} (exited: {n.Process.Process.HasExited})\n{n.Process.Log}"));
}

internal static class NodeText
{
    public static string Endpoint(this StandaloneGroup.Node node) => $"{node.Host}:{node.Port}";
}
