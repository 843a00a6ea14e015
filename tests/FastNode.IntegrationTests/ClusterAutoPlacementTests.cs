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
