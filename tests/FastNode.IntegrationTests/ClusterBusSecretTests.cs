using FastNode.Cluster.Nodes;
using FastNode.Cluster.Wire;

namespace FastNode.IntegrationTests;

/// <summary>
/// cluster-bus-secret with real processes: three primaries sharing a secret reach cluster_state:ok; a node without the
/// secret and one with a wrong secret cannot join by CLUSTER MEET in either direction; and frames that would steal
/// every slot are dropped, their link closed, when they carry no MAC or a bad one, while a correctly signed harmless
/// frame keeps its link open (so the closing is the MAC check at work).
/// </summary>
[NonParallelizable]
public sealed class ClusterBusSecretTests : ProcessTestBase
{
    private const string Secret = "correct horse battery staple";

    protected override string DirPrefix => "fastnode-clsecret-";

    private LocalCluster _cluster = null!;

    [SetUp]
    public void NewCluster() => _cluster = new LocalCluster(Processes, Dir);

    [TearDown]
    public void PrintLogsOnFailure()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed) TestContext.Out.WriteLine(_cluster.Logs());
    }

    [Test]
    public void NodesWithoutTheSecretCannotJoinEitherWay()
    {
        _cluster.FormPrimaries($"--cluster-bus-secret \"{Secret}\"");
        Assert.That(_cluster.Call(0, "CONFIG", "GET", "cluster-bus-secret"), Does.Contain(Secret));
        int open = _cluster.Start();
        int wrong = _cluster.Start("--cluster-bus-secret \"a guess\"");
        // Both directions for each outsider: the member meets it, and it meets a member.
        Assert.That(_cluster.Meet(0, open), Is.EqualTo("+OK\r\n"));
        Assert.That(_cluster.Meet(open, 1), Is.EqualTo("+OK\r\n"));
        Assert.That(_cluster.Meet(2, wrong), Is.EqualTo("+OK\r\n"));
        Assert.That(_cluster.Meet(wrong, 0), Is.EqualTo("+OK\r\n"));
        // A MEET is answered within a round trip when it works; give it many protocol periods.
        Thread.Sleep(5000);
        string openId = _cluster.Id(open), wrongId = _cluster.Id(wrong);
        for (int member = 0; member < 3; member++)
        {
            string nodes = _cluster.Call(member, "CLUSTER", "NODES");
            Assert.That(nodes, Does.Not.Contain(openId).And.Not.Contain(wrongId), $"member {member}");
            _cluster.WaitForOk(member, knownNodes: 3);
        }
        foreach (int outsider in new[] { open, wrong })
        {
            Assert.That(_cluster.Call(outsider, "CLUSTER", "INFO"), Does.Contain("cluster_known_nodes:1\r\n"), $"outsider {outsider}");
        }
        Assert.That(_cluster.Running[1].Log, Does.Contain("dropped a frame (MissingMac)"), "the open node's MEET");
        Assert.That(_cluster.Running[0].Log, Does.Contain("dropped a frame (BadMac)"), "the wrong secret's MEET");
        Assert.That(_cluster.Running[open].Log, Does.Contain("dropped a frame (BadMac)"), "a node without a secret refuses signed frames");
        Assert.That(_cluster.Running[wrong].Log, Does.Contain("dropped a frame (BadMac)"));
    }

    [Test]
    public void UnsignedOrBadlySignedFramesCannotInjectState()
    {
        _cluster.FormPrimaries($"--cluster-bus-secret \"{Secret}\"");
        var before = Enumerable.Range(0, 3).Select(n => BusFrames.Configuration(_cluster.Call(n, "CLUSTER", "NODES"))).ToList();
        string epoch = _cluster.Call(0, "CLUSTER", "INFO").Split("\r\n").Single(l => l.StartsWith("cluster_current_epoch:"));
        int bus = _cluster.Nodes[0].Bus;
        var thief = NodeId.NewRandom(new Random(5));
        var theft = BusFrames.SlotTheft(thief, bus);

        Assert.That(BusFrames.SendAndSeeClosed(bus, BusFrames.Encode(BusFrames.Codec(), theft, thief, 999)), Is.True, "no MAC");
        Assert.That(BusFrames.SendAndSeeClosed(bus, BusFrames.Encode(BusFrames.Codec("a guess"), theft, thief, 999)), Is.True, "wrong secret");
        // The right secret's MAC with one payload byte changed afterwards.
        byte[] tampered = BusFrames.Encode(BusFrames.Codec(Secret), theft, thief, 999);
        tampered[FrameHeader.Size + 5] ^= 1;
        Assert.That(BusFrames.SendAndSeeClosed(bus, tampered), Is.True, "tampered");
        // A correctly signed frame that changes nothing (a Nack for a probe nobody sent) keeps its link open.
        var nack = BusFrames.Encode(BusFrames.Codec(Secret), new NackMessage(12345), thief);
        Assert.That(BusFrames.SendAndSeeClosed(bus, nack, timeoutMs: 1500), Is.False, "a valid frame is not dropped");

        Thread.Sleep(1000);
        for (int node = 0; node < 3; node++)
        {
            Assert.That(BusFrames.Configuration(_cluster.Call(node, "CLUSTER", "NODES")), Is.EqualTo(before[node]), $"node {node}");
            Assert.That(_cluster.Call(node, "CLUSTER", "INFO"), Does.Contain("cluster_state:ok").And.Contain(epoch + "\r\n"));
        }
    }
}
