using static FastNode.IntegrationTests.Probe;

namespace FastNode.IntegrationTests.Tls;

/// <summary>
/// TLS with real processes: redis-cli --tls, start-up with a bad certificate (a clean exit 1, as redis-server), and
/// replication over TLS (tls-replication yes) between FastNodes and with redis-server 7.0 on either side. Each replica
/// dials its primary's TLS port, which speaks nothing else, so a replica in sync proves the link is TLS.
/// </summary>
[NonParallelizable]
public sealed class TlsProcessTests : ProcessTestBase
{
    private TestCertificates _certs = null!;

    protected override string DirPrefix => "fastnode-tlsproc-";

    [SetUp]
    public void CreateCertificates() => _certs = TestCertificates.Create(Dir);

    private string TlsFiles => $"--tls-cert-file {_certs.ServerCert} --tls-key-file {_certs.ServerKey} --tls-ca-cert-file {_certs.CaFile}";

    private static void RequireRedisCli()
    {
        if (!File.Exists("/usr/bin/redis-cli")) Assert.Ignore("redis-cli is not installed");
    }

    [Test]
    public void RedisCliTalksToTheTlsPort()
    {
        RequireRedisCli();
        int tlsPort = ServerProcesses.FreePort();
        FastNode($"--tls-port {tlsPort} {TlsFiles}");
        string cli = $"-p {tlsPort} --tls --cacert {_certs.CaFile} --cert {_certs.ClientCert} --key {_certs.ClientKey}";
        var set = ServerProcesses.Run("/usr/bin/redis-cli", $"{cli} SET greeting hello");
        Assert.That(set.Output.Trim(), Is.EqualTo("OK"));
        var get = ServerProcesses.Run("/usr/bin/redis-cli", $"{cli} GET greeting");
        Assert.That(get.Output.Trim(), Is.EqualTo("hello"));
        // Without a client certificate (tls-auth-clients yes) the server refuses, as Redis does.
        var refused = ServerProcesses.Run("/usr/bin/redis-cli", $"-p {tlsPort} --tls --cacert {_certs.CaFile} PING");
        Assert.That(refused.Output, Does.Not.Contain("PONG"));
    }

    [Test]
    public void AMissingCertificateFileStopsStartUpLikeRedis()
    {
        string missing = Path.Combine(Dir, "missing.crt");
        string args = $"--port {ServerProcesses.FreePort()} --bind 127.0.0.1 --dir {Dir} --tls-port {ServerProcesses.FreePort()} --tls-cert-file {missing} --tls-key-file {_certs.ServerKey} --tls-ca-cert-file {_certs.CaFile}";
        var fastNode = ServerProcesses.Run("dotnet", $"\"{ServerProcesses.FastNodeDll}\" {args}");
        Assert.That(fastNode.ExitCode, Is.EqualTo(1), fastNode.Output);
        Assert.That(fastNode.Output, Does.Contain($"Failed to load certificate: {missing}: No such file or directory"));
        Assert.That(fastNode.Output, Does.Contain("Failed to configure TLS. Check logs for more info."));
        if (!ServerProcesses.RedisInstalled) return;
        var redis = ServerProcesses.Run("/usr/bin/redis-server", args + " --save \"\"");
        Assert.That(redis.ExitCode, Is.EqualTo(1), redis.Output);
        Assert.That(redis.Output, Does.Contain($"Failed to load certificate: {missing}:"));
    }

    [Test]
    public void NoCaWithClientAuthenticationStopsStartUpWithRedisMessage()
    {
        string args = $"--port {ServerProcesses.FreePort()} --bind 127.0.0.1 --dir {Dir} --tls-port {ServerProcesses.FreePort()} --tls-cert-file {_certs.ServerCert} --tls-key-file {_certs.ServerKey}";
        const string Line = "Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, tls-replication or tls-auth-clients are enabled!";
        var fastNode = ServerProcesses.Run("dotnet", $"\"{ServerProcesses.FastNodeDll}\" {args}");
        Assert.That(fastNode.ExitCode, Is.EqualTo(1), fastNode.Output);
        Assert.That(fastNode.Output, Does.Contain(Line));
        if (!ServerProcesses.RedisInstalled) return;
        var redis = ServerProcesses.Run("/usr/bin/redis-server", args + " --save \"\"");
        Assert.That(redis.ExitCode, Is.EqualTo(1), redis.Output);
        Assert.That(redis.Output, Does.Contain(Line));
    }

    [Test]
    public void FastNodeReplicatesFromFastNodeOverTls()
    {
        int tlsPort = ServerProcesses.FreePort();
        var primary = FastNode($"--tls-port {tlsPort} {TlsFiles}");
        Call(primary.Port, "SET", "before", "1");
        var replica = FastNode($"--tls-replication yes {TlsFiles} --replicaof 127.0.0.1 {tlsPort}");
        WaitUntil(() => Info(replica.Port)["master_link_status"] == "up", $"the replica's TLS link is up\n{replica.Log}\n{primary.Log}");
        Call(primary.Port, "SET", "after", "2");
        WaitUntil(() => Call(replica.Port, "GET", "after") == "$1\r\n2\r\n", "the stream reaches the replica");
        Assert.That(Call(replica.Port, "GET", "before"), Is.EqualTo("$1\r\n1\r\n"));
        Assert.That(Info(primary.Port)["connected_slaves"], Is.EqualTo("1"));
    }

    [Test]
    public void RedisReplicatesFromFastNodeOverTls()
    {
        int tlsPort = ServerProcesses.FreePort();
        var primary = FastNode($"--tls-port {tlsPort} {TlsFiles}");
        Call(primary.Port, "SET", "before", "1");
        var replica = Redis($"--tls-replication yes {TlsFiles} --replicaof 127.0.0.1 {tlsPort}");
        WaitUntil(() => Info(replica.Port)["master_link_status"] == "up", $"redis-server's TLS link is up\n{replica.Log}\n{primary.Log}");
        Call(primary.Port, "RPUSH", "list", "a", "b");
        WaitUntil(() => Call(replica.Port, "LLEN", "list") == ":2\r\n", "the stream reaches redis-server");
        Assert.That(Call(replica.Port, "GET", "before"), Is.EqualTo("$1\r\n1\r\n"));
    }

    [Test]
    public void FastNodeReplicatesFromRedisOverTls()
    {
        int tlsPort = ServerProcesses.FreePort();
        var primary = Redis($"--tls-port {tlsPort} {TlsFiles}");
        Call(primary.Port, "SET", "before", "1");
        var replica = FastNode($"--tls-replication yes {TlsFiles} --replicaof 127.0.0.1 {tlsPort}");
        WaitUntil(() => Info(replica.Port)["master_link_status"] == "up", $"FastNode's TLS link to redis-server is up\n{replica.Log}\n{primary.Log}");
        Call(primary.Port, "HSET", "h", "f", "v");
        WaitUntil(() => Call(replica.Port, "HGET", "h", "f") == "$1\r\nv\r\n", "the stream reaches FastNode");
        Assert.That(Call(replica.Port, "GET", "before"), Is.EqualTo("$1\r\n1\r\n"));
    }

    [Test]
    public void AReplicaWithoutTlsReplicationCannotSyncFromTheTlsPort()
    {
        int tlsPort = ServerProcesses.FreePort();
        var primary = FastNode($"--tls-port {tlsPort} {TlsFiles}");
        var replica = FastNode($"--replicaof 127.0.0.1 {tlsPort}");
        // Give it a few attempts (one a second): it never gets a reply it understands.
        Thread.Sleep(3000);
        Assert.That(Info(replica.Port)["master_link_status"], Is.EqualTo("down"));
        Assert.That(Call(primary.Port, "PING"), Is.EqualTo("+PONG\r\n"));
    }
}
