using System.Diagnostics;
using FastNode.Cluster.Routing;
using StackExchange.Redis;

namespace FastNode.IntegrationTests;

/// <summary>
/// Resharding real FastNode processes with the unchanged tools: MIGRATE and SETSLOT by hand between two nodes, then
/// redis-cli --cluster create / add-node / rebalance / reshard / del-node / check while StackExchange.Redis clients keep
/// writing and reading. Every process is killed by pid in TearDown.
/// </summary>
[NonParallelizable]
public sealed class ClusterReshardTests : ClusterNodesTestBase
{
    internal const string RedisCli = "/usr/bin/redis-cli";

    protected override string DirPrefix => "fastnode-reshard-";

    [Test]
    public void MigrateAndSetSlotNodeMoveASlotBetweenProcesses()
    {
        var (a, b) = (StartNode(0), StartNode(1));
        string idA = MyId(a), idB = MyId(b);
        using var ca = RawClient.Connect(a);
        using var cb = RawClient.Connect(b);
        Assert.That(ca.Call("CLUSTER", "ADDSLOTSRANGE", "0", "8191"), Is.EqualTo("+OK\r\n"));
        Assert.That(cb.Call("CLUSTER", "ADDSLOTSRANGE", "8192", "16383"), Is.EqualTo("+OK\r\n"));
        Assert.That(ca.Call("CLUSTER", "MEET", "127.0.0.1", b.ToString(), Buses[b].ToString()), Is.EqualTo("+OK\r\n"));
        WaitForClusterOk([a, b], knownNodes: 2);

        const int slot = 3300;   // "b"
        Assert.That(KeySlot.Of("b"u8), Is.EqualTo(slot));
        for (int i = 0; i < 25; i++) ca.Call("SET", "{b}" + i, "v" + i);
        ca.Call("SET", "b", "1");
        Assert.That(ca.Call("CLUSTER", "COUNTKEYSINSLOT", slot.ToString()), Is.EqualTo(":26\r\n"));
        Assert.That(cb.Call("CLUSTER", "SETSLOT", slot.ToString(), "IMPORTING", idA), Is.EqualTo("+OK\r\n"));
        Assert.That(ca.Call("CLUSTER", "SETSLOT", slot.ToString(), "MIGRATING", idB), Is.EqualTo("+OK\r\n"));
        Assert.That(ca.Call("CLUSTER", "SETSLOT", slot.ToString(), "NODE", idB),
            Is.EqualTo($"-ERR Can't assign hashslot {slot} to a different node while I still hold keys for this hash slot.\r\n"));
        int batches = 0;
        while (batches++ < 10)
        {
            var keys = ca.Call("CLUSTER", "GETKEYSINSLOT", slot.ToString(), "10").Split("\r\n")
                .Where(l => l.Length > 0 && l[0] != '*' && l[0] != '$').ToArray();
            if (keys.Length == 0) break;
            Assert.That(ca.Call(["MIGRATE", "127.0.0.1", b.ToString(), "", "0", "5000", "KEYS", .. keys]), Is.EqualTo("+OK\r\n"));
        }
        Assert.That(ca.Call("CLUSTER", "COUNTKEYSINSLOT", slot.ToString()), Is.EqualTo(":0\r\n"));
        Assert.That(cb.Call("CLUSTER", "COUNTKEYSINSLOT", slot.ToString()), Is.EqualTo(":26\r\n"));
        Assert.That(ca.Call("GET", "b"), Is.EqualTo($"-ASK {slot} 127.0.0.1:{b}\r\n"), "a moved key is asked for at the target");
        Assert.That(ca.Call("MIGRATE", "127.0.0.1", b.ToString(), "", "0", "5000", "KEYS", "b"), Is.EqualTo("+NOKEY\r\n"));

        Assert.That(ca.Call("CLUSTER", "SETSLOT", slot.ToString(), "NODE", idB), Is.EqualTo("+OK\r\n"));
        // Before B's claim arrives by gossip, A already redirects the slot to B and no longer lists it as migrating.
        Assert.That(ca.Call("GET", "b"), Is.EqualTo($"-MOVED {slot} 127.0.0.1:{b}\r\n"));
        Assert.That(MyselfLine(ca), Does.EndWith(" connected 0-3299 3301-8191"));
        Assert.That(cb.Call("CLUSTER", "SETSLOT", slot.ToString(), "NODE", idB), Is.EqualTo("+OK\r\n"));
        Assert.That(cb.Call("GET", "b"), Is.EqualTo("$1\r\n1\r\n"));
        Assert.That(cb.Call("GET", "{b}24"), Is.EqualTo("$3\r\nv24\r\n"));
        Assert.That(MyselfLine(cb), Does.EndWith($" connected {slot} 8192-16383"));
        // B took a new configEpoch for the slot, so A drops its own claim (nodes.conf) once it hears of it.
        Probe.WaitUntil(() => File.ReadAllText(Path.Combine(Dir, "node0", "nodes.conf")).Split('\n')
            .Single(l => l.Contains("myself")).EndsWith("0-3299 3301-8191"), "A's nodes.conf no longer claims the slot");
        Assert.That(ca.Call("CLUSTER", "INFO"), Does.Contain("cluster_state:ok"));
        Assert.That(cb.Call("CLUSTER", "INFO"), Does.Contain("cluster_state:ok"));
    }

    [Test]
    public void AddNodeRebalanceAndDelNodeWhileClientsRun()
    {
        if (!File.Exists(RedisCli)) Assert.Ignore("redis-cli is not installed");
        int[] ports = [StartNode(0), StartNode(1), StartNode(2), StartNode(3)];
        var create = Cli($"--cluster create 127.0.0.1:{ports[0]} 127.0.0.1:{ports[1]} 127.0.0.1:{ports[2]} --cluster-yes");
        Assert.That(create.Output, Does.Contain("[OK] All 16384 slots covered."), create.Output);
        WaitForClusterOk(ports[..3], knownNodes: 3);

        const int keys = 2000;
        var config = new ConfigurationOptions { ConnectTimeout = 10000, SyncTimeout = 30000, AbortOnConnectFail = true };
        config.EndPoints.Add("127.0.0.1", ports[0]);
        using var redis = ConnectionMultiplexer.Connect(config);
        var db = redis.GetDatabase();
        var values = new string[keys];
        for (int i = 0; i < keys; i++) db.StringSet($"key:{i}", values[i] = $"v{i}:0");

        using var clients = new ClusterClientLoad(db, values, writers: 2);
        var add = Cli($"--cluster add-node 127.0.0.1:{ports[3]} 127.0.0.1:{ports[0]}");
        Assert.That(add.Output, Does.Contain("[OK] New node added correctly."), add.Output);
        // The new node answers the MIGRATEs (RESTORE-ASKING) only once its own cluster_state is ok: it has learned the
        // slots and sees a majority of primaries alive, which takes a few gossip rounds after it knows of them.
        WaitForClusterOk(ports, knownNodes: 4);
        string newId = MyId(ports[3]);

        // The new node's weight keeps the move to about 530 slots, so the test stays short on a loaded machine; the
        // path is the same as for an even split.
        var rebalance = Cli($"--cluster rebalance 127.0.0.1:{ports[0]} --cluster-use-empty-masters --cluster-weight {newId}=0.1", 600_000);
        Assert.That(rebalance.ExitCode, Is.Zero, rebalance.Output);
        Assert.That(rebalance.Output, Does.Contain($"to 127.0.0.1:{ports[3]}").And.Not.Contain("ERR"), rebalance.Output);
        WaitForAgreement(ports[0]);
        Assert.That(clients.Operations, Is.GreaterThan(0));
        foreach (int port in ports) Assert.That(DbSize(port), Is.GreaterThan(0), $"node {port} holds keys after the rebalance");

        // Move the new node's slots back, then remove it.
        int slots = SlotCount(ports[0], newId);
        Assert.That(slots, Is.GreaterThan(100));
        var back = Cli($"--cluster reshard 127.0.0.1:{ports[0]} --cluster-from {newId} --cluster-to {MyId(ports[0])} --cluster-slots {slots} --cluster-yes", 600_000);
        Assert.That(back.ExitCode, Is.Zero, back.Output);
        WaitForAgreement(ports[0]);
        Assert.That(SlotCount(ports[0], newId), Is.Zero, "the new node serves no slot any more");
        // As Redis 7.0 with cluster-allow-replica-migration yes (the default): a primary that gave its last slot away
        // becomes a replica of the node that took it, so it holds that node's keys as a copy, none of its own.
        Probe.WaitUntil(() => Probe.Info(ports[3]).GetValueOrDefault("master_port") == ports[0].ToString(),
            "the emptied node follows the node that took its slots");
        Probe.WaitUntil(() => DbSize(ports[3]) == DbSize(ports[0]), "the emptied node holds a copy of its new primary's keys only");
        clients.Stop();
        Assert.That(clients.Errors, Is.Empty, "clients saw errors during the reshard");
        TestContext.Out.WriteLine($"{clients.Operations} client operations during the reshard");

        var del = Cli($"--cluster del-node 127.0.0.1:{ports[0]} {newId}");
        Assert.That(del.ExitCode, Is.Zero, del.Output);
        Probe.WaitUntil(() => ports[..3].All(p => Probe.Call(p, "CLUSTER", "INFO").Contains("cluster_known_nodes:3")), "the node is forgotten everywhere");
        WaitForAgreement(ports[0]);

        using var fresh = ConnectionMultiplexer.Connect(config);
        var check = fresh.GetDatabase();
        for (int i = 0; i < keys; i++) Assert.That((string?)check.StringGet($"key:{i}"), Is.EqualTo(values[i]), $"key:{i}");
        Assert.That(ports[..3].Sum(DbSize), Is.EqualTo(keys), "no key lost or duplicated");
    }

    [Test]
    public void FixFinishesAHalfDoneMigration()
    {
        if (!File.Exists(RedisCli)) Assert.Ignore("redis-cli is not installed");
        int[] ports = [StartNode(0), StartNode(1), StartNode(2)];
        var create = Cli($"--cluster create 127.0.0.1:{ports[0]} 127.0.0.1:{ports[1]} 127.0.0.1:{ports[2]} --cluster-yes");
        Assert.That(create.Output, Does.Contain("[OK] All 16384 slots covered."), create.Output);
        WaitForClusterOk(ports, knownNodes: 3);
        const int slot = 3300;   // "b", on the first node
        string source = MyId(ports[0]), target = MyId(ports[1]);
        using var c0 = RawClient.Connect(ports[0]);
        using var c1 = RawClient.Connect(ports[1]);
        for (int i = 0; i < 20; i++) c0.Call("SET", "{b}" + i, "v" + i);
        Assert.That(c1.Call("CLUSTER", "SETSLOT", slot.ToString(), "IMPORTING", source), Is.EqualTo("+OK\r\n"));
        Assert.That(c0.Call("CLUSTER", "SETSLOT", slot.ToString(), "MIGRATING", target), Is.EqualTo("+OK\r\n"));
        Assert.That(c0.Call("MIGRATE", "127.0.0.1", ports[1].ToString(), "", "0", "5000", "KEYS", "{b}0", "{b}1", "{b}2"), Is.EqualTo("+OK\r\n"));

        var check = Cli($"--cluster check 127.0.0.1:{ports[2]}");
        Assert.That(check.Output, Does.Contain("[WARNING] The following slots are open: 3300"), check.Output);
        var fix = Cli($"--cluster fix 127.0.0.1:{ports[2]}", 300_000);
        Assert.That(fix.ExitCode, Is.Zero, fix.Output);
        WaitForAgreement(ports[0]);
        long total = 0;
        foreach (int port in ports) total += long.Parse(Probe.Call(port, "CLUSTER", "COUNTKEYSINSLOT", slot.ToString()).Trim(':', '\r', '\n'));
        Assert.That(total, Is.EqualTo(20), "every key of the slot is still there, on one node");
        var info = Cli($"--cluster info 127.0.0.1:{ports[0]}");
        Assert.That(info.Output, Does.Contain("[OK] 20 keys in 3 masters."), info.Output);
    }

    [Test]
    public void FixCoversUncoveredSlots()
    {
        if (!File.Exists(RedisCli)) Assert.Ignore("redis-cli is not installed");
        int[] ports = [StartNode(0), StartNode(1), StartNode(2)];
        var create = Cli($"--cluster create 127.0.0.1:{ports[0]} 127.0.0.1:{ports[1]} 127.0.0.1:{ports[2]} --cluster-yes");
        Assert.That(create.Output, Does.Contain("[OK] All 16384 slots covered."), create.Output);
        WaitForClusterOk(ports, knownNodes: 3);
        const int withKeys = 3300, empty = 15495;   // "b" on the first node, "a" on the third
        using var c0 = RawClient.Connect(ports[0]);
        for (int i = 0; i < 5; i++) c0.Call("SET", "{b}" + i, "v" + i);
        Assert.That(c0.Call("CLUSTER", "DELSLOTS", withKeys.ToString()), Is.EqualTo("+OK\r\n"));
        Assert.That(Probe.Call(ports[2], "CLUSTER", "DELSLOTS", empty.ToString()), Is.EqualTo("+OK\r\n"));
        foreach (int port in ports)
            Probe.WaitUntil(() => Probe.Call(port, "CLUSTER", "INFO").Contains("cluster_slots_assigned:16382"), $"node {port} sees both slots unassigned");

        var check = Cli($"--cluster check 127.0.0.1:{ports[1]}");
        Assert.That(check.Output, Does.Contain("[ERR] Not all 16384 slots are covered by nodes."), check.Output);
        // fix asks before covering slots even with --cluster-yes; the answers come on stdin.
        var fix = ServerProcesses.Run("/bin/sh", $"-c \"printf 'yes\\nyes\\n' | {RedisCli} --cluster fix 127.0.0.1:{ports[1]}\"", 300_000);
        Assert.That(fix.ExitCode, Is.Zero, fix.Output);
        WaitForAgreement(ports[0]);
        Assert.That(c0.Call("GET", "{b}4"), Is.EqualTo("$2\r\nv4\r\n"), "the slot with keys went back to the node that holds them");
        Assert.That(Probe.Call(ports[1], "GET", "a"), Does.StartWith($"-MOVED {empty} ").Or.EqualTo("$-1\r\n"));
        foreach (int port in ports) Probe.WaitUntil(() => Probe.Call(port, "CLUSTER", "INFO").Contains("cluster_state:ok"), $"node {port} is ok");
    }


    internal static (int ExitCode, string Output) Cli(string arguments, int timeoutMs = 120_000)
    {
        var clock = Stopwatch.StartNew();
        var result = ServerProcesses.Run(RedisCli, arguments, timeoutMs);
        TestContext.Out.WriteLine($"redis-cli {arguments.Split(' ')[1]}: exit {result.ExitCode} after {clock.Elapsed.TotalSeconds:F1} s");
        return result;
    }

    internal static void WaitForClusterOk(int[] ports, int knownNodes)
    {
        foreach (int port in ports)
        {
            Probe.WaitUntil(() =>
            {
                var info = Probe.Call(port, "CLUSTER", "INFO");
                return info.Contains("cluster_state:ok") && info.Contains($"cluster_known_nodes:{knownNodes}");
            }, $"node {port}: cluster_state:ok with {knownNodes} nodes", seconds: 60);
        }
    }

    /// <summary>redis-cli --cluster check passes: every node shows the same slots, none open, all covered.</summary>
    internal static void WaitForAgreement(int port)
    {
        string output = "";
        Probe.WaitUntil(() =>
        {
            output = ServerProcesses.Run(RedisCli, $"--cluster check 127.0.0.1:{port}").Output;
            return output.Contains("[OK] All nodes agree about slots configuration.") && output.Contains("[OK] All 16384 slots covered.")
                && !output.Contains("[WARNING]");
        }, "redis-cli --cluster check passes", seconds: 60);
    }

    internal static string MyId(int port) => Probe.Call(port, "CLUSTER", "MYID").Split("\r\n")[1];

    internal static long DbSize(int port) => long.Parse(Probe.Call(port, "DBSIZE").Trim(':', '\r', '\n'));

    private static string MyselfLine(RawClient client) => client.Call("CLUSTER", "NODES").Split('\n').Single(l => l.Contains("myself"));

    /// <summary>How many slots a node serves, from CLUSTER NODES (ranges after the link state).</summary>
    internal static int SlotCount(int port, string id)
    {
        string line = Probe.Call(port, "CLUSTER", "NODES").Split('\n').Single(l => l.StartsWith(id));
        int count = 0;
        foreach (var range in line.Split(' ').Skip(8))
        {
            if (range.StartsWith('[')) continue;
            var bounds = range.Split('-');
            count += bounds.Length == 1 ? 1 : int.Parse(bounds[1]) - int.Parse(bounds[0]) + 1;
        }
        return count;
    }
}
