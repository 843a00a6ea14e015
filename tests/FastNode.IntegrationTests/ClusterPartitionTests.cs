using System.Diagnostics;

namespace FastNode.IntegrationTests;

/// <summary>
/// Partitions between real FastNode processes, each in a network namespace of its own (<see cref="NetworkLab"/>):
/// the cluster bus between two hosts is cut with blackhole routes while the test still reaches every node. Checks the
/// write lease on real sockets: a primary cut off from the majority refuses writes, nothing it acknowledged is lost,
/// and after healing the nodes agree on one configuration again. Every process is killed by pid and every namespace
/// deleted in TearDown.
/// </summary>
[NonParallelizable]
public sealed class ClusterPartitionTests : NetworkLabTestBase
{
    private const int Port = 7000;
    private const int NodeTimeoutMs = 3000;

    protected override string DirPrefix => "fastnode-partition-";

    private void StartCluster(int count)
    {
        Lab = NetworkLab.Create(count);
        for (int i = 0; i < count; i++)
        {
            string dir = Path.Combine(Dir, $"node{i}");
            Directory.CreateDirectory(dir);
            Nodes.Add(Processes.FastNodeIn(Lab.Hosts[i], Port, $"--dir {dir} --cluster-enabled yes --cluster-node-timeout {NodeTimeoutMs}").Ready());
        }
        var create = ServerProcesses.Run("/usr/bin/redis-cli", $"--cluster create {string.Join(' ', Nodes.Select(n => n.Endpoint))} --cluster-yes");
        Assert.That(create.ExitCode, Is.Zero, create.Output);
        foreach (var node in Nodes) WaitForState(node, "ok");
    }

    [Test]
    public void IsolatedPrimaryStopsAcceptingWritesAndRejoinsAfterHealing()
    {
        StartCluster(3);
        var isolated = Nodes[0];
        string key = KeyServedBy(isolated);
        using var client = RawClient.Connect(isolated.Host, isolated.Port);
        Assert.That(client.Call("SET", key, "before"), Is.EqualTo("+OK\r\n"));

        var acknowledged = new List<int>();
        Lab!.Isolate(0);
        var sinceCut = Stopwatch.StartNew();
        // Keep writing until the isolated primary refuses: every write it acknowledged must survive the partition.
        string reply = "";
        for (int i = 0; sinceCut.Elapsed < TimeSpan.FromSeconds(30); i++)
        {
            reply = client.Call("SET", $"{key}:{i}", $"v{i}");
            if (reply != "+OK\r\n") break;
            acknowledged.Add(i);
            Thread.Sleep(5);
        }
        var refusedAfter = sinceCut.Elapsed;
        TestContext.Out.WriteLine($"isolated primary refused writes {refusedAfter.TotalMilliseconds:F0} ms after the cut, having acknowledged {acknowledged.Count}");
        Assert.That(reply, Does.StartWith("-CLUSTERDOWN"), "the isolated primary kept accepting writes");
        // The lease window is node-timeout / 2: well before node-timeout plus a tick or two of slack on a loaded machine.
        Assert.That(refusedAfter, Is.LessThan(TimeSpan.FromMilliseconds(NodeTimeoutMs + 2000)));
        WaitForState(isolated, "fail");

        // The majority marks it FAIL (it has no replica to promote, so its slots stay uncovered there).
        Probe.WaitUntil(() => Call(Nodes[1], "CLUSTER", "NODES").Split('\n').Any(l => l.Contains(isolated.Endpoint) && l.Contains(",fail")),
            "the majority flags the isolated primary fail");

        Lab.HealAll();
        foreach (var node in Nodes) WaitForState(node, "ok", seconds: 60);
        Assert.That(client.Call("SET", key, "after"), Is.EqualTo("+OK\r\n"));
        foreach (int i in acknowledged) Assert.That(client.Call("GET", $"{key}:{i}"), Is.EqualTo($"${$"v{i}".Length}\r\nv{i}\r\n"), $"write {i}");
        Probe.WaitUntil(() => Nodes.Select(n => ConfigLines(n)).Distinct().Count() == 1, "every node agrees on one configuration");
    }

    [Test]
    public void MinorityCutInTwoDirectionsKeepsEveryNodeConsistent()
    {
        StartCluster(3);
        // Cut 0-1 only: 2 still sees both, so 0 and 1 each keep a majority (themselves plus 2) and stay writable.
        Lab!.Cut(0, 1);
        Thread.Sleep(NodeTimeoutMs * 2);
        foreach (var node in Nodes)
        {
            string key = KeyServedBy(node);
            Assert.That(Call(node, "SET", key, "x"), Is.EqualTo("+OK\r\n"), $"{node.Endpoint} with one link cut");
        }
        Lab.HealAll();
        foreach (var node in Nodes) WaitForState(node, "ok", seconds: 60);
        Probe.WaitUntil(() => Nodes.Select(n => ConfigLines(n)).Distinct().Count() == 1, "every node agrees on one configuration");
    }

    private static string Call(ServerProcesses.Running node, params string[] args)
    {
        using var client = RawClient.Connect(node.Host, node.Port);
        return client.Call(args);
    }

    private static void WaitForState(ServerProcesses.Running node, string state, int seconds = 40) =>
        Probe.WaitUntil(() => Call(node, "CLUSTER", "INFO").Contains($"cluster_state:{state}"), $"{node.Endpoint} cluster_state:{state}", seconds);

    /// <summary>A key the node serves (found by asking it), written as a hash tag so that "key:suffix" is in the same slot.</summary>
    private static string KeyServedBy(ServerProcesses.Running node)
    {
        for (int i = 0; i < 10_000; i++)
        {
            string key = $"{{key{i}}}";
            if (!Call(node, "GET", key).StartsWith("-MOVED")) return key;
        }
        Assert.Fail($"no key served by {node.Endpoint}");
        return "";
    }

    /// <summary>The configuration part of CLUSTER NODES (id, address, role, primary, epoch, slots), sorted, without timings.</summary>
    private static string ConfigLines(ServerProcesses.Running node)
    {
        var lines = Call(node, "CLUSTER", "NODES").Split('\n')
            .Where(l => l.Contains(' ') && !l.StartsWith('$'))
            .Select(l => l.Split(' '))
            .Select(f => string.Join(' ', new[] { f[0], f[1], f[2].Replace("myself,", ""), f[3], f[6], f[7] }.Concat(f.Skip(8))))
            .OrderBy(l => l, StringComparer.Ordinal);
        return string.Join('\n', lines);
    }
}
