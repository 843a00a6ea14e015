using System.Text.RegularExpressions;
using FastNode.Cluster.Routing;

namespace FastNode.IntegrationTests;

/// <summary>
/// One FastNode in cluster mode, in this process (real listener and bus port on loopback): the CLUSTER commands'
/// reply bytes and error texts (checked against redis-server 7.0.15 in cluster mode), the dispatcher's slot check,
/// SELECT, INFO, and nodes.conf.
/// </summary>
[NonParallelizable]
public sealed class ClusterModeTests
{
    private TestServer _server = null!;
    private RawClient _client = null!;
    private string _id = "";

    [SetUp]
    public void StartNode()
    {
        _server = TestServer.StartClusterNode();
        _client = _server.ConnectRaw();
        _id = _server.State.Cluster!.View.MyId.ToString();
    }

    [TearDown]
    public async Task StopNode()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Test]
    public void MyIdNodesSlotsAndShardsDescribeTheNode()
    {
        Assert.That(_client.Call("CLUSTER", "ADDSLOTSRANGE", "0", "100"), Is.EqualTo("+OK\r\n"));
        Assert.That(_client.Call("CLUSTER", "MYID"), Is.EqualTo($"$40\r\n{_id}\r\n"));
        int port = _server.Port, bus = _server.State.Cluster!.BusPort;
        string line = $"{_id} 127.0.0.1:{port}@{bus} myself,master - 0 0 0 connected 0-100\n";
        Assert.That(_client.Call("CLUSTER", "NODES"), Is.EqualTo($"${line.Length}\r\n{line}\r\n"));
        Assert.That(_client.Call("CLUSTER", "SLOTS"),
            Is.EqualTo($"*1\r\n*3\r\n:0\r\n:100\r\n*4\r\n$9\r\n127.0.0.1\r\n:{port}\r\n$40\r\n{_id}\r\n*0\r\n"));
        Assert.That(_client.Call("CLUSTER", "SHARDS"), Is.EqualTo(
            $"*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:100\r\n$5\r\nnodes\r\n*1\r\n*14\r\n$2\r\nid\r\n$40\r\n{_id}\r\n"
            + $"$4\r\nport\r\n:{port}\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$8\r\nendpoint\r\n$9\r\n127.0.0.1\r\n"
            + "$4\r\nrole\r\n$6\r\nmaster\r\n$18\r\nreplication-offset\r\n:0\r\n$6\r\nhealth\r\n$6\r\nonline\r\n"));
        _client.Call("HELLO", "3");
        Assert.That(_client.Call("CLUSTER", "SLOTS"), Does.EndWith("%0\r\n"));
        Assert.That(_client.Call("CLUSTER", "NODES"), Does.StartWith($"={line.Length + 4}\r\ntxt:{_id}"));
    }

    [Test]
    public void InfoCountsTheAssignedSlots()
    {
        _client.Call("CLUSTER", "ADDSLOTSRANGE", "0", "100");
        string info = _client.Call("CLUSTER", "INFO");
        Assert.That(info, Does.Contain("cluster_state:fail\r\ncluster_slots_assigned:101\r\ncluster_slots_ok:101\r\n"
            + "cluster_slots_pfail:0\r\ncluster_slots_fail:0\r\ncluster_known_nodes:1\r\ncluster_size:1\r\n"
            + "cluster_current_epoch:0\r\ncluster_my_epoch:0\r\n"));
        Assert.That(info, Does.EndWith("total_cluster_links_buffer_limit_exceeded:0\r\n\r\n"));
        Assert.That(_client.Call("INFO", "cluster"), Is.EqualTo("$30\r\n# Cluster\r\ncluster_enabled:1\r\n\r\n"));
    }

    [Test]
    public void SlotCommandsGiveRedisErrors()
    {
        _client.Call("CLUSTER", "ADDSLOTSRANGE", "0", "100");
        Assert.That(_client.Call("CLUSTER", "ADDSLOTS", "5"), Is.EqualTo("-ERR Slot 5 is already busy\r\n"));
        Assert.That(_client.Call("CLUSTER", "ADDSLOTS", "x"), Is.EqualTo("-ERR Invalid or out of range slot\r\n"));
        Assert.That(_client.Call("CLUSTER", "ADDSLOTS", "16384"), Is.EqualTo("-ERR Invalid or out of range slot\r\n"));
        Assert.That(_client.Call("CLUSTER", "ADDSLOTS", "200", "200"), Is.EqualTo("-ERR Slot 200 specified multiple times\r\n"));
        Assert.That(_client.Call("CLUSTER", "ADDSLOTSRANGE", "5", "1"), Is.EqualTo("-ERR start slot number 5 is greater than end slot number 1\r\n"));
        Assert.That(_client.Call("CLUSTER", "ADDSLOTSRANGE", "1", "2", "3"), Is.EqualTo("-ERR wrong number of arguments for 'cluster|addslotsrange' command\r\n"));
        Assert.That(_client.Call("CLUSTER", "ADDSLOTSRANGE", "300", "310", "305", "320"), Is.EqualTo("-ERR Slot 305 specified multiple times\r\n"));
        Assert.That(_client.Call("CLUSTER", "DELSLOTS", "200"), Is.EqualTo("-ERR Slot 200 is already unassigned\r\n"));
        Assert.That(_client.Call("CLUSTER", "DELSLOTSRANGE", "200", "201"), Is.EqualTo("-ERR Slot 200 is already unassigned\r\n"));
        Assert.That(_client.Call("CLUSTER", "DELSLOTSRANGE", "50", "100"), Is.EqualTo("+OK\r\n"));
        Assert.That(_client.Call("CLUSTER", "INFO"), Does.Contain("cluster_slots_assigned:50\r\n"));
        Assert.That(_client.Call("CLUSTER", "COUNTKEYSINSLOT", "99999"), Is.EqualTo("-ERR Invalid slot\r\n"));
        Assert.That(_client.Call("CLUSTER", "COUNTKEYSINSLOT", "x"), Is.EqualTo("-ERR value is not an integer or out of range\r\n"));
        Assert.That(_client.Call("CLUSTER", "GETKEYSINSLOT", "1", "-1"), Is.EqualTo("-ERR Invalid slot or number of keys\r\n"));
        Assert.That(_client.Call("CLUSTER", "MEET", "1.2.3", "5"), Is.EqualTo("-ERR Invalid node address specified: 1.2.3:5\r\n"));
        Assert.That(_client.Call("CLUSTER", "MEET", "127.0.0.1", "x"), Is.EqualTo("-ERR Invalid TCP base port specified: x\r\n"));
        Assert.That(_client.Call("CLUSTER", "MEET", "127.0.0.1", "5", "x"), Is.EqualTo("-ERR Invalid TCP bus port specified: x\r\n"));
        Assert.That(_client.Call("CLUSTER", "REPLICATE", "abc"), Is.EqualTo("-ERR Unknown node abc\r\n"));
        Assert.That(_client.Call("CLUSTER", "REPLICATE", _id), Is.EqualTo("-ERR Can't replicate myself\r\n"));
        Assert.That(_client.Call("CLUSTER", "KEYSLOT", "foo"), Is.EqualTo(":12182\r\n"));
        Assert.That(_client.Call("CLUSTER", "KEYSLOT", "{user1000}.following"), Is.EqualTo(":3443\r\n"));
    }

    [Test]
    public void TheSlotCheckRefusesAsRedisDoes()
    {
        Assert.That(_client.Call("SET", "a", "b"), Is.EqualTo("-CLUSTERDOWN Hash slot not served\r\n"));
        Assert.That(_client.Call("MSET", "a", "1", "b", "2"), Is.EqualTo("-CLUSTERDOWN Hash slot not served\r\n"));
        Assert.That(_client.Call("CLUSTER", "ADDSLOTSRANGE", "0", "16383"), Is.EqualTo("+OK\r\n"));
        // A node alone with every slot is a whole cluster: it comes up within a tick or two.
        WaitForOk(_client);
        Assert.That(_client.Call("MSET", "a", "1", "b", "2"), Is.EqualTo("-CROSSSLOT Keys in request don't hash to the same slot\r\n"));
        Assert.That(_client.Call("MSET", "{t}a", "1", "{t}b", "2"), Is.EqualTo("+OK\r\n"));
        Assert.That(_client.Call("GET", "{t}a"), Is.EqualTo("$1\r\n1\r\n"));
        Assert.That(_client.Call("PING"), Is.EqualTo("+PONG\r\n"));
        int slot = KeySlot.Of("{t}a"u8);
        Assert.That(_client.Call("CLUSTER", "COUNTKEYSINSLOT", slot.ToString()), Is.EqualTo(":2\r\n"));
        Assert.That(_client.Call("CLUSTER", "GETKEYSINSLOT", slot.ToString(), "1"), Does.StartWith("*1\r\n$4\r\n{t}"));
        Assert.That(_client.Call("SELECT", "1"), Is.EqualTo("-ERR SELECT is not allowed in cluster mode\r\n"));
        Assert.That(_client.Call("SELECT", "0"), Is.EqualTo("+OK\r\n"));
        Assert.That(_client.Call("READONLY"), Is.EqualTo("+OK\r\n"));
        Assert.That(_client.Call("READWRITE"), Is.EqualTo("+OK\r\n"));
        Assert.That(_client.Call("ASKING"), Is.EqualTo("+OK\r\n"));
        Assert.That(_client.Call("CLUSTER", "DELSLOTS", slot.ToString()), Is.EqualTo("+OK\r\n"));
        Assert.That(_client.Call("GET", "{t}a"), Is.EqualTo("-CLUSTERDOWN Hash slot not served\r\n"));
        Assert.That(_client.Call("GET", "x"), Is.EqualTo("-CLUSTERDOWN The cluster is down\r\n"));
    }

    [Test]
    public void StandaloneReplicationCommandsAreRefusedAsInRedis()
    {
        Assert.That(_client.Call("FAILOVER"), Is.EqualTo("-ERR FAILOVER not allowed in cluster mode.\r\n"));
        Assert.That(_client.Call("REPLICAOF", "127.0.0.1", "6379"), Is.EqualTo("-ERR REPLICAOF not allowed in cluster mode.\r\n"));
    }

    [Test]
    public void BitmapAndHyperLogLogKeysMustShareASlot()
    {
        _client.Call("CLUSTER", "ADDSLOTSRANGE", "0", "16383");
        WaitForOk(_client);
        const string CrossSlot = "-CROSSSLOT Keys in request don't hash to the same slot\r\n";
        Assert.That(_client.Call("BITOP", "AND", "dest", "a", "b"), Is.EqualTo(CrossSlot));
        Assert.That(_client.Call("PFCOUNT", "a", "b"), Is.EqualTo(CrossSlot));
        Assert.That(_client.Call("PFMERGE", "a", "b"), Is.EqualTo(CrossSlot));
        Assert.That(_client.Call("BITOP", "OR", "{u}dest", "{u}a", "{u}b"), Is.EqualTo(":0\r\n"));
        Assert.That(_client.Call("PFADD", "{u}a", "x"), Is.EqualTo(":1\r\n"));
        Assert.That(_client.Call("PFMERGE", "{u}m", "{u}a", "{u}b"), Is.EqualTo("+OK\r\n"));
        Assert.That(_client.Call("PFCOUNT", "{u}m", "{u}a"), Is.EqualTo(":1\r\n"));
    }

    [Test]
    public void ATransactionMustStayInOneSlot()
    {
        _client.Call("CLUSTER", "ADDSLOTSRANGE", "0", "16383");
        WaitForOk(_client);
        Assert.That(_client.Call("MULTI"), Is.EqualTo("+OK\r\n"));
        Assert.That(_client.Call("SET", "a", "1"), Is.EqualTo("+QUEUED\r\n"));
        Assert.That(_client.Call("SET", "b", "2"), Is.EqualTo("+QUEUED\r\n"));
        Assert.That(_client.Call("EXEC"), Is.EqualTo("-CROSSSLOT Keys in request don't hash to the same slot\r\n"));
        Assert.That(_client.Call("EXEC"), Is.EqualTo("-ERR EXEC without MULTI\r\n"));
        Assert.That(_client.Call("EXISTS", "a"), Is.EqualTo(":0\r\n"));
        _client.Call("MULTI");
        _client.Call("SET", "{u}a", "1");
        _client.Call("INCR", "{u}b");
        Assert.That(_client.Call("EXEC"), Is.EqualTo("*2\r\n+OK\r\n:1\r\n"));
    }

    [Test]
    public void NodesConfIsSavedAndKeepsTheId()
    {
        _client.Call("CLUSTER", "ADDSLOTSRANGE", "0", "10");
        Assert.That(_client.Call("CLUSTER", "SAVECONFIG"), Is.EqualTo("+OK\r\n"));
        string text = File.ReadAllText(_server.State.Cluster!.ConfigPath);
        Assert.That(text, Does.Match($"^{_id} 127\\.0\\.0\\.1:{_server.Port}@\\d+,,shard-id={_id} myself,master - 0 0 0 connected 0-10\\n"
            + "vars currentEpoch 0 lastVoteEpoch 0\\n$"));
    }

    internal static void WaitForOk(RawClient client, int timeoutMs = 30_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        string info = "";
        while (DateTime.UtcNow < deadline)
        {
            info = client.Call("CLUSTER", "INFO");
            if (info.Contains("cluster_state:ok")) return;
            Thread.Sleep(50);
        }
        Assert.Fail("cluster_state never became ok: " + Regex.Replace(info, "\r\n", " "));
    }
}

/// <summary>Cluster mode off: the CLUSTER commands, READONLY and ASKING answer as a standalone Redis.</summary>
public sealed class ClusterModeOffTests
{
    [Test]
    public async Task StandaloneAnswersAreUnchanged()
    {
        await using var server = TestServer.Start();
        using var client = server.ConnectRaw();
        Assert.That(client.Call("CLUSTER", "INFO"), Is.EqualTo("-ERR This instance has cluster support disabled\r\n"));
        Assert.That(client.Call("READONLY"), Is.EqualTo("-ERR This instance has cluster support disabled\r\n"));
        Assert.That(client.Call("ASKING"), Is.EqualTo("-ERR This instance has cluster support disabled\r\n"));
        Assert.That(client.Call("SELECT", "1"), Is.EqualTo("+OK\r\n"));
        Assert.That(client.Call("INFO", "cluster"), Is.EqualTo("$30\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n"));
    }
}
