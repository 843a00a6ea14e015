using FastNode.Server.Config;

namespace FastNode.IntegrationTests.Tls;

/// <summary>
/// tls-cluster yes, in-process: two nodes meet over a TLS bus, announce their TLS ports (CLUSTER NODES, SLOTS, SHARDS
/// with "tls-port", and "port" for the plaintext port where it is known), and a node without tls-cluster cannot join.
/// </summary>
[NonParallelizable]
public sealed class TlsClusterTests
{
    private string _dir = null!;
    private TestCertificates _certs = null!;

    [OneTimeSetUp]
    public void CreateCertificates()
    {
        _dir = Directory.CreateTempSubdirectory("fastnode-tlscluster-").FullName;
        _certs = TestCertificates.Create(_dir);
    }

    [OneTimeTearDown]
    public void DeleteCertificates() => Directory.Delete(_dir, recursive: true);

    private TestServer StartNode(bool tlsCluster = true) => TestServer.StartClusterNode(o =>
    {
        o.Tls.Port = ServerProcesses.FreePort();
        o.Tls.CertFile = _certs.ServerCert;
        o.Tls.KeyFile = _certs.ServerKey;
        o.Tls.CaCertFile = _certs.CaFile;
        o.Tls.Cluster = tlsCluster;
    });

    private static int BusPort(TestServer node) => node.State.Options.ClusterPort;

    [Test]
    public async Task NodesMeetOverATlsBusAndAnnounceTheirTlsPorts()
    {
        await using var a = StartNode();
        await using var b = StartNode();
        using var ca = a.ConnectRaw();
        using var cb = b.ConnectRaw();
        Assert.That(ca.Call("CLUSTER", "MEET", "127.0.0.1", b.Host.TlsPort.ToString(), BusPort(b).ToString()), Is.EqualTo("+OK\r\n"));
        Probe.WaitUntil(() => ca.Call("CLUSTER", "INFO").Contains("cluster_known_nodes:2") && cb.Call("CLUSTER", "INFO").Contains("cluster_known_nodes:2"),
            "both nodes know each other over the TLS bus");
        Assert.That(ca.Call("CLUSTER", "ADDSLOTSRANGE", "0", "16383"), Is.EqualTo("+OK\r\n"));
        // B learns A's slots by gossip, with A's TLS port as its client port.
        Probe.WaitUntil(() => cb.Call("CLUSTER", "SLOTS").Contains($":{a.Host.TlsPort}\r\n"), "B reports A's TLS port in CLUSTER SLOTS");
        Assert.That(cb.Call("CLUSTER", "NODES"), Does.Contain($"127.0.0.1:{a.Host.TlsPort}@{BusPort(a)}"));

        // A's own entry: "port" is its plaintext port and "tls-port" its TLS port, as redis-server 7.0 with tls-cluster.
        string own = ca.Call("CLUSTER", "SHARDS");
        Assert.That(own, Does.Contain($"$4\r\nport\r\n:{a.Port}\r\n$8\r\ntls-port\r\n:{a.Host.TlsPort}\r\n"));
        // B knows only A's TLS port.
        string seen = cb.Call("CLUSTER", "SHARDS");
        Assert.That(seen, Does.Contain($"$8\r\ntls-port\r\n:{a.Host.TlsPort}\r\n"));
        Assert.That(seen, Does.Not.Contain($":{a.Port}\r\n"));
    }

    [Test]
    public async Task ClusterAnnounceTlsPortIsWhatOtherNodesAreTold()
    {
        await using var a = StartNode();
        using var ca = a.ConnectRaw();
        Assert.That(ca.Call("CONFIG", "SET", "cluster-announce-tls-port", "7777"), Is.EqualTo("+OK\r\n"));
        Probe.WaitUntil(() => ca.Call("CLUSTER", "NODES").Contains(":7777@"), "the announced TLS port in CLUSTER NODES");
        // As Redis 7.0: once cluster-announce-tls-port is set, the plaintext port shown is cluster-announce-port (none here).
        Assert.That(ca.Call("CLUSTER", "SHARDS"), Does.Contain("$8\r\ntls-port\r\n:7777\r\n").And.Not.Contain("$4\r\nport\r\n"));
    }

    [Test]
    public async Task ANodeWithoutTlsClusterCannotJoin()
    {
        await using var a = StartNode();
        await using var plain = StartNode(tlsCluster: false);
        using var cp = plain.ConnectRaw();
        using var ca = a.ConnectRaw();
        Assert.That(cp.Call("CLUSTER", "MEET", "127.0.0.1", a.Host.TlsPort.ToString(), BusPort(a).ToString()), Is.EqualTo("+OK\r\n"));
        Thread.Sleep(3000);
        // A plain bus would have let A learn the newcomer from its MEET; the TLS bus drops the plaintext link.
        Assert.That(ca.Call("CLUSTER", "INFO"), Does.Contain("cluster_known_nodes:1"));
    }
}
