using System.Text;
using FastNode.Server.Persistence.Replication;
using FastNode.Server.Sessions;

namespace FastNode.Server.Tests.Replication;

/// <summary>REPLCONF, PSYNC's first reply, REPLICAOF and a replica's buffer, over an in-memory connection.</summary>
public sealed class ReplicationCommandsTests
{
    [Test]
    public async Task ReplConfAnswersAsRedis()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("REPLCONF", "listening-port", "6380"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("REPLCONF", "capa", "eof", "capa", "psync2"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("REPLCONF", "ip-address", "10.0.0.7"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("REPLCONF", "listening-port"), Is.EqualTo("-ERR syntax error\r\n"));
        Assert.That(await c.CallAsync("REPLCONF", "listening-port", "x"), Is.EqualTo("-ERR value is not an integer or out of range\r\n"));
        Assert.That(await c.CallAsync("REPLCONF", "bogus", "1"), Is.EqualTo("-ERR Unrecognized REPLCONF option: bogus\r\n"));
        Assert.That(c.Session.Handshake, Is.Not.Null);
        Assert.That(c.Session.Handshake!.ListeningPort, Is.EqualTo(6380));
        Assert.That(c.Session.Handshake.AnnouncedIp, Is.EqualTo("10.0.0.7"));
        Assert.That(c.Session.Handshake.CapaEof && c.Session.Handshake.CapaPsync2, Is.True);
        // An ACK from a connection that is not a replica is ignored, with no reply (PING's reply comes next).
        await c.SendAsync(Resp.Command("REPLCONF", "ACK", "10"));
        Assert.That(await c.CallAsync("PING"), Is.EqualTo("+PONG\r\n"));
    }

    [Test]
    public async Task PsyncWithUnknownHistoryStartsAFullResync()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SET", "k", "v");
        await c.SendAsync(Resp.Command("PSYNC", "?", "-1"));
        string line = await c.ReadReplyAsync();
        Assert.That(line, Does.Match("^\\+FULLRESYNC [0-9a-f]{40} 0\r\n$"));
        Assert.That(line, Does.Contain(c.Server.Replication.ReplId));
        Assert.That(Interlocked.Read(ref c.Server.Replication.SyncFull), Is.EqualTo(1));
        Assert.That(Interlocked.Read(ref c.Server.Replication.SyncPartialErr), Is.EqualTo(0));
        Assert.That(c.Server.Replication.Backlog, Is.Not.Null);
    }

    [Test]
    public async Task ReplicaOfNoOneOnAPrimaryIsOkAndReplicaOfChecksThePort()
    {
        await using var c = new InMemoryClient();
        Assert.That(await c.CallAsync("REPLICAOF", "NO", "ONE"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("SLAVEOF", "no", "one"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("REPLICAOF", "127.0.0.1", "notaport"), Is.EqualTo("-ERR Invalid master port\r\n"));
        Assert.That(await c.CallAsync("ROLE"), Is.EqualTo("*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n"));
    }

    [Test]
    public async Task AReplicaRefusesWritesButNotReads()
    {
        await using var c = new InMemoryClient();
        await c.CallAsync("SET", "k", "v");
        // A primary nobody listens on: the link stays down, the data stays readable.
        Assert.That(await c.CallAsync("REPLICAOF", "127.0.0.1", "1"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("REPLICAOF", "127.0.0.1", "1"), Is.EqualTo("+OK Already connected to specified master\r\n"));
        Assert.That(await c.CallAsync("SET", "k", "w"), Is.EqualTo("-READONLY You can't write against a read only replica.\r\n"));
        Assert.That(await c.CallAsync("GET", "k"), Is.EqualTo("$1\r\nv\r\n"));
        Assert.That(await c.CallAsync("WAIT", "1", "0"), Does.StartWith("-ERR WAIT cannot be used with replica instances."));
        Assert.That(await c.CallAsync("PSYNC", "?", "-1"), Is.EqualTo("-NOMASTERLINK Can't SYNC while not connected with my master\r\n"));
        Assert.That(await c.CallAsync("ROLE"), Is.EqualTo("*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:1\r\n$7\r\nconnect\r\n:-1\r\n"));
        Assert.That(await c.CallAsync("CONFIG", "SET", "replica-read-only", "no"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("SET", "k", "w"), Is.EqualTo("+OK\r\n"));
        Assert.That(await c.CallAsync("REPLICAOF", "NO", "ONE"), Is.EqualTo("+OK\r\n"));
        Assert.That(c.Server.Replication.ReplId2, Is.Not.EqualTo(ReplicationState.NoId));
    }

    [Test]
    public void AReplicaPastItsHardLimitIsDropped()
    {
        var session = new ClientSession("127.0.0.1:1", "", 0);
        var replica = new ReplicaFeed(session, new ReplicaHandshake(), hardLimit: 100);
        replica.Write(new byte[60]);
        Assert.That(replica.Dropped, Is.False);
        Assert.That(replica.WaitAsync().IsCompleted, Is.True);
        var taken = replica.Take(new System.Buffers.ArrayBufferWriter<byte>());
        Assert.That(taken.WrittenCount, Is.EqualTo(60));
        replica.Write(new byte[60]);
        replica.Write(new byte[60]);
        Assert.That(replica.Dropped, Is.True);
        Assert.That(replica.WaitAsync().IsCompleted, Is.True);
    }
}
