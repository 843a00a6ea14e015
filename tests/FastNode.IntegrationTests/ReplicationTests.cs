using StackExchange.Redis;
using static FastNode.IntegrationTests.Probe;

namespace FastNode.IntegrationTests;

/// <summary>
/// Replication with real processes on loopback: FastNode primaries and replicas, chains, partial resynchronization
/// after a killed link, a replica killed under load, WAIT, and interop with redis-server 7.0 both ways.
/// Every wait is a poll with a bounded deadline; every process is killed by pid in TearDown.
/// </summary>
[NonParallelizable]
public sealed class ReplicationTests : ProcessTestBase
{
    protected override string DirPrefix => "fastnode-repl-";

    private ServerProcesses.Running FastNodeReplicaOf(ServerProcesses.Running primary, string extra = "") =>
        FastNode($"--replicaof 127.0.0.1 {primary.Port} {extra}");


    /// <summary>The replica's link is up and it processed everything the primary had appended when asked.</summary>
    private static void WaitInSync(ServerProcesses.Running primary, ServerProcesses.Running replica)
    {
        WaitUntil(() =>
        {
            var p = Info(primary.Port);
            var r = Info(replica.Port);
            return r["master_link_status"] == "up" && r["slave_repl_offset"] == p["master_repl_offset"];
        }, $"replica {replica.Port} in sync with {primary.Port}\nprimary log:\n{primary.Log}\nreplica log:\n{replica.Log}");
    }

    private static void AssertSameData(ServerProcesses.Running expected, ServerProcesses.Running actual)
    {
        string want = DatasetDump.Read(expected.Port);
        Assert.That(want, Is.Not.Empty);
        Assert.That(DatasetDump.Read(actual.Port), Is.EqualTo(want));
    }

    private static ConnectionMultiplexer Connect(int port)
    {
        var config = new ConfigurationOptions { AllowAdmin = true, ConnectTimeout = 10_000, SyncTimeout = 10_000 };
        config.EndPoints.Add("127.0.0.1", port);
        return ConnectionMultiplexer.Connect(config);
    }

    /// <summary>Writes of every kind after the initial sync: blocking pops served by pushes, EXEC, TTLs, expiry, SPOP.</summary>
    private static void WriteEverything(int port)
    {
        using (var c = RawClient.Connect(port))
        {
            Assert.That(c.Call("SET", "after", "1", "EX", "1000"), Is.EqualTo("+OK\r\n"));
            c.Call("INCRBYFLOAT", "f", "1.5");
            c.Call("HINCRBYFLOAT", "hf", "x", "2.25");
            c.Call("SADD", "sp", "a", "b", "c", "d");
            c.Call("SPOP", "sp");
            c.Call("ZADD", "zz", "1", "a", "2", "b");
            c.Call("ZPOPMIN", "zz");
            c.Call("SET", "gone", "x", "PX", "1");
            c.Call("PEXPIRE", "s:0", "100000");
            c.Call("MULTI");
            c.Call("SELECT", "2");
            c.Call("LPUSH", "tx", "1", "2");
            c.Call("SELECT", "0");
            c.Call("RPOPLPUSH", "l:0", "moved");
            Assert.That(c.Call("EXEC"), Does.StartWith("*4"));
        }
        // A blocked BLPOP served by an LPUSH from another client.
        using var blocked = RawClient.Connect(port);
        blocked.Send("*3\r\n$5\r\nBLPOP\r\n$5\r\nqueue\r\n$1\r\n0\r\n");
        Thread.Sleep(100);
        using (var pusher = RawClient.Connect(port)) pusher.Call("RPUSH", "queue", "job1", "job2");
        Assert.That(blocked.ReadReply(), Does.Contain("job1"));
        Thread.Sleep(20);   // "gone" has expired: reading it deletes it on the primary, which the stream carries
        using (var c = RawClient.Connect(port)) Assert.That(c.Call("GET", "gone"), Is.EqualTo("$-1\r\n"));
    }

    [Test]
    public void FastNodeReplicaFollowsFastNodePrimary()
    {
        var primary = FastNode();
        DatasetDump.Fill(primary.Port);
        var replica = FastNodeReplicaOf(primary);
        WaitInSync(primary, replica);
        AssertSameData(primary, replica);

        WriteEverything(primary.Port);
        WaitInSync(primary, replica);
        AssertSameData(primary, replica);

        Assert.That(Call(replica.Port, "SET", "x", "1"), Is.EqualTo("-READONLY You can't write against a read only replica.\r\n"));
        Assert.That(Call(replica.Port, "GET", "after"), Is.EqualTo("$1\r\n1\r\n"));

        var p = Info(primary.Port);
        var r = Info(replica.Port);
        Assert.That(p["role"], Is.EqualTo("master"));
        Assert.That(p["connected_slaves"], Is.EqualTo("1"));
        Assert.That(p["slave0"], Does.Match($"^ip=127\\.0\\.0\\.1,port={replica.Port},state=online,offset=\\d+,lag=\\d+$"));
        Assert.That(p["master_replid"], Does.Match("^[0-9a-f]{40}$"));
        Assert.That(p["repl_backlog_active"], Is.EqualTo("1"));
        Assert.That(r["role"], Is.EqualTo("slave"));
        Assert.That(r["master_host"], Is.EqualTo("127.0.0.1"));
        Assert.That(r["master_port"], Is.EqualTo(primary.Port.ToString()));
        Assert.That(r["master_replid"], Is.EqualTo(p["master_replid"]));
        Assert.That(r["slave_read_only"], Is.EqualTo("1"));
        Assert.That(Info(primary.Port, "stats")["sync_full"], Is.EqualTo("1"));

        Assert.That(Call(primary.Port, "ROLE"), Does.StartWith("*3\r\n$6\r\nmaster\r\n:"));
        Assert.That(Call(replica.Port, "ROLE"), Does.StartWith($"*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:{primary.Port}\r\n$9\r\nconnected\r\n:"));
        Assert.That(Call(replica.Port, "REPLICAOF", "127.0.0.1", primary.Port.ToString()), Is.EqualTo("+OK Already connected to specified master\r\n"));
    }

    [Test]
    public void KilledLinkResumesWithPartialResync()
    {
        var primary = FastNode();
        var replica = FastNodeReplicaOf(primary);
        DatasetDump.Fill(primary.Port);
        WaitInSync(primary, replica);
        var before = Info(primary.Port, "stats");

        Assert.That(Call(primary.Port, "CLIENT", "KILL", "TYPE", "replica"), Is.EqualTo(":1\r\n"));
        using (var c = RawClient.Connect(primary.Port))
        {
            for (int i = 0; i < 200; i++) c.Call("SET", "k" + i, "v" + i);
        }
        WaitUntil(() => Info(primary.Port, "stats")["sync_partial_ok"] != before["sync_partial_ok"], "a partial resync");
        WaitInSync(primary, replica);
        AssertSameData(primary, replica);
        var after = Info(primary.Port, "stats");
        Assert.That(after["sync_full"], Is.EqualTo(before["sync_full"]));
        Assert.That(long.Parse(after["sync_partial_ok"]), Is.EqualTo(long.Parse(before["sync_partial_ok"]) + 1));
    }

    /// <summary>A FastNode with a directory of its own (its dump.rdb must not be another node's).</summary>
    private ServerProcesses.Running FastNodeIn(string name, int port, string extra = "")
    {
        string dir = Directory.CreateDirectory(Path.Combine(Dir, name)).FullName;
        return Processes.FastNode(port, $"--dir {dir} {extra}").Ready();
    }

    [Test]
    public void ReplicaRestartedFromItsDumpContinuesPartially()
    {
        var primary = FastNodeIn("primary", ServerProcesses.FreePort());
        int replicaPort = ServerProcesses.FreePort();
        var replica = FastNodeIn("replica", replicaPort, $"--replicaof 127.0.0.1 {primary.Port}");
        DatasetDump.Fill(primary.Port);
        WaitInSync(primary, replica);
        Assert.That(Call(replica.Port, "SAVE"), Is.EqualTo("+OK\r\n"));
        replica.Kill9();
        using (var c = RawClient.Connect(primary.Port))
        {
            c.Call("SELECT", "2");   // the stream goes on in another database than the dump's point had selected
            for (int i = 0; i < 100; i++) c.Call("SET", "after:" + i, i.ToString());
        }
        var before = Info(primary.Port, "stats");

        replica = FastNodeIn("replica", replicaPort, $"--replicaof 127.0.0.1 {primary.Port}");
        WaitInSync(primary, replica);
        var after = Info(primary.Port, "stats");
        Assert.That(after["sync_full"], Is.EqualTo(before["sync_full"]), "no full sync after the restart");
        Assert.That(long.Parse(after["sync_partial_ok"]), Is.EqualTo(long.Parse(before["sync_partial_ok"]) + 1));
        AssertSameData(primary, replica);
    }

    [Test]
    public void FastNodeReplicaOfRedisRestartedFromItsDumpContinuesPartially()
    {
        var primary = Redis();
        int replicaPort = ServerProcesses.FreePort();
        var replica = FastNodeIn("replica", replicaPort, $"--replicaof 127.0.0.1 {primary.Port}");
        for (int i = 0; i < 100; i++) Call(primary.Port, "SET", "before:" + i, i.ToString());
        WaitInSync(primary, replica);
        Assert.That(Call(replica.Port, "SAVE"), Is.EqualTo("+OK\r\n"));
        replica.Kill9();
        for (int i = 0; i < 100; i++) Call(primary.Port, "SET", "after:" + i, i.ToString());
        var before = Info(primary.Port, "stats");

        replica = FastNodeIn("replica", replicaPort, $"--replicaof 127.0.0.1 {primary.Port}");
        WaitInSync(primary, replica);
        var after = Info(primary.Port, "stats");
        Assert.That(after["sync_full"], Is.EqualTo(before["sync_full"]), "redis-server did not sync it in full again");
        Assert.That(long.Parse(after["sync_partial_ok"]), Is.EqualTo(long.Parse(before["sync_partial_ok"]) + 1));
        AssertSameData(primary, replica);
    }

    [Test]
    public void ReplicasContinuePartiallyWithAPrimaryRestartedFromItsDump()
    {
        int primaryPort = ServerProcesses.FreePort();
        var primary = FastNodeIn("primary", primaryPort);
        var replica = FastNodeIn("replica", ServerProcesses.FreePort(), $"--replicaof 127.0.0.1 {primaryPort}");
        DatasetDump.Fill(primary.Port);
        WaitInSync(primary, replica);
        Assert.That(Call(primary.Port, "SAVE"), Is.EqualTo("+OK\r\n"));
        primary.Kill9();

        primary = FastNodeIn("primary", primaryPort);
        Assert.That(Info(primary.Port)["master_replid2"], Is.EqualTo(Info(replica.Port)["master_replid"]), "the old history is the second id");
        WaitInSync(primary, replica);
        var stats = Info(primary.Port, "stats");
        Assert.That((stats["sync_full"], stats["sync_partial_ok"]), Is.EqualTo(("0", "1")), "the replica continued partially");
        Call(primary.Port, "SET", "after", "1");
        WaitUntil(() => Call(replica.Port, "GET", "after") == "$1\r\n1\r\n", "the replica follows the restarted primary");
        AssertSameData(primary, replica);
    }

    [Test]
    public void ReplicaKilledUnderLoadCatchesUpAfterRestart()
    {
        var primary = FastNode();
        int replicaPort = ServerProcesses.FreePort();
        var replica = Processes.FastNode(replicaPort, $"--dir {Dir} --replicaof 127.0.0.1 {primary.Port}").Ready();
        WaitInSync(primary, replica);

        using var stop = new CancellationTokenSource();
        var load = Task.Run(() =>
        {
            using var c = RawClient.Connect(primary.Port);
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                c.Call("SET", "load:" + (i % 5000), i.ToString());
                c.Call("LPUSH", "log", i.ToString());
                c.Call("LTRIM", "log", "0", "99");
            }
        });
        // A pipelined writer too: commands cut across reads of the replica's link, values above and below the
        // reader's carry-over threshold.
        var pipelined = Task.Run(() =>
        {
            using var c = RawClient.Connect(primary.Port);
            var value = new string('v', 3000);
            var large = new string('L', 20_000);
            for (int round = 0; !stop.IsCancellationRequested; round++)
            {
                var batch = new System.Text.StringBuilder();
                for (int i = 0; i < 100; i++)
                {
                    string v = i % 10 == 0 ? large : value;
                    batch.Append($"*3\r\n$3\r\nSET\r\n$6\r\np:{i:D4}\r\n${v.Length}\r\n{v}\r\n");
                }
                c.Send(batch.ToString());
                for (int i = 0; i < 100; i++) c.ReadReply();
            }
        });
        Thread.Sleep(500);
        replica.Kill9();
        Thread.Sleep(300);
        replica = Processes.FastNode(replicaPort, $"--dir {Dir} --replicaof 127.0.0.1 {primary.Port}").Ready();
        Thread.Sleep(500);
        stop.Cancel();
        load.Wait(TimeSpan.FromSeconds(30));
        pipelined.Wait(TimeSpan.FromSeconds(30));
        WaitInSync(primary, replica);
        AssertSameData(primary, replica);
    }

    [Test]
    public void AReplicaPastItsOutputLimitIsDroppedAndSyncsAgain()
    {
        var primary = FastNode("--client-output-buffer-limit replica 1mb 0 0");
        var replica = FastNodeReplicaOf(primary);
        WaitInSync(primary, replica);
        // A stopped replica reads nothing: what the primary has for it piles up past the 1 MB hard limit.
        replica.Pause();
        try
        {
            using var c = RawClient.Connect(primary.Port);
            var value = new string('x', 10_000);
            // Past the output pipe (4 MB) and the loopback socket buffers too, which also hold unsent stream.
            for (int i = 0; i < 4000 && Info(primary.Port)["connected_slaves"] != "0"; i++) c.Call("SET", "big:" + (i % 2000), value);
            WaitUntil(() => Info(primary.Port)["connected_slaves"] == "0", "the stopped replica dropped");
        }
        finally
        {
            replica.Resume();
        }
        Assert.That(primary.Log, Does.Contain("output buffer"));
        // It missed more than the backlog holds: it comes back with a full sync and the same data.
        WaitUntil(() => Info(primary.Port, "stats")["sync_full"] == "2", "a second full sync");
        WaitInSync(primary, replica);
        AssertSameData(primary, replica);
    }

    [Test]
    public void ChainedReplicasPassTheStreamOn()
    {
        var primary = FastNode();
        DatasetDump.Fill(primary.Port);
        var middle = FastNodeReplicaOf(primary);
        using var writer = RawClient.Connect(primary.Port);
        writer.Call("SELECT", "5");
        writer.Call("SET", "in5", "a");
        WaitInSync(primary, middle);
        // The leaf joins while the stream has database 5 selected: its next record carries no SELECT.
        var leaf = FastNodeReplicaOf(middle);
        WaitInSync(middle, leaf);
        writer.Call("SET", "in5", "b");
        WriteEverything(primary.Port);
        WaitInSync(primary, middle);
        WaitInSync(middle, leaf);
        AssertSameData(primary, middle);
        AssertSameData(primary, leaf);
        using (var c = RawClient.Connect(leaf.Port))
        {
            c.Call("SELECT", "5");
            Assert.That(c.Call("GET", "in5"), Is.EqualTo("$1\r\nb\r\n"));
        }
        // The same history all down the chain: ids and offsets match byte for byte.
        Assert.That(Info(leaf.Port)["master_replid"], Is.EqualTo(Info(primary.Port)["master_replid"]));
        Assert.That(Info(leaf.Port)["master_repl_offset"], Is.EqualTo(Info(primary.Port)["master_repl_offset"]));
    }

    [Test]
    public void WaitCountsReplicasThatAcknowledged()
    {
        var primary = FastNode();
        var one = FastNodeReplicaOf(primary);
        var two = FastNodeReplicaOf(primary);
        WaitInSync(primary, one);
        WaitInSync(primary, two);
        using var c = RawClient.Connect(primary.Port);
        c.Call("SET", "w", "1");
        Assert.That(c.Call("WAIT", "2", "10000"), Is.EqualTo(":2\r\n"));
        c.Call("SET", "w", "2");
        Assert.That(c.Call("WAIT", "3", "300"), Is.EqualTo(":2\r\n"));
        Assert.That(Call(one.Port, "WAIT", "1", "0"), Does.StartWith("-ERR WAIT cannot be used with replica instances."));
    }

    [Test]
    public void MinReplicasToWriteRefusesWritesWithoutGoodReplicas()
    {
        var primary = FastNode("--min-replicas-to-write 1");
        Assert.That(Call(primary.Port, "SET", "a", "1"), Is.EqualTo("-NOREPLICAS Not enough good replicas to write.\r\n"));
        var replica = FastNodeReplicaOf(primary);
        WaitUntil(() => Call(primary.Port, "SET", "a", "1") == "+OK\r\n", "a write accepted with one replica");
        WaitInSync(primary, replica);
    }

    [Test]
    public void ReplicaOfNoOneKeepsDataAndLetsSiblingsContinue()
    {
        var primary = FastNode();
        DatasetDump.Fill(primary.Port);
        var promoted = FastNodeReplicaOf(primary);
        var sibling = FastNodeReplicaOf(primary);
        WaitInSync(primary, promoted);
        WaitInSync(primary, sibling);
        string oldId = Info(primary.Port)["master_replid"];
        string offset = Info(promoted.Port)["master_repl_offset"];

        Assert.That(Call(promoted.Port, "REPLICAOF", "NO", "ONE"), Is.EqualTo("+OK\r\n"));
        var info = Info(promoted.Port);
        Assert.That(info["role"], Is.EqualTo("master"));
        Assert.That(info["master_replid2"], Is.EqualTo(oldId));
        Assert.That(info["second_repl_offset"], Is.EqualTo((long.Parse(offset) + 1).ToString()));
        Assert.That(Call(promoted.Port, "SET", "new", "1"), Is.EqualTo("+OK\r\n"));
        AssertSameDataExcept(primary, promoted, "new");

        // The old sibling follows the promoted one and continues from its offset (PSYNC2), with no full sync.
        primary.Kill9();
        Assert.That(Call(sibling.Port, "REPLICAOF", "127.0.0.1", promoted.Port.ToString()), Is.EqualTo("+OK\r\n"));
        WaitInSync(promoted, sibling);
        Assert.That(Call(sibling.Port, "GET", "new"), Is.EqualTo("$1\r\n1\r\n"));
        var stats = Info(promoted.Port, "stats");
        Assert.That(stats["sync_partial_ok"], Is.EqualTo("1"));
        Assert.That(stats["sync_full"], Is.EqualTo("0"));
    }

    private static void AssertSameDataExcept(ServerProcesses.Running expected, ServerProcesses.Running actual, string extraKey)
    {
        string hex = Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(extraKey));
        string without = string.Join("\n", DatasetDump.Read(actual.Port).Split('\n').Where(l => !l.StartsWith($"0 {hex} ")));
        Assert.That(without, Is.EqualTo(DatasetDump.Read(expected.Port)));
    }

    [Test]
    public void ReplicaOfADownPrimaryRetriesQuietlyWithTheLinkDown()
    {
        int nobody = ServerProcesses.FreePort();
        var replica = FastNode($"--replicaof 127.0.0.1 {nobody}");
        Thread.Sleep(3500);
        var info = Info(replica.Port);
        Assert.That(info["master_link_status"], Is.EqualTo("down"));
        Assert.That(info, Does.ContainKey("master_link_down_since_seconds"));
        int failures = replica.Log.Split('\n').Count(l => l.Contains("Replication link to MASTER"));
        Assert.That(failures, Is.InRange(1, 6), replica.Log);

        // Pointed at itself: the link never comes up, and the server keeps serving.
        Assert.That(Call(replica.Port, "REPLICAOF", "127.0.0.1", replica.Port.ToString()), Is.EqualTo("+OK\r\n"));
        Thread.Sleep(1500);
        Assert.That(Info(replica.Port)["master_link_status"], Is.EqualTo("down"));
        Assert.That(Call(replica.Port, "PING"), Is.EqualTo("+PONG\r\n"));
    }

    [Test]
    public void PrimaryVanishingLeavesTheReplicaWithItsDataAndLinkDown()
    {
        var primary = FastNode();
        DatasetDump.Fill(primary.Port);
        var replica = FastNodeReplicaOf(primary);
        WaitInSync(primary, replica);
        string data = DatasetDump.Read(replica.Port);
        primary.Kill9();
        WaitUntil(() => Info(replica.Port)["master_link_status"] == "down", "link down");
        Assert.That(DatasetDump.Read(replica.Port), Is.EqualTo(data));
    }

    [Test]
    public void APrimaryVanishingMidTransferLeavesTheOldData()
    {
        var replica = FastNode();
        DatasetDump.Fill(replica.Port);
        string data = DatasetDump.Read(replica.Port);

        // A fake primary: answers the handshake, announces a 1 MB snapshot, sends a few bytes of it and vanishes.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        int transfers = 0;
        var fake = Task.Run(() =>
        {
            while (true)
            {
                System.Net.Sockets.TcpClient client;
                try
                {
                    client = listener.AcceptTcpClient();
                }
                catch (System.Net.Sockets.SocketException)
                {
                    return;
                }
                using (client)
                {
                    var stream = client.GetStream();
                    var reader = new StreamReader(stream, System.Text.Encoding.ASCII);
                    for (int commands = 0; commands < 4; commands++)
                    {
                        string? header = reader.ReadLine();
                        if (header is null || !header.StartsWith('*')) break;
                        int args = int.Parse(header[1..]);
                        string name = "";
                        for (int a = 0; a < args; a++)
                        {
                            reader.ReadLine();
                            string arg = reader.ReadLine()!;
                            if (a == 0) name = arg.ToUpperInvariant();
                        }
                        string reply = name switch
                        {
                            "PING" => "+PONG\r\n",
                            "PSYNC" => "+FULLRESYNC " + new string('a', 40) + " 0\r\n$1000000\r\nREDIS0010",
                            _ => "+OK\r\n",
                        };
                        stream.Write(System.Text.Encoding.ASCII.GetBytes(reply));
                        if (name == "PSYNC")
                        {
                            Interlocked.Increment(ref transfers);
                            break;
                        }
                    }
                }
            }
        });
        try
        {
            Assert.That(Call(replica.Port, "REPLICAOF", "127.0.0.1", port.ToString()), Is.EqualTo("+OK\r\n"));
            WaitUntil(() => Volatile.Read(ref transfers) >= 2, "two cut transfers");
            var info = Info(replica.Port);
            Assert.That(info["master_link_status"], Is.EqualTo("down"));
            Assert.That(info["master_sync_in_progress"], Is.EqualTo("0").Or.EqualTo("1"));
            Assert.That(DatasetDump.Read(replica.Port), Is.EqualTo(data));
        }
        finally
        {
            Call(replica.Port, "REPLICAOF", "NO", "ONE");
            listener.Stop();
            fake.Wait(TimeSpan.FromSeconds(10));
        }
    }

    [Test]
    public void RedisReplicaOfFastNodeEndsWithTheSameData()
    {
        var primary = FastNode();
        DatasetDump.Fill(primary.Port);
        var redis = Redis($"--replicaof 127.0.0.1 {primary.Port}");
        WaitInSync(primary, redis);
        WriteEverything(primary.Port);
        WaitInSync(primary, redis);
        AssertSameData(primary, redis);
    }

    [Test]
    public void FastNodeFollowsRedisThenBecomesAWritablePrimary()
    {
        var redis = Redis();
        DatasetDump.Fill(redis.Port);
        var replica = FastNodeReplicaOf(redis);
        WaitInSync(redis, replica);
        WriteEverything(redis.Port);
        WaitInSync(redis, replica);
        AssertSameData(redis, replica);

        Assert.That(Call(replica.Port, "REPLICAOF", "NO", "ONE"), Is.EqualTo("+OK\r\n"));
        Assert.That(Call(replica.Port, "SET", "mine", "1"), Is.EqualTo("+OK\r\n"));
        AssertSameDataExcept(redis, replica, "mine");
    }

    [Test]
    public void RedisCliRdbProducesAFileRedisCheckRdbAccepts()
    {
        if (!File.Exists("/usr/bin/redis-cli") || !File.Exists("/usr/bin/redis-check-rdb")) Assert.Ignore("redis-tools are not installed");
        var primary = FastNode();
        DatasetDump.Fill(primary.Port);
        string file = Path.Combine(Dir, "copy.rdb");
        var (code, output) = ServerProcesses.Run("/usr/bin/redis-cli", $"-p {primary.Port} --rdb {file}");
        Assert.That(code, Is.EqualTo(0), output);
        var (checkCode, checkOutput) = ServerProcesses.Run("/usr/bin/redis-check-rdb", file);
        Assert.That(checkCode, Is.EqualTo(0), checkOutput);
        Assert.That(checkOutput, Does.Contain("RDB looks OK"));
    }
}
