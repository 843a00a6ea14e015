using FastNode.Cluster.Routing;

namespace FastNode.IntegrationTests.Locks;

/// <summary>
/// Locks and limiters on one FastNode in cluster mode, in this process (docs/locks.md "Replication and fencing",
/// docs/rate-limiting.md): tokens carry the node's configEpoch, LOCK.FENCED and RL.MULTI need their keys in one slot
/// (hash tags) and are routed by it.
/// </summary>
[NonParallelizable]
public sealed class LockClusterModeTests
{
    private TestServer _server = null!;
    private RawClient _client = null!;

    [SetUp]
    public void StartNode()
    {
        _server = TestServer.StartClusterNode();
        _client = _server.ConnectRaw();
    }

    [TearDown]
    public async Task StopNode()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    private void ServeAllSlots()
    {
        Assert.That(_client.Call("CLUSTER", "ADDSLOTSRANGE", "0", "16383"), Is.EqualTo("+OK\r\n"));
        Probe.WaitUntil(() => _client.Call("CLUSTER", "INFO").Contains("cluster_state:ok"), "the cluster state is ok");
    }

    private static long Token(string reply)
    {
        Assert.That(reply, Does.Match(@"^:\d+\r\n$"), "expected a fencing token");
        return long.Parse(reply[1..^2]);
    }

    [Test]
    public void TokensCarryTheNodesConfigEpoch()
    {
        Assert.That(_client.Call("CLUSTER", "SET-CONFIG-EPOCH", "5"), Is.EqualTo("+OK\r\n"));
        ServeAllSlots();
        Probe.WaitUntil(() => Probe.Info(_server.Port, "locks")["lock_epoch"] == "5", "the token epoch follows the configEpoch");
        long token = Token(_client.Call("LOCK.ACQUIRE", "{job}:lock", "c1", "60000"));
        Assert.That(token >> 48, Is.EqualTo(5));
        Assert.That(_client.Call("LOCK.FENCED", "{job}:lock", token.ToString(), "SET", "{job}:data", "v"), Is.EqualTo("+OK\r\n"));
    }

    [Test]
    public void FencedWritesAndMultiLimitsNeedTheirKeysInOneSlot()
    {
        ServeAllSlots();
        const string CrossSlot = "-CROSSSLOT Keys in request don't hash to the same slot\r\n";
        long token = Token(_client.Call("LOCK.ACQUIRE", "{u1}:lock", "c1", "60000"));
        Assert.That(KeySlot.Of("{u1}:lock"u8), Is.Not.EqualTo(KeySlot.Of("other"u8)));
        Assert.That(_client.Call("LOCK.FENCED", "{u1}:lock", token.ToString(), "SET", "other", "v"), Is.EqualTo(CrossSlot));
        Assert.That(_client.Call("EXISTS", "other"), Is.EqualTo(":0\r\n"));

        string allowed = _client.Call("RL.MULTI", "2", "TOKENBUCKET", "{u1}:user", "1", "1", "TOKENBUCKET", "{u1}:endpoint", "5", "1");
        Assert.That(allowed, Does.StartWith("*3\r\n:1\r\n"));
        string refused = _client.Call("RL.MULTI", "2", "TOKENBUCKET", "{u1}:user", "1", "1", "TOKENBUCKET", "{u1}:endpoint", "5", "1");
        Assert.That(refused, Does.StartWith("*3\r\n:0\r\n"), "the user limit is spent: nothing is taken from the endpoint");
        Assert.That(refused, Does.Contain("*5\r\n:1\r\n:5\r\n:4\r\n"), "the endpoint limit still shows 4 of 5 left");
        Assert.That(_client.Call("RL.MULTI", "2", "TOKENBUCKET", "{u1}:user", "1", "1", "TOKENBUCKET", "{u2}:endpoint", "5", "1"), Is.EqualTo(CrossSlot));
    }

    [Test]
    public void MultiLimitsAreRoutedByTheirFirstKey()
    {
        Assert.That(_client.Call("CLUSTER", "ADDSLOTSRANGE", "0", "8000"), Is.EqualTo("+OK\r\n"));
        string served = "", unserved = "";
        for (int i = 0; served.Length == 0 || unserved.Length == 0; i++)
        {
            string key = $"k{i}";
            if (KeySlot.Of(System.Text.Encoding.ASCII.GetBytes(key)) > 8000) unserved = key;
            else served = key;
        }
        Assert.That(_client.Call("RL.MULTI", "1", "GCRA", unserved, "1", "1", "1000"), Does.StartWith("-CLUSTERDOWN Hash slot not served"));
        Assert.That(_client.Call("RL.MULTI", "1", "GCRA", served, "1", "1", "1000"), Does.Not.StartWith("-CLUSTERDOWN Hash slot not served"),
            "a served first key passes the routing");
    }
}
