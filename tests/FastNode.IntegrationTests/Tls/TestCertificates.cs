using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FastNode.IntegrationTests.Tls;

/// <summary>
/// A throwaway CA with server and client certificates signed by it, written as PEM files into a directory (as
/// redis-server, redis-cli and FastNode read them). Also a second CA, so a test can present a certificate that is
/// well formed but not trusted. Valid for a day; RSA 2048 so OpenSSL's default security level accepts them.
/// </summary>
public sealed class TestCertificates
{
    private TestCertificates(string dir) => Dir = dir;

    public string Dir { get; }
    public string CaFile => Path.Combine(Dir, "ca.crt");
    public string ServerCert => Path.Combine(Dir, "server.crt");
    public string ServerKey => Path.Combine(Dir, "server.key");
    public string ClientCert => Path.Combine(Dir, "client.crt");
    public string ClientKey => Path.Combine(Dir, "client.key");
    /// <summary>A second server certificate from the same CA with another subject (CN=fastnode-renewed), for reload tests.</summary>
    public string RenewedCert => Path.Combine(Dir, "renewed.crt");
    public string RenewedKey => Path.Combine(Dir, "renewed.key");
    /// <summary>The server key again, encrypted (PKCS#8) with <see cref="KeyPassword"/>.</summary>
    public string EncryptedServerKey => Path.Combine(Dir, "server-encrypted.key");
    public const string KeyPassword = "s3cret-pass";

    /// <summary>A client certificate signed by a CA nobody trusts.</summary>
    public string StrangerCert => Path.Combine(Dir, "stranger.crt");
    public string StrangerKey => Path.Combine(Dir, "stranger.key");

    public X509Certificate2 Ca { get; private set; } = null!;

    /// <summary>The client certificate with its key, for .NET clients.</summary>
    public X509Certificate2 ClientCertificate() => X509Certificate2.CreateFromPemFile(ClientCert, ClientKey);

    public static TestCertificates Create(string dir)
    {
        var certs = new TestCertificates(dir);
        using var caKey = RSA.Create(2048);
        var ca = SelfSignedCa("CN=fastnode-test-ca", caKey);
        certs.Ca = ca;
        File.WriteAllText(certs.CaFile, ca.ExportCertificatePem());
        Issue(ca, caKey, "CN=localhost", server: true, certs.ServerCert, certs.ServerKey);
        using (var serverKey = RSA.Create())
        {
            serverKey.ImportFromPem(File.ReadAllText(certs.ServerKey));
            File.WriteAllText(certs.EncryptedServerKey, serverKey.ExportEncryptedPkcs8PrivateKeyPem(KeyPassword,
                new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000)));
        }
        Issue(ca, caKey, "CN=fastnode-renewed", server: true, certs.RenewedCert, certs.RenewedKey);
        Issue(ca, caKey, "CN=fastnode-client", server: false, certs.ClientCert, certs.ClientKey);
        using var strangerKey = RSA.Create(2048);
        using var stranger = SelfSignedCa("CN=stranger-ca", strangerKey);
        Issue(stranger, strangerKey, "CN=stranger", server: false, certs.StrangerCert, certs.StrangerKey);
        return certs;
    }

    /// <summary>True when <paramref name="certificate"/> chains to this CA (a client's validation callback).</summary>
    public bool Trusts(X509Certificate? certificate)
    {
        if (certificate is null) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(new X509Certificate2(certificate));
    }

    private static X509Certificate2 SelfSignedCa(string subject, RSA key)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static void Issue(X509Certificate2 ca, RSA caKey, string subject, bool server, string certFile, string keyFile)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        // Both purposes: replicas and cluster nodes present their server certificate when they dial.
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }
        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7f;
        // The CA certificate carries its key (CreateSelfSigned attaches it).
        using var cert = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-30), DateTimeOffset.UtcNow.AddHours(23), serial);
        File.WriteAllText(certFile, cert.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
    }
}
