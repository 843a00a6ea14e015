using System.Net.Sockets;
using FastNode.Server.Config;
using StackExchange.Redis;

namespace FastNode.IntegrationTests.Tls;

/// <summary>
/// The TLS listener in-process: clients over TLS (a bare client, StackExchange.Redis with ssl=true), client certificates
/// per tls-auth-clients, a plaintext client and a handshake that never comes, and the tls-* settings at run time:
/// certificate reload, a missing file refused with the old certificate kept, tls-port moved.
/// </summary>
[NonParallelizable]
public sealed class TlsListenerTests
{
    private string _dir = null!;
    private TestCertificates _certs = null!;

    [OneTimeSetUp]
    public void CreateCertificates()
    {
        _dir = Directory.CreateTempSubdirectory("fastnode-tls-").FullName;
        _certs = TestCertificates.Create(_dir);
    }

    [OneTimeTearDown]
    public void DeleteCertificates() => Directory.Delete(_dir, recursive: true);

    private TestServer Start(string authClients = "yes", Action<ServerOptions>? configure = null) => TestServer.Start(o =>
    {
        o.Tls.Port = ServerProcesses.FreePort();
        o.Tls.CertFile = _certs.ServerCert;
        o.Tls.KeyFile = _certs.ServerKey;
        o.Tls.CaCertFile = _certs.CaFile;
        o.Tls.AuthClients = authClients;
        configure?.Invoke(o);
    });

    [Test]
    public async Task CommandsRunOverTlsWithAClientCertificate()
    {
        await using var server = Start();
        using var client = TlsClient.Connect(server.Host.TlsPort, _certs, _certs.ClientCertificate());
        Assert.That(client.Call("SET", "k", "v"), Is.EqualTo("+OK\r\n"));
        Assert.That(client.Call("GET", "k"), Is.EqualTo("$1\r\nv\r\n"));
        // The plain port serves the same data.
        using var plain = server.ConnectRaw();
        Assert.That(plain.Call("GET", "k"), Is.EqualTo("$1\r\nv\r\n"));
        Assert.That(client.ServerCertificate.Subject, Is.EqualTo("CN=localhost"));
    }

    [Test]
    public async Task AuthClientsYesRefusesAClientWithoutACertificateOrWithAnUntrustedOne()
    {
        await using var server = Start("yes");
        Assert.That(() =>
        {
            using var c = TlsClient.Connect(server.Host.TlsPort, _certs);
            c.Call("PING");
        }, Throws.InstanceOf<Exception>());
        var stranger = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(_certs.StrangerCert, _certs.StrangerKey);
        Assert.That(() =>
        {
            using var c = TlsClient.Connect(server.Host.TlsPort, _certs, stranger);
            c.Call("PING");
        }, Throws.InstanceOf<Exception>());
        // The listener goes on serving good clients.
        using var good = TlsClient.Connect(server.Host.TlsPort, _certs, _certs.ClientCertificate());
        Assert.That(good.Call("PING"), Is.EqualTo("+PONG\r\n"));
    }

    [Test]
    public async Task AuthClientsOptionalLetsAClientWithoutACertificateInButNotAnUntrustedOne()
    {
        await using var server = Start("optional");
        using (var anonymous = TlsClient.Connect(server.Host.TlsPort, _certs))
            Assert.That(anonymous.Call("PING"), Is.EqualTo("+PONG\r\n"));
        var stranger = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(_certs.StrangerCert, _certs.StrangerKey);
        Assert.That(() =>
        {
            using var c = TlsClient.Connect(server.Host.TlsPort, _certs, stranger);
            c.Call("PING");
        }, Throws.InstanceOf<Exception>());
    }

    [Test]
    public async Task ACaDirectoryIsReadAndAMissingCaFileIsRefused()
    {
        string caDir = Path.Combine(_dir, "cadir");
        Directory.CreateDirectory(caDir);
        File.Copy(_certs.CaFile, Path.Combine(caDir, "ca.pem"), overwrite: true);
        File.WriteAllText(Path.Combine(caDir, "README"), "not a certificate");
        await using var server = Start("yes", o =>
        {
            o.Tls.CaCertFile = "";
            o.Tls.CaCertDir = caDir;
        });
        using (var client = TlsClient.Connect(server.Host.TlsPort, _certs, _certs.ClientCertificate()))
            Assert.That(client.Call("PING"), Is.EqualTo("+PONG\r\n"));
        using var admin = server.ConnectRaw();
        Assert.That(admin.Call("CONFIG", "SET", "tls-ca-cert-file", Path.Combine(_dir, "missing-ca.crt")),
            Is.EqualTo("-ERR CONFIG SET failed (possibly related to argument 'tls-ca-cert-file') - Unable to update TLS configuration. Check server logs.\r\n"));
        Assert.That(admin.Call("CONFIG", "GET", "tls-ca-cert-file"), Is.EqualTo("*2\r\n$16\r\ntls-ca-cert-file\r\n$0\r\n\r\n"));
        using (var client = TlsClient.Connect(server.Host.TlsPort, _certs, _certs.ClientCertificate()))
            Assert.That(client.Call("PING"), Is.EqualTo("+PONG\r\n"));
    }

    [Test]
    public async Task AuthClientsNoNeedsNoCaAtAll()
    {
        await using var server = Start("no", o => o.Tls.CaCertFile = "");
        using var anonymous = TlsClient.Connect(server.Host.TlsPort, _certs);
        Assert.That(anonymous.Call("PING"), Is.EqualTo("+PONG\r\n"));
    }

    [Test]
    public async Task StackExchangeRedisWithSslTrueWorks()
    {
        await using var server = Start("optional");
        var config = new ConfigurationOptions { Ssl = true, SslHost = "localhost", AbortOnConnectFail = true, ConnectTimeout = 20_000, SyncTimeout = 20_000 };
        config.EndPoints.Add("127.0.0.1", server.Host.TlsPort);
        config.CertificateValidation += (_, cert, _, _) => _certs.Trusts(cert);
        using var mux = await ConnectionMultiplexer.ConnectAsync(config);
        var db = mux.GetDatabase();
        await db.StringSetAsync("se", "redis");
        Assert.That((string?)await db.StringGetAsync("se"), Is.EqualTo("redis"));
        Assert.That(await db.StringIncrementAsync("n", 5), Is.EqualTo(5));
    }

    [Test]
    public async Task StackExchangeRedisPresentsAClientCertificateWhenRequired()
    {
        await using var server = Start("yes");
        var config = new ConfigurationOptions { Ssl = true, SslHost = "localhost", AbortOnConnectFail = true, ConnectTimeout = 20_000, SyncTimeout = 20_000 };
        config.EndPoints.Add("127.0.0.1", server.Host.TlsPort);
        config.CertificateValidation += (_, cert, _, _) => _certs.Trusts(cert);
        var clientCertificate = _certs.ClientCertificate();
        config.CertificateSelection += delegate { return clientCertificate; };
        using var mux = await ConnectionMultiplexer.ConnectAsync(config);
        Assert.That((string?)await mux.GetDatabase().ExecuteAsync("PING"), Is.EqualTo("PONG"));
    }

    [Test]
    public async Task APlaintextClientOnTheTlsPortIsClosedAndTheServerGoesOn()
    {
        await using var server = Start("optional");
        using (var plaintext = RawClient.Connect(server.Host.TlsPort))
        {
            plaintext.Send("PING\r\n");
            Assert.That(plaintext.IsClosedByServer(10_000), Is.True, "a plaintext client must be closed");
        }
        using var client = TlsClient.Connect(server.Host.TlsPort, _certs);
        Assert.That(client.Call("PING"), Is.EqualTo("+PONG\r\n"));
        using var plain = server.ConnectRaw();
        Assert.That(plain.Call("PING"), Is.EqualTo("+PONG\r\n"));
    }

    [Test]
    public async Task AHandshakeThatNeverComesTimesOut()
    {
        await using var server = Start("optional", o => o.Tls.HandshakeTimeout = TimeSpan.FromSeconds(1));
        using var silent = RawClient.Connect(server.Host.TlsPort);
        // Sends nothing: the server gives up on the handshake and closes.
        Assert.That(silent.IsClosedByServer(20_000), Is.True);
    }

    [Test]
    public async Task ConfigSetOfAMissingCertificateIsRefusedAndTheOldCertificateStays()
    {
        await using var server = Start("optional");
        using var admin = server.ConnectRaw();
        Assert.That(admin.Call("CONFIG", "SET", "tls-cert-file", Path.Combine(_dir, "missing.crt")),
            Is.EqualTo("-ERR CONFIG SET failed (possibly related to argument 'tls-cert-file') - Unable to update TLS configuration. Check server logs.\r\n"));
        Assert.That(admin.Call("CONFIG", "GET", "tls-cert-file"), Does.Contain(_certs.ServerCert));
        // A key that does not belong to the certificate is refused too.
        Assert.That(admin.Call("CONFIG", "SET", "tls-cert-file", _certs.RenewedCert), Does.StartWith("-ERR CONFIG SET failed (possibly related to argument 'tls-cert-file') - Unable to update TLS configuration"));
        using var client = TlsClient.Connect(server.Host.TlsPort, _certs);
        Assert.That(client.ServerCertificate.Subject, Is.EqualTo("CN=localhost"));
    }

    [Test]
    public async Task ConfigSetOfCertificateAndKeyTogetherReloadsThemForNewConnections()
    {
        await using var server = Start("optional");
        using var before = TlsClient.Connect(server.Host.TlsPort, _certs);
        using var admin = server.ConnectRaw();
        Assert.That(admin.Call("CONFIG", "SET", "tls-cert-file", _certs.RenewedCert, "tls-key-file", _certs.RenewedKey), Is.EqualTo("+OK\r\n"));
        using var after = TlsClient.Connect(server.Host.TlsPort, _certs);
        Assert.That(after.ServerCertificate.Subject, Is.EqualTo("CN=fastnode-renewed"));
        // A connection made before keeps working.
        Assert.That(before.Call("PING"), Is.EqualTo("+PONG\r\n"));
        Assert.That(before.ServerCertificate.Subject, Is.EqualTo("CN=localhost"));
    }

    [Test]
    public async Task AnEncryptedKeyLoadsWithTlsKeyFilePassAndIsRefusedWithoutIt()
    {
        await using var server = Start("optional", o =>
        {
            o.Tls.KeyFile = _certs.EncryptedServerKey;
            o.Tls.KeyFilePass = TestCertificates.KeyPassword;
        });
        using (var client = TlsClient.Connect(server.Host.TlsPort, _certs)) Assert.That(client.Call("PING"), Is.EqualTo("+PONG\r\n"));
        using var admin = server.ConnectRaw();
        Assert.That(admin.Call("CONFIG", "SET", "tls-key-file-pass", "wrong"), Does.Contain("Unable to update TLS configuration"));
        Assert.That(admin.Call("CONFIG", "GET", "tls-key-file-pass"), Does.Contain(TestCertificates.KeyPassword));
        using (var client = TlsClient.Connect(server.Host.TlsPort, _certs)) Assert.That(client.Call("PING"), Is.EqualTo("+PONG\r\n"));
    }

    [Test]
    public async Task ConfigSetTlsPortMovesTheListener()
    {
        await using var server = Start("optional");
        int old = server.Host.TlsPort;
        int moved = ServerProcesses.FreePort();
        using var admin = server.ConnectRaw();
        Assert.That(admin.Call("CONFIG", "SET", "tls-port", moved.ToString()), Is.EqualTo("+OK\r\n"));
        Assert.That(server.Host.TlsPort, Is.EqualTo(moved));
        using (var client = TlsClient.Connect(moved, _certs)) Assert.That(client.Call("PING"), Is.EqualTo("+PONG\r\n"));
        Assert.That(() => new TcpClient("127.0.0.1", old).Dispose(), Throws.InstanceOf<SocketException>());
        // A port in use is refused and the listener stays where it was.
        using var taken = new TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        int busy = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        Assert.That(admin.Call("CONFIG", "SET", "tls-port", busy.ToString()),
            Is.EqualTo("-ERR CONFIG SET failed (possibly related to argument 'tls-port') - Unable to listen on this port. Check server logs.\r\n"));
        Assert.That(admin.Call("CONFIG", "GET", "tls-port"), Does.Contain(moved.ToString()));
        using (var client = TlsClient.Connect(moved, _certs)) Assert.That(client.Call("PING"), Is.EqualTo("+PONG\r\n"));
        Assert.That(admin.Call("CONFIG", "SET", "tls-port", "0"), Is.EqualTo("+OK\r\n"));
        Assert.That(() => new TcpClient("127.0.0.1", moved).Dispose(), Throws.InstanceOf<SocketException>());
    }

    [Test]
    public async Task TlsSettingsHaveRedisDefaultsAndChecks()
    {
        await using var server = TestServer.Start();
        using var c = server.ConnectRaw();
        var expected = new Dictionary<string, string>
        {
            ["tls-port"] = "0", ["tls-auth-clients"] = "yes", ["tls-replication"] = "no", ["tls-cluster"] = "no",
            ["tls-prefer-server-ciphers"] = "no", ["tls-session-caching"] = "yes", ["tls-session-cache-size"] = "20480",
            ["tls-session-cache-timeout"] = "300", ["tls-cert-file"] = "", ["tls-protocols"] = "", ["tls-ciphers"] = "",
            ["tls-ciphersuites"] = "", ["tls-ca-cert-dir"] = "", ["tls-key-file-pass"] = "", ["tls-dh-params-file"] = "",
            ["tls-client-cert-file"] = "", ["cluster-announce-tls-port"] = "0",
        };
        foreach (var (name, value) in expected)
            Assert.That(c.Call("CONFIG", "GET", name), Is.EqualTo($"*2\r\n${name.Length}\r\n{name}\r\n${value.Length}\r\n{value}\r\n"), name);
        Assert.That(c.Call("CONFIG", "SET", "tls-auth-clients", "maybe"),
            Is.EqualTo("-ERR CONFIG SET failed (possibly related to argument 'tls-auth-clients') - argument(s) must be one of the following: no, yes, optional\r\n"));
        Assert.That(c.Call("CONFIG", "SET", "tls-port", "99999"),
            Is.EqualTo("-ERR CONFIG SET failed (possibly related to argument 'tls-port') - argument must be between 0 and 65535 inclusive\r\n"));
        // Turning TLS on without a certificate is refused, as in Redis.
        Assert.That(c.Call("CONFIG", "SET", "tls-port", ServerProcesses.FreePort().ToString()),
            Is.EqualTo("-ERR CONFIG SET failed (possibly related to argument 'tls-port') - Unable to update TLS configuration. Check server logs.\r\n"));
        Assert.That(c.Call("CONFIG", "GET", "tls-port"), Is.EqualTo("*2\r\n$8\r\ntls-port\r\n$1\r\n0\r\n"));
    }

    [Test]
    public async Task BadProtocolsAndCiphersAreRefusedWhileTlsIsOn()
    {
        await using var server = Start("optional");
        using var c = server.ConnectRaw();
        Assert.That(c.Call("CONFIG", "SET", "tls-protocols", "TLSv1.9"), Does.Contain("Unable to update TLS configuration"));
        Assert.That(c.Call("CONFIG", "SET", "tls-ciphers", "GARBAGE"), Does.Contain("Unable to update TLS configuration"));
        Assert.That(c.Call("CONFIG", "SET", "tls-ciphersuites", "GARBAGE"), Does.Contain("Unable to update TLS configuration"));
        Assert.That(c.Call("CONFIG", "SET", "tls-protocols", "TLSv1.3"), Is.EqualTo("+OK\r\n"));
        Assert.That(c.Call("CONFIG", "SET", "tls-ciphersuites", "TLS_AES_256_GCM_SHA384"), Is.EqualTo("+OK\r\n"));
        Assert.That(c.Call("CONFIG", "SET", "tls-ciphers", "DEFAULT:!MEDIUM"), Is.EqualTo("+OK\r\n"));
        using var client = TlsClient.Connect(server.Host.TlsPort, _certs);
        Assert.That(client.Call("PING"), Is.EqualTo("+PONG\r\n"));
    }
}
