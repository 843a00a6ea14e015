namespace FastNode.IntegrationTests;

/// <summary>
/// A primary that is cut off while another node takes one of its slots with a higher configEpoch deletes that slot's
/// keys once the partition heals, as Redis does for its "dirty" slots, and its replica drops them too (the DELs go
/// through the change feed); the slots it kept keep their keys. Real processes in network namespaces
/// (<see cref="NetworkLab"/>): the primary and its replica share one host, so the cut leaves no one to fail it over.
/// Every process is killed by pid and every namespace deleted in TearDown.
/// </summary>
[NonParallelizable]
public sealed class ClusterStaleSlotTests : NetworkLabTestBase
{
    private const int Port = 7000;
    private const int ReplicaPort = 7001;
    private const int NodeTimeoutMs = 3000;
    private const int KeysPerSlot = 20;

    protected override string DirPrefix => "fastnode-staleslot-";

    [Test]
    public void AfterHealingTheOldPrimaryAndItsReplicaDropTheKeysOfTheSlotItLost()
    {
        Lab = NetworkLab.Create(3);
        for (int i = 0; i < 3; i++) Nodes.Add(StartNode(Lab.Hosts[i], Port, $"node{i}"));
        var create = ServerProcesses.Run("/usr/bin/redis-cli", $"--cluster create {string.Join(' ', Nodes.Select(n => n.Endpoint))} --cluster-yes");
        Assert.That(create.ExitCode, Is.Zero, create.Output);
        foreach (var node in Nodes) WaitForState(node, "ok");
        var (old, taker) = (Nodes[0], Nodes[1]);
        var replica = StartNode(Lab.Hosts[0], ReplicaPort, "replica0");
        Nodes.Add(replica);
        Assert.That(Call(replica, "CLUSTER", "MEET", old.Host, Port.ToString()), Is.EqualTo("+OK\r\n"));
        Probe.WaitUntil(() => Call(replica, "CLUSTER", "INFO").Contains("cluster_known_nodes:4\r\n"), "the replica knows the primaries");
        Assert.That(Call(replica, "CLUSTER", "REPLICATE", Id(old)), Is.EqualTo("+OK\r\n"));
        Probe.WaitUntil(() => Call(replica, "INFO", "replication").Contains("master_link_status:up"), "the replica is linked");

        // Two slots of the old primary: one it will lose, one it keeps.
        var (lostTag, keptTag) = TwoTagsServedBy(old);
        int lostSlot = Slot(old, lostTag), keptSlot = Slot(old, keptTag);
        for (int i = 0; i < KeysPerSlot; i++)
        {
            Assert.That(Call(old, "SET", $"{lostTag}:{i}", "v"), Is.EqualTo("+OK\r\n"));
            Assert.That(Call(old, "SET", $"{keptTag}:{i}", "v"), Is.EqualTo("+OK\r\n"));
        }
        Probe.WaitUntil(() => CountKeys(replica, lostSlot) == KeysPerSlot && CountKeys(replica, keptSlot) == KeysPerSlot, "the replica has the keys");

        // Cut the old primary (and its replica) off; the taker claims the slot with a new epoch meanwhile.
        Lab.Isolate(0);
        WaitForState(old, "fail");   // its write lease has ended: taking the slot by hand makes no second writer
        Assert.That(Call(taker, "CLUSTER", "SETSLOT", lostSlot.ToString(), "IMPORTING", Id(old)), Is.EqualTo("+OK\r\n"));
        Assert.That(Call(taker, "CLUSTER", "SETSLOT", lostSlot.ToString(), "NODE", Id(taker)), Is.EqualTo("+OK\r\n"));
        Thread.Sleep(1000);
        Assert.That(CountKeys(old, lostSlot), Is.EqualTo(KeysPerSlot), "cut off, the old primary cannot know yet");

        Lab.HealAll();
        Probe.WaitUntil(() => Call(old, "GET", $"{lostTag}:0").StartsWith("-MOVED"), "the old primary learns the new owner", 60);
        Probe.WaitUntil(() => CountKeys(old, lostSlot) == 0, "the old primary deletes the stale keys");
        Probe.WaitUntil(() => CountKeys(replica, lostSlot) == 0, "its replica gets the DELs");
        Assert.Multiple(() =>
        {
            Assert.That(CountKeys(old, keptSlot), Is.EqualTo(KeysPerSlot), "the slot it kept keeps its keys");
            Assert.That(CountKeys(replica, keptSlot), Is.EqualTo(KeysPerSlot));
            Assert.That(Call(old, "GET", $"{keptTag}:0"), Is.EqualTo("$1\r\nv\r\n"));
            Assert.That(old.Log, Does.Contain($"key(s) of slot {lostSlot}"));
        });
        foreach (var node in Nodes.Take(3)) WaitForState(node, "ok", seconds: 60);
    }

    private ServerProcesses.Running StartNode(LabHost host, int port, string name)
    {
        string dir = Path.Combine(Dir, name);
        Directory.CreateDirectory(dir);
        return Processes.FastNodeIn(host, port, $"--dir {dir} --cluster-enabled yes --cluster-node-timeout {NodeTimeoutMs}").Ready();
    }

    private static string Call(ServerProcesses.Running node, params string[] args)
    {
        using var client = RawClient.Connect(node.Host, node.Port);
        return client.Call(args);
    }

    private static string Id(ServerProcesses.Running node) => Call(node, "CLUSTER", "MYID").Split("\r\n")[1];

    private static int Slot(ServerProcesses.Running node, string key) => int.Parse(Call(node, "CLUSTER", "KEYSLOT", key)[1..].Trim());

    private static int CountKeys(ServerProcesses.Running node, int slot) =>
        int.Parse(Call(node, "CLUSTER", "COUNTKEYSINSLOT", slot.ToString())[1..].Trim());

    private static void WaitForState(ServerProcesses.Running node, string state, int seconds = 40) =>
        Probe.WaitUntil(() => Call(node, "CLUSTER", "INFO").Contains($"cluster_state:{state}"), $"{node.Endpoint} cluster_state:{state}", seconds);

    /// <summary>Two hash tags the node serves, in different slots.</summary>
    private static (string, string) TwoTagsServedBy(ServerProcesses.Running node)
    {
        string? first = null;
        for (int i = 0; i < 10_000; i++)
        {
            string tag = $"{{key{i}}}";
            if (Call(node, "GET", tag).StartsWith("-MOVED")) continue;
            if (first is null) first = tag;
            else if (Slot(node, tag) != Slot(node, first)) return (first, tag);
        }
        Assert.Fail($"no two slots served by {node.Endpoint}");
        return ("", "");
    }
}
