using FastNode.Cluster.Nodes;
using FastNode.Cluster.Placement;
using FastNode.Cluster.Routing;
using StackExchange.Redis;
using static FastNode.IntegrationTests.ClusterReshardTests;

namespace FastNode.IntegrationTests;

/// <summary>
/// cluster-auto-placement on real processes: three nodes that only MEET take the slots by rendezvous hashing, and a
/// fourth that joins with CLUSTER MEET gets its share moved to it live while StackExchange.Redis clients keep writing
/// and reading. Every process is killed by pid in TearDown.
/// </summary>
[NonParallelizable]
public sealed class ClusterAutoPlacementTests : ClusterNodesTestBase
{
    protected override string DirPrefix => "fastnode-placement-";

    private const string AutoPlacement = "--cluster-auto-placement yes";

    [Test]
    public void AJoiningNodeTakesItsShareLiveWhileClientsRun()
    {
        if (!File.Exists(RedisCli)) Assert.Ignore("redis-cli is not installed");
        int[] ports = [StartNode(0, AutoPlacement), StartNode(1, AutoPlacement), StartNode(2, AutoPlacement), StartNode(3, AutoPlacement)];
        Assert.That(Probe.Call(ports[0], "CONFIG", "GET", "cluster-auto-placement"), Does.EndWith("$3\r\nyes\r\n"));
        var ids = ports.Select(p => NodeId.Parse(MyId(p))).ToArray();

        // No ADDSLOTS: the three nodes claim the slots rendezvous hashing gives each of them.
        Meet(ports[0], ports[1]);
        Meet(ports[0], ports[2]);
        WaitForClusterOk(ports[..3], knownNodes: 3);
        // A node that settled before it heard of the third one claims too much at first; it then moves the surplus.
        var first = RendezvousPlacement.Assign(ids[..3]);
        Probe.WaitUntil(() => Owners(ports[0]).AsSpan().SequenceEqual(first), "the slots sit where rendezvous hashing over three nodes puts them", seconds: 300);
        WaitForAgreement(ports[0]);
        Assert.That(DbSize(ports[3]), Is.Zero);

        const int keys = 2000;
        var config = new ConfigurationOptions { ConnectTimeout = 10000, SyncTimeout = 30000, AbortOnConnectFail = true };
        config.EndPoints.Add("127.0.0.1", ports[0]);
        using var redis = ConnectionMultiplexer.Connect(config);
        var db = redis.GetDatabase();
        var values = new string[keys];
        for (int i = 0; i < keys; i++) db.StringSet($"key:{i}", values[i] = $"v{i}:0");

        using var clients = new ClusterClientLoad(db, values, writers: 2);
        Meet(ports[0], ports[3]);
        var target = RendezvousPlacement.Assign(ids);
        int share = target.Count(o => o == ids[3]);
        TestContext.Out.WriteLine($"the joiner's rendezvous share: {share} slots");
        Assert.That(share, Is.InRange(KeySlot.SlotCount / 4 * 0.85, KeySlot.SlotCount / 4 * 1.15));
        Probe.WaitUntil(() => Owners(ports[0]).Count(o => o == ids[3]) == share, "the joiner owns its share", seconds: 600);
        WaitForAgreement(ports[0]);
        Assert.That(Owners(ports[3]), Is.EqualTo(target), "every slot sits where rendezvous hashing over four nodes puts it");
        clients.Stop();
        Assert.That(clients.Operations, Is.GreaterThan(0));
        Assert.That(clients.Errors, Is.Empty, "clients saw errors while slots moved");
        TestContext.Out.WriteLine($"{clients.Operations} client operations while slots moved");

        using var fresh = ConnectionMultiplexer.Connect(config);
        var check = fresh.GetDatabase();
        for (int i = 0; i < keys; i++) Assert.That((string?)check.StringGet($"key:{i}"), Is.EqualTo(values[i]), $"key:{i}");
        Assert.That(ports.Sum(DbSize), Is.EqualTo(keys), "no key lost or duplicated");
        Assert.That(DbSize(ports[3]), Is.GreaterThan(keys / 8), "the joiner holds about a quarter of the keys");
    }

    /// <summary>
    /// kill -9 of a primary that has no replica: once it has been failed long enough to count as departed (2 x
    /// node-timeout + the settle time), its rendezvous heirs take its slots over with a new epoch and the cluster
    /// serves every slot again; its keys are gone, as in Redis. Restarted, it finds its slots taken and claims nothing.
    /// </summary>
    [Test]
    public void ADeadPrimaryWithoutAReplicaHasItsSlotsTakenOverByItsHeirs()
    {
        if (!File.Exists(RedisCli)) Assert.Ignore("redis-cli is not installed");
        const string fast = "--cluster-node-timeout 2000";
        int[] ports = [StartNode(0, fast), StartNode(1, fast), StartNode(2, fast), StartNode(3, fast)];
        var ids = ports.Select(p => NodeId.Parse(MyId(p))).ToArray();
        // Each node takes its rendezvous share by hand, and placement is turned on only once all four agree, so it has
        // nothing to move until the kill (a node that settled while it knew only some of the others would claim).
        var everywhere = RendezvousPlacement.Assign(ids);
        for (int i = 0; i < 4; i++) Assert.That(Probe.Call(ports[i], ["CLUSTER", "ADDSLOTSRANGE", .. Ranges(everywhere, ids[i])]), Is.EqualTo("+OK\r\n"));
        for (int i = 1; i < 4; i++) Meet(ports[0], ports[i]);
        WaitForClusterOk(ports, knownNodes: 4);
        WaitForAgreement(ports[0]);
        foreach (int port in ports) Assert.That(Probe.Call(port, "CONFIG", "SET", "cluster-auto-placement", "yes"), Is.EqualTo("+OK\r\n"));

        // A key on the node about to die, and one that lives elsewhere.
        var owners = Owners(ports[0]);
        string lost = Enumerable.Range(0, 10_000).Select(i => $"lost:{i}").First(k => owners[Slot(k)] == ids[3]);
        string kept = Enumerable.Range(0, 10_000).Select(i => $"kept:{i}").First(k => owners[Slot(k)] == ids[0]);
        Assert.That(Probe.Call(ports[3], "SET", lost, "1"), Is.EqualTo("+OK\r\n"));
        Assert.That(Probe.Call(ports[0], "SET", kept, "1"), Is.EqualTo("+OK\r\n"));
        string epochBefore = Probe.Call(ports[0], "CLUSTER", "INFO").Split("\r\n").Single(l => l.StartsWith("cluster_current_epoch:"));

        string deadDir = Path.Combine(Dir, "node3");
        Nodes[3].Kill9();
        var heirs = RendezvousPlacement.Assign(ids[..3]);
        Probe.WaitUntil(() => ports[..3].All(p => Owners(p).AsSpan().SequenceEqual(heirs)), "the heirs own the dead node's slots on every survivor", seconds: 120);
        WaitForClusterOk(ports[..3], knownNodes: 4);
        Assert.That(Probe.Call(ports[0], "CLUSTER", "INFO"), Does.Not.Contain(epochBefore + "\r\n"), "the takeover took a new epoch");
        int heir = Array.IndexOf(ids, heirs[Slot(lost)]);
        Assert.That(Probe.Call(ports[heir], "GET", lost), Is.EqualTo("$-1\r\n"), "the dead node's keys are lost");
        Assert.That(Probe.Call(ports[heir], "SET", lost, "2"), Is.EqualTo("+OK\r\n"), "its slots take writes again");
        Assert.That(Probe.Call(ports[0], "GET", kept), Is.EqualTo("$1\r\n1\r\n"));
        Assert.That(Nodes[0].Log + Nodes[1].Log + Nodes[2].Log, Does.Contain("took over"));

        // Back with its old nodes.conf (placement off now, so that nothing moves back): the heirs' higher epoch wins
        // every slot it claimed.
        for (int i = 0; i < 3; i++) Probe.Call(ports[i], "CONFIG", "SET", "cluster-auto-placement", "no");
        Nodes.Add(Processes.FastNode(ports[3], $"--dir {deadDir} --cluster-enabled yes --cluster-port {Buses[ports[3]]} {fast}").Ready());
        WaitForClusterOk(ports, knownNodes: 4);
        Probe.WaitUntil(() => Owners(ports[3]).AsSpan().SequenceEqual(heirs), "the returning node sees its slots with the heirs", seconds: 120);
        var (_, value) = ServerProcesses.Run(RedisCli, $"-c -p {ports[0]} GET {lost}");
        Assert.That(value.Trim(), Is.EqualTo("2"), "the write after the takeover survives the old owner's return");
    }

    /// <summary>ADDSLOTSRANGE arguments for the slots <paramref name="owners"/> gives <paramref name="node"/>.</summary>
    private static string[] Ranges(NodeId[] owners, NodeId node)
    {
        var args = new List<string>();
        for (int slot = 0; slot < owners.Length; slot++)
        {
            if (owners[slot] != node) continue;
            int end = slot;
            while (end + 1 < owners.Length && owners[end + 1] == node) end++;
            args.Add(slot.ToString());
            args.Add(end.ToString());
            slot = end;
        }
        return [.. args];
    }

    private static int Slot(string key) => KeySlot.Of(System.Text.Encoding.UTF8.GetBytes(key));

    private void Meet(int from, int to) =>
        Assert.That(Probe.Call(from, "CLUSTER", "MEET", "127.0.0.1", to.ToString(), Buses[to].ToString()), Is.EqualTo("+OK\r\n"));

    /// <summary>Slot → owner as CLUSTER NODES on <paramref name="port"/> shows it.</summary>
    private static NodeId[] Owners(int port)
    {
        var owners = new NodeId[KeySlot.SlotCount];
        foreach (var line in Probe.Call(port, "CLUSTER", "NODES").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ');
            if (fields.Length < 8 || !NodeId.TryParse(fields[0], out var id)) continue;
            foreach (var range in fields.Skip(8))
            {
                if (range.StartsWith('[')) continue;
                var bounds = range.Split('-');
                int first = int.Parse(bounds[0]), last = int.Parse(bounds[^1]);
                for (int slot = first; slot <= last; slot++) owners[slot] = id;
            }
        }
        return owners;
    }

}
