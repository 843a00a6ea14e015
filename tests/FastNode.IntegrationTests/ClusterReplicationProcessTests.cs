using System.Diagnostics;
using StackExchange.Redis;

namespace FastNode.IntegrationTests;

/// <summary>
/// Six FastNode processes built into 3 primaries and 3 replicas by <c>redis-cli --cluster create --cluster-replicas 1</c>
/// (issue 14 section 5): replicas hold their primary's data, a primary killed with SIGKILL is replaced by its replica
/// while StackExchange.Redis keeps writing, every write acknowledged with WAIT 1 survives, and the old primary rejoins as
/// a replica of its successor. Every process is killed by pid in TearDown.
/// </summary>
[NonParallelizable]
public sealed class ClusterReplicationProcessTests : ProcessTestBase
{
    private const int NodeTimeoutMs = 3000;

    protected override string DirPrefix => "fastnode-clrepl-";

    private readonly List<Node> _nodes = [];

    private sealed class Node(int port, int bus, string dir)
    {
        public int Port { get; } = port;
        public int Bus { get; } = bus;
        public string Dir { get; } = dir;
        public ServerProcesses.Running Process { get; set; } = null!;
        public string Id { get; set; } = "";
    }

    [SetUp]
    public void ForgetPreviousNodes() => _nodes.Clear();

    [TearDown]
    public void PrintLogsOnFailure()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status != NUnit.Framework.Interfaces.TestStatus.Failed) return;
        foreach (var node in _nodes) TestContext.Out.WriteLine($"--- node {node.Port} (exited: {node.Process.Process.HasExited})\n{node.Process.Log}");
    }

    private ServerProcesses.Running Launch(Node node) =>
        Processes.FastNode(node.Port, $"--dir {node.Dir} --cluster-enabled yes --cluster-port {node.Bus} " +
            $"--cluster-node-timeout {NodeTimeoutMs} --save \"\"");

    /// <summary>Six nodes, created with replicas by redis-cli, every replica's link up and every node cluster_state:ok.</summary>
    private void CreateCluster()
    {
        if (!File.Exists("/usr/bin/redis-cli")) Assert.Ignore("redis-cli is not installed");
        for (int i = 0; i < 6; i++)
        {
            string dir = Path.Combine(Dir, $"node{i}");
            Directory.CreateDirectory(dir);
            var node = new Node(ServerProcesses.FreePort(), ServerProcesses.FreePort(), dir);
            node.Process = Launch(node);
            _nodes.Add(node);
        }
        foreach (var node in _nodes) node.Process.Ready();
        string addresses = string.Join(' ', _nodes.Select(n => $"127.0.0.1:{n.Port}"));
        var create = ServerProcesses.Run("/usr/bin/redis-cli", $"--cluster create {addresses} --cluster-replicas 1 --cluster-yes", 120_000);
        Assert.That(create.ExitCode, Is.Zero, create.Output);
        Assert.That(create.Output, Does.Contain("[OK] All 16384 slots covered."));
        foreach (var node in _nodes) node.Id = Probe.Call(node.Port, "CLUSTER", "MYID").Split("\r\n")[1];
        foreach (var node in _nodes)
        {
            Probe.WaitUntil(() => Probe.Call(node.Port, "CLUSTER", "INFO").Contains("cluster_state:ok"), $"cluster_state:ok on {node.Port}");
        }
        var replicas = Replicas().ToList();
        foreach (var replica in replicas)
        {
            Probe.WaitUntil(() => Probe.Info(replica.Port).GetValueOrDefault("master_link_status") == "up", $"replica {replica.Port} linked");
        }
        // A replica's new role reaches the other nodes by gossip, a few protocol periods after it took it: until every
        // node has it, a primary still lists the replica as a primary and a voter refuses it a failover vote.
        foreach (var node in _nodes)
        {
            Probe.WaitUntil(() => replicas.All(r => NodesSeenBy(node.Port)[r.Id][2].Contains("slave")), $"{node.Port} knows every replica");
        }
    }

    /// <summary>Each node's line in CLUSTER NODES as <paramref name="asker"/> sees it, by node id.</summary>
    private static Dictionary<string, string[]> NodesSeenBy(int asker) =>
        Probe.Call(asker, "CLUSTER", "NODES").Split('\n')
            .Select(l => l.Trim('\r'))
            .Where(l => l.Length > 40 && !l.StartsWith('$'))
            .Select(l => l.Split(' '))
            .ToDictionary(f => f[0]);

    private IEnumerable<Node> Replicas() =>
        _nodes.Where(n => NodesSeenBy(n.Port)[n.Id][2].Contains("slave"));

    private Node PrimaryOf(Node replica) => _nodes.Single(n => n.Id == NodesSeenBy(replica.Port)[replica.Id][3]);

    private static long DbSize(int port) => long.Parse(Probe.Call(port, "DBSIZE").Trim(':', '\r', '\n'));

    private ConnectionMultiplexer Connect()
    {
        // A write stuck on the killed node's connection fails after SyncTimeout: short, so the writer moves on.
        // StackExchange.Redis re-reads the topology every ConfigCheckSeconds (60 by default); a dead primary's slots
        // are retried on its endpoint until then, so the client's own recovery time is set here, not by the server.
        var config = new ConfigurationOptions { ConnectTimeout = 5000, SyncTimeout = 2000, AbortOnConnectFail = true, ConfigCheckSeconds = 1 };
        foreach (var node in _nodes) config.EndPoints.Add("127.0.0.1", node.Port);
        return ConnectionMultiplexer.Connect(config);
    }

    [Test]
    public void EachReplicaHoldsItsPrimarysDataAndTheCommandsSayWhoFollowsWhom()
    {
        CreateCluster();
        var check = ServerProcesses.Run("/usr/bin/redis-cli", $"--cluster check 127.0.0.1:{_nodes[0].Port}");
        Assert.That(check.ExitCode, Is.Zero, check.Output);
        Assert.That(check.Output, Does.Contain("[OK] All nodes agree about slots configuration.").And.Contain("[OK] All 16384 slots covered."));
        Assert.That(check.Output.Split('\n').Count(l => l.Contains("1 additional replica(s)")), Is.EqualTo(3), check.Output);

        using (var redis = Connect())
        {
            var db = redis.GetDatabase();
            for (int i = 0; i < 300; i++) Assert.That(db.StringSet($"key:{i}", $"value:{i}"), Is.True);
        }
        var replicas = Replicas().ToList();
        Assert.That(replicas, Has.Count.EqualTo(3));
        foreach (var replica in replicas)
        {
            var primary = PrimaryOf(replica);
            Probe.WaitUntil(() => DbSize(replica.Port) == DbSize(primary.Port), $"replica {replica.Port} has {primary.Port}'s keys");
            Assert.That(DbSize(primary.Port), Is.InRange(50, 200));
            var info = Probe.Info(replica.Port);
            Assert.That(info["role"], Is.EqualTo("slave"));
            Assert.That(info["master_port"], Is.EqualTo(primary.Port.ToString()));
            Assert.That(Probe.Info(primary.Port)["connected_slaves"], Is.EqualTo("1"));

            // A write sent to the replica goes to its primary; a READONLY read is served by the replica.
            using var client = RawClient.Connect(replica.Port);
            Assert.That(client.Call("SET", "key:0", "x"), Does.StartWith("-MOVED "));
            Assert.That(client.Call("READONLY"), Is.EqualTo("+OK\r\n"));
            int served = 0;
            for (int i = 0; i < 300; i++)
            {
                string reply = client.Call("GET", $"key:{i}");
                if (reply.StartsWith('$')) served++;
                else Assert.That(reply, Does.StartWith("-MOVED "));
            }
            Assert.That(served, Is.EqualTo(DbSize(replica.Port)));

            // CLUSTER REPLICAS of the primary is the replica's CLUSTER NODES line; a replica has none to list.
            string replicasReply = Probe.Call(replica.Port, "CLUSTER", "REPLICAS", primary.Id);
            Assert.That(replicasReply, Does.StartWith("*1\r\n").And.Contain($"{replica.Id} 127.0.0.1:{replica.Port}@{replica.Bus} myself,slave {primary.Id} "));
            Assert.That(Probe.Call(primary.Port, "CLUSTER", "SLAVES", replica.Id), Is.EqualTo("-ERR The specified node is not a master\r\n"));
            Assert.That(Probe.Call(primary.Port, "CLUSTER", "COUNT-FAILURE-REPORTS", replica.Id), Is.EqualTo(":0\r\n"));
        }
        Assert.That(Probe.Call(_nodes[0].Port, "CLUSTER", "REPLICAS", new string('a', 40)), Is.EqualTo($"-ERR Unknown node {new string('a', 40)}\r\n"));

        // cluster-replica-no-failover (alias cluster-slave-no-failover) is announced as the nofailover flag everywhere.
        var quiet = replicas[0];
        Assert.That(Probe.Call(quiet.Port, "CONFIG", "SET", "cluster-slave-no-failover", "yes"), Is.EqualTo("+OK\r\n"));
        Assert.That(Probe.Call(quiet.Port, "CONFIG", "GET", "cluster-replica-no-failover"), Does.EndWith("$3\r\nyes\r\n"));
        Probe.WaitUntil(() => NodesSeenBy(_nodes.First(n => n != quiet).Port)[quiet.Id][2] == "slave,nofailover", "the nofailover flag reaches the others");
        Assert.That(NodesSeenBy(quiet.Port)[quiet.Id][2], Is.EqualTo("myself,slave,nofailover"));
        Assert.That(Probe.Call(quiet.Port, "CONFIG", "SET", "cluster-replica-no-failover", "no"), Is.EqualTo("+OK\r\n"));
        Probe.WaitUntil(() => NodesSeenBy(quiet.Port)[quiet.Id][2] == "myself,slave", "the flag is cleared");
        Assert.That(Probe.Call(quiet.Port, "CONFIG", "SET", "cluster-migration-barrier", "-1"), Does.StartWith("-ERR CONFIG SET failed"));
        Assert.That(Probe.Call(quiet.Port, "CONFIG", "SET", "cluster-allow-replica-migration", "no"), Is.EqualTo("+OK\r\n"));

        // CLUSTER SHARDS reports each node's replication offset as its last bus frame carried it (as Redis reports
        // the one from the last ping): once every replica has been heard from since its sync, none reports 0/loading.
        using var shardsClient = RawClient.Connect(_nodes[0].Port);
        string shards = "";
        Probe.WaitUntil(() => !(shards = shardsClient.Call("CLUSTER", "SHARDS")).Contains("replication-offset\r\n:0\r\n"),
            "every replica's offset reaches the asking node");
        Assert.That(shards, Does.Contain("replication-offset").And.Contain("$6\r\nonline\r\n").And.Not.Contain("loading"));
    }

    [Test]
    public void KilledPrimaryIsReplacedWhileClientsWriteAndRejoinsAsAReplica()
    {
        CreateCluster();
        var victim = _nodes.First(n => NodesSeenBy(n.Port)[n.Id][2].Contains("master"));
        var heir = Replicas().Single(r => PrimaryOf(r) == victim);
        string heirKey = Enumerable.Range(0, 10_000).Select(i => $"probe:{i}").First(k =>
            Probe.Call(victim.Port, "SET", k, "before") == "+OK\r\n");

        var victimSlots = SlotsOf(NodesSeenBy(victim.Port)[victim.Id]);

        using var redis = Connect();
        var db = redis.GetDatabase();
        var acknowledged = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        var stop = new ManualResetEventSlim();
        long writes = 0, failures = 0, lastFailureTicks = 0, killTicks = 0, clientBackTicks = 0;
        var writer = new Thread(() =>
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < 1_000_000 && !stop.IsSet && clock.Elapsed < TimeSpan.FromSeconds(120); i++)
            {
                string key = $"k:{i}", value = $"v:{i}";
                try
                {
                    var endpoint = db.IdentifyEndpoint(key);
                    db.StringSet(key, value);
                    writes++;
                    if (Interlocked.Read(ref killTicks) != 0 && clientBackTicks == 0 && victimSlots.Contains(redis.HashSlot(key)))
                        Interlocked.Exchange(ref clientBackTicks, Stopwatch.GetTimestamp());
                    // WAIT on the same connection the write used; counted only when the client's picture of the
                    // owner did not change in between (then the WAIT surely followed this write on the same node).
                    // (The heir has no replica until the old primary returns: its writes are not acknowledged then.)
                    var acked = (long)redis.GetServer(endpoint!).Execute("WAIT", 1, 500);
                    if (acked >= 1 && Equals(db.IdentifyEndpoint(key), endpoint)) acknowledged[key] = value;
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    failures++;
                    Interlocked.Exchange(ref lastFailureTicks, Stopwatch.GetTimestamp());
                    Thread.Sleep(10);
                }
            }
        }) { IsBackground = true };
        writer.Start();
        try
        {
            Probe.WaitUntil(() => acknowledged.Count >= 200, "200 acknowledged writes before the kill");
            long ackedBeforeKill = acknowledged.Count;
            Interlocked.Exchange(ref killTicks, Stopwatch.GetTimestamp());
            victim.Process.Kill9();

            // The heir takes over: promoted in its own CLUSTER NODES, then accepts a write to the victim's slots.
            long promotedMs = -1, writableMs = -1;
            Probe.WaitUntil(() =>
            {
                if (promotedMs < 0 && NodesSeenBy(heir.Port)[heir.Id][2].Contains("master")) promotedMs = ElapsedMs(killTicks);
                if (Probe.Call(heir.Port, "SET", heirKey, "after") != "+OK\r\n") return false;
                writableMs = ElapsedMs(killTicks);
                return true;
            }, "the replica accepts writes to its old primary's slots", 60);
            if (promotedMs < 0) promotedMs = writableMs;
            // The client side: StackExchange.Redis writes to those slots again once it learned the new owner.
            Probe.WaitUntil(() => Interlocked.Read(ref clientBackTicks) != 0, "the client writes to the old primary's slots again", 60);
            long clientBackMs = (long)Stopwatch.GetElapsedTime(killTicks, clientBackTicks).TotalMilliseconds;
            Thread.Sleep(500);
            stop.Set();
            Assert.That(writer.Join(TimeSpan.FromSeconds(30)), Is.True);
            long lastFailureMs = lastFailureTicks == 0 ? 0 : (long)Stopwatch.GetElapsedTime(killTicks, lastFailureTicks).TotalMilliseconds;
            TestContext.Out.WriteLine($"node-timeout {NodeTimeoutMs} ms: promoted after {promotedMs} ms, writable after {writableMs} ms; " +
                $"client: first write to those slots {clientBackMs} ms after the kill, last failed write {lastFailureMs} ms; " +
                $"{writes} writes, {failures} failed, {acknowledged.Count} acknowledged ({ackedBeforeKill} before the kill)");
            // Issue 14: node-timeout + 2 s (with slack for a loaded 2-core machine; the figure is printed above).
            Assert.That(writableMs, Is.LessThan(NodeTimeoutMs + 2000 + 3000));

            // Every acknowledged write is there.
            var missing = acknowledged.Where(kv => (string?)db.StringGet(kv.Key) != kv.Value).Select(kv => kv.Key).Take(10).ToList();
            Assert.That(missing, Is.Empty, $"acknowledged writes lost: {string.Join(", ", missing)}");

            // The old primary restarts from its nodes.conf, learns it lost its slots, and follows its successor.
            victim.Process = Launch(victim).Ready();
            Probe.WaitUntil(() => NodesSeenBy(victim.Port)[victim.Id] is var line && line[2].Contains("slave") && line[3] == heir.Id,
                "the old primary is a replica of its successor", 60);
            Probe.WaitUntil(() => Probe.Info(victim.Port).GetValueOrDefault("master_link_status") == "up", "the old primary's link is up", 60);
            Probe.WaitUntil(() => DbSize(victim.Port) == DbSize(heir.Port), "the old primary holds its successor's data", 60);
            Assert.That(Probe.Info(victim.Port)["master_port"], Is.EqualTo(heir.Port.ToString()));
            using var old = RawClient.Connect(victim.Port);
            Assert.That(old.Call("READONLY"), Is.EqualTo("+OK\r\n"));
            Assert.That(old.Call("GET", heirKey), Is.EqualTo("$5\r\nafter\r\n"));
            Probe.WaitUntil(() => NodesSeenBy(heir.Port)[victim.Id][2] == "slave", "the successor sees the old primary as its replica", 60);

            // redis-cli agrees: one configuration, every slot covered, the successor has its replica back.
            string checkOutput = "";
            Probe.WaitUntil(() =>
            {
                var check = ServerProcesses.Run("/usr/bin/redis-cli", $"--cluster check 127.0.0.1:{heir.Port}");
                checkOutput = check.Output;
                return check.ExitCode == 0 && check.Output.Contains("[OK] All nodes agree about slots configuration.");
            }, "redis-cli --cluster check reports OK", 60);
            Assert.That(checkOutput, Does.Contain("[OK] All 16384 slots covered.").And.Not.Contain("[ERR]"));
            Assert.That(checkOutput.Split('\n').Count(l => l.Contains("1 additional replica(s)")), Is.EqualTo(3), checkOutput);
        }
        finally
        {
            stop.Set();
            writer.Join(TimeSpan.FromSeconds(30));
        }
    }

    [Test]
    public void PrimaryWakingFromAPausePastItsReplacementTakesNoQueuedWrite()
    {
        CreateCluster();
        var sleeper = _nodes.First(n => NodesSeenBy(n.Port)[n.Id][2].Contains("master"));
        var heir = Replicas().Single(r => PrimaryOf(r) == sleeper);
        string key = Enumerable.Range(0, 10_000).Select(i => $"nap:{i}").First(k => Probe.Call(sleeper.Port, "SET", k, "before") == "+OK\r\n");
        using var client = RawClient.Connect(sleeper.Port);
        Assert.That(client.Call("PING"), Is.EqualTo("+PONG\r\n"));
        Probe.WaitUntil(() => DbSize(heir.Port) == DbSize(sleeper.Port), "the heir has the key");

        sleeper.Process.Pause();
        try
        {
            // Queued in the socket while the process is stopped; its replica takes over meanwhile.
            client.Send($"*3\r\n$3\r\nSET\r\n${key.Length}\r\n{key}\r\n$6\r\nqueued\r\n");
            Probe.WaitUntil(() => NodesSeenBy(heir.Port)[heir.Id][2].Contains("master"), "the replica is promoted while its primary sleeps", 60);
        }
        finally
        {
            sleeper.Process.Resume();
        }
        // The view published before the pause is older than its lease: the queued write is refused, not acknowledged
        // on a primary that has been replaced (it would be lost when it follows the heir).
        string reply = client.ReadReply(30_000);
        Assert.That(reply, Does.StartWith("-CLUSTERDOWN").Or.StartWith("-MOVED"), "the woken primary acknowledged a queued write");
        Probe.WaitUntil(() => NodesSeenBy(sleeper.Port)[sleeper.Id] is var line && line[2].Contains("slave") && line[3] == heir.Id,
            "the woken primary follows its successor", 60);
        using var reader = RawClient.Connect(heir.Port);
        Assert.That(ReadRetryingWhileDown(reader, key), Is.EqualTo("$6\r\nbefore\r\n"));
    }

    /// <summary>The slots on a CLUSTER NODES line (fields 8 on: "a-b" ranges or single slots).</summary>
    private static HashSet<int> SlotsOf(string[] line)
    {
        var slots = new HashSet<int>();
        foreach (var field in line.Skip(8))
        {
            var bounds = field.Split('-');
            int first = int.Parse(bounds[0]), last = int.Parse(bounds[^1]);
            for (int slot = first; slot <= last; slot++) slots.Add(slot);
        }
        return slots;
    }

    [Test]
    public void ClusterFailoverSwapsRolesWithoutLosingAWrite()
    {
        CreateCluster();
        var replica = Replicas().First();
        var primary = PrimaryOf(replica);
        Assert.That(Probe.Call(primary.Port, "CLUSTER", "FAILOVER"), Is.EqualTo("-ERR You should send CLUSTER FAILOVER to a replica\r\n"));
        Assert.That(Probe.Call(replica.Port, "CLUSTER", "FAILOVER", "NOW"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(Probe.Call(replica.Port, "CLUSTER", "FAILOVER", "FORCE", "TAKEOVER"),
            Is.EqualTo("-ERR unknown subcommand or wrong number of arguments for 'FAILOVER'. Try CLUSTER HELP.\r\n"));

        // Writes go straight to the primary without WAIT: a coordinated failover must still keep every one it acknowledged.
        var keys = new List<string>();
        using (var probe = RawClient.Connect(primary.Port))
        {
            for (int i = 0; keys.Count < 20 && i < 10_000; i++)
            {
                if (probe.Call("SET", $"mf:{i}", "x") == "+OK\r\n") keys.Add($"mf:{i}");
            }
        }
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<string>();
        var stop = new ManualResetEventSlim();
        var writer = new Thread(() =>
        {
            using var client = RawClient.Connect(primary.Port);
            var clock = Stopwatch.StartNew();
            for (int n = 0; n < 200_000 && !stop.IsSet && clock.Elapsed < TimeSpan.FromSeconds(60); n++)
            {
                string key = keys[n % keys.Count];
                string reply;
                try
                {
                    reply = client.Call("SET", key, $"{n}");
                }
                catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
                {
                    break;
                }
                if (reply == "+OK\r\n") acknowledged.Add($"{key}={n}");
                else if (reply.StartsWith("-MOVED")) break;   // the old primary now redirects: the hand-over is done
            }
        }) { IsBackground = true };
        writer.Start();
        try
        {
            Probe.WaitUntil(() => acknowledged.Count >= 100, "writes flowing before the failover");
            var clock = Stopwatch.StartNew();
            Assert.That(Probe.Call(replica.Port, "CLUSTER", "FAILOVER"), Is.EqualTo("+OK\r\n"));
            Probe.WaitUntil(() => NodesSeenBy(replica.Port)[replica.Id][2].Contains("master"), "the replica is promoted");
            long promotedMs = clock.ElapsedMilliseconds;
            Probe.WaitUntil(() => NodesSeenBy(primary.Port)[primary.Id] is var line && line[2].Contains("slave") && line[3] == replica.Id,
                "the old primary follows the new one");
            Assert.That(writer.Join(TimeSpan.FromSeconds(30)), Is.True, "the writer was not redirected");
            TestContext.Out.WriteLine($"CLUSTER FAILOVER: promoted after {promotedMs} ms, {acknowledged.Count} writes acknowledged by the old primary");

            // The last acknowledged value of every key is on the new primary.
            var last = new Dictionary<string, int>();
            foreach (var entry in acknowledged)
            {
                var parts = entry.Split('=');
                int n = int.Parse(parts[1]);
                if (!last.TryGetValue(parts[0], out int seen) || n > seen) last[parts[0]] = n;
            }
            using var client = RawClient.Connect(replica.Port);
            foreach (var (key, n) in last)
            {
                string value = n.ToString();
                Assert.That(ReadRetryingWhileDown(client, key), Is.EqualTo($"${value.Length}\r\n{value}\r\n"), key);
            }
            Probe.WaitUntil(() => Probe.Info(primary.Port).GetValueOrDefault("master_link_status") == "up", "the old primary replicates from the new one");
            Assert.That(Probe.Call(replica.Port, "SET", keys[0], "new"), Is.EqualTo("+OK\r\n"));
            Assert.That(Probe.Call(primary.Port, "SET", keys[0], "old"), Does.StartWith("-MOVED "));
        }
        finally
        {
            stop.Set();
            writer.Join(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>
    /// GET, retried while the node answers CLUSTERDOWN: a new primary's write lease may lapse for a moment on a loaded
    /// machine (cluster_state turns fail until the next grant), which says nothing about whether the data is there.
    /// </summary>
    private static string ReadRetryingWhileDown(RawClient client, string key)
    {
        string reply = client.Call("GET", key);
        var clock = Stopwatch.StartNew();
        while (reply.StartsWith("-CLUSTERDOWN") && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            Thread.Sleep(100);
            reply = client.Call("GET", key);
        }
        return reply;
    }

    private static long ElapsedMs(long since) => (long)Stopwatch.GetElapsedTime(since).TotalMilliseconds;
}
