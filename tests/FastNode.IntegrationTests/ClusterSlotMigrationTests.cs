using FastNode.Cluster.Routing;

namespace FastNode.IntegrationTests;

/// <summary>
/// Two FastNodes in cluster mode in this process (A serves slots 0-8191, B 8192-16383), for the exact bytes of a live
/// slot migration: CLUSTER SETSLOT's errors, ASK / TRYAGAIN / ASKING on the MIGRATING and IMPORTING sides,
/// RESTORE-ASKING, MOVABLE_KEYS in CROSSSLOT, FORGET's ban, RESET and FLUSHSLOTS.
/// Replies and error texts were checked against redis-server 7.0.15 in cluster mode. MIGRATE between two servers in one
/// process would block the shared event loop, so it is tested with processes (<see cref="ClusterReshardTests"/>).
/// </summary>
[NonParallelizable]
public sealed class ClusterSlotMigrationTests
{
    // "b" hashes to slot 3300, served by A.
    private const int Slot = 3300;

    private TestServer _a = null!, _b = null!;
    private RawClient _ca = null!, _cb = null!;
    private string _idA = "", _idB = "";

    [SetUp]
    public void FormTwoNodeCluster()
    {
        _a = TestServer.StartClusterNode(o => o.ClusterNodeTimeout = 5000);
        _b = TestServer.StartClusterNode(o => o.ClusterNodeTimeout = 5000);
        int busB = _b.State.Options.ClusterPort;
        _ca = _a.ConnectRaw();
        _cb = _b.ConnectRaw();
        _idA = _a.State.Cluster!.View.MyId.ToString();
        _idB = _b.State.Cluster!.View.MyId.ToString();
        Assert.That(_ca.Call("CLUSTER", "ADDSLOTSRANGE", "0", "8191"), Is.EqualTo("+OK\r\n"));
        Assert.That(_cb.Call("CLUSTER", "ADDSLOTSRANGE", "8192", "16383"), Is.EqualTo("+OK\r\n"));
        Assert.That(_ca.Call("CLUSTER", "MEET", "127.0.0.1", _b.Port.ToString(), busB.ToString()), Is.EqualTo("+OK\r\n"));
        foreach (var client in new[] { _ca, _cb })
        {
            Probe.WaitUntil(() =>
            {
                var info = client.Call("CLUSTER", "INFO");
                return info.Contains("cluster_state:ok") && info.Contains("cluster_known_nodes:2");
            }, "both nodes see a healthy two-node cluster");
        }
    }

    [TearDown]
    public async Task StopNodes()
    {
        _ca.Dispose();
        _cb.Dispose();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    private string AskB => $"-ASK {Slot} 127.0.0.1:{_b.Port}\r\n";

    [Test]
    public void SetSlotGivesRedisErrors()
    {
        Assert.That(KeySlot.Of("b"u8), Is.EqualTo(Slot));
        Assert.That(_ca.Call("CLUSTER", "SETSLOT", "9000", "MIGRATING", _idB), Is.EqualTo("-ERR I'm not the owner of hash slot 9000\r\n"));
        Assert.That(_ca.Call("CLUSTER", "SETSLOT", "100", "MIGRATING", "deadbeef"), Is.EqualTo("-ERR I don't know about node deadbeef\r\n"));
        Assert.That(_ca.Call("CLUSTER", "SETSLOT", "100", "IMPORTING", _idB), Is.EqualTo("-ERR I'm already the owner of hash slot 100\r\n"));
        Assert.That(_ca.Call("CLUSTER", "SETSLOT", "100", "FOO"), Is.EqualTo("-ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP\r\n"));
        Assert.That(_ca.Call("CLUSTER", "SETSLOT", "100", "STABLE", "x"), Is.EqualTo("-ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP\r\n"));
        Assert.That(_ca.Call("CLUSTER", "SETSLOT", "99999", "STABLE"), Is.EqualTo("-ERR Invalid or out of range slot\r\n"));
        Assert.That(_ca.Call("CLUSTER", "SETSLOT", "100", "NODE", "deadbeef"), Is.EqualTo("-ERR Unknown node deadbeef\r\n"));
        Assert.That(_ca.Call("SET", "b", "1"), Is.EqualTo("+OK\r\n"));
        Assert.That(_ca.Call("CLUSTER", "SETSLOT", Slot.ToString(), "NODE", _idB),
            Is.EqualTo($"-ERR Can't assign hashslot {Slot} to a different node while I still hold keys for this hash slot.\r\n"));
        Assert.That(_ca.Call("CLUSTER", "SETSLOT", "100", "STABLE"), Is.EqualTo("+OK\r\n"));
    }

    [Test]
    public void MigratingSideAnswersAskOrTryAgain()
    {
        _ca.Call("SET", "b", "1");
        _ca.Call("SET", "{b}c", "2");
        StartMigration();
        string line = _ca.Call("CLUSTER", "NODES").Split('\n').Single(l => l.Contains("myself"));
        Assert.That(line, Does.EndWith($"0-8191 [{Slot}->-{_idB}]"));
        Assert.That(_cb.Call("CLUSTER", "NODES").Split('\n').Single(l => l.Contains("myself")), Does.EndWith($"8192-16383 [{Slot}-<-{_idA}]"));

        Assert.That(_ca.Call("GET", "b"), Is.EqualTo("$1\r\n1\r\n"), "every key present: served");
        Assert.That(_ca.Call("MGET", "b", "{b}c"), Is.EqualTo("*2\r\n$1\r\n1\r\n$1\r\n2\r\n"));
        Assert.That(_ca.Call("GET", "{b}zz"), Is.EqualTo(AskB));
        Assert.That(_ca.Call("SET", "{b}new", "x"), Is.EqualTo(AskB));
        Assert.That(_ca.Call("MGET", "{b}y", "{b}zz"), Is.EqualTo(AskB), "every key missing: ASK");
        Assert.That(_ca.Call("MGET", "b", "{b}zz"), Is.EqualTo("-TRYAGAIN Multiple keys request during rehashing of slot\r\n"));
        Assert.That(_ca.Call("DEL", "b", "{b}nothere"), Is.EqualTo("-TRYAGAIN Multiple keys request during rehashing of slot\r\n"));
        Assert.That(_ca.Call("EXISTS", "{b}nothere"), Is.EqualTo(AskB));
        // MOVABLE_KEYS: the source keys count too (CROSSSLOT), and so do missing ones (ASK).
        Assert.That(_ca.Call("ZUNIONSTORE", "{b}dest", "2", "{b}z1", "foo"), Is.EqualTo("-CROSSSLOT Keys in request don't hash to the same slot\r\n"));
        Assert.That(_ca.Call("SINTERCARD", "2", "{b}s1", "{b}s2"), Is.EqualTo(AskB));
    }

    [Test]
    public void ImportingSideServesOnlyAfterAsking()
    {
        StartMigration();
        string movedToA = $"-MOVED {Slot} 127.0.0.1:{_a.Port}\r\n";
        Assert.That(_cb.Call("GET", "b"), Is.EqualTo(movedToA));
        Assert.That(_cb.Call("ASKING"), Is.EqualTo("+OK\r\n"));
        Assert.That(_cb.Call("GET", "b"), Is.EqualTo("$-1\r\n"));
        Assert.That(_cb.Call("GET", "b"), Is.EqualTo(movedToA), "ASKING lasts one command");
        _cb.Call("ASKING");
        Assert.That(_cb.Call("MGET", "{b}1", "{b}2"), Is.EqualTo("-TRYAGAIN Multiple keys request during rehashing of slot\r\n"));
        _cb.Call("ASKING");
        Assert.That(_cb.Call("MGET", "{b}1", "{b}1"), Is.EqualTo("*2\r\n$-1\r\n$-1\r\n"), "one distinct key: no TRYAGAIN");
        _cb.Call("ASKING");
        Assert.That(_cb.Call("SET", "{b}1", "x"), Is.EqualTo("+OK\r\n"));
        // ASKING before MULTI holds until EXEC; ASKING queued inside MULTI does not help the commands queued with it.
        _cb.Call("ASKING");
        Assert.That(_cb.Call("MULTI"), Is.EqualTo("+OK\r\n"));
        Assert.That(_cb.Call("GET", "{b}1"), Is.EqualTo("+QUEUED\r\n"));
        Assert.That(_cb.Call("EXEC"), Is.EqualTo("*1\r\n$1\r\nx\r\n"));
        Assert.That(_cb.Call("GET", "{b}1"), Is.EqualTo(movedToA));
        _cb.Call("MULTI");
        Assert.That(_cb.Call("ASKING"), Is.EqualTo("+QUEUED\r\n"));
        Assert.That(_cb.Call("GET", "{b}1"), Is.EqualTo(movedToA));
        Assert.That(_cb.Call("EXEC"), Is.EqualTo("-EXECABORT Transaction discarded because of previous errors.\r\n"));
        Assert.That(_cb.Call("RESTORE-ASKING", "{b}2", "0", "x"), Is.EqualTo("-ERR DUMP payload version or checksum are wrong\r\n"),
            "RESTORE-ASKING is served without ASKING");
    }

    [Test]
    public void NodesConfKeepsTheMigrationStates()
    {
        StartMigration();
        Probe.WaitUntil(() => File.ReadAllText(Path.Combine(_a.State.Options.Dir, "nodes.conf")).Contains($"[{Slot}->-{_idB}]"), "A saved MIGRATING");
        Probe.WaitUntil(() => File.ReadAllText(Path.Combine(_b.State.Options.Dir, "nodes.conf")).Contains($"[{Slot}-<-{_idA}]"), "B saved IMPORTING");
        Assert.That(_ca.Call("CLUSTER", "SETSLOT", Slot.ToString(), "STABLE"), Is.EqualTo("+OK\r\n"));
        Assert.That(_ca.Call("CLUSTER", "NODES"), Does.Not.Contain("->-"));
        Assert.That(_ca.Call("GET", "{b}zz"), Is.EqualTo("$-1\r\n"), "a stable slot is served again");
    }

    [Test]
    public void ForgetBansTheNodeAndKeepsMyselfAndMyMaster()
    {
        Assert.That(_ca.Call("CLUSTER", "FORGET", _idA), Is.EqualTo("-ERR I tried hard but I can't forget myself...\r\n"));
        Assert.That(_ca.Call("CLUSTER", "FORGET", "abc"), Is.EqualTo("-ERR Unknown node abc\r\n"));
        Assert.That(_ca.Call("CLUSTER", "FORGET", _idB), Is.EqualTo("+OK\r\n"));
        Assert.That(_ca.Call("CLUSTER", "NODES").Split('\n').Count(l => l.Contains(" connected")), Is.EqualTo(1));
        // B still knows A and keeps gossiping to it: for the ban's 60 s, A must not learn B again.
        Thread.Sleep(3000);
        Assert.That(_ca.Call("CLUSTER", "INFO"), Does.Contain("cluster_known_nodes:1"));
        Assert.That(_ca.Call("CLUSTER", "FORGET", _idB), Is.EqualTo($"-ERR Unknown node {_idB}\r\n"));
    }

    [Test]
    public void ResetAndFlushSlotsNeedAnEmptyPrimary()
    {
        _ca.Call("SET", "b", "1");
        Assert.That(_ca.Call("CLUSTER", "FLUSHSLOTS"), Is.EqualTo("-ERR DB must be empty to perform CLUSTER FLUSHSLOTS.\r\n"));
        Assert.That(_ca.Call("CLUSTER", "RESET"), Is.EqualTo("-ERR CLUSTER RESET can't be called with master nodes containing keys\r\n"));
        Assert.That(_ca.Call("CLUSTER", "RESET", "FOO"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(_ca.Call("CLUSTER", "RESET", "SOFT", "X"), Is.EqualTo("-ERR unknown subcommand or wrong number of arguments for 'RESET'. Try CLUSTER HELP.\r\n"));
        _ca.Call("DEL", "b");
        Assert.That(_ca.Call("CLUSTER", "FLUSHSLOTS"), Is.EqualTo("+OK\r\n"));
        Assert.That(_ca.Call("CLUSTER", "NODES").Split('\n').Single(l => l.Contains("myself")), Does.EndWith(" connected"));
        Assert.That(_ca.Call("CLUSTER", "RESET", "HARD"), Is.EqualTo("+OK\r\n"));
        string id = _ca.Call("CLUSTER", "MYID");
        Assert.That(id, Does.Not.Contain(_idA), "HARD takes a new node id");
        string info = _ca.Call("CLUSTER", "INFO");
        Assert.That(info, Does.Contain("cluster_known_nodes:1").And.Contain("cluster_current_epoch:0").And.Contain("cluster_slots_assigned:0"));
    }

    [Test]
    public void SlotKeyIndexFollowsTheKeyspace()
    {
        for (int i = 0; i < 10; i++) _ca.Call("SET", "{b}" + i, "v");
        _ca.Call("RENAME", "{b}0", "{b}renamed");
        _ca.Call("DEL", "{b}1");
        _ca.Call("PEXPIRE", "{b}2", "1");
        Thread.Sleep(20);
        _ca.Call("GET", "{b}2");   // expired: deleted on access
        Assert.That(_ca.Call("CLUSTER", "COUNTKEYSINSLOT", Slot.ToString()), Is.EqualTo(":8\r\n"));
        string keys = _ca.Call("CLUSTER", "GETKEYSINSLOT", Slot.ToString(), "100");
        Assert.That(keys, Does.StartWith("*8\r\n").And.Contain("{b}renamed").And.Not.Contain("{b}1\r\n"));
        Assert.That(_ca.Call("CLUSTER", "GETKEYSINSLOT", Slot.ToString(), "3"), Does.StartWith("*3\r\n"));
        _ca.Call("FLUSHALL");
        Assert.That(_ca.Call("CLUSTER", "COUNTKEYSINSLOT", Slot.ToString()), Is.EqualTo(":0\r\n"));
        Assert.That(_ca.Call("CLUSTER", "GETKEYSINSLOT", Slot.ToString(), "10"), Is.EqualTo("*0\r\n"));
    }

    private void StartMigration()
    {
        Assert.That(_cb.Call("CLUSTER", "SETSLOT", Slot.ToString(), "IMPORTING", _idA), Is.EqualTo("+OK\r\n"));
        Assert.That(_ca.Call("CLUSTER", "SETSLOT", Slot.ToString(), "MIGRATING", _idB), Is.EqualTo("+OK\r\n"));
    }
}
